/**
 * Running the data API's own SQL on a pooled DuckDB connection: statements are prepared once per
 * connection and kept (a small LRU per connection), so a repeated query shape skips parsing and binding —
 * and binding is where `read_parquet` opens the file and reads its footer. Each run is interrupted after a
 * time limit, and DuckDB's refusals come back as problems, never with the blob root's path in them.
 */
import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBValue } from "@duckdb/node-api";
import { convertValue, EngineQueryError, fromDuckDBError, type SqlValue } from "../engine/index.ts";
import { AppError } from "../errors.ts";

/** Longest a rows, aggregate or count query may run before it is interrupted. */
export const QUERY_TIMEOUT_MS = 30_000;
/** Prepared statements kept per connection. */
const STATEMENTS_PER_CONNECTION = 64;

const statements = new WeakMap<DuckDBConnection, Map<string, DuckDBPreparedStatement>>();

/** The prepared form of `sql` on `connection`, from the cache when it was prepared before. */
export async function preparedStatement(
  connection: DuckDBConnection,
  sql: string,
): Promise<DuckDBPreparedStatement> {
  let cache = statements.get(connection);
  if (!cache) {
    cache = new Map();
    statements.set(connection, cache);
  }
  const hit = cache.get(sql);
  if (hit) {
    cache.delete(sql); // re-insert: Map order is the LRU order
    cache.set(sql, hit);
    return hit;
  }
  const statement = await connection.prepare(sql);
  cache.set(sql, statement);
  if (cache.size > STATEMENTS_PER_CONNECTION) {
    const [oldest, evicted] = cache.entries().next().value as [string, DuckDBPreparedStatement];
    cache.delete(oldest);
    evicted.destroySync();
  }
  return statement;
}

/** DuckDB's error for a query this module built, as the problem to answer. */
export function toQueryProblem(error: unknown, blobRoot: string, timedOutAfterMs?: number): unknown {
  if (timedOutAfterMs !== undefined) {
    return new AppError(
      "query_timeout",
      `the query ran longer than ${timedOutAfterMs / 1000} s and was stopped`,
    );
  }
  const mapped = fromDuckDBError(error);
  if (
    mapped instanceof EngineQueryError &&
    (mapped.kind === "conversion" || mapped.kind === "invalid_input")
  ) {
    return new AppError("validation_failed", mapped.message.replaceAll(blobRoot, "<blobs>"));
  }
  return mapped;
}

/**
 * Runs `fn` with the connection's running statement interrupted after `timeoutMs`, mapping errors with
 * `toQueryProblem`.
 */
export async function withTimeLimit<T>(
  connection: DuckDBConnection,
  blobRoot: string,
  fn: () => Promise<T>,
  timeoutMs = QUERY_TIMEOUT_MS,
): Promise<T> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, timeoutMs);
  try {
    return await fn();
  } catch (error) {
    throw toQueryProblem(error, blobRoot, timedOut ? timeoutMs : undefined);
  } finally {
    clearTimeout(timer);
  }
}

export interface Rows {
  columns: string[];
  rows: SqlValue[][];
}

/** Runs a SELECT built by this module, with `params` bound, and reads every row (callers bound them). */
export async function selectRows(
  connection: DuckDBConnection,
  blobRoot: string,
  sql: string,
  params: readonly unknown[],
): Promise<Rows> {
  return withTimeLimit(connection, blobRoot, async () => {
    const statement = await preparedStatement(connection, sql);
    statement.bind(params as DuckDBValue[]);
    const reader = await statement.runAndReadAll();
    return {
      columns: reader.columnNames(),
      rows: reader.convertRows(convertValue) as SqlValue[][],
    };
  });
}
