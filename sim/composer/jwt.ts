import { createPublicKey, createSign, createVerify, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";

/** Minimal RS256 JWS helpers for the simulated Google token service (node:crypto only). */

export function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

export interface RsaKey {
  /** PKCS#8 PEM, as in a service-account key file. */
  privatePem: string;
  publicKey: KeyObject;
  /** Hex key id, as Google puts in `private_key_id` and JWS `kid`. */
  kid: string;
}

export function generateRsaKey(): RsaKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey,
    kid: randomBytes(20).toString("hex"),
  };
}

export function publicKeyOf(privatePem: string): KeyObject {
  return createPublicKey(privatePem);
}

export function signJwt(claims: Record<string, unknown>, key: RsaKey): string {
  const header = b64url(JSON.stringify({ alg: "RS256", kid: key.kid, typ: "JWT" }));
  const payload = b64url(JSON.stringify(claims));
  const signer = createSign("RSA-SHA256");
  signer.update(`${header}.${payload}`);
  return `${header}.${payload}.${signer.sign(key.privatePem).toString("base64url")}`;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** Splits and parses a compact JWS; null when it is not one. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8")) as Record<string, unknown>,
      claims: JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as Record<string, unknown>,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], "base64url"),
    };
  } catch {
    return null;
  }
}

/** True when `jwt` is an RS256 JWS signed by `publicKey`. */
export function verifyRs256(jwt: DecodedJwt, publicKey: KeyObject): boolean {
  if (jwt.header.alg !== "RS256") return false;
  const verifier = createVerify("RSA-SHA256");
  verifier.update(jwt.signingInput);
  return verifier.verify(publicKey, jwt.signature);
}
