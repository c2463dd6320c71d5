/**
 * A throw-away certificate authority for the simulator's HTTPS servers (MWAA web servers, and any
 * other simulated endpoint that must be reached over real TLS).
 *
 * The CA is generated once into a directory and reused by every later process, because Node reads
 * `NODE_EXTRA_CA_CERTS` only at start-up: the start and test scripts call `ensureSimCaSync()` *before*
 * spawning node/vitest/next and export `NODE_EXTRA_CA_CERTS=<caCertPath>`, so connectors trust the
 * simulator through the same mechanism an operator uses for a private CA — no code path in the
 * connectors exists only for the demo.
 *
 * Keys come from Node's native RSA generator (fast); node-forge only builds and signs the X.509
 * structures, which Node cannot do by itself.
 */
import { generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import forge from "node-forge";

/** The simulator CA: its PEM certificate (also on disk at `caCertPath`) and PEM private key. */
export interface SimCa {
  /** Absolute path of a file holding only the CA certificate — the value for `NODE_EXTRA_CA_CERTS`. */
  caCertPath: string;
  caCert: string;
  caKey: string;
}

/** A server certificate and key, ready for `https.createServer({ cert, key })`. */
export interface ServerCert {
  cert: string;
  key: string;
}

export const DEFAULT_SIM_CA_DIR = ".flightboard/sim-ca";
const BUNDLE = "ca-bundle.pem";
const CERT = "ca-cert.pem";
const DAY_MS = 86_400_000;

function newRsaKey(): { forgeKey: forge.pki.rsa.PrivateKey; forgePub: forge.pki.rsa.PublicKey; pem: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem);
  const forgePub = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  return { forgeKey, forgePub, pem };
}

function serial(): string {
  // Positive (top bit clear) 16-byte serial: DER INTEGERs are signed.
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString("hex");
}

function createCa(): { cert: string; key: string } {
  const { forgeKey, forgePub, pem } = newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forgePub;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + 3650 * DAY_MS);
  const subject = [
    { name: "commonName", value: "Flightboard simulator CA" },
    { name: "organizationName", value: "Flightboard (local, not trusted elsewhere)" },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: pem };
}

function splitBundle(text: string): { cert: string; key: string } | null {
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(text)?.[0];
  const key = /-----BEGIN RSA PRIVATE KEY-----[\s\S]+?-----END RSA PRIVATE KEY-----\n?/.exec(text)?.[0];
  return cert && key ? { cert, key } : null;
}

function usable(bundle: { cert: string; key: string } | null): boolean {
  if (!bundle) return false;
  try {
    const x = new X509Certificate(bundle.cert);
    return x.ca && Date.parse(x.validTo) - Date.now() > 30 * DAY_MS;
  } catch {
    return false;
  }
}

function readBundle(path: string): { cert: string; key: string } | null {
  try {
    return splitBundle(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

/**
 * Returns the simulator CA in `dir` (default `.flightboard/sim-ca`, relative to the working
 * directory), creating it on first use and replacing it when it is unreadable or near expiry.
 * Safe when several processes race: the key+certificate bundle is published with an exclusive
 * hard link, so every process ends up with the same CA.
 *
 * Call it from a plain `.mjs` script through tsx (`import { ensureSimCaSync } from "../sim/tls.ts"`
 * under `node --import tsx`, or `tsx -e`) and export `NODE_EXTRA_CA_CERTS = ensureSimCaSync().caCertPath`
 * to every child process that must trust the simulator.
 */
export function ensureSimCaSync(dir: string = DEFAULT_SIM_CA_DIR): SimCa {
  // The CA lives in the working directory at run time; nothing here is part of the build output.
  const abs = resolve(/*turbopackIgnore: true*/ dir);
  mkdirSync(abs, { recursive: true });
  const bundlePath = join(abs, BUNDLE);
  let bundle = readBundle(bundlePath);
  if (!usable(bundle)) {
    const fresh = createCa();
    const tmp = join(abs, `.${BUNDLE}.${process.pid}.${randomBytes(4).toString("hex")}`);
    writeFileSync(tmp, fresh.key + fresh.cert, { mode: 0o600 });
    try {
      if (bundle) unlinkSync(bundlePath); // stale or broken: replace it
    } catch {
      /* another process replaced it first */
    }
    try {
      linkSync(tmp, bundlePath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    } finally {
      unlinkSync(tmp);
    }
    bundle = readBundle(bundlePath);
    if (!bundle) throw new Error(`could not create the simulator CA in ${abs}`);
  }
  const caCertPath = join(abs, CERT);
  let onDisk = "";
  try {
    onDisk = readFileSync(caCertPath, "utf8");
  } catch {
    /* first run */
  }
  if (onDisk !== bundle!.cert) {
    // Content derives from the bundle, so concurrent writers write the same bytes; rename keeps it atomic.
    const tmp = join(abs, `.${CERT}.${process.pid}.${randomBytes(4).toString("hex")}`);
    writeFileSync(tmp, bundle!.cert);
    renameSync(tmp, caCertPath);
  }
  return { caCertPath, caCert: bundle!.cert, caKey: bundle!.key };
}

/** Alias of {@link ensureSimCaSync} (the whole module is synchronous). */
export const ensureSimCa = ensureSimCaSync;

const issued = new Map<string, ServerCert>();

/**
 * Issues (and memoizes per process) a server certificate signed by `ca` for the given hosts:
 * IP addresses become IP SANs (TLS clients check `127.0.0.1` against IP SANs, never DNS names),
 * names become DNS SANs. Valid from one day ago for 90 days.
 */
export function issueServerCert(ca: SimCa, hosts: string[] = ["127.0.0.1", "localhost", "::1"]): ServerCert {
  const memoKey = `${ca.caCert}\0${hosts.join(",")}`;
  const hit = issued.get(memoKey);
  if (hit) return hit;
  const caCert = forge.pki.certificateFromPem(ca.caCert);
  const caKey = forge.pki.privateKeyFromPem(ca.caKey);
  const { forgePub, pem } = newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forgePub;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + 90 * DAY_MS);
  cert.setSubject([{ name: "commonName", value: hosts[0] ?? "localhost" }]);
  cert.setIssuer(caCert.subject.attributes);
  const isIp = (h: string) => /^[0-9.]+$/.test(h) || h.includes(":");
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: hosts.map((h) => (isIp(h) ? { type: 7, ip: h } : { type: 2, value: h })) },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  const out = { cert: forge.pki.certificateToPem(cert), key: pem };
  issued.set(memoKey, out);
  return out;
}
