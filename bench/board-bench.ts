// `npm run bench:board` (part of `npm run bench`): how fast the board is in a real browser with a
// large fleet. Starts the simulator with N environments and a production Flightboard watching it
// (each in its own process group; `--refresh default` polls at the contract's default intervals,
// 30/60/300 s, as a config without `refresh:` does; `--refresh sim` at the simulator config's
// 10/10/60 s, about 5× the upstream traffic on the same 2 cores as the browser), waits for every
// environment to be polled, then opens the board in
// Chromium several times from a cold browser context and prints, per load and as best / median /
// worst: time to interactive (the board's `flightboard:board-ready` mark, set after hydration on the
// first render with tiles), when all N tiles are in the DOM, HTML, scripts and fleet arrival, how long
// a text filter takes to narrow N tiles to one, and the compressed JavaScript of the first load.
// Figures, not assertions: the e2e suite checks behaviour, this prints speed.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { parseArgs } from "node:util";
import { chromium, type Page } from "@playwright/test";
import type { FleetResponse } from "../lib/monitor/dto";
import { TID } from "../lib/test-ids";
import { chromiumArgs, chromiumPath } from "../e2e/helpers/chromium";
import { startFlightboard, startSimulatedFleet } from "../e2e/helpers/servers";

const { values: args } = parseArgs({
  options: {
    environments: { type: "string", default: "300" },
    loads: { type: "string", default: "7" },
    refresh: { type: "string", default: "default" },
  },
});
if (args.refresh !== "default" && args.refresh !== "sim") throw new Error(`--refresh must be "default" or "sim", got "${args.refresh}"`);
const N = Number(args.environments);
const LOADS = Number(args.loads);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Load {
  ready: number;
  complete: number;
  html: number;
  scripts: number;
  fleet: number;
  filterMs: number;
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `best ${s[0].toFixed(0)} ms, median ${s[Math.floor(s.length / 2)].toFixed(0)} ms, worst ${s[s.length - 1].toFixed(0)} ms`;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const sim = await startSimulatedFleet(N);
  if (args.refresh === "default") {
    const config = JSON.parse(readFileSync(sim.configFile, "utf8")) as Record<string, unknown>;
    delete config.refresh;
    writeFileSync(sim.configFile, JSON.stringify(config, null, 2));
  }
  const server = await startFlightboard({ configFile: sim.configFile, env: sim.env });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    let fleet: FleetResponse;
    for (let i = 0; ; i++) {
      fleet = (await (await fetch(`${server.baseURL}/api/v1/fleet`)).json()) as FleetResponse;
      if (fleet.environments.length === N && fleet.counts.unknown === 0 && fleet.environments.every((e) => e.dags && e.runs)) break;
      if (i > 600) throw new Error("the fleet was not fully polled within 5 minutes");
      await sleep(500);
    }
    console.log(
      `board bench: ${N} simulated environments, polled by a production server (${args.refresh === "default" ? "default refresh 30/60/300 s" : "simulator refresh 10/10/60 s"}) in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    const needle = fleet.environments[7].name;

    // One warm-up load: a running board has its routes compiled and cached already.
    const warm = await browser.newPage();
    await warm.goto(`${server.baseURL}/`);
    await warm.getByTestId(TID.tile).nth(N - 1).waitFor({ state: "attached", timeout: 60_000 });
    await warm.close();

    /** One navigation to the board, measured; `tag` names the load in the output. */
    const measure = async (page: Page, tag: string): Promise<Load> => {
      await page.goto(`${server.baseURL}/`);
      await page.getByTestId(TID.tile).nth(N - 1).waitFor({ state: "attached", timeout: 60_000 });
      await page.waitForFunction(() => performance.getEntriesByName("flightboard:board-complete").length > 0);
      // A string, not a function: tsx would wrap named helpers in `__name`, which the page lacks.
      const t = (await page.evaluate(`(() => {
        const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? -1;
        const nav = performance.getEntriesByType("navigation")[0];
        const res = performance.getEntriesByType("resource");
        return {
          ready: mark("flightboard:board-ready"),
          complete: mark("flightboard:board-complete"),
          html: nav.responseEnd,
          scripts: Math.max(0, ...res.filter((r) => r.name.endsWith(".js")).map((r) => r.responseEnd)),
          fleet: res.find((r) => r.name.includes("/api/v1/fleet"))?.responseEnd ?? -1,
        };
      })()`)) as Omit<Load, "filterMs">;
      const f0 = performance.now();
      await page.getByTestId(TID.filterText).fill(needle);
      await page.waitForFunction((tid) => document.querySelectorAll(`[data-testid="${tid}"]`).length === 1, TID.tile);
      const load = { ...t, filterMs: performance.now() - f0 };
      console.log(
        `  ${tag}: interactive ${load.ready.toFixed(0)} ms (HTML ${load.html.toFixed(0)}, scripts ${load.scripts.toFixed(0)}, ` +
          `fleet ${load.fleet.toFixed(0)}), all ${N} tiles ${load.complete.toFixed(0)} ms, filter to one tile ${load.filterMs.toFixed(0)} ms`,
      );
      return load;
    };

    // Cold: a new browser profile each time (no HTTP cache, no compiled-code cache): a first visit.
    const cold: Load[] = [];
    let jsGzip = 0;
    let jsFiles = 0;
    for (let i = 0; i < LOADS; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      const page = await ctx.newPage();
      const scripts = new Map<string, Promise<number>>();
      if (i === 0) {
        page.on("response", (res) => {
          if (res.request().resourceType() === "script") scripts.set(res.url(), res.body().then((b) => gzipSync(b, { level: 9 }).length, () => 0));
        });
      }
      cold.push(await measure(page, `cold load ${i + 1}`));
      if (i === 0) {
        jsFiles = scripts.size;
        jsGzip = (await Promise.all(scripts.values())).reduce((a, b) => a + b, 0);
      }
      await ctx.close();
    }
    // Warm: one profile opening the board again, as someone does every morning (immutable chunks cached).
    const warmCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const warmPage = await warmCtx.newPage();
    await measure(warmPage, "warm-up");
    const warmLoads: Load[] = [];
    for (let i = 0; i < LOADS; i++) warmLoads.push(await measure(warmPage, `warm load ${i + 1}`));
    await warmCtx.close();

    const report = (label: string, loads: Load[]) => {
      console.log(`board, ${N} environments, 1920×1080, ${loads.length} ${label} loads:`);
      console.log(`  interactive (first screenful hydrated): ${stats(loads.map((l) => l.ready))}`);
      console.log(`  all ${N} tiles rendered:                 ${stats(loads.map((l) => l.complete))}`);
      console.log(`  text filter narrows to one tile:       ${stats(loads.map((l) => l.filterMs))}`);
    };
    report("cold (first visit)", cold);
    report("warm (cached scripts)", warmLoads);
    console.log(`  first load JavaScript: ${jsFiles} files, ${(jsGzip / 1024).toFixed(1)} kB gzip`);
  } finally {
    await browser.close();
    await server.stop();
    await sim.stop();
  }
}

// A failure rejects here and exits 1 with its stack; success exits at once (pools and timers may linger).
await main();
process.exit(0);
