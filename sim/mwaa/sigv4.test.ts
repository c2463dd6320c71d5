import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { verifySigV4, type SigV4Request } from "./sigv4";

/** The simulator's independent SigV4 verifier against requests signed by the real smithy signer. */

const CREDS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const lookup = (id: string) => (id === CREDS.accessKeyId ? { secretAccessKey: CREDS.secretAccessKey } : undefined);

async function signed(opts: { method: string; path: string; query?: Record<string, string>; body?: string; service?: string; sessionToken?: string }): Promise<SigV4Request> {
  const signer = new SignatureV4({
    service: opts.service ?? "airflow",
    region: "eu-west-1",
    credentials: { ...CREDS, ...(opts.sessionToken ? { sessionToken: opts.sessionToken } : {}) },
    sha256: Hash.bind(null, "sha256"),
  });
  const req = await signer.sign(
    new HttpRequest({
      method: opts.method,
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 4566,
      path: opts.path,
      query: opts.query,
      headers: { host: "127.0.0.1:4566", "content-type": "application/json" },
      body: opts.body,
    }),
  );
  // What a Node server receives: lower-case headers, the raw path and query as sent on the wire.
  const qs = Object.entries(opts.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: opts.method, url: `${opts.path}${qs ? `?${qs}` : ""}`, headers, body: opts.body ?? "" };
}

describe("verifySigV4", () => {
  it("accepts GET with an encoded query, POST with a JSON body, and temporary credentials", async () => {
    const get = await signed({ method: "GET", path: "/environments", query: { MaxResults: "25", NextToken: "a b~c/d+é" } });
    expect(verifySigV4(get, "airflow", lookup)).toMatchObject({ ok: true, accessKeyId: CREDS.accessKeyId, region: "eu-west-1" });
    const post = await signed({ method: "POST", path: "/restapi/my-env", body: JSON.stringify({ Path: "/dags/~/dagRuns", Method: "GET" }) });
    expect(verifySigV4(post, "airflow", lookup).ok).toBe(true);
    const temp = await signed({ method: "POST", path: "/webtoken/x", sessionToken: "tok" });
    expect(verifySigV4(temp, "airflow", (id) => (id === CREDS.accessKeyId ? { secretAccessKey: CREDS.secretAccessKey, sessionToken: "tok" } : undefined)).ok).toBe(true);
    expect(verifySigV4(temp, "airflow", (id) => (id === CREDS.accessKeyId ? { secretAccessKey: CREDS.secretAccessKey, sessionToken: "other" } : undefined))).toMatchObject({
      ok: false,
      code: "UnrecognizedClientException",
    });
  });

  it("rejects a tampered body, path, query or signed header, a wrong secret, service or key, and no signature", async () => {
    const post = await signed({ method: "POST", path: "/restapi/my-env", body: '{"Path":"/dags","Method":"GET"}' });
    expect(verifySigV4({ ...post, body: '{"Path":"/pools","Method":"GET"}' }, "airflow", lookup)).toMatchObject({ ok: false });
    expect(verifySigV4({ ...post, url: "/restapi/other-env" }, "airflow", lookup)).toMatchObject({ ok: false, code: "InvalidSignatureException" });
    const get = await signed({ method: "GET", path: "/environments", query: { MaxResults: "5" } });
    expect(verifySigV4({ ...get, url: "/environments?MaxResults=6" }, "airflow", lookup)).toMatchObject({ ok: false, code: "InvalidSignatureException" });
    expect(verifySigV4({ ...get, headers: { ...get.headers, host: "127.0.0.1:9999" } }, "airflow", lookup)).toMatchObject({ ok: false });
    expect(verifySigV4(get, "airflow", () => ({ secretAccessKey: "wrong" }))).toMatchObject({ ok: false, status: 403, code: "InvalidSignatureException" });
    expect(verifySigV4(get, "sts", lookup)).toMatchObject({ ok: false, code: "InvalidSignatureException" });
    expect(verifySigV4(get, "airflow", () => undefined)).toMatchObject({ ok: false, code: "UnrecognizedClientException" });
    const unsigned = { ...get.headers };
    delete unsigned.authorization;
    expect(verifySigV4({ ...get, headers: unsigned }, "airflow", lookup)).toMatchObject({ ok: false, code: "MissingAuthenticationTokenException" });
  });
});
