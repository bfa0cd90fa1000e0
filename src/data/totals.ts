/**
 * How many rows a selection holds. `exact` counts them. `estimate` answers the version's row count when
 * nothing is filtered (exact and free) and otherwise counts a sample: up to `SAMPLE_ROW_GROUPS` of the
 * file's row groups spread evenly over it, scaled up by their share of the rows. A row group is read
 * whole or not at all (DuckDB prunes it on the row-id range), so the sample costs about its share of a
 * full count. Small versions (at most `EXACT_BELOW_ROWS` rows or few row groups) are counted exactly.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Engine } from "../engine/index.ts";
import { Bindings, quoteServerLiteral } from "./bindings.ts";
import { type Selection, whereClause } from "./selection.ts";
import { fromVersion, type VersionSource } from "./source.ts";
import { selectRows } from "./statements.ts";

export type TotalMode = "exact" | "estimate" | "none";

export interface Total {
  total: number;
  estimated: boolean;
}

export const SAMPLE_ROW_GROUPS = 8;
export const EXACT_BELOW_ROWS = 1_000_000;

/** Row ranges [start, end) of the Parquet file's row groups, per file (files never change). */
const rowGroupCache = new Map<string, [number, number][]>();
const ROW_GROUP_CACHE_FILES = 256;

async function rowGroups(
  connection: DuckDBConnection,
  blobRoot: string,
  file: string,
): Promise<[number, number][]> {
  const cached = rowGroupCache.get(file);
  if (cached) return cached;
  const { rows } = await selectRows(
    connection,
    blobRoot,
    `SELECT row_group_id, any_value(row_group_num_rows) AS n FROM parquet_metadata(${quoteServerLiteral(file)}) GROUP BY ALL ORDER BY row_group_id`,
    [],
  );
  let start = 0;
  const ranges = rows.map(([, n]) => {
    const range: [number, number] = [start, start + Number(n)];
    start += Number(n);
    return range;
  });
  if (rowGroupCache.size >= ROW_GROUP_CACHE_FILES)
    rowGroupCache.delete(rowGroupCache.keys().next().value as string);
  rowGroupCache.set(file, ranges);
  return ranges;
}

/** Evenly spread row groups of `groups`, `count` of them. */
export function spreadSample<T>(groups: readonly T[], count: number): T[] {
  if (groups.length <= count) return [...groups];
  return Array.from(
    { length: count },
    (_, i) => groups[Math.floor(((i + 0.5) * groups.length) / count)] as T,
  );
}

/** Exact count of the selection. */
export async function countExact(
  connection: DuckDBConnection,
  blobRoot: string,
  source: VersionSource,
  selection: Selection,
): Promise<number> {
  const b = new Bindings();
  const sql = `SELECT count(*) FROM ${fromVersion(source)} ${whereClause(selection, source.fields, b)}`;
  const { rows } = await selectRows(connection, blobRoot, sql, b.values);
  return Number(rows[0]?.[0] ?? 0);
}

async function countSampled(
  connection: DuckDBConnection,
  blobRoot: string,
  source: VersionSource,
  selection: Selection,
): Promise<Total> {
  // A clustered copy is sorted, so a sample of its row groups says nothing; filtered on its field, its
  // exact count reads little anyway.
  const groups = source.clusteredBy ? [] : await rowGroups(connection, blobRoot, source.file);
  if (source.version.rows <= EXACT_BELOW_ROWS || groups.length <= SAMPLE_ROW_GROUPS * 2) {
    return { total: await countExact(connection, blobRoot, source, selection), estimated: false };
  }
  const sample = spreadSample(groups, SAMPLE_ROW_GROUPS);
  const b = new Bindings();
  const parts = sample.map(([start, end]) => {
    const range = `file_row_number >= ${b.bind(BigInt(start))} AND file_row_number < ${b.bind(BigInt(end))}`;
    return `SELECT count(*) AS n FROM ${fromVersion(source)} ${whereClause(selection, source.fields, b, [range])}`;
  });
  const { rows } = await selectRows(
    connection,
    blobRoot,
    `SELECT sum(n) FROM (${parts.join(" UNION ALL ")})`,
    b.values,
  );
  const sampledRows = sample.reduce((sum, [start, end]) => sum + (end - start), 0);
  const hits = Number(rows[0]?.[0] ?? 0);
  return { total: Math.round((hits * source.version.rows) / sampledRows), estimated: true };
}

/** The total a request asked for (`undefined` for `none`, or for the default when it would cost a count). */
export async function totalFor(
  engine: Engine,
  blobRoot: string,
  source: VersionSource,
  selection: Selection,
  mode: TotalMode | undefined,
  everything: boolean,
): Promise<Total | undefined> {
  if (mode === "none") return undefined;
  if (everything) return { total: source.version.rows, estimated: false };
  if (mode === "exact") {
    return engine.withConnection(async (c) => ({
      total: await countExact(c, blobRoot, source, selection),
      estimated: false,
    }));
  }
  if (mode === "estimate") return engine.withConnection((c) => countSampled(c, blobRoot, source, selection));
  return undefined;
}
