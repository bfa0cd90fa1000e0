/**
 * Read-only SQL over datasets: check the statement on its parse tree (sql-guard.ts), resolve each
 * `"org/name[@n]"` it reads to a version the caller may read, then run it on one borrowed DuckDB
 * connection where each of those names is a temp view over the version's Parquet file — the path comes
 * from the blob store, never from the user. The user's SQL runs unchanged, as one prepared SELECT, under
 * a time limit (the connection is interrupted) and a row limit (results are streamed and fetching stops
 * one row past the limit). Every executed query is audited, per dataset, before its rows are answered.
 *
 * A dataset the caller may not read is answered like the dataset routes answer it: `dataset_not_found`
 * when it does not exist, and otherwise `unauthenticated` (401) for strangers and `forbidden` (403) for
 * signed-in users, naming the dataset. The existence of a private dataset is already visible through
 * `GET /api/v1/datasets/:org/:name`, so hiding it here would only make the two answers disagree.
 */
import { type DuckDBConnection, StatementType } from "@duckdb/node-api";
import { actorName } from "../auth/actor.ts";
import { type Actor, can, denialCode } from "../auth/permissions.ts";
import { getDataset, type LoadedDataset } from "../catalog/service.ts";
import { getVersion } from "../catalog/versions.ts";
import type { AppContext } from "../context.ts";
// The engine's index does not export these yet; the SQL endpoint streams, so it cannot use `engine.query`.
import { convertValue, EngineQueryError, fromDuckDBError, type Row, type SqlValue } from "../engine/index.ts";
import { AppError } from "../errors.ts";
import { type DatasetReference, guardSql } from "./sql-guard.ts";

export const SQL_LIMITS = {
  maxRows: 100_000,
  defaultRows: 10_000,
  maxTimeoutMs: 30_000,
  defaultTimeoutMs: 10_000,
  /** How much of the SQL text an audit entry keeps, in UTF-8 bytes. */
  auditSqlBytes: 4096,
} as const;

export interface SqlRequest {
  sql: string;
  limit: number;
  timeoutMs: number;
}

export interface SqlField {
  name: string;
  /** DuckDB's type, e.g. `BIGINT`, `DECIMAL(10,2)`, `VARCHAR[]`. */
  type: string;
}

export interface SqlResult {
  fields: SqlField[];
  records: Row[];
  /** True when the query had more rows than `limit`. */
  truncated: boolean;
  elapsedMs: number;
}

interface ResolvedDataset {
  reference: DatasetReference;
  dataset: LoadedDataset;
  version: number;
  file: string;
}

/**
 * Runs one read-only query for `actor`.
 * @throws AppError `sql_syntax_error`, `sql_not_allowed`, `dataset_not_found`, `version_not_found`,
 *   `unauthenticated` / `forbidden`, `sql_error` (DuckDB refused it while binding or running),
 *   `sql_timeout`
 */
export async function runSql(ctx: AppContext, actor: Actor, request: SqlRequest): Promise<SqlResult> {
  const references = await guardSql(ctx.engine, request.sql);
  const datasets: ResolvedDataset[] = [];
  for (const reference of references) datasets.push(await resolveDataset(ctx, actor, reference));

  let result: SqlResult;
  try {
    result = await executeSql(ctx, request, datasets);
  } catch (error) {
    const code = error instanceof AppError ? error.code : "internal_error";
    await auditSql(ctx, actor, request.sql, datasets, { outcome: code, rows: 0 });
    throw error;
  }
  await auditSql(ctx, actor, request.sql, datasets, {
    outcome: "ok",
    rows: result.records.length,
    truncated: result.truncated,
    elapsedMs: result.elapsedMs,
  });
  return result;
}

async function resolveDataset(
  ctx: AppContext,
  actor: Actor,
  reference: DatasetReference,
): Promise<ResolvedDataset> {
  const label = `${reference.org}/${reference.name}`;
  const dataset = await getDataset(ctx.db, reference.org, reference.name).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "dataset_not_found") {
      throw new AppError("dataset_not_found", `no dataset ${label}`, { dataset: reference.table });
    }
    throw error;
  });
  const resource = { kind: "dataset", orgId: dataset.org.id, visibility: dataset.row.visibility } as const;
  if (!can(actor, "dataset.read", resource)) {
    throw new AppError(denialCode(actor, "dataset.read"), `you may not read dataset ${label}`, {
      dataset: reference.table,
    });
  }
  const version = await getVersion(ctx.db, dataset, reference.version);
  return { reference, dataset, version: version.n, file: ctx.blobs.pathOf(version.blobKey) };
}

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteString = (text: string) => `'${text.replaceAll("'", "''")}'`;

