import type { AuthConfig } from "@/lib/config/types";

/** The start-up lines about authentication: one line when on, a loud banner when turned off. */
export function announceAuth(auth: AuthConfig | undefined, source: string | null, log: Pick<Console, "log" | "warn"> = console): void {
  if (!auth || auth.mode === "disabled") {
    if (!source) {
      log.log("flightboard: authentication is off (demo mode: no configuration file)");
      return;
    }
    const bar = "!".repeat(78);
    for (const line of [
      bar,
      `AUTHENTICATION IS DISABLED by auth.mode: disabled in ${source}.`,
      "Anyone who can reach this server sees every environment, DAG, run and error message.",
      "Remove `mode: disabled` from the auth section (see README, Authentication) to require sign-in.",
      bar,
    ]) {
      log.warn(`flightboard: ${line}`);
    }
    return;
  }
  const providers = auth.providers.map((p) => p.id).join(", ");
  log.log(`flightboard: authentication on at ${auth.url} (sign-in: ${providers}; sessions ${auth.sessionHours} h; ${auth.displayTokens.length} display token(s), ${(auth.apiTokens ?? []).length} API token(s))`);
  for (const t of auth.displayTokens) {
    if (!t.token.value) log.warn(`flightboard: display token "${t.name}" is disabled: ${t.token.env} is not set`);
  }
  for (const t of auth.apiTokens ?? []) {
    if (!t.token.value) log.warn(`flightboard: API token "${t.name}" is disabled: ${t.token.env} is not set`);
  }
}
