/**
 * The worker loop: claims due jobs of the types it has handlers for, runs up to `concurrency` of them at
 * once, and polls with a short, growing pause while the queue is empty. `stop()` stops claiming, aborts
 * the running handlers' signals and waits for them to settle; jobs left unfinished go back to the queue.
 * Any number of workers, in one process or many, may share a database.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "../db/client.ts";
import { type JobHandler, type JobLog, runClaimedJob } from "./execution.ts";
import { JobError } from "./failures.ts";
import { type ClaimedJob, claimJob, releaseJob } from "./queue.ts";

export interface WorkerOptions {
  db: Db;
  /** Job type → handler; the worker claims only these types. */
  handlers: Readonly<Record<string, JobHandler>>;
  /** Shown in `jobs.locked_by`; unique per worker (default: host, pid and a random suffix). */
  workerId?: string;
  /** Jobs run at once (at least 1). */
  concurrency: number;
  /** How long a claim holds without a heartbeat; heartbeats come every third of it. */
  leaseSeconds: number;
  /** Longest pause between polls of an empty queue, in milliseconds (default 1000). */
  pollMs?: number;
  log: JobLog;
}

export interface Worker {
  readonly id: string;
  /** Stops claiming, aborts running handlers and resolves once they have settled. */
  stop(): Promise<void>;
}

/** The first pause after an empty poll; it doubles up to `pollMs`, so a burst of jobs is seen at once. */
const FIRST_IDLE_MS = 50;

export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

export function startWorker(opts: WorkerOptions): Worker {
  const { db, handlers, concurrency, leaseSeconds, log } = opts;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError("concurrency must be ≥ 1");
  if (!(leaseSeconds > 0)) throw new RangeError("leaseSeconds must be positive");
  const id = opts.workerId ?? defaultWorkerId();
  const pollMs = opts.pollMs ?? 1000;
  const types = Object.keys(handlers);
  const stopping = new AbortController();
  const running = new Set<Promise<void>>();
  let wake: (() => void) | undefined;

  /** Sleeps `ms`, or less if a finishing job or `stop()` wakes the loop. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
    });
  const idlePause = (emptyPolls: number) =>
    Math.min(pollMs, FIRST_IDLE_MS * 2 ** Math.min(emptyPolls, 16)) * (0.8 + 0.4 * Math.random());

  const run = (claimed: ClaimedJob) => {
    const handler = handlers[claimed.job.type] ?? missingHandler;
    const done: Promise<void> = runClaimedJob({ db, claimed, handler, log, stopping: stopping.signal })
      .catch((err) => log.error({ err, jobId: claimed.job.id }, "job run crashed"))
      .finally(() => {
        running.delete(done);
        wake?.();
      });
    running.add(done);
  };

  const loop = async () => {
    let emptyPolls = 0;
    while (!stopping.signal.aborted) {
      if (running.size >= concurrency) {
        await pause(pollMs);
        continue;
      }
      let claimed: ClaimedJob | null;
      try {
        claimed = await claimJob(db, id, leaseSeconds, types);
      } catch (err) {
        log.error({ err, workerId: id }, "could not claim a job; retrying");
        await pause(pollMs);
        continue;
      }
      if (!claimed) {
        await pause(idlePause(emptyPolls++));
        continue;
      }
      emptyPolls = 0;
      if (stopping.signal.aborted) {
        await releaseJob(db, claimed.lease).catch((err) =>
          log.warn({ err, jobId: claimed.job.id }, "could not hand back a job claimed while stopping"),
        );
        break;
      }
      run(claimed);
    }
  };

  log.info({ workerId: id, types, concurrency, leaseSeconds }, "job worker started");
  const looping = loop();
  return {
    id,
    async stop() {
      stopping.abort();
      wake?.();
      await looping;
      await Promise.allSettled([...running]);
      log.info({ workerId: id }, "job worker stopped");
    },
  };
}

const missingHandler: JobHandler = async (job) => {
  throw new JobError("unknown_job_type", `no handler for jobs of type ${job.type}`);
};
