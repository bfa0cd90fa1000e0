/**
 * From an uploaded file in the blob store to a new dataset version: ingest (detect, infer or cast,
 * Parquet), merge with the current version for append/upsert, record and sign the version. Used both
 * within a request (small files) and by the `ingest.version` job (large ones).
 * The upload blob is deleted at the end whatever happens; intermediate Parquet files are removed unless
 * a version holds them, so a failed ingest leaves nothing behind.
 */

import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { LoadedDataset } from "../catalog/service.ts";
import {
  getVersion,
  recordVersion,
  referencedBlobKeys,
  type Version,
  type VersionMode,
} from "../catalog/versions.ts";
import type { AppContext } from "../context.ts";
import { AppError, isErrorCode } from "../errors.ts";
import {
  IngestError,
  type IngestOptions,
  type IngestProgress,
  ingestFile,
  type TableSchema,
} from "./index.ts";

export type UploadMode = Exclude<VersionMode, "schema">;

export interface UploadOptions {
  mode: UploadMode;
  filename: string;
  format?: IngestOptions["format"];
  encoding?: string;
  sheet?: string;
  delimiter?: string;
  header?: boolean;
  /** Infer a fresh schema on `replace` instead of casting to the dataset's current one. */
  inferSchema?: boolean;
}

export interface UploadRun {
  ds: LoadedDataset;
  /** The file as an upload in the blob store (deleted afterwards)… */
  uploadKey?: string;
  /** …or a local file the caller owns (left alone). */
  filePath?: string;
  options: UploadOptions;
  actor: string;
  userId: string | null;
  onProgress?: (p: IngestProgress) => void;
  signal?: AbortSignal;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** An ingest library error as the API's problem. */
export function toAppError(err: unknown): unknown {
  if (!(err instanceof IngestError)) return err;
  const code = isErrorCode(err.code) ? err.code : "invalid_file";
  return new AppError(code, err.message, { details: err.details });
}

export async function ingestUpload(ctx: AppContext, run: UploadRun): Promise<Version> {
  const { ds, options } = run;
  const created: string[] = [];
  try {
    const current = ds.row.currentVersion ? await getVersion(ctx.db, ds) : undefined;
    if ((options.mode === "append" || options.mode === "upsert") && !current) {
      throw new AppError(
        "no_current_version",
        `${ds.org.name}/${ds.row.name} has no version to ${options.mode} to`,
      );
    }
    const currentSchema = current?.tableSchema as TableSchema | undefined;
    if (options.mode === "upsert" && !currentSchema?.primaryKey?.length) {
      throw new AppError("primary_key_required", "set a primary key with PUT …/schema before upserting");
    }
    const castTo = options.mode === "replace" && options.inferSchema ? undefined : currentSchema;
    const source = run.filePath ?? (run.uploadKey ? ctx.blobs.pathOf(run.uploadKey) : undefined);
    if (!source) throw new Error("ingestUpload needs an uploadKey or a filePath");
    const result = await ingestFile(ctx.engine, ctx.blobs, source, {
      format: options.format,
      encoding: options.encoding,
      sheet: options.sheet,
      delimiter: options.delimiter,
      header: options.header,
      schema: castTo,
      tempDir: path.join(ctx.config.dataDir, "tmp", "engine"),
      onProgress: run.onProgress,
      signal: run.signal,
    }).catch((err) => {
      throw toAppError(err);
    });
    created.push(result.blobKey);

    let stored = { key: result.blobKey, sha256: result.sha256, bytes: result.bytes, rows: result.rows };
    if (current && (options.mode === "append" || options.mode === "upsert")) {
      stored = await mergeVersions(ctx, current.blobKey, result.blobKey, options.mode, result.schema);
      created.push(stored.key);
    }
    const version = await recordVersion(
      ctx.db,
      ctx.audit,
      ctx.key,
      ds,
      {
        blobKey: stored.key,
        rows: stored.rows,
        bytes: stored.bytes,
        sha256: stored.sha256,
        tableSchema: result.schema,
        mode: options.mode,
        source: { filename: options.filename, ...result.source, warnings: result.warnings },
        createdBy: run.userId,
      },
      run.actor,
    );
    return version;
  } finally {
    if (run.uploadKey) await ctx.blobs.delete(run.uploadKey).catch(() => {});
    if (created.length > 0) {
      const held = await referencedBlobKeys(ctx.db);
      for (const key of created) if (!held.has(key)) await ctx.blobs.delete(key).catch(() => {});
    }
  }
}

/**
 * The current version's rows plus the new ones (append), or with the new ones replacing rows of the same
 * primary key (upsert), as a new content-addressed Parquet file.
 */
async function mergeVersions(
  ctx: AppContext,
  currentKey: string,
  addedKey: string,
  mode: "append" | "upsert",
  schema: TableSchema,
) {
  const previous = quote(ctx.blobs.pathOf(currentKey));
  const added = quote(ctx.blobs.pathOf(addedKey));
  const columns = schema.fields.map((f) => ident(f.name)).join(", ");
  const keep =
    mode === "append"
      ? `SELECT ${columns} FROM read_parquet(${previous})`
      : `SELECT ${columns} FROM read_parquet(${previous}) p WHERE NOT EXISTS (SELECT 1 FROM read_parquet(${added}) a WHERE ${(
          schema.primaryKey ?? []
        )
          .map((k) => `a.${ident(k)} IS NOT DISTINCT FROM p.${ident(k)}`)
          .join(" AND ")})`;
  const out = path.join(ctx.blobs.root, ".tmp", `merge-${randomUUID()}.parquet`);
  try {
    await ctx.engine.query(
      `COPY (${keep} UNION ALL SELECT ${columns} FROM read_parquet(${added})) TO ${quote(out)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const [count] = await ctx.engine.query<{ n: number }>(
      `SELECT count(*)::BIGINT AS n FROM read_parquet(${quote(out)})`,
    );
    const stored = await ctx.blobs.putContentAddressed(createReadStream(out));
    return { key: stored.key, sha256: stored.sha256, bytes: stored.bytes, rows: Number(count?.n ?? 0) };
  } finally {
    await rm(out, { force: true });
  }
}
