/**
 * Prints the figures in `bench/results/*.json` as Markdown tables, for `docs/benchmarks.md`:
 *   npx tsx bench/report.ts
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { RESULTS_DIR } from "./lib/results.ts";

function load(name: string): unknown {
  const file = path.join(RESULTS_DIR, `${name}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
}

/** The value at a dotted path (`"mekong.seconds"`), or undefined. */
const at = (value: unknown, dotted: string): unknown =>
  dotted.split(".").reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
const list = (value: unknown, dotted: string) => (at(value, dotted) as unknown[] | undefined) ?? [];
const cells = (value: unknown, paths: string[]) =>
  paths.map((p) => {
    const v = at(value, p);
    return typeof v === "number" && v >= 10_000 ? v.toLocaleString("en") : String(v ?? "–");
  });

/** Adds `mekong.rssDuringIngest` ("start → peak") to one ingest size's figures. */
function withRssRange(size: unknown): unknown {
  const mekong = at(size, "mekong") as Record<string, unknown> | undefined;
  const [start, peak] = [mekong?.rssAtIngestStartMiB, mekong?.peakRssDuringIngestMiB];
  const rssDuringIngest = start === undefined ? "–" : `${start} → ${peak}`;
  return { ...(size as Record<string, unknown>), mekong: { ...mekong, rssDuringIngest } };
}

const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");

function machineLine(result: unknown): string {
  const [cores, cpu, memory, node, start, end] = cells(result, [
    "machine.cores",
    "machine.cpu",
    "machine.memoryGiB",
    "machine.node",
    "machine.loadAverage.atStart",
    "machine.loadAverage.atEnd",
  ]);
  return `${cores} × ${cpu}, ${memory} GiB, Node ${node}; 1-min load ${start} → ${end}; measured ${String(at(result, "measuredAt"))}`;
}

const ingest = load("ingest");
if (ingest) {
  console.log(`### Ingest\n\n${machineLine(ingest)}\n`);
  console.log(
    table(
      [
        "rows",
        "CSV MiB",
        "Mekong s",
        "Mekong MB/s",
        "Mekong rows/s",
        "Mekong process peak RSS MiB",
        "RSS at ingest start → peak during ingest MiB",
        "Parquet MiB",
        "COPY s",
        "COPY MB/s",
        "COPY rows/s",
        "COPY + index + VACUUM ANALYZE s",
        "PG backend peak MiB",
        "Mekong ÷ COPY",
      ],
      list(ingest, "figures.sizes").map((s) =>
        cells(withRssRange(s), [
          "rows",
          "csvMiB",
          "mekong.seconds",
          "mekong.mbPerSecond",
          "mekong.rowsPerSecond",
          "mekong.peakRssMiB",
          "mekong.rssDuringIngest",
          "mekong.parquetMiB",
          "postgres.copySeconds",
          "postgres.mbPerSecond",
          "postgres.rowsPerSecond",
          "postgres.readyToQuerySeconds",
          "postgres.backendPeakRssMiB",
          "mekongOverCopy",
        ]),
      ),
    ),
  );
  console.log();
}

const rows = load("rows");
if (rows) {
  console.log(`### Rows API (${cells(rows, ["figures.rows"])[0]} rows)\n\n${machineLine(rows)}\n`);
  console.log(
    table(
      ["query", "connections", "Mekong req/s", "p50 ms", "p99 ms", "PostgreSQL req/s", "p50 ms", "p99 ms"],
      list(rows, "figures.results").map((r) =>
        cells(r, [
          "query",
          "connections",
          "requestsPerSecond",
          "latencyP50Ms",
          "latencyP99Ms",
          "postgres.requestsPerSecond",
          "postgres.latencyP50Ms",
          "postgres.latencyP99Ms",
        ]),
      ),
    ),
  );
  console.log();
}

const bundle = load("bundle");
if (bundle) {
  console.log("### Portal bundle\n");
  console.log(
    table(
      ["asset", "raw KiB", "gzip KiB"],
      list(bundle, "figures.assets").map((a) => cells(a, ["file", "rawKiB", "gzipKiB"])),
    ),
  );
  const [js, css] = cells(bundle, ["figures.gzipKiB.js", "figures.gzipKiB.css"]);
  console.log(`\nTotal gzipped: ${js} KiB JS, ${css} KiB CSS.`);
}
