// Parquet in: already typed, so its columns map to Frictionless types directly and are re-written with
// Mekong's names and physical types (integers as BIGINT, numbers as DOUBLE…). Text columns stay text — a
// typed format's producer chose them — unless a schema given by the caller casts them.

import type { DuckDBConnection } from "@duckdb/node-api";
import { EngineQueryError } from "../engine/index.ts";
import { IngestError } from "./errors.ts";
import { type RunOptions, runStatement } from "./run.ts";
import { ident, literal } from "./sql.ts";
import type { FieldParse, FieldType } from "./types.ts";

export interface ParquetColumn {
  name: string;
  type: string;
}

export function readParquet(path: string): string {
  return `read_parquet(${literal(path)})`;
}

/** Column names and DuckDB types. Throws `malformed_file` for a truncated or corrupt file. */
export async function describeParquet(
  connection: DuckDBConnection,
  path: string,
  opts: RunOptions,
): Promise<ParquetColumn[]> {
  const rows = await runStatement<{ column_name: string; column_type: string }>(
    connection,
    `DESCRIBE SELECT * FROM ${readParquet(path)}`,
    opts,
  ).catch((error: unknown) => {
    if (!(error instanceof EngineQueryError)) throw error;
    const reason = error.message.split("\n")[0] ?? "unreadable Parquet";
    throw new IngestError(
      "malformed_file",
      `The Parquet file cannot be read: ${reason}`,
      { reason },
      { cause: error },
    );
  });
  return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
}

/** A Parquet column's Frictionless type, and the SQL that writes it in Mekong's physical type. */
export function parquetField(column: ParquetColumn): { type: FieldType; parse?: FieldParse; expr: string } {
  const c = ident(column.name);
  const t = column.type.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|HUGEINT|UHUGEINT)$/.test(t)) {
    return { type: "integer", expr: `CAST(${c} AS BIGINT)` };
  }
  if (/^(FLOAT|DOUBLE|REAL|DECIMAL.*)$/.test(t)) return { type: "number", expr: `CAST(${c} AS DOUBLE)` };
  if (t === "BOOLEAN") return { type: "boolean", expr: c };
  if (t === "DATE") return { type: "date", expr: c };
  if (t === "TIME") return { type: "time", expr: c };
  if (t === "TIMESTAMP WITH TIME ZONE") return { type: "datetime", parse: { timezone: true }, expr: c };
  if (t.startsWith("TIMESTAMP")) return { type: "datetime", expr: `CAST(${c} AS TIMESTAMP)` };
  if (t === "VARCHAR") return { type: "string", expr: c };
  if (t === "BLOB") return { type: "string", expr: `to_base64(${c})` };
  if (/[[\]]|^(STRUCT|MAP|UNION)/.test(t)) return { type: "string", expr: `CAST(to_json(${c}) AS VARCHAR)` };
  return { type: "string", expr: `CAST(${c} AS VARCHAR)` };
}
