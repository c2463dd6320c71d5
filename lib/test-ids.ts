/** Test ids shared by components and the Playwright tests. */
export const TID = {
  board: "fleet-board",
  tile: "env-tile",
  summaryBar: "summary-bar",
  envHeader: "env-header",
  envReasons: "env-reasons",
  failingDags: "failing-dags",
  recentFailures: "recent-failures",
  importErrors: "import-errors",
  dagRuns: "dag-runs",
  loadError: "load-error",
} as const;
