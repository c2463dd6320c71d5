/**
 * JSON over HTTP for the channels, with errors in words that never carry the URL (a Slack webhook
 * URL or a PagerDuty routing key is itself the secret).
 */

export interface SendResult {
  ok: boolean;
  httpStatus: number | null;
  /** Plain words, no secret. */
  error: string | null;
  /** From a 429's Retry-After. */
  retryAfterMs?: number;
}

const TIMEOUT_MS = 10_000;

function socketWords(e: unknown): string {
  const cause = (e as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? (e as { code?: string })?.code;
  if ((e as Error)?.name === "TimeoutError" || (e as Error)?.name === "AbortError") return "no answer within 10 s";
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host name not found";
    default:
      return code ? `network error (${code})` : "network error";
  }
}

export async function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "flightboard-alerts", ...headers },
      body,
      redirect: "error",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    return { ok: false, httpStatus: null, error: socketWords(e) };
  }
  // The body is read only to free the socket; receivers' answers may echo what we sent.
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return { ok: true, httpStatus: res.status, error: null };
  const retryAfter = Number(res.headers.get("retry-after"));
  return {
    ok: false,
    httpStatus: res.status,
    error: `HTTP ${res.status}`,
    retryAfterMs: res.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
  };
}
