// ingestFile: a local file in, a typed content-addressed Parquet blob and its Table Schema out. Bytes
// first (detect, transcode or unpack a sheet; no engine held), then the engine (infer or cast, COPY), then
// the blob store (stream, hash). Every temporary file lives in one workspace removed in `finally`.

import { stat } from "node:fs/promises";
import type { LocalBlobStore } from "../blobs/index.ts";
import type { Engine } from "../engine/index.ts";
import { detectFromSample, sampleFile } from "./detect.ts";
import { IngestError, throwIfAborted } from "./errors.ts";
import { validateSchema } from "./forced.ts";
import { prepareInput, type Report } from "./prepare.ts";
import { tabulate } from "./tabulate.ts";
import {
  DEFAULT_MISSING_VALUES,
  type IngestOptions,
  type IngestResult,
  type SourceInfo,
  type TableSchema,
} from "./types.ts";
import { createWorkspace, type Workspace } from "./workspace.ts";
import { storeContentAddressed } from "./write.ts";

function reporter(onProgress: IngestOptions["onProgress"]): Report {
  return (stage, bytesDone, bytesTotal, rows) => {
    if (!onProgress) return;
    try {
      onProgress(
        rows === undefined ? { stage, bytesDone, bytesTotal } : { stage, bytesDone, bytesTotal, rows },
      );
    } catch {
      // a failing progress callback must not fail the ingest
    }
  };
}

function abortedError(signal: AbortSignal | undefined, error: unknown): unknown {
  if (!signal?.aborted || (error instanceof IngestError && error.code === "aborted")) return error;
  return new IngestError("aborted", "The ingest was aborted", {}, { cause: signal.reason });
}

type Prepared = Awaited<ReturnType<typeof prepareInput>>;

/**
 * Detection and the byte-level preparation shared by `ingestFile` and `inferSchema`, then `run` with the
 * prepared input and the ingest's workspace, which is removed afterwards whatever happens.
 */
async function withPreparedInput<T>(
  blobs: LocalBlobStore,
  filePath: string,
  opts: IngestOptions,
  run: (input: Prepared, ws: Workspace, ctx: { missingValues: string[]; report: Report }) => Promise<T>,
): Promise<T> {
  const { signal } = opts;
  const report = reporter(opts.onProgress);
  throwIfAborted(signal);
  if (opts.schema) validateSchema(opts.schema);
  const missingValues = [...(opts.schema?.missingValues ?? DEFAULT_MISSING_VALUES)];

  const sample = await sampleFile(filePath);
  report("detect", 0, sample.bytes);
  const detected = detectFromSample(sample, {
    format: opts.format,
    encoding: opts.encoding,
    delimiter: opts.delimiter,
    header: opts.header,
    missingValues,
  });
  report("detect", sample.bytes, sample.bytes);

  const ws = await createWorkspace(opts.tempDir);
  try {
    const input = await prepareInput({
      filePath,
      sample,
      detected,
      allowedDirs: [blobs.root, opts.tempDir],
      encodingForced: opts.encoding !== undefined,
      sheet: opts.sheet,
      header: opts.header,
      missingValues,
      ws,
      report,
      signal,
    });
    throwIfAborted(signal);
    return await run(input, ws, { missingValues, report });
  } catch (error) {
    throw abortedError(signal, error);
  } finally {
    await ws.remove();
  }
}

/**
 * Ingests `filePath` (CSV/TSV/other delimiters, XLSX, JSON, NDJSON or Parquet, detected by content) into
 * a Parquet blob keyed by its SHA-256, with the Table Schema inferred — or `opts.schema` applied.
 * Streams throughout: memory stays bounded whatever the file's size (an XLSX's shared strings excepted).
 *
 * Throws `IngestError` for anything wrong with the input (`empty_file`, `unsupported_format`,
 * `encoding_error`, `schema_mismatch`, `cast_failed`, `ragged_rows`, `row_too_large`, `malformed_file`,
 * `sheet_not_found`, `invalid_schema`, `unreadable_file`) and `aborted` when `opts.signal` fires; temporary
 * files are gone when it returns or throws.
 */
export function ingestFile(
  engine: Engine,
  blobs: LocalBlobStore,
  filePath: string,
  opts: IngestOptions,
): Promise<IngestResult> {
  const { signal } = opts;
  return withPreparedInput(blobs, filePath, opts, async (input, ws, { missingValues, report }) => {
    const target = ws.file(".parquet");
    const table = await engine.withConnection((connection) =>
      tabulate(connection, input, { schema: opts.schema, missingValues, target, report, signal }),
    );
    throwIfAborted(signal);
    const parquetBytes = (await stat(target)).size;
    report("hash", 0, parquetBytes, table.rows);
    const stored = await storeContentAddressed(blobs, target, {
      signal,
      onBytes: (done) => report("hash", done, parquetBytes, table.rows),
    });
    return {
      blobKey: stored.key,
      sha256: stored.sha256,
      bytes: stored.bytes,
      rows: table.rows,
      schema: table.schema,
      source: input.source,
      warnings: [...input.warnings, ...table.warnings],
    };
  });
}

export interface InferredSchema {
  schema: TableSchema;
  rows: number;
  source: SourceInfo;
  warnings: string[];
}

/**
 * The Table Schema `ingestFile` would infer for `filePath`, from the same sample and full-file check,
 * without writing anything (a preview before an upload is committed). Same errors as `ingestFile`.
 */
export function inferSchema(
  engine: Engine,
  blobs: LocalBlobStore,
  filePath: string,
  opts: Omit<IngestOptions, "schema">,
): Promise<InferredSchema> {
  return withPreparedInput(blobs, filePath, opts, async (input, _ws, { missingValues, report }) => {
    const table = await engine.withConnection((connection) =>
      tabulate(connection, input, { missingValues, report, signal: opts.signal }),
    );
    return {
      schema: table.schema,
      rows: table.rows,
      source: input.source,
      warnings: [...input.warnings, ...table.warnings],
    };
  });
}
