// The end of the pipeline: one COPY statement writes the typed Parquet file into the workspace, then the
// blob store takes it as a stream, hashing on the way, and files it under its SHA-256.

import { createReadStream } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { LocalBlobStore, PutResult } from "../blobs/index.ts";
import { throwIfAborted } from "./errors.ts";
import { type RunOptions, runStatement } from "./run.ts";
import { literal } from "./sql.ts";

/** `COPY (select) TO target` as zstd Parquet; the statement's result carries the row count. */
export function copyToParquet(select: string, target: string): string {
  return `COPY (${select}) TO ${literal(target)} (FORMAT parquet, COMPRESSION zstd)`;
}

/** Rows written, from a COPY statement's result. */
export function copiedRows(result: readonly Record<string, unknown>[]): number {
  return Number(result[0]?.Count ?? 0);
}

export async function writeParquet(
  connection: DuckDBConnection,
  select: string,
  target: string,
  opts: RunOptions,
): Promise<number> {
  return copiedRows(await runStatement(connection, copyToParquet(select, target), opts));
}

/** Streams `file` into the blob store under its content address, reporting bytes as they go. */
export async function storeContentAddressed(
  blobs: LocalBlobStore,
  file: string,
  opts: { signal?: AbortSignal; onBytes?: (done: number) => void },
): Promise<PutResult> {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let done = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      throwIfAborted(opts.signal);
      done += (chunk as Buffer).length;
      opts.onBytes?.(done);
      yield chunk as Buffer;
    }
  }
  return blobs.putContentAddressed(chunks());
}
