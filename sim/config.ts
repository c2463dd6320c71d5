import type { VirtualAirflowImpl } from "./virtual-airflow";

/** Contract §2 config entries for built-in Airflow environments; secrets go to env vars by name. */

export function envVarBase(id: string): string {
  return `SIM_${id.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

export function airflowConfigEntry(va: VirtualAirflowImpl, baseUrl: string): { entry: Record<string, unknown>; env: Record<string, string> } {
  const { spec } = va;
  const base = envVarBase(spec.id);
  const env: Record<string, string> = {};
  let auth: Record<string, unknown>;
  switch (va.authKind) {
    case "none":
      auth = { type: "none" };
      break;
    case "basic":
    case "jwt":
      env[`${base}_PASSWORD`] = va.password;
      auth = { type: va.authKind, username: va.username, passwordEnv: `${base}_PASSWORD` };
      break;
    case "bearer":
      env[`${base}_TOKEN`] = va.token;
      auth = { type: "bearer", tokenEnv: `${base}_TOKEN` };
      break;
  }
  return {
    entry: { id: spec.id, name: spec.name ?? spec.id, tags: spec.tags ?? {}, airflow: { baseUrl, apiVersion: "auto", auth } },
    env,
  };
}
