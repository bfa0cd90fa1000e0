/**
 * The work a `mekong serve` process does besides answering requests: periodic signed audit checkpoints,
 * and a job worker unless MEKONG_WORKER_CONCURRENCY is 0 (API-only processes, with `mekong worker`
 * processes running the jobs).
 */
import type { FastifyBaseLogger } from "fastify";
import { startCheckpointTimer } from "../audit/checkpoints.ts";
import type { AppContext } from "../context.ts";
import { jobHandlers } from "./handlers.ts";
import { startWorker } from "./worker.ts";

export function startBackgroundWork(ctx: AppContext, log: FastifyBaseLogger): { stop(): Promise<void> } {
  const { workerConcurrency, leaseSeconds } = ctx.config.jobs;
  const checkpoints = startCheckpointTimer(
    ctx,
    ctx.config.audit.checkpointSeconds,
    log.child({ module: "audit" }),
  );
  const worker =
    workerConcurrency > 0
      ? startWorker({
          db: ctx.db,
          handlers: jobHandlers(ctx),
          concurrency: workerConcurrency,
          leaseSeconds,
          log: log.child({ module: "jobs" }),
        })
      : undefined;
  return {
    async stop() {
      await Promise.all([worker?.stop(), checkpoints.stop()]);
    },
  };
}
