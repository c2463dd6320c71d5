// Runs before the server listens: validates the configuration (printing one line per problem and
// exiting non-zero) and, in demo mode, makes sure the simulator's CA exists so the Node process can
// trust it through NODE_EXTRA_CA_CERTS. Prints one JSON line for scripts/start.mjs.
import { ConfigError, loadConfigFile, resolveConfigPath } from "../lib/config/load";
import { storageTarget } from "../lib/config/storage";
import type { FlightboardConfig } from "../lib/config/types";
import { HistoryStore } from "../lib/store/index";
import { prepareSimCa } from "./sim-ca";

/** Exit codes: 2 = invalid configuration, 3 = the history database cannot be used. */
const EXIT_STORAGE = 3;

const file = resolveConfigPath();
if (file) {
  let config: FlightboardConfig;
  try {
    config = loadConfigFile(file);
    console.error(`flightboard: configuration ${file} is valid (${config.environments.length} environment(s))`);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`flightboard: invalid configuration ${e.source}; nothing started:`);
      for (const p of e.problems) console.error(p);
      process.exit(2);
    }
    throw e;
  }
  // Open and migrate the history database now, so an unusable one stops the start with one line.
  try {
    const store = await HistoryStore.open({ target: storageTarget(config.storage!), retention: config.retention });
    console.error(`flightboard: history in ${store.describe}`);
    await store.close();
  } catch (e) {
    console.error(`flightboard: history database unusable; nothing started: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(EXIT_STORAGE);
  }
  console.log(JSON.stringify({}));
} else {
  console.log(JSON.stringify({ caBundle: await prepareSimCa() }));
}
