// The engine half of an ingest, on one held connection: infer (sample, then one check scan) or match a
// given schema, then one COPY to Parquet. Text sources (CSV, sheets, JSON) share the inference and casts;
// Parquet keeps its types. Without a target file only the schema is inferred.

import type { DuckDBConnection } from "@duckdb/node-api";
import { EngineQueryError } from "../engine/index.ts";
import { nativeType, parseExpr } from "./casts.ts";
import type { Candidate } from "./classify.ts";
import { type CsvTable, csvFailure, readCsv } from "./csv-read.ts";
import { type CsvReadMode, checkCsv, sampleCsv, scanCsv } from "./csv-source.ts";
import {
  diagnoseCastFailures,
  type ForcedColumn,
  forcedExpr,
  isCastFailure,
  matchColumns,
} from "./forced.ts";
import { checkSql, pickCandidates, planChecks, SAMPLE_ROWS } from "./infer.ts";
import { jsonRelation, openJson, runJsonStatement } from "./json-source.ts";
import { fieldNames } from "./names.ts";
import { describeParquet, parquetField, readParquet } from "./parquet-source.ts";
import type { PreparedInput, Report } from "./prepare.ts";
import { type RunOptions, runStatement } from "./run.ts";
import { ident } from "./sql.ts";
import type { TableSchema, TableSchemaField } from "./types.ts";
import { copiedRows, copyToParquet, writeParquet } from "./write.ts";

/** Types a JSON string value is never inferred as. */
const NUMERIC_TYPES: ReadonlySet<Candidate["type"]> = new Set(["integer", "number", "year"]);

export interface Tabulated {
  rows: number;
  schema: TableSchema;
  warnings: string[];
}

export interface TabulateContext {
  schema?: TableSchema;
  missingValues: string[];
  /** Where the Parquet file goes; without one the schema is inferred and nothing is written. */
  target?: string;
  report: Report;
  signal?: AbortSignal;
}

type CsvInput = Extract<PreparedInput, { kind: "csv" }>;
type JsonInput = Extract<PreparedInput, { kind: "json" }>;
type ParquetInput = Extract<PreparedInput, { kind: "parquet" }>;

function fieldOf(name: string, title: string | null | undefined, c: Candidate | undefined): TableSchemaField {
  const field: TableSchemaField = { name, type: c?.type ?? "string" };
  if (title !== null && title !== undefined) field.title = title;
  if (c?.format) field.format = c.format;
  if (c && Object.keys(c.parse).length > 0) field["mekong:parse"] = structuredClone(c.parse);
  return field;
}

/** The SELECT list writing inferred columns; with `native`, columns the reader typed pass through. */
function inferredSelect(
  ids: string[],
  names: string[],
  candidates: (Candidate | undefined)[],
  native: boolean,
): string {
  return ids
    .map((id, j) => {
      const c = candidates[j];
      const expr = !c || (native && nativeType(c)) ? ident(id) : parseExpr(id, c);
      return `${expr} AS ${ident(names[j] as string)}`;
    })
    .join(", ");
}

function forcedSelect(columns: readonly ForcedColumn[]): string {
  return columns.map((c) => `${forcedExpr(c.id, c.field, c.from)} AS ${ident(c.field.name)}`).join(", ");
}

function stage(ctx: TabulateContext, name: "infer" | "write", total: number): RunOptions {
  ctx.report(name, 0, total);
  return { signal: ctx.signal, onFraction: (f) => ctx.report(name, Math.round(f * total), total) };
}

/** Runs a cast to a given schema; a value that does not fit turns into `cast_failed` with its details. */
async function castOrDiagnose(
  connection: DuckDBConnection,
  schema: TableSchema,
  columns: ForcedColumn[],
  diagnoseFrom: string,
  run: RunOptions,
  write: () => Promise<{ rows: number; warnings: string[] }>,
): Promise<Tabulated> {
  try {
    const { rows, warnings } = await write();
    return { rows, schema: structuredClone(schema), warnings };
  } catch (error) {
    if (!isCastFailure(error)) throw error;
    throw await diagnoseCastFailures(connection, diagnoseFrom, columns, run);
  }
}

