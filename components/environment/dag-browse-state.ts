/**
 * The DAG browser's view, kept in the address bar (so a view can be shared) and turned into the
 * `/dags` API's query. Pure, so it is unit-tested.
 */
export const DAG_PAGE_SIZE = 50;

export interface BrowseState {
  q: string;
  state: "" | "failed" | "running" | "success";
  paused: "" | "true" | "false";
  tag: string;
  owner: string;
  /** `${sort}:${dir}` of the API, e.g. "lastRun:desc". */
  order: string;
  /** 1-based. */
  page: number;
}

export const ORDERS: { value: string; label: string }[] = [
  { value: "dagId:asc", label: "DAG id, A → Z" },
  { value: "dagId:desc", label: "DAG id, Z → A" },
  { value: "state:asc", label: "Last run state, failed first" },
  { value: "lastRun:desc", label: "Last run, newest first" },
  { value: "lastRun:asc", label: "Last run, oldest first" },
  { value: "owner:asc", label: "Owner" },
];

const STATES = new Set(["failed", "running", "success"]);

export function readBrowseState(p: URLSearchParams): BrowseState {
  const state = p.get("state") ?? "";
  const paused = p.get("paused") ?? "";
  const order = p.get("order") ?? "dagId:asc";
  const page = Number(p.get("page") ?? "1");
  return {
    q: p.get("q") ?? "",
    state: (STATES.has(state) ? state : "") as BrowseState["state"],
    paused: paused === "true" || paused === "false" ? paused : "",
    tag: p.get("tag") ?? "",
    owner: p.get("owner") ?? "",
    order: ORDERS.some((o) => o.value === order) ? order : "dagId:asc",
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

/** The filters, as both the address bar and the API name them (empty ones left out). */
function filterParams(s: BrowseState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.q.trim()) p.set("q", s.q.trim());
  if (s.state) p.set("state", s.state);
  if (s.paused) p.set("paused", s.paused);
  if (s.tag) p.set("tag", s.tag);
  if (s.owner) p.set("owner", s.owner);
  return p;
}

/** The address bar's query (defaults left out). */
export function browseSearch(s: BrowseState): string {
  const p = filterParams(s);
  if (s.order !== "dagId:asc") p.set("order", s.order);
  if (s.page > 1) p.set("page", String(s.page));
  return p.toString();
}

/** The API query for one page. */
export function browseApiSearch(s: BrowseState): string {
  const p = filterParams(s);
  const [sort, dir] = s.order.split(":");
  p.set("sort", sort);
  p.set("dir", dir);
  p.set("offset", String((s.page - 1) * DAG_PAGE_SIZE));
  p.set("limit", String(DAG_PAGE_SIZE));
  return p.toString();
}
