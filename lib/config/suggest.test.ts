import { describe, expect, it } from "vitest";
import { configFileSchema } from "./schema";
import { closestKey, keysAt, levenshtein } from "./suggest";

describe("did you mean", () => {
  it("measures edit distance", () => {
    expect(levenshtein("helth", "health")).toBe(1);
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("", "abc")).toBe(3);
    expect(levenshtein("BaseURL", "baseUrl")).toBe(0);
  });

  it("suggests only close keys", () => {
    expect(closestKey("bseUrl", ["baseUrl", "auth"])).toBe("baseUrl");
    expect(closestKey("foo", ["baseUrl", "auth"])).toBeNull();
    expect(closestKey("ab", ["id"])).toBeNull();
  });

  it("knows which keys are valid where, through defaults, arrays and unions", () => {
    expect([...keysAt(configFileSchema, [])]).toEqual(expect.arrayContaining(["refresh", "environments", "discovery", "timeoutSeconds"]));
    expect(keysAt(configFileSchema, ["environments", 3, "airflow"]).has("baseUrl")).toBe(true);
    expect(keysAt(configFileSchema, ["environments", 0, "airflow", "auth"]).has("passwordEnv")).toBe(true);
    expect(keysAt(configFileSchema, ["environments", 0, "airflow", "auth"]).has("baseUrl")).toBe(false);
  });
});
