/**
 * Starts the fleet monitor once, when the server starts, so environments are polled before anyone
 * opens the board. An invalid configuration ends the process (the start script already refuses
 * to start with one; this guards `next start` run directly). Nothing runs during `next build`.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { getFleet } = await import("./lib/server/fleet");
  await getFleet();
}
