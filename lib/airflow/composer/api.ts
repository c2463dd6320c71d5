import { z } from "zod";
import { AirflowError } from "../errors";
import { hostPort, jsonFromUpstream, upstreamFetch } from "../http";
import type { CallLimits } from "../transport";
import { parseImageVersion, type ImageVersion } from "./image-version";
import type { GoogleTokenSource } from "./google-auth";

/**
 * The Cloud Composer API v1 (`environments.get` and `environments.list`): the only place that knows
 * its JSON. Standard Google REST: lowerCamelCase, RFC 3339 timestamps, omitted empty fields, errors
 * as `{"error":{"code","message","status"}}`.
 */

export const DEFAULT_COMPOSER_ENDPOINT = "https://composer.googleapis.com";

const environmentSchema = z.object({
  name: z.string(),
  state: z.string().optional(),
  uuid: z.string().optional(),
  updateTime: z.string().optional(),
  config: z
    .object({
      airflowUri: z.string().optional(),
      softwareConfig: z.object({ imageVersion: z.string().optional() }).optional(),
    })
    .optional(),
});

const listSchema = z.object({
  environments: z.array(environmentSchema).optional(),
  nextPageToken: z.string().optional(),
});

/** What Flightboard needs of a Composer `Environment`. */
export interface ComposerEnvironment {
  /** `projects/{p}/locations/{l}/environments/{e}`. */
  name: string;
  project: string;
  location: string;
  environment: string;
  /** `STATE_UNSPECIFIED` when absent. */
  state: string;
  /** `config.airflowUri` without trailing slash; absent while CREATING. */
  airflowUri: string | null;
  imageVersion: string | null;
  image: ImageVersion;
}

export interface ComposerApiContext {
  apiEndpoint: string;
  tokens: GoogleTokenSource;
  limits: CallLimits;
  fetch?: typeof fetch;
}

function reshapeEnvironment(raw: z.infer<typeof environmentSchema>): ComposerEnvironment {
  const m = /^projects\/([^/]+)\/locations\/([^/]+)\/environments\/([^/]+)$/.exec(raw.name);
  const imageVersion = raw.config?.softwareConfig?.imageVersion ?? null;
  return {
    name: raw.name,
    project: m?.[1] ?? "",
    location: m?.[2] ?? "",
    environment: m?.[3] ?? raw.name,
    state: raw.state ?? "STATE_UNSPECIFIED",
    airflowUri: raw.config?.airflowUri ? raw.config.airflowUri.replace(/\/+$/, "") : null,
    imageVersion,
    image: parseImageVersion(imageVersion),
  };
}

function googleError(json: unknown): { message: string | null; status: string | null } {
  const e = (json as { error?: { message?: unknown; status?: unknown } } | undefined)?.error;
  const message = typeof e?.message === "string" ? e.message.replace(/\s+/g, " ").trim().slice(0, 200) : null;
  return { message, status: typeof e?.status === "string" ? e.status : null };
}

/** Maps a non-2xx Composer API answer to an `AirflowError` (`notFound` words the 404). */
function apiError(status: number, json: unknown, ctx: ComposerApiContext, subject: string, project: string, notFound: string): AirflowError {
  const g = googleError(json);
  const said = g.message ? `: ${g.message}` : "";
  const code = g.status ? ` ${g.status}` : "";
  if (status === 404) return new AirflowError({ kind: "platform", message: `${notFound}${said}`, httpStatus: 404 });
  if (status === 401) {
    return new AirflowError({
      kind: "auth",
      message: `the Composer API did not accept the access token of ${ctx.tokens.description} (HTTP 401${code})`,
      httpStatus: 401,
    });
  }
  if (status === 403) {
    return new AirflowError({
      kind: "auth",
      message: `the Composer API refused ${ctx.tokens.description} access to ${subject} (HTTP 403${code}${said}): grant it the Composer User role (roles/composer.user) on project ${project}, and enable the Cloud Composer API`,
      httpStatus: 403,
    });
  }
  if (status === 429) {
    return new AirflowError({ kind: "throttled", message: `the Composer API is rate limiting requests for ${subject} (HTTP 429${code})`, httpStatus: 429 });
  }
  return new AirflowError({
    kind: "http",
    message: `the Composer API answered HTTP ${status}${code} for ${subject}${said}`,
    httpStatus: status,
  });
}

async function apiGet(ctx: ComposerApiContext, path: string, signal: AbortSignal): Promise<{ status: number; json: unknown; url: string }> {
  const token = await ctx.tokens.accessToken(signal);
  const url = `${ctx.apiEndpoint.replace(/\/+$/, "")}${path}`;
  const res = await upstreamFetch(url, {
    method: "GET",
    headers: { accept: "application/json", authorization: `Bearer ${token}` },
    signal,
    limits: ctx.limits,
    fetch: ctx.fetch,
  });
  return { ...jsonFromUpstream(res, url), url };
}

function parsed<T>(schema: z.ZodType<T>, json: unknown, ctx: ComposerApiContext, what: string): T {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  throw new AirflowError({
    kind: "bad_response",
    message: `the Composer API answer from ${hostPort(ctx.apiEndpoint)} is not ${what}`,
    cause: r.error,
  });
}

const seg = encodeURIComponent;

/** `environments.get`. */
export async function getComposerEnvironment(
  ctx: ComposerApiContext,
  id: { project: string; location: string; environment: string },
  signal: AbortSignal,
): Promise<ComposerEnvironment> {
  const name = `projects/${seg(id.project)}/locations/${seg(id.location)}/environments/${seg(id.environment)}`;
  const { status, json } = await apiGet(ctx, `/v1/${name}`, signal);
  if (status < 200 || status >= 300) {
    throw apiError(status, json, ctx, `environment ${id.environment}`, id.project, `Composer environment ${id.environment} not found in project ${id.project}, location ${id.location}`);
  }
  return reshapeEnvironment(parsed(environmentSchema, json, ctx, "a Composer environment"));
}

/** `environments.list`, every page (`pageToken`), at most `maxPages` pages. */
export async function listComposerEnvironments(
  ctx: ComposerApiContext,
  where: { project: string; location: string },
  signal: AbortSignal,
  opts: { pageSize?: number; maxPages?: number } = {},
): Promise<ComposerEnvironment[]> {
  const out: ComposerEnvironment[] = [];
  let pageToken: string | undefined;
  const base = `/v1/projects/${seg(where.project)}/locations/${seg(where.location)}/environments`;
  for (let page = 0; page < (opts.maxPages ?? 100); page++) {
    const qs = new URLSearchParams({ pageSize: String(opts.pageSize ?? 100) });
    if (pageToken) qs.set("pageToken", pageToken);
    const { status, json } = await apiGet(ctx, `${base}?${qs}`, signal);
    if (status < 200 || status >= 300) {
      throw apiError(status, json, ctx, `the environments of ${where.project}/${where.location}`, where.project, `Composer location ${where.location} not found in project ${where.project}`);
    }
    const body = parsed(listSchema, json ?? {}, ctx, "a Composer environment list");
    for (const e of body.environments ?? []) out.push(reshapeEnvironment(e));
    pageToken = body.nextPageToken || undefined;
    if (!pageToken) return out;
  }
  throw new AirflowError({
    kind: "bad_response",
    message: `the Composer API kept paging the environments of ${where.project}/${where.location}`,
  });
}
