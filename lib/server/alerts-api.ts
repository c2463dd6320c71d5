import "server-only";
import { z } from "zod";
import type { AlertDto, SilenceDto } from "@/lib/alerts/dto";
import type { AlertEngine } from "@/lib/alerts/engine";
import type { AlertRecord, AttemptRecord, SilenceRecord } from "@/lib/alerts/records";
import type { Viewer } from "@/lib/auth/policy";
import { iso } from "@/lib/monitor/clock";
import type { FleetMonitor } from "@/lib/monitor/monitor";
import { apiAccess, maySee, type Access } from "./access";
import { apiError, BadRequest } from "./api";

/** Shapes and checks of /api/v1/alerts and /api/v1/silences (contract §8). */

/** Admins manage silences and send tests; with authentication disabled everyone is one (as for visibility). */
export function isAdmin(viewer: Viewer): boolean {
  return viewer.kind === "open" || (viewer.kind === "user" && viewer.role === "admin");
}

/** The caller, when an admin; otherwise the 401/403 answer to send. */
export async function adminAccess(req: Request): Promise<Access | Response> {
  const access = await apiAccess(req);
  if (access instanceof Response) return access;
  return isAdmin(access.viewer) ? access : apiError(403, "forbidden", "only administrators may do this");
}

export function alertDto(engine: AlertEngine, alert: AlertRecord, attempts: AttemptRecord[]): AlertDto {
  return {
    id: alert.id,
    rule: alert.rule,
    environmentId: alert.environmentId,
    dagId: alert.dagId,
    status: alert.status,
    state: alert.state,
    startedAt: iso(alert.startedAt),
    endedAt: alert.endedAt === null ? null : iso(alert.endedAt),
    reasons: alert.reasons,
    muted: alert.state === "firing" && engine.isMutedNow(alert),
    notifications: attempts.map((a) => ({ channel: a.channel, type: a.type, at: iso(a.at), ok: a.ok, error: a.error })),
  };
}

/** Alerts the viewer may see: those of environments they may see (gone environments: admins only). */
export function visibleAlerts(engine: AlertEngine, monitor: FleetMonitor, access: Access, q: { state?: "firing" | "resolved"; environmentId?: string }, limit = 500): AlertDto[] {
  const admin = isAdmin(access.viewer);
  return engine
    .list(q)
    .filter(({ alert }) => {
      const env = monitor.environment(alert.environmentId);
      return env ? maySee(access, env) : admin;
    })
    .slice(0, limit)
    .map(({ alert, attempts }) => alertDto(engine, alert, attempts));
}

export function silenceDto(s: SilenceRecord): SilenceDto {
  return { id: s.id, environments: (s.environments as SilenceDto["environments"]) ?? null, dags: s.dags ?? null, until: iso(s.until), comment: s.comment, createdBy: s.createdBy, createdAt: iso(s.createdAt) };
}

const MAX_SILENCE_MS = 90 * 24 * 3600_000;
const glob = z.string().min(1).max(250);
const silenceBody = z.strictObject({
  environments: z.union([z.strictObject({ tags: z.record(z.string().max(100), z.string().max(200)) }), z.strictObject({ ids: z.array(glob).min(1).max(500) })]).optional(),
  dags: z.strictObject({ include: z.array(glob).max(100).optional(), exclude: z.array(glob).max(100).optional() }).optional(),
  until: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/, "must be an ISO-8601 UTC time ending in Z"),
  comment: z.string().max(1000).default(""),
});

/** Parses a POST /api/v1/silences body; throws BadRequest naming the field. */
export async function parseSilence(req: Request, now: number): Promise<Omit<SilenceRecord, "id" | "createdAt" | "createdBy">> {
  if (!/^application\/json\b/i.test(req.headers.get("content-type") ?? "")) throw new BadRequest("send the silence as application/json");
  const text = await req.text();
  if (text.length > 64 * 1024) throw new BadRequest("body too large");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BadRequest("body is not JSON");
  }
  const r = silenceBody.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new BadRequest(`${i.path.join(".") || "(body)"}: ${i.message}`);
  }
  const until = Date.parse(r.data.until);
  if (Number.isNaN(until) || until <= now) throw new BadRequest("until: must be in the future");
  if (until - now > MAX_SILENCE_MS) throw new BadRequest("until: at most 90 days ahead");
  return { environments: r.data.environments, dags: r.data.dags, until, comment: r.data.comment };
}

export function createdBy(viewer: Viewer): string | null {
  return viewer.kind === "user" ? (viewer.identity.email ?? viewer.identity.sub) : null;
}
