import { readFileSync } from "node:fs";
import path from "node:path";

/** Shared by the auth harness (which writes it) and the auth specs (which read it). */

/** Test identities of the loopback identity provider (login = the key; any password). */
export const ACCOUNTS = {
  ann: { name: "Ann Viewer", email: "ann@example.com", groups: [] as string[] },
  fay: { name: "Fay Finance", email: "fay@example.com", groups: ["finance"] },
  root: { name: "Root Admin", email: "root@corp.test", groups: ["fb-admins"] },
  eve: { name: "Eve Outsider", email: "eve@elsewhere.test", groups: [] as string[] },
} as const;

export interface AuthFixture {
  baseUrl: string;
  issuer: string;
  configFile: string;
  logFile: string;
  controlUrl: string;
  canaryUrl: string;
  /** Simulator base URL of each environment. */
  simUrls: Record<string, string>;
  /** Every secret value the server was given (test values, fresh per run). */
  secrets: Record<string, string>;
}

export function readFixture(): AuthFixture {
  return JSON.parse(readFileSync(path.resolve(".flightboard/e2e-auth/fixture.json"), "utf8")) as AuthFixture;
}

export interface HarnessStats {
  sim: { total: number; byEnvironment: Record<string, number>; byRoute: Record<string, number> };
  canary: number;
}

export async function control(f: AuthFixture, what: "stats" | "reset" | "restart"): Promise<HarnessStats> {
  const res = await fetch(`${f.controlUrl}/${what}`, { method: what === "stats" ? "GET" : "POST" });
  if (!res.ok) throw new Error(`harness ${what}: HTTP ${res.status}`);
  return (await res.json()) as HarnessStats;
}
