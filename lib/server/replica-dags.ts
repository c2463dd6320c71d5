import { createHash } from "node:crypto";
import type { Dag, DagRun, ImportError } from "@/lib/airflow/types";
import type { FleetMonitor } from "@/lib/monitor/monitor";
import type { DagRuns, RunIndex } from "@/lib/monitor/run-store";
import type { EnvironmentSnapshot, MirroredDags } from "@/lib/monitor/snapshot";
import { DagCacheStore, type DagCacheChange } from "@/lib/store/dag-cache";

/**
 * Followers serve the leader's DAG cache (contract §11): the DAG list, each DAG's latest runs, the
 * import errors, the recent failures and latency samples — everything the DAG list, search and an
 * environment's page read besides the summary. The leader stores what changed after its polls
 * (lib/store/dag-cache.ts) and announces the ids; followers load the parts that differ into their
 * own snapshot. Neither side is on the path of a read: requests keep reading the snapshot in memory.
 *
 * What "changed" costs: snapshots never change, so a part whose object is the one last stored is
 * skipped without looking inside; a new DAG list (every DAG poll) is serialized and compared by
 * hash, so an unchanged one is not written; runs are compared per DAG (by identity, then by
 * content), so a runs poll writes only the DAGs whose runs moved.
 */

/** Check the snapshots this often while leading (the 2 s bound includes the follower's read). */
const PUBLISH_MS = 500;
/** One transaction holds at most about this much text, or this many environments. */
const BATCH_BYTES = 4_000_000;
const BATCH_ENVS = 200;
/** Comparing and serializing yields to requests after this much work (ms). */
const SLICE_MS = 10;

type Meta = NonNullable<MirroredDags["meta"]>;

/** What the database holds of one environment, as this replica last wrote or read it. */
interface Known {
  version: number;
  dagsHash: string | null;
  metaHash: string | null;
  latencyHash: string | null;
  runsVersion: number;
  /** The snapshot parts those stand for (identity: a snapshot's parts are replaced, never changed). */
  dags: ReadonlyMap<string, Dag> | null;
  importErrors: readonly ImportError[] | null;
  meta: Meta;
  latency: EnvironmentSnapshot["latencyHistory"];
  runs: RunIndex;
}

export interface DagMirrorStats {
  writes: number;
  environments: number;
  runRows: number;
  bytes: number;
}

const hash = (text: string) => createHash("sha1").update(text).digest("base64url");
const metaOf = (v: EnvironmentSnapshot): Meta => ({ dagsAt: v.dagsAt, runsLoaded: v.runsLoaded, runsAt: v.runsAt, runsCursor: v.runsCursor, recentFailed: v.recentFailed });
const sameMeta = (a: Meta, b: Meta) => a.dagsAt === b.dagsAt && a.runsLoaded === b.runsLoaded && a.runsAt === b.runsAt && a.runsCursor === b.runsCursor && a.recentFailed === b.recentFailed;
const yieldNow = () => new Promise((r) => setImmediate(r));

/** One DAG's runs as stored; a run that is also the newest (or latest finished) is written once. */
export function runsJson(r: DagRuns): string {
  return JSON.stringify({ n: r.newest, l: r.latest && r.latest === r.newest ? "n" : r.latest, s: r.success && r.success === r.newest ? "n" : r.success && r.success === r.latest ? "l" : r.success });
}

export function parseRuns(json: string): DagRuns {
  const o = JSON.parse(json) as { n?: DagRun; l?: DagRun | "n"; s?: DagRun | "n" | "l" };
  const latest = o.l === "n" ? o.n : o.l;
  const success = o.s === "n" ? o.n : o.s === "l" ? latest : o.s;
  return { newest: o.n, latest: latest || undefined, success: success || undefined };
}

export class DagMirror {
  private readonly store: DagCacheStore;
  private readonly known = new Map<string, Known>();
  private leading = false;
  private timer: NodeJS.Timeout | null = null;
  private publishing = false;
  private pending: Set<string> | "all" | null = null;
  private loading = false;
  private closed = false;
  private lastWarning = { line: "", at: 0 };
  readonly stats: DagMirrorStats = { writes: 0, environments: 0, runRows: 0, bytes: 0 };

  constructor(
    private readonly opts: { monitor: FleetMonitor; url: string; holder: string; log: (msg: string) => void },
  ) {
    this.store = new DagCacheStore(opts.url);
  }

