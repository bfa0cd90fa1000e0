/**
 * The PostgreSQL side of the comparison: a fresh bench database, the same CSV loaded with `COPY … FROM
 * STDIN` streamed from disk (the path CKAN's xloader takes) into a typed table, and the backend's peak
 * memory read from /proc while the connection is still open.
 */
import { createReadStream, readFileSync, statSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { BENCH_COLUMNS, BENCH_PG_TYPES } from "../generate-csv.ts";

/** A server where the bench may create a database; the bench works only in `BENCH_PG_DATABASE`. */
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const PG_BENCH_DATABASE = process.env.BENCH_PG_DATABASE ?? "mekong_bench";

export function benchDatabaseUrl(): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${PG_BENCH_DATABASE}`;
  return url.toString();
}

/** Creates the bench database (dropping it first when `fresh`). */
export async function ensureBenchDatabase(opts: { fresh: boolean }): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const db = pg.escapeIdentifier(PG_BENCH_DATABASE);
    if (opts.fresh) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [
      PG_BENCH_DATABASE,
    ]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${db}`);
  } finally {
    await admin.end();
  }
  await withBenchClient((client) => client.query("CREATE EXTENSION IF NOT EXISTS unaccent"));
}

async function withBenchClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: benchDatabaseUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function dropBenchTable(table: string): Promise<void> {
  await withBenchClient((client) => client.query(`DROP TABLE IF EXISTS ${pg.escapeIdentifier(table)}`));
}

export interface CopyFigures {
  rows: number;
  /** COPY alone. */
  copySeconds: number;
  /** The btree index on ma_tinh a DBA would add, and VACUUM ANALYZE (statistics, visibility map). */
  indexSeconds: number;
  analyzeSeconds: number;
  tableBytes: number;
  totalRelationBytes: number;
  /** The server backend's peak resident memory (VmHWM; includes the shared buffers it touched). */
  backendPeakRssBytes: number;
}

/** Loads `file` into a new typed table `table` and indexes it as a DBA would. */
export async function copyIntoPostgres(file: string, table: string): Promise<CopyFigures> {
  const client = new pg.Client({ connectionString: benchDatabaseUrl() });
  await client.connect();
  try {
    const t = pg.escapeIdentifier(table);
    const columns = BENCH_COLUMNS.map((c) => `${pg.escapeIdentifier(c)} ${BENCH_PG_TYPES[c]}`).join(", ");
    await client.query(`DROP TABLE IF EXISTS ${t}`);
    await client.query(`CREATE TABLE ${t} (${columns})`);
    const [{ pid }] = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows as [
      { pid: number },
    ];

    let started = performance.now();
    const copy = client.query(copyFrom(`COPY ${t} FROM STDIN WITH (FORMAT csv, HEADER true)`));
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), copy);
    const copySeconds = (performance.now() - started) / 1000;
    const backendPeakRssBytes = peakRss(pid);

    started = performance.now();
    await client.query(`CREATE INDEX ON ${t} (ma_tinh)`);
    const indexSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    await client.query(`VACUUM ANALYZE ${t}`);
    const analyzeSeconds = (performance.now() - started) / 1000;

    const size = await client.query<{ rows: string; table: string; total: string }>(
      `SELECT (SELECT count(*) FROM ${t}) AS rows, pg_table_size($1) AS table, pg_total_relation_size($1) AS total`,
      [table],
    );
    const s = size.rows[0];
    return {
      rows: Number(s?.rows),
      copySeconds,
      indexSeconds,
      analyzeSeconds,
      tableBytes: Number(s?.table),
      totalRelationBytes: Number(s?.total),
      backendPeakRssBytes: Math.max(backendPeakRssBytes, peakRss(pid)),
    };
  } finally {
    await client.end();
  }
}

/** Whether `table` exists in the bench database with `rows` rows (so a rows bench can reuse a load). */
export async function tableHasRows(table: string, rows: number): Promise<boolean> {
  try {
    const res = await withBenchClient((client) =>
      client.query<{ n: string }>(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(table)}`),
    );
    return Number(res.rows[0]?.n) === rows;
  } catch {
    return false;
  }
}

/** Peak RSS of a local process from /proc (0 when the server runs elsewhere). */
function peakRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

export const fileBytes = (file: string) => statSync(file).size;
