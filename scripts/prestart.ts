// Runs before the server listens: validates the configuration (printing one line per problem and
// exiting non-zero) and, in demo mode, makes sure the simulator's CA exists so the Node process can
// trust it through NODE_EXTRA_CA_CERTS. Prints one JSON line for scripts/start.mjs.
import { ConfigError, loadConfigFile, resolveConfigPath } from "../lib/config/load";
import { prepareSimCa } from "./sim-ca";

const file = resolveConfigPath();
if (file) {
  try {
    const config = loadConfigFile(file);
    console.error(`flightboard: configuration ${file} is valid (${config.environments.length} environment(s))`);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`flightboard: invalid configuration ${e.source}; nothing started:`);
      for (const p of e.problems) console.error(p);
      process.exit(2);
    }
    throw e;
  }
  console.log(JSON.stringify({}));
} else {
  console.log(JSON.stringify({ caBundle: await prepareSimCa() }));
}
