import { createHmac, timingSafeEqual } from "node:crypto";

/** Minimal HS512 JWTs as Airflow 3's JWTGenerator issues them (jti, nbf, iat, exp, sub). */

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const head = b64url(JSON.stringify({ alg: "HS512", typ: "JWT" }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac("sha512", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

export type JwtCheck = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: "invalid" | "expired" };

/** Verifies signature, `exp` and `nbf` with Airflow's default leeway of 10 s. */
export function verifyJwt(token: string, secret: string, nowMs: number, leewayS = 10): JwtCheck {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "invalid" };
  const [head, body, sig] = parts;
  const want = createHmac("sha512", secret).update(`${head}.${body}`).digest();
  let got: Buffer;
  try { got = Buffer.from(sig, "base64url"); } catch { return { ok: false, reason: "invalid" }; }
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, reason: "invalid" };
  let claims: Record<string, unknown>;
  try {
    const header = JSON.parse(Buffer.from(head, "base64url").toString("utf8"));
    if (header.alg !== "HS512") return { ok: false, reason: "invalid" };
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch { return { ok: false, reason: "invalid" }; }
  const now = nowMs / 1000;
  if (typeof claims.exp === "number" && now > claims.exp + leewayS) return { ok: false, reason: "expired" };
  if (typeof claims.nbf === "number" && now + leewayS < claims.nbf) return { ok: false, reason: "invalid" };
  return { ok: true, claims };
}
