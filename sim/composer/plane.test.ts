import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimEnvironmentSpec, type Simulator } from "../index";
import { validateDiscovery, type DiscoveryDoc } from "../testing/discovery-schema";
import { b64url, generateRsaKey, signJwt } from "./jwt";

/**
 * The Composer plane on the wire: its Composer API answers checked against Google's discovery
 * document, plus the token endpoint, the metadata server and the web-server fronts as raw HTTP.
 */

const DOC_PATH = fileURLToPath(new URL("../../../shared/composer/composer.v1.discovery.json", import.meta.url));
const haveDoc = existsSync(DOC_PATH);

const SPECS: SimEnvironmentSpec[] = [
  { id: "c2", kind: "composer", airflowVersion: "2.9.3", scenario: "healthy", tags: { team: "a" }, options: { project: "proj-a", location: "us-central1" } },
  { id: "c3", kind: "composer", airflowVersion: "3.1.0", scenario: "updating", options: { project: "proj-a", location: "us-central1" } },
  { id: "c1", kind: "composer", airflowVersion: "2.4.3", scenario: "iap", options: { project: "proj-a", location: "us-central1" } },
  { id: "cerr", kind: "composer", airflowVersion: "2.9.3", scenario: "error-state", options: { project: "proj-a", location: "us-central1" } },
  { id: "ceu", kind: "composer", airflowVersion: "2.9.3", scenario: "healthy", options: { project: "proj-a", location: "europe-west1", discoverOnly: true } },
  { id: "cb", kind: "composer", airflowVersion: "2.9.3", scenario: "healthy", options: { project: "proj-b", location: "us-central1", environment: "other" } },
];

let sim: Simulator;
let api: string;
let token: string;