  /** This replica polls: store what its snapshots change, from what it holds (loaded as a follower or not). */
  lead(): void {
    this.leading = true;
    this.pending = null;
    this.schedule();
  }

  /** This replica no longer polls: stop storing (fencing also refuses a write without the lease). */
  follow(): void {
    this.leading = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (!this.leading || this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.publish().finally(() => this.schedule());
    }, PUBLISH_MS);
    this.timer.unref();
  }

  /** Leader: finds what changed since the last write and stores it in batches. */
  private async publish(): Promise<void> {
    if (this.publishing || !this.leading) return;
    this.publishing = true;
    try {
      let batch: { change: DagCacheChange; view: EnvironmentSnapshot; known: Omit<Known, "version" | "runsVersion"> }[] = [];
      let bytes = 0;
      const views = this.opts.monitor.environments();
      // Environments discovery dropped: nothing more to compare them with.
      if (this.known.size > views.length) {
        const ids = new Set(views.map((v) => v.id));
        for (const id of this.known.keys()) if (!ids.has(id)) this.known.delete(id);
      }
      let slice = performance.now();
      for (const view of views) {
        if (!this.leading) return;
        // Hundreds of environments are compared in slices: requests get in between.
        if (performance.now() - slice > SLICE_MS) {
          await yieldNow();
          slice = performance.now();
        }
        const d = this.diff(view);
        if (!d) continue;
        if ("same" in d) {
          // Only objects were replaced, not their content: remember the new ones.
          Object.assign(this.known.get(view.id)!, d.same);
          continue;
        }
        batch.push(d);
        bytes += d.size;
        if (bytes >= BATCH_BYTES || batch.length >= BATCH_ENVS) {
          if (!(await this.write(batch))) return;
          batch = [];
          bytes = 0;
        }
      }
      if (batch.length) await this.write(batch);
    } catch (e) {
      this.warn("could not store the DAG cache", e);
    } finally {
      this.publishing = false;
    }
  }

  /** What of `view` differs from what the database holds; null when nothing, `same` when only object identities moved. */
  private diff(view: EnvironmentSnapshot):
    | { change: DagCacheChange; view: EnvironmentSnapshot; known: Omit<Known, "version" | "runsVersion">; size: number }
    | { same: Partial<Known> }
    | null {
    const k = this.known.get(view.id);
    const meta = metaOf(view);
    if (k && k.dags === view.dags && k.importErrors === view.importErrors && k.runs === view.runs && k.latency === view.latencyHistory && sameMeta(k.meta, meta)) return null;
    const change: DagCacheChange = { id: view.id };
    let size = 0;
    let dagsHash = k?.dagsHash ?? null;
    if (!k || k.dags !== view.dags || k.importErrors !== view.importErrors) {
      const json = JSON.stringify({ dags: view.dags ? [...view.dags.values()] : null, importErrors: view.importErrors });
      dagsHash = hash(json);
      if (dagsHash !== k?.dagsHash) change.dags = { hash: dagsHash, json };
    }
    let metaHash = k?.metaHash ?? null;
    if (!k || !sameMeta(k.meta, meta)) {
      const json = JSON.stringify(meta);
      metaHash = hash(json);
      if (metaHash !== k?.metaHash) change.meta = json;
    }
    let latencyHash = k?.latencyHash ?? null;
    if (!k || k.latency !== view.latencyHistory) {
      const json = JSON.stringify(view.latencyHistory);
      latencyHash = hash(json);
      if (latencyHash !== k?.latencyHash) change.latency = json;
    }
    if (!k) {
      change.runs = { full: true, upsert: [...view.runs.dagIds()].map((id) => [id, runsJson(view.runs.of(id))]), remove: [] };
    } else if (k.runs !== view.runs) {
      const { changed, removed } = view.runs.changedSince(k.runs);
      const upsert: [string, string][] = [];
      for (const id of changed) {
        const json = runsJson(view.runs.of(id));
        // The same run read again by the next poll is a new object with the same content.
        if (json !== runsJson(k.runs.of(id))) upsert.push([id, json]);
      }
      if (upsert.length || removed.length) change.runs = { full: false, upsert, remove: removed };
    }
    const known = { dagsHash, metaHash, latencyHash, dags: view.dags, importErrors: view.importErrors, meta, latency: view.latencyHistory, runs: view.runs };
    if (!change.dags && !change.meta && !change.latency && !change.runs) return { same: known };
    size += (change.dags?.json.length ?? 0) + (change.meta?.length ?? 0) + (change.latency?.length ?? 0);
    for (const [, json] of change.runs?.upsert ?? []) size += json.length;
    return { change, view, known, size };
  }

  private async write(batch: { change: DagCacheChange; known: Omit<Known, "version" | "runsVersion"> }[]): Promise<boolean> {
    const versions = await this.store.write(this.opts.holder, batch.map((b) => b.change), Date.now());
    if (!versions) return false;
    for (const b of batch) this.known.set(b.change.id, { ...b.known, ...versions.get(b.change.id)! });
    const w = this.store.lastWrite;
    this.stats.writes++;
    this.stats.environments += w.environments;
    this.stats.runRows += w.runRows;
    this.stats.bytes += w.bytes;
    return true;
  }

  /** Follower: read what changed for these environments (null: check every stored one). */
  load(ids: string[] | null): void {
    if (this.leading || this.closed) return;
    if (ids === null || this.pending === "all") this.pending = "all";
    else {
      this.pending ??= new Set();
      for (const id of ids) this.pending.add(id);
    }
    if (!this.loading) void this.drain();
  }

  private async drain(): Promise<void> {
    this.loading = true;
    try {
      while (this.pending && !this.leading && !this.closed) {
        const what = this.pending;
        this.pending = null;
        let ids: string[];
        if (what === "all") {
          const stored = await this.store.versions();
          ids = [...stored].filter(([id, v]) => this.known.get(id)?.version !== v).map(([id]) => id);
        } else ids = [...what];
        for (const id of ids) {
          if (this.leading || this.closed) break;
          await this.loadOne(id);
        }
      }
    } catch (e) {
      this.warn("could not read the DAG cache", e);
    } finally {
      this.loading = false;
    }
  }

  private async loadOne(id: string): Promise<void> {
    const k = this.known.get(id);
    const row = await this.store.read(id, k?.dagsHash ?? null);
    if (!row || row.version === k?.version || !this.opts.monitor.environment(id)) return;
    const m: MirroredDags = {};
    if (row.dagsJson !== null) {
      const list = JSON.parse(row.dagsJson) as { dags: Dag[] | null; importErrors: ImportError[] | null };
      m.list = { dags: list.dags ? new Map(list.dags.map((d) => [d.dagId, d])) : null, importErrors: list.importErrors };
    }
    const metaHash = row.metaJson === null ? null : hash(row.metaJson);
    if (row.metaJson !== null && metaHash !== k?.metaHash) m.meta = JSON.parse(row.metaJson) as Meta;
    const latencyHash = row.latencyJson === null ? null : hash(row.latencyJson);
    if (row.latencyJson !== null && latencyHash !== k?.latencyHash) m.latencyHistory = JSON.parse(row.latencyJson) as Known["latency"];
    let runsVersion = k?.runsVersion ?? 0;
    const full = !k || row.runsBase > k.runsVersion;
    if (full || row.runsVersion > runsVersion) {
      const rows = await this.store.runs(id, full ? 0 : runsVersion);
      m.runs = { entries: rows.map((r) => [r.dagId, parseRuns(r.json)] as [string, DagRuns]), full };
      runsVersion = rows.reduce((v, r) => Math.max(v, r.version), row.runsVersion);
    }
    if (this.leading) return;
    const view = this.opts.monitor.mirrorDags(id, m);
    if (!view) return;
    this.known.set(id, {
      version: row.version,
      dagsHash: row.dagsHash,
      metaHash,
      latencyHash,
      runsVersion,
      dags: view.dags,
      importErrors: view.importErrors,
      meta: metaOf(view),
      latency: view.latencyHistory,
      runs: view.runs,
    });
  }

  /** One line per problem, again only if it lasts 30 s: a database that is down fails every attempt. */
  private warn(what: string, e: unknown): void {
    const line = `${what}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
    if (line === this.lastWarning.line && Date.now() - this.lastWarning.at < 30_000) return;
    this.lastWarning = { line, at: Date.now() };
    this.opts.log(line);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.follow();
    await this.store.close();
  }
}
