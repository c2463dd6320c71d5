"use client";
import type { EnvironmentSummary } from "@/lib/monitor/dto";
import { Age } from "./age";
import { knowledgeOf, knownAt, unknownWords, type Part } from "./knowledge";

/**
 * The muted line under a panel whose data is not current: "Unknown: …" or "Last known 6 min ago"
 * (with why, when the environment is failing). Renders nothing when the data is current.
 */
export function KnowledgeNote({ env, parts }: { env: EnvironmentSummary; parts: Part[] }) {
  const k = knowledgeOf(env, ...parts);
  if (k === "current") return null;
  if (k === "unknown") {
    return (
      <p className="knowledge-note is-unknown" data-knowledge="unknown">
        Unknown: {unknownWords(env, parts[parts.length - 1])}.
      </p>
    );
  }
  return (
    <p className="knowledge-note is-last-known" data-knowledge="last-known">
      Last known <Age iso={knownAt(env, ...parts)} suffix=" ago" />
      {env.error ? ` — since then: ${env.error.message}` : env.stale ? " — no fresh data since" : ""}.
    </p>
  );
}
