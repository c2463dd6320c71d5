import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Prepares the CA bundle the Node process must trust (through NODE_EXTRA_CA_CERTS, which Node reads
 * only at start) to talk TLS to the simulator: the simulator's CA plus any CA the operator already
 * trusts this way. Returns the bundle path, or undefined when the simulator has no TLS CA.
 */
export async function prepareSimCa(dir = path.resolve(".flightboard")): Promise<string | undefined> {
  const tlsModule = path.resolve(import.meta.dirname, "..", "sim", "tls.ts");
  if (!existsSync(tlsModule)) return undefined;
  // Loaded through tsx so this works from plain Node tooling (the Vitest config) as well as under tsx.
  const { tsImport } = await import("tsx/esm/api");
  const { ensureSimCa } = (await tsImport(tlsModule, import.meta.url)) as { ensureSimCa: (d?: string) => { caCertPath: string } };
  const { caCertPath } = ensureSimCa(path.join(dir, "sim-ca"));
  const bundle = path.join(dir, "ca-bundle.pem");
  mkdirSync(dir, { recursive: true });
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  const parts = [readFileSync(caCertPath, "utf8")];
  if (extra && extra !== bundle && existsSync(extra)) parts.push(readFileSync(extra, "utf8"));
  writeFileSync(bundle, parts.join("\n"));
  return bundle;
}
