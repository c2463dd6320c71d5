import type { SimClock } from "../types";

/** Test helpers shared by the simulator's own tests (not used by the simulator itself). */

export class FakeClock implements SimClock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Got {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** GET/POST without following redirects; parses JSON when the body is JSON. */
export async function call(url: string, init: RequestInit = {}): Promise<Got> {
  const r = await fetch(url, { redirect: "manual", ...init });
  const text = await r.text();
  let json: unknown = undefined;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, text, json };
}

export function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
