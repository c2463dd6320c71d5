import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { decide } from "@/lib/auth/identify";
import type { AuthPolicy } from "@/lib/auth/policy-store";
import type { EnvironmentSummary } from "@/lib/monitor/dto";
import type { FleetMonitor, PollDone } from "@/lib/monitor/monitor";
import { availability, ENVIRONMENT_STATUSES } from "@/lib/vocabulary";
import { visibilityFilter } from "./access";
import { apiError } from "./api";

/**
 * `GET /metrics` (contract §9): the Prometheus text format, from memory, never calling Airflow.
 * Poll durations and outcomes accumulate in one registry (in `globalThis`, like the monitor); the
 * per-environment gauges are built per scrape from the summaries, because their labels include each
 * environment's tags and the set of tag keys changes with the configuration.
 */

const COMPONENTS = ["metadatabase", "scheduler", "triggerer", "dagProcessor"] as const;
/** Snake case for the `component` label (Prometheus convention). */
const COMPONENT_LABEL: Record<(typeof COMPONENTS)[number], string> = { metadatabase: "metadatabase", scheduler: "scheduler", triggerer: "triggerer", dagProcessor: "dag_processor" };

interface State {
  registry: Registry;
  pollDuration: Histogram<"environment" | "cadence">;
  upstream: Counter<"environment" | "cadence" | "outcome">;
  alertsFiring: () => number;
  version: string;
}

