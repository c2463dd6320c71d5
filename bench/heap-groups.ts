// Groups a heap snapshot's objects by constructor (strings, arrays, code … by type) and prints the
// largest groups: where a process's live heap goes. Used by memory-probe.ts and fleet-bench.ts.
import { readFileSync } from "node:fs";

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

export function printHeapGroups(file: string, top = 25): void {
  const snap = JSON.parse(readFileSync(file, "utf8")) as { snapshot: { meta: { node_fields: string[]; node_types: string[][] } }; nodes: number[]; strings: string[] };
  const f = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = f.length;
  const iType = f.indexOf("type");
  const iName = f.indexOf("name");
  const iSize = f.indexOf("self_size");
  const groups = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType]];
    const key = type === "object" || type === "closure" ? `${type}:${snap.strings[snap.nodes[i + iName]]}` : type;
    const g = groups.get(key) ?? { count: 0, bytes: 0 };
    g.count += 1;
    g.bytes += snap.nodes[i + iSize];
    total += snap.nodes[i + iSize];
    groups.set(key, g);
  }
  console.log(`  heap snapshot ${file}: ${mb(total)} live`);
  for (const [k, g] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top)) console.log(`    ${k.padEnd(50)} ${String(g.count).padStart(9)} ${mb(g.bytes).padStart(9)}`);
}
