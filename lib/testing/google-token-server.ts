import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll } from "vitest";
import { GoogleTokenService, type TokenRequestInfo } from "@/sim/composer/google";

export interface GoogleTokenServer {
  tokens: GoogleTokenService;
  /** `http://127.0.0.1:PORT`, set once the file's first `beforeAll` has run. */
  origin: string;
  /** `kind:audience` of each request answered since the last test began. */
  hits: string[];
}

/**
 * The simulator's Google token service on a loopback server of its own, serving the OAuth token
 * endpoint (key files) or the GCE metadata-server protocol (Application Default Credentials), for
 * the whole test file: started before its tests, `hits` cleared after each, closed after all.
 */
export function googleTokenServerPerFile(serve: "token-endpoint" | "metadata"): GoogleTokenServer {
  const google: GoogleTokenServer = { tokens: new GoogleTokenService({ projectId: "p" }), origin: "", hits: [] };
  const record = (info: TokenRequestInfo) => google.hits.push(`${info.kind}:${info.audience ?? ""}`);
  const server = createServer((req, res) => {
    if (serve === "metadata") record(google.tokens.handleMetadata(req, res));
    else void google.tokens.handleTokenEndpoint(req, res).then(record);
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    google.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    google.hits.length = 0;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return google;
}
