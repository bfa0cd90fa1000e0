/**
 * `mekong worker`: a process that only runs jobs, for scale-out — start as many as needed, on any
 * machines that reach the same PostgreSQL server and blob store. Stops gracefully on SIGTERM or SIGINT:
 * no new claims, running handlers finish their current step, unfinished jobs go back to the queue.
 */
import type { Command } from "commander";
import { pino } from "pino";
import { closeContext, openContext } from "../context.ts";
import { jobHandlers } from "../jobs/handlers.ts";
import { startWorker } from "../jobs/worker.ts";
import { type CommonFlags, configFromFlags, runCommand } from "./common.ts";

const PGLITE_EXPLANATION =
  "mekong: the worker needs a PostgreSQL server (set DATABASE_URL=postgres://…). The embedded PGlite database " +
  "opens in one process only, so its jobs run inside `mekong serve` (MEKONG_WORKER_CONCURRENCY, default 1).";

export function registerWorkerCommand(program: Command) {
  program
    .command("worker")
    .description("run jobs from the shared PostgreSQL queue (scale-out; needs DATABASE_URL)")
    .option("--concurrency <n>", "jobs run at once, 1–64 (default MEKONG_WORKER_CONCURRENCY, at least 1)")
    .option("--data <dir>", "data directory: blobs and signing key (default ./data or MEKONG_DATA_DIR)")
    .action((opts: CommonFlags & { concurrency?: string }) =>
      runCommand(async () => {
        const config = configFromFlags(opts);
        if (!config.databaseUrl) {
          console.error(PGLITE_EXPLANATION);
          return 2;
        }
        const concurrency = opts.concurrency
          ? Number(opts.concurrency)
          : Math.max(1, config.jobs.workerConcurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
          console.error(`mekong: --concurrency must be a whole number from 1 to 64, not ${opts.concurrency}`);
          return 2;
        }

        const log = pino({ level: config.logLevel }).child({ module: "jobs" });
        const ctx = await openContext(config);
        try {
          const worker = startWorker({
            db: ctx.db,
            handlers: jobHandlers(ctx),
            concurrency,
            leaseSeconds: config.jobs.leaseSeconds,
            log,
          });
          console.log(`Mekong worker ${worker.id} running ${concurrency} job(s) at a time`);
          const signal = await new Promise<string>((resolve) => {
            process.once("SIGTERM", () => resolve("SIGTERM"));
            process.once("SIGINT", () => resolve("SIGINT"));
          });
          log.info({ signal }, "shutting down: finishing the running jobs' current step");
          await worker.stop();
          return 0;
        } finally {
          await closeContext(ctx);
        }
      }),
    );
}
