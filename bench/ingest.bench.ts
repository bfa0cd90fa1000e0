/**
 * Ingest throughput and memory: Mekong's full ingest (detect, infer, cast, Parquet, hash, sign, record) of
 * an N-row CSV in a child process, against PostgreSQL `COPY … FROM STDIN` of the same file into a typed
 * table (the path CKAN's xloader takes), for several N to show memory stays flat as files grow.
 *
 *   ROWS=1000000,3000000,5000000 npx tsx bench/ingest.bench.ts
 *
 * With MEKONG_ENGINE_MEMORY_LIMIT set (e.g. 512MB) the figures go to `ingest-memory-<limit>.json`, and
 * POSTGRES=0 skips the PostgreSQL side (for a Mekong-only memory series).
 */
import { rmSync } from "node:fs";
import { benchCsvPath, generateBenchCsv } from "./generate-csv.ts";
import { ingestInChild, mekongDataDir } from "./lib/mekong.ts";
import { copyIntoPostgres, dropBenchTable, ensureBenchDatabase } from "./lib/postgres.ts";
import { mib, round, rowCounts, writeResult } from "./lib/results.ts";

const sizes = rowCounts(process.env.ROWS, [1_000_000, 3_000_000, 5_000_000]);
const largest = Math.max(...sizes);
const memoryLimit = process.env.MEKONG_ENGINE_MEMORY_LIMIT;
const withPostgres = process.env.POSTGRES !== "0";
const resultName = memoryLimit ? `ingest-memory-${memoryLimit.replace(/\s+/g, "")}` : "ingest";
const log = (message: string) => console.log(`[ingest] ${message}`);

const perSecond = (n: number, seconds: number) => round(n / seconds, 1);

async function measurePostgres(file: string, table: string, megabytes: number, rows: number) {
  log("PostgreSQL: COPY");
  const p = await copyIntoPostgres(file, table);
  log(
    `PostgreSQL: COPY ${round(p.copySeconds)} s, + index ${round(p.indexSeconds)} s, + VACUUM ANALYZE ${round(p.analyzeSeconds)} s`,
  );
  if (p.rows !== rows) throw new Error(`PostgreSQL loaded ${p.rows} rows, not ${rows}`);
  return {
    copySeconds: round(p.copySeconds),
    mbPerSecond: perSecond(megabytes, p.copySeconds),
    rowsPerSecond: Math.round(rows / p.copySeconds),
    indexSeconds: round(p.indexSeconds),
    vacuumAnalyzeSeconds: round(p.analyzeSeconds),
    readyToQuerySeconds: round(p.copySeconds + p.indexSeconds + p.analyzeSeconds),
    backendPeakRssMiB: mib(p.backendPeakRssBytes),
    tableMiB: mib(p.tableBytes),
    tableWithIndexMiB: mib(p.totalRelationBytes),
  };
}

async function main() {
  if (withPostgres) await ensureBenchDatabase({ fresh: true });
  const results = [];
  for (const rows of sizes) {
    const file = benchCsvPath(rows);
    log(`generating ${file}`);
    const bytes = await generateBenchCsv(rows, file);
    const megabytes = bytes / 1e6;

    const dir = mekongDataDir(rows);
    log(
      `Mekong: ingesting ${rows} rows (${mib(bytes)} MiB)${memoryLimit ? ` with a ${memoryLimit} engine limit` : ""}`,
    );
    const m = await ingestInChild(file, dir);
    log(`Mekong: ${round(m.seconds)} s, peak RSS ${mib(m.peakRssBytes)} MiB`);
    if (m.rows !== rows) throw new Error(`Mekong loaded ${m.rows} rows, not ${rows}`);
    const mekong = {
      seconds: round(m.seconds),
      processSeconds: round(m.processSeconds),
      mbPerSecond: perSecond(megabytes, m.seconds),
      rowsPerSecond: Math.round(rows / m.seconds),
      peakRssMiB: mib(m.peakRssBytes),
      peakRssBeforeIngestMiB: mib(m.beforeIngestPeakRssBytes),
      rssAtIngestStartMiB: mib(m.rssAtIngestStartBytes),
      peakRssDuringIngestMiB: mib(m.peakRssDuringIngestBytes),
      parquetMiB: mib(m.parquetBytes),
      inferredFields: m.fields,
    };

    const table = `doanh_nghiep_${rows}`;
    const postgres = withPostgres ? await measurePostgres(file, table, megabytes, rows) : undefined;
    results.push({
      rows,
      csvBytes: bytes,
      csvMiB: mib(bytes),
      mekong,
      postgres,
      /** > 1: Mekong took longer. */
      mekongOverCopy: postgres ? round(m.seconds / postgres.copySeconds) : undefined,
      mekongOverCopyIndexAnalyze: postgres ? round(m.seconds / postgres.readyToQuerySeconds) : undefined,
    });
    // Keep the largest load of each side for rows.bench.ts; the others only cost disk.
    if (rows !== largest) {
      rmSync(dir, { recursive: true, force: true });
      if (withPostgres) await dropBenchTable(table);
    }
  }
  const file = writeResult(resultName, {
    mekongEngine: {
      threads: process.env.MEKONG_ENGINE_THREADS ?? "default (all cores)",
      memoryLimit: memoryLimit ?? "default (DuckDB: 80% of RAM)",
    },
    postgres: withPostgres
      ? "server defaults (shared_buffers 128MB, work_mem 4MB); typed table; COPY FROM STDIN streamed by node-pg"
      : "not measured in this run",
    cache: "warm: the CSV was written before and fits in the page cache; both sides read it the same way",
    sizes: results,
  });
  log(`figures in ${file}`);
  console.table(
    results.map((r) => ({
      rows: r.rows,
      MiB: r.csvMiB,
      "mekong s": r.mekong.seconds,
      "mekong MB/s": r.mekong.mbPerSecond,
      "mekong peak MiB": r.mekong.peakRssMiB,
      "mekong RSS during ingest MiB": `${r.mekong.rssAtIngestStartMiB} → ${r.mekong.peakRssDuringIngestMiB}`,
      "COPY s": r.postgres?.copySeconds,
      "COPY MB/s": r.postgres?.mbPerSecond,
      "COPY+idx+analyze s": r.postgres?.readyToQuerySeconds,
      "pg backend peak MiB": r.postgres?.backendPeakRssMiB,
      "mekong/COPY": r.mekongOverCopy,
    })),
  );
}

await main();