async function castCsv(
  connection: DuckDBConnection,
  input: CsvInput,
  schema: TableSchema,
  target: string,
  ctx: TabulateContext,
) {
  const { table } = input;
  const order = matchColumns(schema, table.titles, table.header);
  const columns = schema.fields.map((field, k) => ({
    id: table.columnIds[order[k] as number] as string,
    field,
    from: "VARCHAR",
  }));
  const select = forcedSelect(columns);
  const run = stage(ctx, "write", input.source.bytes);
  const scanContext = {
    missingValues: ctx.missingValues,
    encoding: input.encoding,
    padded: input.padded,
    ...run,
  };
  const diagnoseFrom = readCsv(table, { missingValues: ctx.missingValues, ignoreErrors: true });
  return castOrDiagnose(connection, schema, columns, diagnoseFrom, run, async () => {
    const statement = (from: string) => copyToParquet(`SELECT ${select} FROM ${from}`, target);
    const scan = await scanCsv(connection, table, statement, copiedRows, scanContext);
    return { rows: copiedRows(scan.result), warnings: scan.warnings };
  });
}

/** The write scan with native reader types; if the reader balks at a value the check passed, SQL casts instead. */
async function writeCsv(
  connection: DuckDBConnection,
  table: CsvTable,
  names: string[],
  candidates: (Candidate | undefined)[],
  mode: CsvReadMode,
  target: string,
  ctx: TabulateContext & { total: number },
): Promise<number> {
  const run = stage(ctx, "write", ctx.total);
  const write = (native: boolean) => {
    const types = new Map<string, string>();
    for (const [j, id] of table.columnIds.entries()) {
      const type = native && candidates[j] ? nativeType(candidates[j]) : undefined;
      if (type) types.set(id, type);
    }
    const from = readCsv(table, { types, missingValues: ctx.missingValues, ...mode });
    return writeParquet(
      connection,
      `SELECT ${inferredSelect(table.columnIds, names, candidates, native)} FROM ${from}`,
      target,
      run,
    );
  };
  try {
    return await write(true);
  } catch (error) {
    if (!(error instanceof EngineQueryError && error.kind === "conversion")) throw csvFailure(error, "utf-8");
    return write(false).catch((e: unknown) => {
      throw csvFailure(e, "utf-8");
    });
  }
}

async function tabulateCsv(
  connection: DuckDBConnection,
  input: CsvInput,
  ctx: TabulateContext,
): Promise<Tabulated> {
  if (ctx.schema && ctx.target) return castCsv(connection, input, ctx.schema, ctx.target, ctx);
  const { table } = input;
  const total = input.source.bytes;
  const names = table.header ? fieldNames(table.titles) : table.titles.map((_, i) => `column_${i + 1}`);
  const run = stage(ctx, "infer", total);
  const sample = await sampleCsv(connection, table, ctx.missingValues, run);
  const plan = planChecks(table.columnIds, names, sample);
  const scanContext = {
    missingValues: ctx.missingValues,
    encoding: input.encoding,
    padded: input.padded,
    ...run,
  };
  const check = await checkCsv(connection, table, plan, scanContext);
  ctx.report("infer", total, total, check.rows);
  const fields = table.columnIds.map((_, j) =>
    fieldOf(names[j] as string, table.titles[j], check.candidates[j]),
  );
  const inferred = {
    schema: { fields, missingValues: ctx.missingValues },
    warnings: [...plan.warnings, ...check.warnings],
  };
  if (!ctx.target) return { rows: check.rows, ...inferred };
  const rows = await writeCsv(connection, table, names, check.candidates, check.mode, ctx.target, {
    ...ctx,
    total,
  });
  return { rows, ...inferred };
}

