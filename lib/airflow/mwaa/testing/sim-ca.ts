import { readFileSync } from "node:fs";
import { ensureSimCaSync } from "@/sim/tls";

/**
 * Test precondition (not production code): the simulator's web servers speak real TLS, trusted
 * the production way, through NODE_EXTRA_CA_CERTS, which Node reads only at start. Fails loudly
 * with the fix when this process does not trust the simulator CA.
 */
export function assertSimCaTrusted(): void {
  const caCert = ensureSimCaSync().caCert.trim();
  const path = process.env.NODE_EXTRA_CA_CERTS;
  let trusted = false;
  try {
    trusted = !!path && readFileSync(path, "utf8").includes(caCert);
  } catch {
    trusted = false;
  }
  if (!trusted) {
    throw new Error(
      "this test talks TLS to the simulator: start vitest with NODE_EXTRA_CA_CERTS pointing at the simulator CA " +
        "(npm test does it; by hand: NODE_EXTRA_CA_CERTS=$(node --import tsx -e \"import('./sim/tls.ts').then(m=>console.log(m.ensureSimCaSync().caCertPath))\") npx vitest run …)",
    );
  }
}
