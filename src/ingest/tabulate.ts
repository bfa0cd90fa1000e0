// The engine half of an ingest, on one held connection: infer (sample, then one check scan) or match a
// given schema, then one COPY to Parquet. Text sources (CSV, sheets, JSON) share the inference and casts;
// Parquet keeps its types.

import type { DuckDBConnection } from "@duckdb/node-api";
import { EngineQueryError } from "../engine/index.ts";
import { nativeType, parseExpr } from "./casts.ts";
import type { Candidate } from "./classify.ts";
import { type CsvTable, csvFailure, readCsv } from "./csv-read.ts";
import { checkCsv, sampleCsv, scanCsv } from "./csv-source.ts";
import {
  diagnoseCastFailures,
  type ForcedColumn,
  forcedExpr,
  isCastFailure,
  matchColumns,
} from "./forced.ts";
import {
  type CheckOutcome,
  type CheckPlan,
  checkSql,
  pickCandidates,
  planChecks,
  SAMPLE_ROWS,
} from "./infer.ts";
import { jsonRelation, openJson, runJsonStatement } from "./json-source.ts";
import { fieldNames } from "./names.ts";
import { describeParquet, parquetField, readParquet } from "./parquet-source.ts";
import type { PreparedInput, Report } from "./prepare.ts";
import type { RunOptions } from "./run.ts";
import { ident } from "./sql.ts";
import type { TableSchema, TableSchemaField } from "./types.ts";
import { copiedRows, copyToParquet, writeParquet } from "./write.ts";

export interface Tabulated {
  rows: number;
  schema: TableSchema;
  warnings: string[];
}

export interface TabulateContext {
  schema?: TableSchema;
  missingValues: string[];
  /** Where the Parquet file goes. */
  target: string;
  report: Report;
  signal?: AbortSignal;
}

function fieldOf(name: string, title: string | null | undefined, c: Candidate | undefined): TableSchemaField {
  const field: TableSchemaField = { name, type: c?.type ?? "string" };
  if (title !== null && title !== undefined) field.title = title;
  if (c?.format) field.format = c.format;
  if (c && Object.keys(c.parse).length > 0) field["mekong:parse"] = { ...c.parse };
  return field;
}

function namesOf(titles: readonly (string | null)[], header: boolean): string[] {
  return header ? fieldNames(titles) : titles.map((_, i) => `column_${i + 1}`);
}

/** The SELECT list writing inferred columns; `native` columns arrive typed from the reader. */
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

function stageRunner(ctx: TabulateContext, stage: "infer" | "write", total: number): RunOptions {
  ctx.report(stage, 0, total);
  return { signal: ctx.signal, onFraction: (f) => ctx.report(stage, Math.round(f * total), total) };
}

async function forcedWrite(
  connection: DuckDBConnection,
  schema: TableSchema,
  columns: ForcedColumn[],
  write: () => Promise<{ rows: number; warnings: string[] }>,
  diagnoseFrom: string,
  run: RunOptions,
): Promise<Tabulated> {
  try {
    const { rows, warnings } = await write();
    return { rows, schema: structuredClone(schema), warnings };
  } catch (error) {
    if (!isCastFailure(error)) throw error;
    throw await diagnoseCastFailures(connection, diagnoseFrom, columns, run);
  }
}

async function tabulateCsv(
  connection: DuckDBConnection,
  input: Extract<PreparedInput, { kind: "csv" }>,
  ctx: TabulateContext,
): Promise<Tabulated> {
  const { table } = input;
  const total = input.source.bytes;
  const scanContext = { missingValues: ctx.missingValues, encoding: input.encoding, padded: input.padded };
  const names = namesOf(table.titles, table.header);
  if (ctx.schema) {
    const order = matchColumns(ctx.schema, table.titles, table.header);
    const columns = ctx.schema.fields.map((field, k) => ({
      id: table.columnIds[order[k] as number] as string,
      field,
      from: "VARCHAR",
    }));
    const select = columns.map((c) => `${forcedExpr(c.id, c.field)} AS ${ident(c.field.name)}`).join(", ");
    const run = stageRunner(ctx, "write", total);
    const diagnoseFrom = readCsv(table, { missingValues: ctx.missingValues, ignoreErrors: true });
    return forcedWrite(
      connection,
      ctx.schema,
      columns,
      async () => {
        const scan = await scanCsv(
          connection,
          table,
          (from) => copyToParquet(`SELECT ${select} FROM ${from}`, ctx.target),
          copiedRows,
          { ...scanContext, ...run },
        );
        return { rows: copiedRows(scan.result), warnings: scan.warnings };
      },
      diagnoseFrom,
      run,
    );
  }
  const inferRun = stageRunner(ctx, "infer", total);
  const sample = await sampleCsv(connection, table, ctx.missingValues, inferRun);
  const plan = planChecks(table.columnIds, names, sample);
  const check = await checkCsv(connection, table, plan, { ...scanContext, ...inferRun });
  ctx.report("infer", total, total, check.rows);
  const rows = await writeCsv(
    connection,
    table,
    names,
    check.candidates,
    { ...ctx, mode: check.mode },
    total,
  );
  const fields = table.columnIds.map((_, j) =>
    fieldOf(names[j] as string, table.titles[j], check.candidates[j]),
  );
  return {
    rows,
    schema: { fields, missingValues: ctx.missingValues },
    warnings: [...plan.warnings, ...check.warnings],
  };
}

