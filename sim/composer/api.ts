import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The simulated Cloud Composer API v1: `environments.get` and `environments.list` (pageSize /
 * pageToken), as Google's REST surface speaks them: lowerCamelCase JSON, RFC 3339 timestamps,
 * enums as strings, empty fields omitted, errors as `{"error":{"code","message","status"}}`.
 */

/** What the API needs to know of one simulated environment. */
export interface ComposerApiEnvironment {
  project: string;
  location: string;
  name: string;
  uuid: string;
  generation: 1 | 2 | 3;
  imageVersion: string;
  airflowUri: string;
  state: string;
  createTime: string;
  updateTime: string;
  labels: Record<string, string>;
  /** Known to the plane only: hidden environments answer 404 (e.g. deleted). */
  hidden?: boolean;
}

/** The Environment resource as Composer returns it (fields by generation, as the real service does). */
export function environmentResource(e: ComposerApiEnvironment): Record<string, unknown> {
  const name = `projects/${e.project}/locations/${e.location}/environments/${e.name}`;
  const short = e.uuid.slice(0, 8);
  const bucket = `${e.location}-${e.name}-${short}-bucket`;
  const softwareConfig: Record<string, unknown> = { imageVersion: e.imageVersion };
  if (e.generation === 1) softwareConfig.pythonVersion = "3";
  if (e.generation >= 2) softwareConfig.schedulerCount = 1;
  const config: Record<string, unknown> = {
    dagGcsPrefix: `gs://${bucket}/dags`,
    softwareConfig,
    airflowUri: e.airflowUri,
  };
  if (e.generation !== 3) config.gkeCluster = `projects/${e.project}/${e.generation === 1 ? "zones" : "locations"}/${e.location}${e.generation === 1 ? "-a" : ""}/clusters/${e.location}-${e.name}-${short}-gke`;
  if (e.generation === 1) {
    config.nodeCount = 3;
    config.nodeConfig = { machineType: `projects/${e.project}/zones/${e.location}-a/machineTypes/n1-standard-1`, diskSizeGb: 100 };
  } else {
    config.environmentSize = "ENVIRONMENT_SIZE_SMALL";
    config.workloadsConfig = {
      scheduler: { cpu: 0.5, memoryGb: 2, storageGb: 1, count: 1 },
      webServer: { cpu: 0.5, memoryGb: 2, storageGb: 1 },
      worker: { cpu: 0.5, memoryGb: 2, storageGb: 1, minCount: 1, maxCount: 3 },
      ...(e.generation === 3 ? { triggerer: { cpu: 0.5, memoryGb: 1, count: 1 }, dagProcessor: { cpu: 0.5, memoryGb: 2, storageGb: 1, count: 1 } } : {}),
    };
    config.webServerNetworkAccessControl = {
      allowedIpRanges: [
        { value: "0.0.0.0/0", description: "Allows access from all IPv4 addresses (default value)" },
        { value: "::0/0", description: "Allows access from all IPv6 addresses (default value)" },
      ],
    };
  }
  const resource: Record<string, unknown> = {
    name,
    config,
    uuid: e.uuid,
    state: e.state,
    createTime: e.createTime,
    updateTime: e.updateTime,
    storageConfig: { bucket },
  };
  if (Object.keys(e.labels).length) resource.labels = e.labels;
  return resource;
}

const STATUS_TEXT: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
};

export function sendGoogleError(res: ServerResponse, code: number, message: string): void {
  const body = JSON.stringify({ error: { code, message, status: STATUS_TEXT[code] ?? "UNKNOWN" } }, null, 2);
  res.writeHead(code, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(body), vary: "Origin, X-Origin, Referer" });
  res.end(body);
}

function sendJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(200, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(text), vary: "Origin, X-Origin, Referer" });
  res.end(text);
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export type ComposerRoute =
  | { op: "get"; project: string; location: string; name: string; routeKey: string }
  | { op: "list"; project: string; location: string; routeKey: string };

/** Recognises Composer API paths; null for anything else. */
export function matchComposerRoute(method: string, pathname: string): ComposerRoute | null {
  const m = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/environments(?:\/([^/]+))?\/?$/.exec(pathname);
  if (!m) return null;
  const [project, location, name] = [m[1], m[2], m[3]].map((s) => (s === undefined ? undefined : decodeURIComponent(s)));
  if (name !== undefined) return { op: "get", project: project!, location: location!, name, routeKey: `${method} /v1/projects/*/locations/*/environments/*` };
  return { op: "list", project: project!, location: location!, routeKey: `${method} /v1/projects/*/locations/*/environments` };
}

/** Serves one recognised route over `environments` (the caller has authenticated the request). */
export function serveComposerRoute(req: IncomingMessage, res: ServerResponse, route: ComposerRoute, environments: ComposerApiEnvironment[]): void {
  if (req.method !== "GET") return sendGoogleError(res, 405, "Method not allowed for this resource.");
  const visible = environments.filter((e) => !e.hidden);
  if (route.op === "get") {
    const env = visible.find((e) => e.project === route.project && e.location === route.location && e.name === route.name);
    if (!env) return sendGoogleError(res, 404, `Environment projects/${route.project}/locations/${route.location}/environments/${route.name} not found.`);
    return sendJson(res, environmentResource(env));
  }
  const url = new URL(req.url ?? "/", "http://composer.googleapis.com");
  const sizeParam = url.searchParams.get("pageSize");
  const size = sizeParam === null ? DEFAULT_PAGE_SIZE : Number(sizeParam);
  if (!Number.isInteger(size) || size < 0) return sendGoogleError(res, 400, `Invalid value at 'page_size' (TYPE_INT32), "${sizeParam}"`);
  const pageSize = size === 0 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
  const token = url.searchParams.get("pageToken");
  let offset = 0;
  if (token) {
    const decoded = /^o:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
    if (!decoded) return sendGoogleError(res, 400, "Invalid page token.");
    offset = Number(decoded[1]);
  }
  const all = visible
    .filter((e) => e.project === route.project && e.location === route.location)
    .sort((a, b) => a.name.localeCompare(b.name));
  const page = all.slice(offset, offset + pageSize);
  const body: Record<string, unknown> = {};
  if (page.length) body.environments = page.map(environmentResource);
  if (offset + pageSize < all.length) body.nextPageToken = Buffer.from(`o:${offset + pageSize}`).toString("base64url");
  sendJson(res, body);
}
