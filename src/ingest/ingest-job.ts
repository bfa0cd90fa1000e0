/**
 * The `ingest.version` job: ingests an upload too large to handle within its request, reporting progress
 * by stage and bytes. One attempt only — a retry would find its upload already consumed — and an upload
 * whose job failed or was abandoned is removed by the orphan sweep.
 */
import { getDataset } from "../catalog/service.ts";
import type { AppContext } from "../context.ts";
import type { JobHandler } from "../jobs/execution.ts";
import type { JsonValue } from "../jobs/queue.ts";
import { ingestUpload, type UploadOptions } from "./upload.ts";

export const INGEST_JOB = "ingest.version";

interface IngestPayload {
  org: string;
  name: string;
  uploadKey: string;
  options: UploadOptions;
  userId: string | null;
}

/** Share of the job's progress each stage ends at. */
const STAGE_END = { detect: 0.05, decode: 0.25, infer: 0.5, write: 0.9, hash: 1 } as const;
const STAGE_START = { detect: 0, decode: 0.05, infer: 0.25, write: 0.5, hash: 0.9 } as const;

export function ingestJobHandler(ctx: AppContext): JobHandler {
  return async (job, { progress, signal }) => {
    const p = job.payload as unknown as IngestPayload;
    const ds = await getDataset(ctx.db, p.org, p.name);
    const version = await ingestUpload(ctx, {
      ds,
      uploadKey: p.uploadKey,
      options: p.options,
      actor: p.userId ? `user:${p.userId}` : "system",
      userId: p.userId,
      signal,
      onProgress: (e) => {
        const done = e.bytesTotal > 0 ? Math.min(1, e.bytesDone / e.bytesTotal) : 0;
        const share = STAGE_START[e.stage] + (STAGE_END[e.stage] - STAGE_START[e.stage]) * done;
        progress(share, `${e.stage}${e.rows !== undefined ? `: ${e.rows} rows` : ""}`).catch(() => {});
      },
    });
    return version as unknown as JsonValue;
  };
}