const slot = globalThis as typeof globalThis & { __flightboardMetrics?: State };
function state(): State {
  if (slot.__flightboardMetrics) return slot.__flightboardMetrics;
  const registry = new Registry();
  const pollDuration = new Histogram({
    name: "flightboard_poll_duration_seconds",
    help: "Duration of one poll of an environment (queueing included), by cadence.",
    labelNames: ["environment", "cadence"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const upstream = new Counter({
    name: "flightboard_upstream_requests_total",
    help: "Polls of the environments' APIs, by cadence and outcome (ok or the error code).",
    labelNames: ["environment", "cadence", "outcome"] as const,
    registers: [registry],
  });
  return (slot.__flightboardMetrics = { registry, pollDuration, upstream, alertsFiring: () => 0, version: process.env.npm_package_version ?? "0.1.0" });
}

/** The monitor's `onPollDone`. */
export function recordPoll(p: PollDone): void {
  const s = state();
  s.pollDuration.observe({ environment: p.environment, cadence: p.cadence }, p.seconds);
  s.upstream.inc({ environment: p.environment, cadence: p.cadence, outcome: p.outcome });
}

/** Where `flightboard_alerts_firing` comes from (the alerts engine registers itself; 0 until then). */
export function setAlertsFiringSource(fn: () => number): void {
  state().alertsFiring = fn;
}

/** The build's version, for `flightboard_build_info`. */
export function setBuildVersion(version: string): void {
  state().version = version;
}

/** Prometheus label names: letters, digits and `_`, not starting with a digit. */
function tagLabel(key: string): string {
  return `tag_${key.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

const secs = (iso: string | null, now: number): number | null => (iso ? Math.max(0, (now - Date.parse(iso)) / 1000) : null);

/** The exposition text for these environments. */
export async function metricsText(summaries: readonly EnvironmentSummary[], now: number): Promise<string> {
  const s = state();
  const scrape = new Registry();
  const tagKeys = [...new Set(summaries.flatMap((e) => Object.keys(e.tags)))].sort();
  const base = ["environment", "kind", ...tagKeys.map(tagLabel)];
  const gauge = (name: string, help: string, extra: string[] = []) => new Gauge({ name, help, labelNames: [...base, ...extra], registers: [scrape] });
  const up = gauge("flightboard_environment_up", "1 when the environment is healthy or degraded, 0 when unhealthy or unreachable; absent without data.");
  const status = gauge("flightboard_environment_status", "1 for the environment's current status, 0 for the others.", ["status"]);
  const stale = gauge("flightboard_environment_stale", "1 when the environment's data is older than allowed (contract §3).");
  const component = gauge("flightboard_component_healthy", "1 when the Airflow component reports healthy, 0 when unhealthy; absent when not reported.", ["component"]);
  const heartbeat = gauge("flightboard_scheduler_heartbeat_age_seconds", "Seconds since the scheduler's last heartbeat.");
  const lastSuccess = gauge("flightboard_poll_last_success_timestamp_seconds", "Unix time of the last health poll that got an answer.");
  const dags = gauge("flightboard_dags", "DAGs by state: active, paused, failing (last finished run failed).", ["state"]);
  const importErrors = gauge("flightboard_import_errors", "DAG files that fail to import.");
  const runs = gauge("flightboard_dag_runs", "DAG runs now running or queued.", ["state"]);
  for (const e of summaries) {
    const labels: Record<string, string> = { environment: e.id, kind: e.kind };
    for (const [k, v] of Object.entries(e.tags)) labels[tagLabel(k)] = v;
    const avail = availability(e.status);
    if (avail !== "nodata") up.set(labels, avail === "up" ? 1 : 0);
    for (const st of ENVIRONMENT_STATUSES) status.set({ ...labels, status: st }, e.status === st ? 1 : 0);
    stale.set(labels, e.stale ? 1 : 0);
    for (const c of COMPONENTS) {
      const v = e.components?.[c];
      if (v) component.set({ ...labels, component: COMPONENT_LABEL[c] }, v === "healthy" ? 1 : 0);
    }
    const hb = secs(e.schedulerHeartbeat, now);
    if (hb !== null) heartbeat.set(labels, hb);
    if (e.lastSuccessAt) lastSuccess.set(labels, Date.parse(e.lastSuccessAt) / 1000);
    if (e.dags) {
      dags.set({ ...labels, state: "active" }, e.dags.active);
      dags.set({ ...labels, state: "paused" }, e.dags.paused);
      dags.set({ ...labels, state: "failing" }, e.dags.failing);
      importErrors.set(labels, e.dags.importErrors);
    }
    if (e.runs) {
      runs.set({ ...labels, state: "running" }, e.runs.running);
      runs.set({ ...labels, state: "queued" }, e.runs.queued);
    }
  }
  new Gauge({ name: "flightboard_alerts_firing", help: "Alerts firing now.", registers: [scrape] }).set(s.alertsFiring());
  new Gauge({ name: "flightboard_build_info", help: "Always 1; the version is a label.", labelNames: ["version"], registers: [scrape] }).set({ version: s.version }, 1);
  return Registry.merge([scrape, s.registry]).metrics();
}

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function sameSecret(a: string, b: string): boolean {
  const h = (v: string) => createHash("sha256").update(v).digest();
  return timingSafeEqual(h(a), h(b));
}

/**
 * Who may scrape: everyone with authentication off; otherwise `Bearer <metrics token>` (every
 * environment) or `Bearer <display token>` (the environments that token sees). Session cookies do
 * not count: a scraper is not a person.
 */
export async function metricsAccess(policy: AuthPolicy, authorization: string | null, monitor: FleetMonitor): Promise<EnvironmentSummary[] | Response> {
  const all = monitor.environments();
  if (policy.auth.mode === "disabled") return all.map((env) => env.summary);
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (bearer !== undefined && policy.metricsToken && sameSecret(bearer, policy.metricsToken)) return all.map((env) => env.summary);
  const decision = await decide(policy, { cookies: new Map(), authorization: bearer === undefined ? null : authorization }, "api");
  if (!decision.ok || decision.viewer.kind !== "display") {
    return apiError(401, "unauthorized", "send Authorization: Bearer with the metrics token (metrics.tokenEnv) or a display token");
  }
  const visible = visibilityFilter({ viewer: decision.viewer, policy }, all);
  return (visible ? all.filter(visible) : all).map((env) => env.summary);
}
