// The bench's simulator, in its own process so its work never shows up in the measured latencies.
// Talks to the bench over IPC: "stats", "reset", "close".
import { startSimulator, type SimEnvironmentSpec } from "../sim/index";

const [n, m] = process.argv.slice(2).map(Number);
const specs: SimEnvironmentSpec[] = Array.from({ length: n }, (_, i) => ({
  id: `bench-${String(i).padStart(3, "0")}`,
  airflowVersion: i % 2 === 0 ? "2.10.5" : "3.1.0",
  scenario: i % 20 === 0 ? "failing-dags" : "healthy",
  dagCount: m,
  tags: { team: ["sales", "marketing", "finance", "platform"][i % 4] },
}));

const sim = await startSimulator({ environments: specs });
process.send!({ type: "ready", config: sim.config, processEnv: sim.processEnv });
process.on("message", (msg: string) => {
  if (msg === "stats") process.send!({ type: "stats", stats: sim.stats() });
  else if (msg === "reset") {
    sim.resetStats();
    process.send!({ type: "reset" });
  } else if (msg === "close") void sim.close().then(() => process.exit(0));
});
process.on("disconnect", () => void sim.close().then(() => process.exit(0)));
