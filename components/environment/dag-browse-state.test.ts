import { describe, expect, it } from "vitest";
import { browseApiSearch, browseSearch, readBrowseState } from "./dag-browse-state";

describe("DAG browser state", () => {
  it("round-trips through the address bar, leaving defaults out", () => {
    const s = readBrowseState(new URLSearchParams("q=load&state=failed&paused=false&tag=etl&owner=ana&order=lastRun:desc&page=3"));
    expect(s).toEqual({ q: "load", state: "failed", paused: "false", tag: "etl", owner: "ana", order: "lastRun:desc", page: 3 });
    expect(readBrowseState(new URLSearchParams(browseSearch(s)))).toEqual(s);
    expect(browseSearch(readBrowseState(new URLSearchParams("")))).toBe("");
  });

  it("ignores values it does not know instead of sending them to the API", () => {
    expect(readBrowseState(new URLSearchParams("state=meh&paused=maybe&order=size:up&page=-2"))).toMatchObject({ state: "", paused: "", order: "dagId:asc", page: 1 });
  });

  it("asks the API for exactly one page", () => {
    const s = readBrowseState(new URLSearchParams("order=state:asc&page=2&tag=a b"));
    expect(Object.fromEntries(new URLSearchParams(browseApiSearch(s)))).toEqual({ tag: "a b", sort: "state", dir: "asc", offset: "50", limit: "50" });
  });
});
