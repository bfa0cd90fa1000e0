// A delimited UTF-8 file as a relation of text columns: its header, a sample, and the full-file check scan
// with DuckDB's rejects table watching for ragged rows and bad bytes. Short rows are padded (and counted
// in a warning); rows with extra fields fail the ingest, since their extra values would be lost.

import { randomUUID } from "node:crypto";
import { open } from "node:fs/promises";
import type { DuckDBConnection } from "@duckdb/node-api";
import { EngineQueryError } from "../engine/index.ts";
import {
  type CsvTable,
  csvFailure,
  MAX_ROW_BYTES,
  type Reject,
  readCsv,
  rejectsError,
  rejectsQuery,
} from "./csv-read.ts";
import { parseRecords } from "./dialect.ts";
import { IngestError } from "./errors.ts";
import { type CheckOutcome, type CheckPlan, checkSql, pickCandidates, SAMPLE_ROWS } from "./infer.ts";
import { type RunOptions, runStatement } from "./run.ts";
import { ident } from "./sql.ts";

/** How the file must be read to see every row: found by the check scan, reused by the write. */
export interface CsvReadMode {
  nullPadding: boolean;
  parallel: boolean;
}

async function readPrefix(path: string, bytes: number): Promise<{ text: string; complete: boolean }> {
  const handle = await open(path, "r");
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.min(bytes, size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = new TextDecoder("utf-8").decode(buffer.subarray(0, bytesRead)).replace(/^\ufeff/, "");
    return { text: bytesRead < size ? text.replace(/\ufffd$/, "") : text, complete: bytesRead >= size };
  } finally {
    await handle.close();
  }
}

/** The first record of the file (the header, or the first row): read further than the head if it is long. */
async function firstRecord(path: string, delimiter: string): Promise<string[]> {
  for (const bytes of [64 * 1024, MAX_ROW_BYTES]) {
    const { text, complete } = await readPrefix(path, bytes);
    const [record] = parseRecords(text, delimiter, 1, complete);
    if (record || complete) return record ?? [];
  }
  throw new IngestError("row_too_large", `The first line is longer than ${MAX_ROW_BYTES} bytes`, {
    limitBytes: MAX_ROW_BYTES,
    line: 1,
  });
}

/** The relation for a UTF-8 delimited file: columns `c1…cN` from the first record's field count. */
export async function openCsv(
  path: string,
  delimiter: string,
  header: boolean,
  width?: number,
): Promise<CsvTable> {
  const first = await firstRecord(path, delimiter);
  const count = Math.max(width ?? 0, first.length);
  const columnIds = Array.from({ length: count }, (_, i) => `c${i + 1}`);
  const titles = columnIds.map((_, i) => (header ? (first[i] ?? null) : null));
  return { path, delimiter, header, columnIds, titles };
}

/** The first rows as text (missing values as null), forgiving of bad rows: the check scan judges those. */
export async function sampleCsv(
  connection: DuckDBConnection,
  table: CsvTable,
  missingValues: readonly string[],
  opts: RunOptions,
): Promise<(string | null)[][]> {
  const from = readCsv(table, { missingValues, nullPadding: true, parallel: false, ignoreErrors: true });
  const rows = await runStatement(connection, `SELECT * FROM ${from} LIMIT ${SAMPLE_ROWS}`, opts);
  return rows.map((row) => table.columnIds.map((id) => (row[id] ?? null) as string | null));
}

const PARALLEL_PADDING = /does not support null_padding in conjunction with quoted new lines/i;

/** Runs `sql`, retrying on the serial reader when DuckDB's parallel one cannot pad rows with quoted newlines. */
async function withPadding<T>(
  run: (mode: CsvReadMode) => Promise<T>,
  nullPadding: boolean,
): Promise<{ result: T; mode: CsvReadMode }> {
  const mode = { nullPadding, parallel: true };
  try {
    return { result: await run(mode), mode };
  } catch (error) {
    if (!(nullPadding && error instanceof EngineQueryError && PARALLEL_PADDING.test(error.message)))
      throw error;
    const serial = { nullPadding, parallel: false };
    return { result: await run(serial), mode: serial };
  }
}

export interface CsvScan<T> {
  result: T;
  mode: CsvReadMode;
  warnings: string[];
}

export interface CsvScanContext extends RunOptions {
  missingValues: readonly string[];
  encoding: string;
  /** Known to need padding already (an XLSX sheet that widened). */
  padded: boolean;
}

/**
 * Runs `statement` (built over the file's `read_csv`) once over the whole file, with bad rows going to a
 * rejects table instead of the result: rows with too few fields make it run again with padding (and a
 * warning with their count, from `rowsOf`); extra fields, bad bytes, broken quoting fail the ingest.
 */
export async function scanCsv<T>(
  connection: DuckDBConnection,
  table: CsvTable,
  statement: (from: string) => string,
  rowsOf: (result: T) => number,
  ctx: CsvScanContext,
): Promise<CsvScan<T>> {
  const suffix = randomUUID().replaceAll("-", "");
  const rejects = { table: `mekong_rejects_${suffix}`, scan: `mekong_scans_${suffix}`, limit: 100 };
  const run = async (mode: CsvReadMode, withRejects: boolean): Promise<T> => {
    const from = readCsv(table, {
      missingValues: ctx.missingValues,
      ...mode,
      ...(withRejects ? { rejects } : {}),
    });
    return (await runStatement(connection, statement(from), ctx)) as T;
  };
  const attempt = (nullPadding: boolean, withRejects: boolean) =>
    withPadding((mode) => run(mode, withRejects), nullPadding).catch((error: unknown) => {
      throw csvFailure(error, ctx.encoding);
    });
  try {
    const first = await attempt(ctx.padded, true);
    const bad = await runStatement<Reject & Record<string, string>>(
      connection,
      rejectsQuery(rejects.table, 100),
    );
    if (bad.length === 0) return { ...first, warnings: [] };
    const failure = rejectsError(bad, table.columnIds.length, ctx.encoding);
    if (failure) throw failure;
    const padded = await attempt(true, false);
    const short = rowsOf(padded.result) - rowsOf(first.result);
    const warning =
      `${short} row${short === 1 ? "" : "s"} had fewer fields than the header (first at line ${bad[0]?.line}); ` +
      "the missing fields were read as empty.";
    return { ...padded, warnings: [warning] };
  } finally {
    for (const name of [rejects.table, rejects.scan]) {
      await runStatement(connection, `DROP TABLE IF EXISTS temp.${ident(name)}`).catch(() => {});
    }
  }
}

export interface CsvCheck extends CheckOutcome {
  mode: CsvReadMode;
  warnings: string[];
}

/** The full-file check scan of `plan` over `table` (see `scanCsv` for bad rows). */
export async function checkCsv(
  connection: DuckDBConnection,
  table: CsvTable,
  plan: CheckPlan,
  ctx: CsvScanContext,
): Promise<CsvCheck> {
  const scan = await scanCsv<Record<string, unknown>[]>(
    connection,
    table,
    (from) => checkSql(from, plan),
    (rows) => Number(rows[0]?.row_count ?? 0),
    ctx,
  );
  return { ...pickCandidates(scan.result[0] ?? {}, plan), mode: scan.mode, warnings: scan.warnings };
}
