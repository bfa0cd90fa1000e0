// Running one ingest statement on a held connection so an abort interrupts DuckDB mid-scan, and progress
// is reported while it runs (when the engine has DuckDB's progress tracking on; otherwise start and end).

import type { DuckDBConnection } from "@duckdb/node-api";
import { queryConnection, type Row } from "../engine/index.ts";
import { IngestError, throwIfAborted } from "./errors.ts";

export interface RunOptions {
  signal?: AbortSignal;
  /** Called with the share of the statement done, 0…1, a few times a second while it runs. */
  onFraction?: (fraction: number) => void;
}

const POLL_MS = 250;

export async function runStatement<T extends Row = Row>(
  connection: DuckDBConnection,
  sql: string,
  opts: RunOptions = {},
): Promise<T[]> {
  const { signal, onFraction } = opts;
  throwIfAborted(signal);
  const interrupt = () => connection.interrupt();
  signal?.addEventListener("abort", interrupt, { once: true });
  const timer = onFraction
    ? setInterval(() => {
        const { percentage } = connection.progress;
        if (percentage >= 0) onFraction(Math.min(1, percentage / 100));
      }, POLL_MS)
    : undefined;
  const traced = process.env.MEKONG_TRACE_INGEST_SQL ? performance.now() : undefined;
  try {
    return await queryConnection<T>(connection, sql);
  } catch (error) {
    // the cause is DuckDB's interrupt, so a caller can tell a statement cut short from one never started
    if (signal?.aborted) throw new IngestError("aborted", "The ingest was aborted", {}, { cause: error });
    throw error;
  } finally {
    if (traced !== undefined)
      process.stderr.write(`[ingest sql ${(performance.now() - traced).toFixed(0)} ms] ${sql}\n`);
    clearInterval(timer);
    signal?.removeEventListener("abort", interrupt);
  }
}
