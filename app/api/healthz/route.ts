/** Liveness of the dashboard itself, not of the fleet (contract §1). Public. */
export function GET(): Response {
  return Response.json({ ok: true }, { headers: { "cache-control": "no-store" } });
}
