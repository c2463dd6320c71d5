import { vi } from "vitest";
import { startSimulator, type Simulator, type StartOptions } from "@/sim/index";
import { assertSimCaTrusted } from "./sim-ca";

/**
 * The simulator for MWAA tests, reached the way production reaches AWS: its CA trusted (asserted
 * first), its process environment (control-plane endpoint, test credentials) stubbed into
 * process.env for the SDK's default chain. Pair with `stopMwaaSimulator` in `afterAll`.
 */
export async function startMwaaSimulator(options: StartOptions): Promise<Simulator> {
  assertSimCaTrusted();
  const sim = await startSimulator(options);
  for (const [k, v] of Object.entries(sim.processEnv)) vi.stubEnv(k, v);
  return sim;
}

/** Undoes `startMwaaSimulator` (safe when it never got to start one). */
export async function stopMwaaSimulator(sim: Simulator | undefined): Promise<void> {
  vi.unstubAllEnvs();
  await sim?.close();
}
