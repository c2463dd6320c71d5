import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, get, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSimCaSync, issueServerCert, type SimCa } from "./tls";

let dir: string;
let ca: SimCa;
let server: Server;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "fb-sim-ca-"));
  ca = ensureSimCaSync(dir);
  server = createServer(issueServerCert(ca), (_req, res) => res.end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function fetchWith(host: string, caPem?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", servername: host === "127.0.0.1" ? undefined : host, port, path: "/", ca: caPem, agent: false }, (res) => {
      let b = "";
      res.on("data", (c) => (b += c));
      res.on("end", () => resolve(b));
    }).on("error", reject);
  });
}

describe("sim/tls", () => {
  it("reuses the CA on disk and writes a cert-only file for NODE_EXTRA_CA_CERTS", () => {
    const again = ensureSimCaSync(dir);
    expect(again.caCert).toBe(ca.caCert);
    const onDisk = readFileSync(ca.caCertPath, "utf8");
    expect(onDisk).toBe(ca.caCert);
    expect(onDisk).not.toContain("PRIVATE KEY");
    expect(new X509Certificate(onDisk).ca).toBe(true);
  });

  it("issues a server cert with an IP SAN for 127.0.0.1 and a DNS SAN for localhost", () => {
    const x = new X509Certificate(issueServerCert(ca).cert);
    expect(x.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(x.subjectAltName).toContain("DNS:localhost");
    expect(x.checkIssued(new X509Certificate(ca.caCert))).toBe(true);
  });

  it("is trusted with the CA and rejected without it", async () => {
    await expect(fetchWith("127.0.0.1", ca.caCert)).resolves.toBe("ok");
    await expect(fetchWith("localhost", ca.caCert)).resolves.toBe("ok");
    await expect(fetchWith("127.0.0.1")).rejects.toThrow(/certificate|self.signed/i);
  });

  it("is trusted by a fresh node process through NODE_EXTRA_CA_CERTS (global fetch)", async () => {
    const script = `fetch("https://127.0.0.1:${port}/").then(r=>r.text()).then(t=>{console.log(t)},e=>{console.log("ERR",e.cause?.code??e.message);process.exit(1)})`;
    const run = (env: NodeJS.ProcessEnv) =>
      new Promise<{ code: number; out: string }>((resolve) =>
        execFile(process.execPath, ["-e", script], { env }, (err, stdout) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout.trim() }),
        ),
      );
    const trusted = await run({ ...process.env, NODE_EXTRA_CA_CERTS: ca.caCertPath });
    expect(trusted).toEqual({ code: 0, out: "ok" });
    const untrusted = await run({ ...process.env, NODE_EXTRA_CA_CERTS: "" });
    expect(untrusted.code).not.toBe(0);
  });
});