/** The write scan with native reader types; if the reader balks at a value the check passed, SQL casts instead. */
async function writeCsv(
  connection: DuckDBConnection,
  table: CsvTable,
  names: string[],
  candidates: (Candidate | undefined)[],
  ctx: TabulateContext & { mode: { nullPadding: boolean; parallel: boolean } },
  total: number,
): Promise<number> {
  const run = stageRunner(ctx, "write", total);
  const write = async (native: boolean) => {
    const types = new Map<string, string>();
    if (native) {
      table.columnIds.forEach((id, j) => {
        const c = candidates[j];
        const type = c && nativeType(c);
        if (type) types.set(id, type);
      });
    }
    const from = readCsv(table, { types, missingValues: ctx.missingValues, ...ctx.mode });
    return writeParquet(
      connection,
      `SELECT ${inferredSelect(table.columnIds, names, candidates, native)} FROM ${from}`,
      ctx.target,
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

async function tabulateJson(
  connection: DuckDBConnection,
  input: Extract<PreparedInput, { kind: "json" }>,
  ctx: TabulateContext,
): Promise<Tabulated> {
  const total = input.source.bytes;
  const inferRun = stageRunner(ctx, "infer", total);
  const table = await openJson(connection, input.path, input.format, inferRun);
  const relation = jsonRelation(table, ctx.missingValues);
  const names = fieldNames(table.keys);
  if (ctx.schema) {
    const order = matchColumns(ctx.schema, table.keys, true);
    const columns = ctx.schema.fields.map((field, k) => ({
      id: table.keys[order[k] as number] as string,
      field,
      from: "VARCHAR",
    }));
    const select = columns.map((c) => `${forcedExpr(c.id, c.field)} AS ${ident(c.field.name)}`).join(", ");
    const run = stageRunner(ctx, "write", total);
    return forcedWrite(
      connection,
      ctx.schema,
      columns,
      async () => ({
        rows: copiedRows(
          await runJsonStatement(
            connection,
            copyToParquet(`SELECT ${select} FROM ${relation}`, ctx.target),
            run,
          ),
        ),
        warnings: [],
      }),
      relation,
      run,
    );
  }
  const sample = await runJsonStatement(
    connection,
    `SELECT * FROM ${relation} LIMIT ${SAMPLE_ROWS}`,
    inferRun,
  );
  const plan: CheckPlan = planChecks(
    table.keys,
    names,
    sample.map((row) => table.keys.map((k) => (row[k] ?? null) as string | null)),
  );
  const [row] = await runJsonStatement(connection, checkSql(relation, plan), inferRun);
  const check: CheckOutcome = pickCandidates(row ?? {}, plan);
  ctx.report("infer", total, total, check.rows);
  const select = inferredSelect(table.keys, names, check.candidates, false);
  const run = stageRunner(ctx, "write", total);
  const rows = copiedRows(
    await runJsonStatement(connection, copyToParquet(`SELECT ${select} FROM ${relation}`, ctx.target), run),
  );
  const fields = table.keys.map((key, j) => fieldOf(names[j] as string, key, check.candidates[j]));
  return { rows, schema: { fields, missingValues: ctx.missingValues }, warnings: plan.warnings };
}

async function tabulateParquet(
  connection: DuckDBConnection,
  input: Extract<PreparedInput, { kind: "parquet" }>,
  ctx: TabulateContext,
): Promise<Tabulated> {
  const total = input.source.bytes;
  const run = stageRunner(ctx, "write", total);
  const columns = await describeParquet(connection, input.path, run);
  const from = readParquet(input.path);
  const titles = columns.map((c) => c.name);
  if (ctx.schema) {
    const order = matchColumns(ctx.schema, titles, true);
    const forced = ctx.schema.fields.map((field, k) => {
      const column = columns[order[k] as number] as { name: string; type: string };
      return { id: column.name, field, from: column.type };
    });
    const select = forced
      .map((c) => `${forcedExpr(c.id, c.field, c.from)} AS ${ident(c.field.name)}`)
      .join(", ");
    return forcedWrite(
      connection,
      ctx.schema,
      forced,
      async () => ({
        rows: await writeParquet(connection, `SELECT ${select} FROM ${from}`, ctx.target, run),
        warnings: [],
      }),
      from,
      run,
    );
  }
  const names = fieldNames(titles);
  const mapped = columns.map(parquetField);
  const select = mapped.map((m, j) => `${m.expr} AS ${ident(names[j] as string)}`).join(", ");
  const rows = await writeParquet(connection, `SELECT ${select} FROM ${from}`, ctx.target, run);
  const fields = mapped.map((m, j): TableSchemaField => {
    const field: TableSchemaField = { name: names[j] as string, type: m.type, title: titles[j] as string };
    if (m.parse) field["mekong:parse"] = m.parse;
    return field;
  });
  return { rows, schema: { fields, missingValues: ctx.missingValues }, warnings: [] };
}

/** Infers (or applies `ctx.schema`) and writes `ctx.target`; on one connection. */
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
