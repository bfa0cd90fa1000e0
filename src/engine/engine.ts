// The query engine: one in-memory DuckDB instance per process, fenced in by sandbox.ts, shared through a
// small connection pool. Queries run as single prepared statements and return JSON-ready row objects.

import { mkdir, realpath } from "node:fs/promises";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance, StatementType } from "@duckdb/node-api";
import { fromDuckDBError, StatementNotAllowedError } from "./errors.ts";
import { ConnectionPool } from "./pool.ts";
import { instanceOptions, lockDown } from "./sandbox.ts";
import { convertValue, type QueryParams, type Row, toDuckDBParams } from "./values.ts";

export interface EngineOptions {
  /** The only directory (with `tempDir`) SQL may read or write files in. Created if missing. */
  blobRoot: string;
  /** Where DuckDB spills to disk. Created if missing. */
  tempDir: string;
  threads?: number;
  /** DuckDB memory limit, e.g. "2GB". */
  memoryLimit?: string;
  /** Connections in the pool; default 4. */
  poolSize?: number;
}

export interface QueryOptions {
  /** Refuse anything but a SELECT statement (throws `StatementNotAllowedError`). */
  readOnly?: boolean;
}

export interface Engine {
  /**
   * Runs exactly one SQL statement (several separated by `;` are refused by DuckDB) and returns all rows.
   * Values come in as parameters (`$1`/`?` positional, `$name` named), never spliced into `sql`.
   */
  query<T extends Row = Row>(sql: string, params?: QueryParams, options?: QueryOptions): Promise<T[]>;
  /** Borrows a pooled connection for `fn` (waiting while all are busy), e.g. for a transaction. */
  withConnection<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T>;
  /** Throws unless DuckDB answers `SELECT 42` with 42. */
  health(): Promise<void>;
  /** Waits for borrowed connections to come back, then closes everything. Idempotent. */
  close(): Promise<void>;
}

/**
 * `Engine.query` on a connection you already hold (inside `withConnection`). DuckDB's errors come out as
 * `EngineQueryError` with their `kind`.
 */
export async function queryConnection<T extends Row = Row>(
  connection: DuckDBConnection,
  sql: string,
  params?: QueryParams,
  options: QueryOptions = {},
): Promise<T[]> {
  const statement = await connection.prepare(sql).catch((error: unknown) => {
    throw fromDuckDBError(error);
  });
  try {
    if (options.readOnly && statement.statementType !== StatementType.SELECT) {
      throw new StatementNotAllowedError(StatementType[statement.statementType] ?? "UNKNOWN");
    }
    if (params !== undefined) statement.bind(toDuckDBParams(params));
    const reader = await statement.runAndReadAll();
    return reader.convertRowObjects(convertValue) as T[];
  } catch (error) {
    throw fromDuckDBError(error);
  } finally {
    statement.destroySync();
  }
}

/** Both the path as given and its real path, since DuckDB compares path text, not inodes. */
async function pathSpellings(dir: string): Promise<string[]> {
  const absolute = path.resolve(dir);
  await mkdir(absolute, { recursive: true });
  const real = await realpath(absolute);
  return real === absolute ? [absolute] : [absolute, real];
}

/** Starts the engine. Fails (and leaves nothing open) if the sandbox settings cannot be applied. */
export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const poolSize = opts.poolSize ?? 4;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new RangeError(`poolSize must be a positive integer, got ${poolSize}`);
  }
  const blobRoot = path.resolve(opts.blobRoot);
  const tempDir = path.resolve(opts.tempDir);
  const directories = [...(await pathSpellings(blobRoot)), ...(await pathSpellings(tempDir))];

  const instance = await DuckDBInstance.create(":memory:", instanceOptions({ blobRoot, tempDir }, opts));
  const connections: DuckDBConnection[] = [];
  try {
    for (let i = 0; i < poolSize; i++) connections.push(await instance.connect());
    await lockDown(connections[0] as DuckDBConnection, directories);
  } catch (error) {
    for (const connection of connections) connection.disconnectSync();
    instance.closeSync();
    throw error;
  }
  const pool = new ConnectionPool(connections);
  let closing: Promise<void> | undefined;

  const engine: Engine = {
    query: (sql, params, options) =>
      pool.use((connection) => queryConnection(connection, sql, params, options)),
    withConnection: (fn) => pool.use(fn),
    async health() {
      const [row] = await engine.query("SELECT 42 AS answer");
      if (row?.answer !== 42) throw new Error(`DuckDB health check answered ${JSON.stringify(row)}`);
    },
    close() {
      closing ??= pool.close().then(() => instance.closeSync());
      return closing;
    },
  };
  return engine;
}