async function accessToken(): Promise<string> {
  const res = await fetch(`http://${sim.processEnv.GCE_METADATA_HOST}/computeMetadata/v1/instance/service-accounts/default/token`, {
    headers: { "Metadata-Flavor": "Google" },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("metadata-flavor")).toBe("Google");
  const body = (await res.json()) as { access_token: string; expires_in: number; token_type: string };
  expect(body.token_type).toBe("Bearer");
  expect(body.expires_in).toBeGreaterThan(3000);
  return body.access_token;
}

async function get(path: string, bearer: string | null = token): Promise<{ status: number; json: unknown; contentType: string | null }> {
  const res = await fetch(`${api}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  return { status: res.status, json: await res.json(), contentType: res.headers.get("content-type") };
}

beforeAll(async () => {
  sim = await startSimulator({ environments: SPECS });
  api = (sim.config.environments[0].composer as { apiEndpoint: string }).apiEndpoint;
  token = await accessToken();
});

afterAll(async () => {
  await sim?.close();
});

describe("config written by the plane", () => {
  it("has contract §2 composer entries, a discovery block and the metadata host", () => {
    const ids = sim.config.environments.map((e) => e.id);
    expect(ids).toEqual(["c2", "c3", "c1", "cerr", "cb"]);
    const c1 = sim.config.environments.find((e) => e.id === "c1")!.composer as Record<string, unknown>;
    expect(c1).toMatchObject({ project: "proj-a", location: "us-central1", environment: "c1", apiEndpoint: api });
    expect(c1.iapClientId).toMatch(/^\d{12}-[0-9a-f]{32}\.apps\.googleusercontent\.com$/);
    expect(sim.config.discovery).toEqual({
      composer: [
        { project: "proj-a", locations: ["europe-west1", "us-central1"], apiEndpoint: api },
        { project: "proj-b", locations: ["us-central1"], apiEndpoint: api },
      ],
    });
    expect(sim.processEnv.GCE_METADATA_HOST).toBe(api.replace("http://", ""));
  });
});

describe.skipIf(!haveDoc)(`Composer API against composer.v1.discovery.json (${haveDoc ? "found" : "skipped: ../shared/composer is absent"})`, () => {
  const doc = (): DiscoveryDoc => JSON.parse(readFileSync(DOC_PATH, "utf8")) as DiscoveryDoc;

  it("environments.get answers an Environment for every generation and state", async () => {
    const states: Record<string, string> = {};
    for (const id of ["c2", "c3", "c1", "cerr"]) {
      const r = await get(`/v1/projects/proj-a/locations/us-central1/environments/${id}`);
      expect(r.status).toBe(200);
      expect(r.contentType).toMatch(/^application\/json/);
      expect(validateDiscovery(doc(), "Environment", r.json)).toEqual([]);
      const env = r.json as { name: string; state: string; config: { airflowUri: string; softwareConfig: { imageVersion: string } } };
      expect(env.name).toBe(`projects/proj-a/locations/us-central1/environments/${id}`);
      expect(env.config.airflowUri).toBe(sim.url(id));
      states[id] = `${env.state} ${env.config.softwareConfig.imageVersion}`;
    }
    expect(states).toEqual({
      c2: "RUNNING composer-2.9.7-airflow-2.9.3",
      c3: "UPDATING composer-3-airflow-3.1.0-build.3",
      c1: "RUNNING composer-1.20.12-airflow-2.4.3",
      cerr: "ERROR composer-2.9.7-airflow-2.9.3",
    });
  });

  it("environments.list pages with pageSize and pageToken, each page a ListEnvironmentsResponse", async () => {
    const names: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const r = await get(`/v1/projects/proj-a/locations/us-central1/environments?pageSize=3${pageToken ? `&pageToken=${pageToken}` : ""}`);
      expect(r.status).toBe(200);
      expect(validateDiscovery(doc(), "ListEnvironmentsResponse", r.json)).toEqual([]);
      const body = r.json as { environments?: Array<{ name: string }>; nextPageToken?: string };
      names.push(...(body.environments ?? []).map((e) => e.name.split("/").pop()!));
      pageToken = body.nextPageToken;
      pages++;
    } while (pageToken);
    expect(pages).toBe(2);
    expect(names).toEqual(["c1", "c2", "c3", "cerr"]);
  });

  it("an empty list is {}", async () => {
    const r = await get("/v1/projects/proj-a/locations/asia-east1/environments");
    expect(r).toMatchObject({ status: 200, json: {} });
    expect(validateDiscovery(doc(), "ListEnvironmentsResponse", r.json)).toEqual([]);
  });

  it("errors are Google's envelope, with Status fields", async () => {
    const cases: Array<[string, string | null, number, string]> = [
      ["/v1/projects/proj-a/locations/us-central1/environments/nope", token, 404, "NOT_FOUND"],
      ["/v1/projects/proj-a/locations/us-central1/environments/c2", null, 401, "UNAUTHENTICATED"],
      ["/v1/projects/proj-a/locations/us-central1/environments/c2", "ya29.forged", 401, "UNAUTHENTICATED"],
      ["/v1/projects/proj-a/locations/us-central1/environments?pageToken=garbage", token, 400, "INVALID_ARGUMENT"],
    ];
    for (const [path, bearer, code, status] of cases) {
      const r = await get(path, bearer);
      expect(r.status).toBe(code);
      const err = (r.json as { error: { code: number; message: string; status: string } }).error;
      expect(err).toMatchObject({ code, status });
      expect(typeof err.message).toBe("string");
      expect(validateDiscovery(doc(), "Status", { code: err.code, message: err.message })).toEqual([]);
    }
  });

  it("the validator catches what the document does not allow", () => {
    expect(validateDiscovery(doc(), "Environment", { name: "x", state: "RUNNIN", createTime: "yesterday", bogus: 1 })).toHaveLength(3);
  });
});

describe("token endpoint (service-account JWT grants)", () => {
  const form = (assertion: string, grant = "urn:ietf:params:oauth:grant-type:jwt-bearer") =>
    fetch(`${api}/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: grant, assertion }) });
  const claims = (extra: Record<string, unknown> = {}) => {
    const iat = Math.floor(Date.now() / 1000);
    return { iss: "flightboard-reader@flightboard-sim.iam.gserviceaccount.com", scope: "https://www.googleapis.com/auth/cloud-platform", aud: "https://oauth2.googleapis.com/token", iat, exp: iat + 3600, ...extra };
  };

  it("refuses an assertion signed by a key that is not the account's", async () => {
    const res = await form(signJwt(claims(), generateRsaKey()));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "invalid_grant", error_description: "Invalid JWT Signature." });
  });

  it("refuses malformed assertions and other grant types", async () => {
    expect((await form("not-a-jwt")).status).toBe(400);
    expect((await form(`${b64url('{"alg":"none"}')}.${b64url(JSON.stringify(claims()))}.`)).status).toBe(400);
    const other = await form("x", "client_credentials");
    expect(await other.json()).toMatchObject({ error: "unsupported_grant_type" });
  });
});

