import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { fullDemoFleet, generatedFleet } from "./demo-fleet";
import { startSimulator } from "./simulator";
import type { SimEnvironmentSpec } from "./types";

/**
 * `npm run simulator`: starts the demo fleet (or a generated one), writes the matching Flightboard
 * config and an env file with the secrets, prints the URLs, and stops on SIGINT/SIGTERM.
 * Secrets go only to the env file (mode 0600), never to the terminal.
 */

const USAGE = `Usage: npm run simulator -- [options]
  --environments N      generate N environments (Airflow 2 and 3 alternating) instead of the demo fleet
  --dags M              DAGs per generated environment (default 40, or 3000 with --scenario huge)
  --scenario NAME       scenario of every generated environment (default healthy)
  --seed N              data seed (default 42)
  --host ADDR           listen address (default 127.0.0.1)
  --slow-ms N           delay of the slow scenario (default 1500)
  --flap-period S       period of the flapping scenario in seconds (default 60)
  --write-config PATH   config file to write (default ./flightboard.sim.yaml; JSON is valid YAML)
  --write-env PATH      env file with the secrets, KEY=value lines (default ./flightboard.sim.env)
  --help`;

function positiveInt(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${v}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      environments: { type: "string" }, dags: { type: "string" }, scenario: { type: "string" }, seed: { type: "string" },
      host: { type: "string" }, "slow-ms": { type: "string" }, "flap-period": { type: "string" },
      "write-config": { type: "string" }, "write-env": { type: "string" }, help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const n = values.environments === undefined ? undefined : positiveInt("environments", values.environments, 0);
  const specs: SimEnvironmentSpec[] = n === undefined
    ? fullDemoFleet()
    : generatedFleet(n, values.dags === undefined ? undefined : positiveInt("dags", values.dags, 40), values.scenario ?? "healthy");
  const sim = await startSimulator({
    environments: specs,
    seed: positiveInt("seed", values.seed, 42),
    host: values.host,
    slowMs: positiveInt("slow-ms", values["slow-ms"], 1500),
    flapPeriodS: positiveInt("flap-period", values["flap-period"], 60),
  });

  const configPath = resolve(values["write-config"] ?? "flightboard.sim.yaml");
  const envPath = resolve(values["write-env"] ?? "flightboard.sim.env");
  writeFileSync(configPath, `${JSON.stringify(sim.config, null, 2)}\n`);
  writeFileSync(envPath, Object.entries(sim.processEnv).map(([k, v]) => `${k}=${v}`).join("\n") + "\n", { mode: 0o600 });

  const rows = specs.map((s) => [s.id, `Airflow ${s.airflowVersion}`, s.auth ?? (s.airflowVersion.startsWith("3") ? "jwt" : "basic"), s.scenario, sim.url(s.id)]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i].length))) ?? [];
  console.log(`Airflow fleet simulator: ${specs.length} environments`);
  for (const r of rows) console.log(`  ${r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()}`);
  console.log(`\nConfig:  ${configPath}\nSecrets: ${envPath}`);
  console.log(`Run Flightboard against it:  set -a; . ${envPath}; set +a; FLIGHTBOARD_CONFIG=${configPath} npm start`);
  console.log("Ctrl-C stops the simulator.");

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    sim.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((e: Error) => {
  console.error(`simulator: ${e.message}`);
  process.exit(1);
});