async function executeSql(
  ctx: AppContext,
  request: SqlRequest,
  datasets: ResolvedDataset[],
): Promise<SqlResult> {
  return ctx.engine.withConnection(async (connection) => {
    const views: string[] = [];
    try {
      for (const { reference, file } of datasets) {
        const view = quoteIdentifier(reference.table);
        await connection.run(
          `CREATE OR REPLACE TEMP VIEW ${view} AS SELECT * FROM read_parquet(${quoteString(file)})`,
        );
        views.push(view);
      }
      return await runLimited(connection, request, ctx.blobs.root);
    } finally {
      for (const view of views) await connection.run(`DROP VIEW IF EXISTS ${view}`).catch(() => undefined);
    }
  });
}

/** Runs the checked SQL as one prepared SELECT, interrupting it after `timeoutMs`, reading `limit + 1` rows at most. */
async function runLimited(
  connection: DuckDBConnection,
  request: SqlRequest,
  blobRoot: string,
): Promise<SqlResult> {
  const started = performance.now();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, request.timeoutMs);
  try {
    const statement = await connection.prepare(request.sql);
    try {
      if (statement.statementType !== StatementType.SELECT) {
        throw new AppError("sql_not_allowed", "only SELECT queries may run here");
      }
      const result = await statement.stream();
      const names = result.deduplicatedColumnNames();
      const fields = result
        .columnTypes()
        .map((type, i) => ({ name: names[i] ?? `column${i}`, type: type.toString() }));
      const records: Row[] = [];
      while (records.length <= request.limit) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const values of chunk.convertRows(convertValue)) {
          if (records.length > request.limit) break;
          records.push(Object.fromEntries(names.map((name, i) => [name, (values[i] ?? null) as SqlValue])));
        }
      }
      const truncated = records.length > request.limit;
      if (truncated) records.length = request.limit;
      return { fields, records, truncated, elapsedMs: Math.round(performance.now() - started) };
    } finally {
      statement.destroySync();
    }
  } catch (error) {
    if (timedOut) {
      throw new AppError("sql_timeout", `the query ran longer than ${request.timeoutMs} ms and was stopped`, {
        timeoutMs: request.timeoutMs,
      });
    }
    throw toSqlError(error, blobRoot);
  } finally {
    clearTimeout(timer);
  }
}

/** DuckDB's own refusals of a user's query become `sql_error` with its message; faults stay internal. */
function toSqlError(error: unknown, blobRoot: string): unknown {
  const mapped = fromDuckDBError(error);
  if (!(mapped instanceof EngineQueryError)) return mapped;
  const message = mapped.message.replaceAll(blobRoot, "<blobs>");
  switch (mapped.kind) {
    case "parser":
      return new AppError("sql_syntax_error", message);
    case "permission":
      return new AppError("sql_not_allowed", message);
    case "io":
    case "internal":
    case "fatal":
    case "interrupt":
      return mapped;
    default:
      return new AppError("sql_error", message, { kind: mapped.kind });
  }
}

/** The first `maxBytes` of `text` in UTF-8, cut at a character boundary. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cut = Buffer.from(text).subarray(0, maxBytes).toString("utf8");
  if (cut.endsWith("\uFFFD")) cut = cut.slice(0, -1);
  return cut;
}

/** One audit entry per dataset read (so "who read this dataset" is one filter), or one for a query reading none. */
async function auditSql(
  ctx: AppContext,
  actor: Actor,
  sql: string,
  datasets: ResolvedDataset[],
  outcome: { outcome: string; rows: number; truncated?: boolean; elapsedMs?: number },
): Promise<void> {
  const text = truncateUtf8(sql, SQL_LIMITS.auditSqlBytes);
  const details = {
    sql: text,
    ...(text.length < sql.length ? { sqlTruncated: true } : {}),
    datasets: datasets.map((d) => `${d.dataset.org.name}/${d.dataset.row.name}@${d.version}`),
    ...outcome,
  };
  await ctx.db.transaction(async (tx) => {
    if (datasets.length === 0) {
      await ctx.audit.append(tx, {
        actor: actorName(actor),
        action: "data.sql",
        resource: "sql:query",
        details,
      });
    }
    const seen = new Set<string>();
    for (const d of datasets) {
      const key = `${d.dataset.row.id}@${d.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      await ctx.audit.append(tx, {
        actor: actorName(actor),
        action: "data.sql",
        resource: `dataset:${d.dataset.org.name}/${d.dataset.row.name}`,
        details: { ...details, version: d.version },
      });
    }
  });
}
