/**
 * `npm run bench`: every `bench/*.bench.ts`, one after another in its own process (never two heavy
 * things at once), each writing `bench/results/<name>.json`. `BENCH=ingest,rows` runs a subset; the
 * benches' own variables (ROWS, SERVE_ROWS, DURATION, CONCURRENCY, BENCH_PG_URL) pass through.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { BENCH_DIR } from "./lib/results.ts";

/** The light one first; ingest before rows, which reuses what ingest loaded; then the rest by name. */
const FIRST = ["bundle", "ingest", "rows"];
const found = readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.slice(0, -".bench.ts".length));
const ALL = [...FIRST.filter((b) => found.includes(b)), ...found.filter((b) => !FIRST.includes(b)).sort()];
const chosen = (process.env.BENCH ?? ALL.join(",")).split(",").map((s) => s.trim());
const unknown = chosen.filter((b) => !ALL.includes(b));
if (unknown.length) throw new Error(`unknown benchmarks: ${unknown.join(", ")} (known: ${ALL.join(", ")})`);

let failed = 0;
for (const name of chosen) {
  console.log(`\n=== ${name} ===`);
  const started = performance.now();
  const res = spawnSync(process.execPath, ["--import", "tsx", path.join(BENCH_DIR, `${name}.bench.ts`)], {
    stdio: "inherit",
    env: process.env,
  });
  console.log(`=== ${name}: exit ${res.status} after ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
