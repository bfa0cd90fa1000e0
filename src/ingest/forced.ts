// Casting to a schema the caller gives (a dataset's current schema, for a new version): the file's columns
// must be exactly the schema's, every value must fit its field, and when one does not the error names the
// columns, how many values failed and which rows — found by a second look only on that failure path.

import type { DuckDBConnection } from "@duckdb/node-api";
import { EngineQueryError } from "../engine/index.ts";
import { candidateOf, checkExpr, duckType, parseExpr } from "./casts.ts";
import { type CastFailure, IngestError } from "./errors.ts";
import { fieldNames, toIdentifier } from "./names.ts";
import { type RunOptions, runStatement } from "./run.ts";
import { ident, literal } from "./sql.ts";
import { FIELD_TYPES, type TableSchema, type TableSchemaField } from "./types.ts";

const CAST_FAILED = "mekong:cast_failed";

/** Throws `invalid_schema` listing every problem of a caller's schema. */
export function validateSchema(schema: TableSchema): void {
  const problems: string[] = [];
  if (!Array.isArray(schema?.fields) || schema.fields.length === 0)
    problems.push("fields must be a non-empty list");
  if (!Array.isArray(schema?.missingValues) || schema.missingValues.some((v) => typeof v !== "string")) {
    problems.push("missingValues must be a list of strings");
  }
  const names = new Set<string>();
  for (const [i, field] of (schema?.fields ?? []).entries()) {
    const at = `fields[${i}]`;
    if (typeof field?.name !== "string" || field.name === "")
      problems.push(`${at}.name must be a non-empty string`);
    else if (names.has(field.name)) problems.push(`${at}.name "${field.name}" repeats`);
    else names.add(field.name);
    if (!FIELD_TYPES.includes(field?.type))
      problems.push(`${at}.type must be one of ${FIELD_TYPES.join(", ")}`);
    const parse = field?.["mekong:parse"];
    if (parse === undefined) continue;
    if (parse.decimalChar !== undefined && ![".", ","].includes(parse.decimalChar)) {
      problems.push(`${at}: decimalChar must be "." or ","`);
    }
    if (parse.groupChar !== undefined && !["", ".", ",", " "].includes(parse.groupChar)) {
      problems.push(`${at}: groupChar must be "", ".", "," or " "`);
    }
    if (parse.groupChar && parse.groupChar === (parse.decimalChar ?? ".")) {
      problems.push(`${at}: groupChar and decimalChar must differ`);
    }
    for (const key of ["trueValues", "falseValues"] as const) {
      const values = parse[key];
      if (values !== undefined && (!Array.isArray(values) || values.some((v) => typeof v !== "string"))) {
        problems.push(`${at}: ${key} must be a list of strings`);
      }
    }
    if (
      parse.dateFormat !== undefined &&
      (typeof parse.dateFormat !== "string" || !parse.dateFormat.includes("%"))
    ) {
      problems.push(`${at}: dateFormat must be a strptime pattern such as "%d/%m/%Y"`);
    }
  }
  for (const key of schema?.primaryKey ?? []) {
    if (!names.has(key)) problems.push(`primaryKey names "${key}", which is not a field`);
  }
  if (problems.length > 0) {
    throw new IngestError("invalid_schema", `The schema is not valid: ${problems.join("; ")}`, { problems });
  }
}

/**
 * For each schema field, the index of the file column it reads: by header (its safe name, or its exact
 * text as the field's title), or by position without a header. Throws `schema_mismatch` with the missing
 * fields and the extra columns.
 */
export function matchColumns(
  schema: TableSchema,
  titles: readonly (string | null)[],
  header: boolean,
): number[] {
  const fields = schema.fields;
  if (!header) {
    if (titles.length === fields.length) return fields.map((_, i) => i);
    const missing = fields.slice(titles.length).map((f) => f.name);
    const extra = titles.slice(fields.length).map((_, i) => `column_${fields.length + i + 1}`);
    throw mismatch(missing, extra);
  }
  const names = fieldNames(titles);
  const used = new Set<number>();
  const order: number[] = [];
  const missing: string[] = [];
  for (const field of fields) {
    const matches = (i: number) =>
      !used.has(i) &&
      (names[i] === field.name ||
        (field.title !== undefined && titles[i] === field.title) ||
        toIdentifier(titles[i] ?? "") === field.name);
    const index = titles.findIndex((_, i) => matches(i));
    if (index === -1) missing.push(field.name);
    else {
      used.add(index);
      order.push(index);
    }
  }
  const extra = titles.flatMap((title, i) => (used.has(i) ? [] : [title || names[i] || `column_${i + 1}`]));
  if (missing.length > 0 || extra.length > 0) throw mismatch(missing, extra);
  return order;
}

