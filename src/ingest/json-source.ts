// JSON (an array of objects) and NDJSON as a relation of text columns, so they are inferred and cast by the
// same SQL as CSV: every key read as VARCHAR (numbers and booleans as their JSON text, nested values as
// JSON), missing values applied. Keys are found by DuckDB over the whole file.

import type { DuckDBConnection } from "@duckdb/node-api";
import { EngineQueryError } from "../engine/index.ts";
import { IngestError } from "./errors.ts";
import { type RunOptions, runStatement } from "./run.ts";
import { columnsStruct, ident, literal } from "./sql.ts";

export interface JsonTable {
  path: string;
  format: "array" | "newline_delimited" | "auto";
  keys: string[];
  /** Keys whose every value is a JSON string: the file says they are text, so they never become numbers. */
  quoted: Set<string>;
}

function jsonFailure(error: unknown): unknown {
  if (!(error instanceof EngineQueryError)) return error;
  const line = /line (\d+)/i.exec(error.message)?.[1];
  const reason = error.message.split("\n")[0]?.replace(/^[A-Za-z ]+ Error: /, "") ?? "invalid JSON";
  return new IngestError(
    "malformed_file",
    `The file cannot be read as JSON: ${reason}`,
    { reason, ...(line ? { line: Number(line) } : {}) },
    { cause: error },
  );
}

/**
 * `read_json(…)`: with `columns`, every key as given; without, DuckDB finds the keys — over the whole file
 * (`sample_size = -1`), since a key first seen after its default sample of 20,480 objects would otherwise
 * be dropped without a word.
 */
function readJson(table: Pick<JsonTable, "path" | "format">, columns?: string): string {
  const options = [`format = ${literal(table.format)}`, "records = true", "maximum_object_size = 67108864"];
  options.push(columns ? `columns = ${columns}` : "sample_size = -1");
  return `read_json(${literal(table.path)}, ${options.join(", ")})`;
}

/** The keys of the objects in a JSON/NDJSON file. Throws `unsupported_format` unless it holds objects. */
export async function openJson(
  connection: DuckDBConnection,
  path: string,
  format: JsonTable["format"],
  opts: RunOptions,
): Promise<JsonTable> {
  const table = { path, format };
  const described = await runStatement<{ column_name: string; column_type: string }>(
    connection,
    `DESCRIBE SELECT * FROM ${readJson(table)}`,
    opts,
  ).catch((error: unknown) => {
    throw jsonFailure(error);
  });
  const keys = described.map((d) => d.column_name);
  if (keys.length === 0) throw new IngestError("empty_file", "The JSON holds no objects with fields", {});
  const quoted = new Set(described.filter((d) => d.column_type === "VARCHAR").map((d) => d.column_name));
  return { ...table, keys, quoted };
}

/** `(SELECT … FROM read_json(…))` with every key as text, missing values as NULL. */
export function jsonRelation(table: JsonTable, missingValues: readonly string[]): string {
  const columns = columnsStruct(table.keys.map((id) => ({ id, type: "VARCHAR" })));
  const missing = missingValues.map(literal).join(", ");
  const select = table.keys.map((key) => {
    const column = ident(key);
    return missing ? `CASE WHEN ${column} IN (${missing}) THEN NULL ELSE ${column} END AS ${column}` : column;
  });
  return `(SELECT ${select.join(", ")} FROM ${readJson(table, columns)})`;
}

/** Runs a statement over a JSON relation, turning DuckDB's JSON errors into `malformed_file`. */
export function runJsonStatement<T extends Record<string, unknown>>(
  connection: DuckDBConnection,
  sql: string,
  opts: RunOptions,
): Promise<T[]> {
  return runStatement(connection, sql, opts).catch((error: unknown) => {
    throw jsonFailure(error);
  }) as Promise<T[]>;
}
