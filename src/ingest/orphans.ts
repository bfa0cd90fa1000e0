/**
 * Removes files no one will ever read: version Parquet files no version row refers to (an ingest killed
 * between writing its file and committing its row) and uploads no live ingest job is waiting for.
 * Run at start; with a shared store and other processes running, only files older than `olderThanMs`
 * are touched, so another process's ingest in flight is never swept from under it.
 */
import { sql } from "drizzle-orm";
import { referencedBlobKeys } from "../catalog/versions.ts";
import type { AppContext } from "../context.ts";
import { execute } from "../db/client.ts";
import { INGEST_JOB } from "./ingest-job.ts";

export async function sweepOrphanBlobs(ctx: AppContext, olderThanMs: number): Promise<{ removed: string[] }> {
  const held = await referencedBlobKeys(ctx.db);
  const waiting = await execute<{ key: string }>(
    ctx.db,
    sql`select payload->>'uploadKey' as key from jobs where type = ${INGEST_JOB} and state in ('queued', 'running')`,
  );
  for (const w of waiting) held.add(w.key);
  const cutoff = Date.now() - olderThanMs;
  const removed: string[] = [];
  for (const prefix of ["sha256/", "uploads/"]) {
    for await (const key of ctx.blobs.list(prefix)) {
      if (held.has(key)) continue;
      const stat = await ctx.blobs.stat(key);
      if (!stat || stat.mtime.getTime() > cutoff) continue;
      await ctx.blobs.delete(key);
      removed.push(key);
    }
  }
  return { removed };
}