function mismatch(missing: string[], extra: string[]): IngestError {
  const parts = [
    missing.length ? `missing ${missing.map((m) => `"${m}"`).join(", ")}` : "",
    extra.length ? `not in the schema: ${extra.map((e) => `"${e}"`).join(", ")}` : "",
  ].filter(Boolean);
  return new IngestError(
    "schema_mismatch",
    `The file's columns do not match the schema: ${parts.join("; ")}`,
    {
      missing,
      extra,
    },
  );
}

/** SQL true when the non-NULL value of column `id` (of DuckDB type `from`) fits `field`. */
function fitsExpr(id: string, field: TableSchemaField, from: string): string {
  const candidate = candidateOf(field);
  if (!candidate) return "true";
  if (from === "VARCHAR") return checkExpr(id, candidate, "forced");
  return `TRY_CAST(${ident(id)} AS ${duckType(field.type, candidate.parse)}) IS NOT NULL`;
}

/** The typed value of column `id` for `field`, failing the statement (CAST_FAILED) on a value that does not fit. */
export function forcedExpr(id: string, field: TableSchemaField, from = "VARCHAR"): string {
  const candidate = candidateOf(field);
  const column = ident(id);
  if (!candidate) return from === "VARCHAR" ? column : `CAST(${column} AS VARCHAR)`;
  if (from !== "VARCHAR") return `CAST(${column} AS ${duckType(field.type, candidate.parse)})`;
  return `CASE WHEN ${fitsExpr(id, field, from)} THEN ${parseExpr(id, candidate)} ELSE error(${literal(CAST_FAILED)}) END`;
}

/** True for the failure `forcedExpr` raises, and for DuckDB's own cast failures. */
export function isCastFailure(error: unknown): boolean {
  return (
    error instanceof EngineQueryError && (error.message.includes(CAST_FAILED) || error.kind === "conversion")
  );
}

export interface ForcedColumn {
  id: string;
  field: TableSchemaField;
  /** DuckDB type of the source column. */
  from: string;
}

/** After a failed cast: which fields failed, how often, on which rows (data rows from 1). */
export async function diagnoseCastFailures(
  connection: DuckDBConnection,
  from: string,
  columns: readonly ForcedColumn[],
  opts: RunOptions,
): Promise<IngestError<"cast_failed">> {
  const typed = columns.filter((c) => c.field.type !== "string");
  const counts = typed.map(
    (c, j) =>
      `count(*) FILTER (WHERE ${ident(c.id)} IS NOT NULL AND NOT ${fitsExpr(c.id, c.field, c.from)}) AS ${ident(`f_${j}`)}`,
  );
  const [row] = await runStatement(
    connection,
    `SELECT ${counts.join(", ") || "0 AS none"} FROM ${from}`,
    opts,
  );
  const failures: CastFailure[] = [];
  for (const [j, c] of typed.entries()) {
    const count = Number(row?.[`f_${j}`] ?? 0);
    if (count === 0) continue;
    const examples = await runStatement<{ row: number; value: string }>(
      connection,
      `SELECT row::BIGINT AS row, value FROM (SELECT row_number() OVER () AS row, CAST(${ident(c.id)} AS VARCHAR) AS value,
        ${fitsExpr(c.id, c.field, c.from)} AS fits FROM ${from}) WHERE value IS NOT NULL AND NOT fits LIMIT 5`,
      opts,
    );
    failures.push({ field: c.field.name, type: c.field.type, count, examples });
  }
  const summary = failures.map((f) => `"${f.field}" (${f.count} not ${f.type})`).join(", ");
  return new IngestError(
    "cast_failed",
    `Values do not fit the schema: ${summary || "a value could not be cast"}`,
    {
      failures,
    },
  );
}
