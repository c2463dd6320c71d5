/**
 * The JSON shapes of /api/v1/alerts and /api/v1/silences (contract §8). Views import these as
 * types only.
 */

export interface AlertNotificationDto {
  channel: string;
  /** Extension: alert.firing, alert.resolved, alert.reminder or test. */
  type: string;
  at: string;
  ok: boolean;
  error: string | null;
}

export interface AlertDto {
  id: string;
  rule: string;
  environmentId: string;
  dagId: string | null;
  status: string;
  state: "firing" | "resolved";
  startedAt: string;
  endedAt: string | null;
  /** Extension: why, in plain words. */
  reasons: string[];
  /** Extension: notifications are held by a maintenance window or silence right now. */
  muted: boolean;
  notifications: AlertNotificationDto[];
}

export interface ChannelDto {
  name: string;
  type: "slack" | "webhook" | "pagerduty" | "email";
  /** Why the channel cannot send (an unset secret), or null. */
  disabled: string | null;
}

export interface AlertsResponse {
  alerts: AlertDto[];
  /** Extension, admins only (empty otherwise): every channel and whether it can send. */
  channels: ChannelDto[];
  /** Extension: whether the caller may silence and send tests. */
  admin: boolean;
}

export interface SilenceDto {
  id: string;
  environments: { tags: Record<string, string> } | { ids: string[] } | null;
  dags: { include?: string[]; exclude?: string[] } | null;
  until: string;
  comment: string;
  createdBy: string | null;
  createdAt: string;
}

export interface SilencesResponse {
  silences: SilenceDto[];
}