async function tabulateJson(
  connection: DuckDBConnection,
  input: JsonInput,
  ctx: TabulateContext,
): Promise<Tabulated> {
  const total = input.source.bytes;
  const inferRun = stage(ctx, "infer", total);
  const table = await openJson(connection, input.path, input.format, inferRun);
  const relation = jsonRelation(table, ctx.missingValues);
  const write = async (select: string, target: string) => {
    const run = stage(ctx, "write", total);
    return copiedRows(
      await runJsonStatement(connection, copyToParquet(`SELECT ${select} FROM ${relation}`, target), run),
    );
  };
  if (ctx.schema && ctx.target) {
    const { schema, target } = ctx;
    const order = matchColumns(schema, table.keys, true);
    const columns = schema.fields.map((field, k) => ({
      id: table.keys[order[k] as number] as string,
      field,
      from: "VARCHAR",
    }));
    return castOrDiagnose(connection, schema, columns, relation, inferRun, async () => ({
      rows: await write(forcedSelect(columns), target),
      warnings: [],
    }));
  }
  const names = fieldNames(table.keys);
  const sample = await runJsonStatement(
    connection,
    `SELECT * FROM ${relation} LIMIT ${SAMPLE_ROWS}`,
    inferRun,
  );
  const plan = planChecks(
    table.keys,
    names,
    sample.map((row) => table.keys.map((k) => (row[k] ?? null) as string | null)),
  );
  // JSON types its values: a quoted "1.001193" is a code, not a number. Strings may still be dates,
  // times or `Có/Không` booleans, which JSON has no type for.
  plan.chains = plan.chains.map((chain, j) =>
    table.quoted.has(table.keys[j] as string) ? chain.filter((c) => !NUMERIC_TYPES.has(c.type)) : chain,
  );
  const [row] = await runJsonStatement(connection, checkSql(relation, plan), inferRun);
  const check = pickCandidates(row ?? {}, plan);
  ctx.report("infer", total, total, check.rows);
  const fields = table.keys.map((key, j) => fieldOf(names[j] as string, key, check.candidates[j]));
  const inferred = { schema: { fields, missingValues: ctx.missingValues }, warnings: plan.warnings };
  if (!ctx.target) return { rows: check.rows, ...inferred };
  return {
    rows: await write(inferredSelect(table.keys, names, check.candidates, false), ctx.target),
    ...inferred,
  };
}

async function tabulateParquet(
  connection: DuckDBConnection,
  input: ParquetInput,
  ctx: TabulateContext,
): Promise<Tabulated> {
  const run = stage(ctx, ctx.target ? "write" : "infer", input.source.bytes);
  const columns = await describeParquet(connection, input.path, run);
  const from = readParquet(input.path);
  const titles = columns.map((c) => c.name);
  if (ctx.schema && ctx.target) {
    const { schema, target } = ctx;
    const order = matchColumns(schema, titles, true);
    const forced = schema.fields.map((field, k) => {
      const column = columns[order[k] as number] as { name: string; type: string };
      return { id: column.name, field, from: column.type };
    });
    return castOrDiagnose(connection, schema, forced, from, run, async () => ({
      rows: await writeParquet(connection, `SELECT ${forcedSelect(forced)} FROM ${from}`, target, run),
      warnings: [],
    }));
  }
  const names = fieldNames(titles);
  const mapped = columns.map(parquetField);
  const fields = mapped.map((m, j): TableSchemaField => {
    const field: TableSchemaField = { name: names[j] as string, type: m.type, title: titles[j] as string };
    if (m.parse) field["mekong:parse"] = m.parse;
    return field;
  });
  const schema = { fields, missingValues: ctx.missingValues };
  if (!ctx.target) {
    const [count] = await runStatement(connection, `SELECT count(*)::BIGINT AS n FROM ${from}`, run);
    return { rows: Number(count?.n ?? 0), schema, warnings: [] };
  }
  const select = mapped.map((m, j) => `${m.expr} AS ${ident(names[j] as string)}`).join(", ");
  return {
    rows: await writeParquet(connection, `SELECT ${select} FROM ${from}`, ctx.target, run),
    schema,
    warnings: [],
  };
}

/** Infers (or applies `ctx.schema`) and, given `ctx.target`, writes it; on one connection. */
export function tabulate(
  connection: DuckDBConnection,
  input: PreparedInput,
  ctx: TabulateContext,
): Promise<Tabulated> {
  switch (input.kind) {
    case "csv":
      return tabulateCsv(connection, input, ctx);
    case "json":
      return tabulateJson(connection, input, ctx);
    case "parquet":
      return tabulateParquet(connection, input, ctx);
  }
}
