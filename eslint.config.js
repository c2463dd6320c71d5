import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const restrict = (patterns) => ["error", { patterns: patterns.map((p) => ({ ...p, allowTypeImports: p.allowTypeImports ?? false })) }];

// The layer table of docs/design.md, enforced so the boundaries cannot rot silently.
const NEXT_OR_REACT = { group: ["next", "next/*", "react", "react-dom", "react/*"], message: "this layer must not depend on Next.js or React" };
const MONITOR = { group: ["@/lib/monitor", "@/lib/monitor/*", "**/lib/monitor/*"], message: "lib/airflow must not import the monitor" };
const CONFIG = { group: ["@/lib/config", "@/lib/config/*", "**/lib/config/*"], message: "only type imports from lib/config here", allowTypeImports: true };
const APP = { group: ["@/app/*", "**/app/*", "@/components/*"], message: "this layer must not import the UI" };
const SERVER_ONLY = {
  group: ["@/lib/monitor/*", "@/lib/airflow/*", "@/lib/config/*", "@/lib/server/*", "@/lib/auth/*", "@/sim/*", "**/lib/monitor/*", "**/lib/airflow/*", "**/sim/*"],
  message: "views use lib/queries and DTO types (import type) only",
  allowTypeImports: true,
};
// Pages are server components whose first line is the access check; that one server module is allowed.
const PAGES = { ...SERVER_ONLY, group: [...SERVER_ONLY.group, "!@/lib/server/page-guard", "!@/lib/server/page-lookup"], message: `${SERVER_ONLY.message} (pages may import @/lib/server/page-guard and page-lookup)` };
const CONNECTORS = { group: ["@/lib/airflow/*", "**/lib/airflow/*"], message: "the HTTP surface reaches connectors only through lib/monitor and lib/server", allowTypeImports: true };

// Tests and their support (`testing/` folders, the one place for it) wire layers together on purpose
// (config → monitor → connectors → simulator); the layer rules bind production code.
const TESTS = ["**/*.test.ts", "**/testing/**"];

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: [".next/**", "dist/**", "node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  {
    files: ["lib/airflow/**/*.ts"],
    ignores: TESTS,
    rules: {
      "no-restricted-imports": restrict([NEXT_OR_REACT, MONITOR, CONFIG, APP]),
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "lib/airflow is handed its settings; only lib/config reads process.env" }],
    },
  },
  {
    files: ["lib/monitor/**/*.ts"],
    ignores: TESTS,
    rules: {
      "no-restricted-imports": restrict([NEXT_OR_REACT, CONFIG, APP]),
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "the monitor is handed config and a clock" }],
    },
  },
  {
    // design.md: alerts hang off the snapshot; they never call Airflow and never read process.env.
    files: ["lib/alerts/**/*.ts"],
    ignores: TESTS,
    rules: {
      "no-restricted-imports": restrict([NEXT_OR_REACT, CONNECTORS, APP]),
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "alerts are handed config and a clock" }],
    },
  },
  {
    // History storage: drivers and the query layer only; handed its settings (docs/design.md).
    files: ["lib/store/**/*.ts"],
    ignores: TESTS,
    rules: {
      "no-restricted-imports": restrict([
        NEXT_OR_REACT,
        CONFIG,
        APP,
        { group: ["@/lib/airflow", "@/lib/airflow/*", "**/lib/airflow/*"], message: "lib/store must not import lib/airflow" },
        { group: ["@/lib/monitor/*", "!@/lib/monitor/dto", "!@/lib/monitor/clock"], message: "lib/store uses the monitor's DTO types only", allowTypeImports: true },
      ]),
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "lib/store is handed its settings; only lib/config reads process.env" }],
    },
  },
  {
    // docs/design.md: the shared vocabulary is imported by every layer, views included, so it imports nothing but itself.
    files: ["lib/vocabulary.ts", "lib/fleet-filter.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ regex: "^(?!\\./(vocabulary|fleet-filter)$)", message: "lib/vocabulary and lib/fleet-filter import nothing (every layer and the browser import them)" }] }],
    },
  },
  {
    files: ["sim/**/*.ts"],
    rules: {
      "no-restricted-imports": restrict([
        NEXT_OR_REACT,
        { group: ["@/lib/*", "**/lib/*", "@/app/*", "**/app/*"], message: "the simulator speaks the wire protocols only" },
      ]),
    },
  },
  {
    files: ["app/**/page.tsx", "app/**/layout.tsx", "components/**/*.tsx", "components/**/*.ts", "lib/queries/**/*.ts"],
    rules: { "no-restricted-imports": restrict([SERVER_ONLY]) },
  },
  { files: ["app/**/page.tsx"], rules: { "no-restricted-imports": restrict([PAGES]) } },
  { files: ["app/api/**/*.ts"], rules: { "no-restricted-imports": restrict([CONNECTORS]) } },
];

export default config;