describe("metadata server", () => {
  const md = (path: string, headers: Record<string, string> = { "Metadata-Flavor": "Google" }) =>
    fetch(`http://${sim.processEnv.GCE_METADATA_HOST}/computeMetadata/v1/${path}`, { headers });

  it("requires Metadata-Flavor: Google and always answers with it", async () => {
    const res = await md("instance", {});
    expect(res.status).toBe(403);
    expect(res.headers.get("metadata-flavor")).toBe("Google");
    expect((await md("instance")).status).toBe(200);
  });

  it("mints RS256 ID tokens for the asked audience, and insists on one", async () => {
    const res = await md("instance/service-accounts/default/identity?audience=aud-1&format=full");
    const jwt = await res.text();
    const [h, p] = jwt.split(".").slice(0, 2).map((x) => JSON.parse(Buffer.from(x, "base64url").toString()) as Record<string, unknown>);
    expect(h.alg).toBe("RS256");
    expect(p).toMatchObject({ aud: "aud-1", iss: "https://accounts.google.com", email_verified: true });
    expect((await md("instance/service-accounts/default/identity")).status).toBe(400);
  });
});

describe("web-server fronts", () => {
  const web = (id: string, headers: Record<string, string> = {}) => fetch(`${sim.url(id)}/api/v1/health`, { headers, redirect: "manual" });

  it("Composer 2: no or a bad token → 302 to Google sign-in; an access token → Airflow", async () => {
    for (const headers of [{}, { authorization: "Bearer ya29.forged" }] as Array<Record<string, string>>) {
      const res = await web("c2", headers);
      expect(res.status).toBe(302);
      expect(new URL(res.headers.get("location")!).hostname).toBe("accounts.google.com");
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
    }
    const res = await web("c2", { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ metadatabase: { status: "healthy" } });
  });

  it("Composer 1 (IAP): sign-in redirect names the client id; access tokens and wrong audiences are refused", async () => {
    const clientId = (sim.config.environments.find((e) => e.id === "c1")!.composer as { iapClientId: string }).iapClientId;
    const anon = await web("c1");
    expect(anon.status).toBe(302);
    expect(new URL(anon.headers.get("location")!).searchParams.get("client_id")).toBe(clientId);
    const withAccess = await web("c1", { authorization: `Bearer ${token}` });
    expect(withAccess.status).toBe(401);
    expect(await withAccess.text()).toMatch(/^Invalid IAP credentials/);
    const idFor = async (aud: string) =>
      (await fetch(`http://${sim.processEnv.GCE_METADATA_HOST}/computeMetadata/v1/instance/service-accounts/default/identity?audience=${aud}&format=full`, { headers: { "Metadata-Flavor": "Google" } })).text();
    const wrong = await web("c1", { authorization: `Bearer ${await idFor("someone-else")}` });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toMatch(/audience/);
    const right = await web("c1", { "proxy-authorization": `Bearer ${await idFor(clientId)}` });
    expect(right.status).toBe(200);
  });

  it("scenarios switch at run time: ip-blocked, no-airflow-user, error-state", async () => {
    sim.setScenario("c2", "ip-blocked");
    const blocked = await web("c2", { authorization: `Bearer ${token}` });
    expect(blocked.status).toBe(403);
    expect(await blocked.text()).toMatch(/IP address .* is not allowed/);
    sim.setScenario("c2", "no-airflow-user");
    const noUser = await web("c2", { authorization: `Bearer ${token}` });
    expect(noUser.status).toBe(403);
    expect(await noUser.json()).toMatchObject({ status: 403, title: "Forbidden" });
    sim.setScenario("c2", "error-state");
    expect((await web("c2", { authorization: `Bearer ${token}` })).status).toBe(502);
    expect(((await get("/v1/projects/proj-a/locations/us-central1/environments/c2")).json as { state: string }).state).toBe("ERROR");
    sim.setScenario("c2", "healthy");
    expect((await web("c2", { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it("counts every request, per environment where it can", async () => {
    sim.resetStats();
    await web("c2", { authorization: `Bearer ${token}` });
    await web("c2");
    await get("/v1/projects/proj-a/locations/us-central1/environments/c3");
    await get("/v1/projects/proj-a/locations/us-central1/environments");
    await accessToken();
    const s = sim.stats();
    expect(s.byEnvironment).toEqual({ c2: 2, c3: 1, "composer-plane": 2 });
    expect(s.byRoute["GET /computeMetadata/v1/instance/service-accounts/default/token"]).toBe(1);
    expect(s.total).toBe(5);
  });
});
