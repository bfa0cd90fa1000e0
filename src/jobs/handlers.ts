/**
 * The job types this Mekong runs and their handlers. Each domain adds its own here (ingest, harvest,
 * sync, quality runs) so `mekong serve` and `mekong worker` run the same set.
 */
import type { AppContext } from "../context.ts";
import { INGEST_JOB, ingestJobHandler } from "../ingest/ingest-job.ts";
import type { JobHandler } from "./execution.ts";

export function jobHandlers(ctx: AppContext): Record<string, JobHandler> {
  return {
    /** Signs a checkpoint at the audit chain's head if entries were added since the last one. */
    "maintenance.audit-checkpoint": async () => ctx.audit.checkpoint(ctx.db),
    [INGEST_JOB]: ingestJobHandler(ctx),
  };
}
