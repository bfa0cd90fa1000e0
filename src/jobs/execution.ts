/**
 * Runs one claimed job: calls its handler, keeps the lease alive while the handler runs (a heartbeat
 * every third of the lease, carrying the latest progress), and records the outcome. The handler's signal
 * is aborted when the worker stops or loses the job (cancelled, or taken over after a stall).
 */
import type { Db } from "../db/client.ts";
import { describeFailure } from "./failures.ts";
import {
  type ClaimedJob,
  completeJob,
  failJob,
  heartbeatJob,
  type Job,
  JobLeaseLostError,
  type JsonValue,
  releaseJob,
  reportProgress,
} from "./queue.ts";

/** What a running handler is given besides its job. */
export interface JobRun {
  /**
   * Reports progress (0–1) with an optional message. Writes are throttled to about one a second; the
   * latest value always reaches the database. Rejects with `JobLeaseLostError` once the job is lost.
   */
  progress(progress: number, message?: string): Promise<void>;
  /** Aborted when the worker stops or loses the job: finish the current step, then throw. */
  signal: AbortSignal;
}

/** Runs one job and returns its result (a JSON value). Throw `JobError` to fail it with a code. */
export type JobHandler = (job: Job, run: JobRun) => Promise<JsonValue | undefined>;

/** The logger a worker writes to (pino's, or Fastify's, fits). */
export type JobLog = Record<"debug" | "info" | "warn" | "error", (obj: object, msg: string) => void>;

const PROGRESS_WRITE_INTERVAL_MS = 1000;

export interface RunOptions {
  db: Db;
  claimed: ClaimedJob;
  handler: JobHandler;
  log: JobLog;
  /** Aborted when the worker stops: the handler is aborted too, and an unfinished job is handed back. */
  stopping: AbortSignal;
}

/** Runs a claimed job to its end. Never rejects: every failure is recorded on the job or logged. */
export async function runClaimedJob({ db, claimed, handler, log, stopping }: RunOptions): Promise<void> {
  const { job, lease } = claimed;
  const about = { jobId: job.id, type: job.type, attempt: lease.attempt, workerId: lease.workerId };
  const controller = new AbortController();
  const keeper = keepLease(db, claimed, log, () => controller.abort(new JobLeaseLostError(lease)));
  const onStop = () => controller.abort(new Error("the worker is stopping"));
  stopping.addEventListener("abort", onStop);
  if (stopping.aborted) onStop();

  let outcome: { ok: true; result: JsonValue } | { ok: false; err: unknown };
  try {
    const result = await handler(job, { progress: keeper.progress, signal: controller.signal });
    outcome = { ok: true, result: result ?? null };
  } catch (err) {
    outcome = { ok: false, err };
  } finally {
    stopping.removeEventListener("abort", onStop);
    await keeper.close();
  }

  if (keeper.lost()) {
    log.warn(about, "the job was lost while it ran (cancelled or taken over); its outcome is discarded");
    return;
  }
  try {
    if (outcome.ok) {
      await completeJob(db, lease, outcome.result);
      log.info(about, "job succeeded");
    } else if (stopping.aborted) {
      await releaseJob(db, lease);
      log.info(about, "job handed back to the queue: the worker is stopping");
    } else {
      const { failure, retryable, unexpected } = describeFailure(outcome.err);
      if (unexpected) log.error({ ...about, err: outcome.err }, "job handler failed");
      const after = await failJob(db, lease, failure, { retryable });
      log.warn(
        { ...about, code: failure.code, retryAt: after.state === "queued" ? after.runAt : undefined },
        after.state === "queued" ? "job attempt failed; it will be retried" : "job failed",
      );
    }
  } catch (err) {
    if (err instanceof JobLeaseLostError) log.warn(about, "the job was lost before its outcome was recorded");
    else log.error({ ...about, err }, "could not record the job's outcome; it runs again after its lease");
  }
}

/**
 * Keeps a claimed job's lease alive: a heartbeat every third of the lease, carrying any progress not yet
 * written. Calls `onLost` once the lease is gone — the database says so, or it could not be extended for
 * a whole lease (another worker may hold the job by now).
 */
function keepLease(db: Db, { lease }: ClaimedJob, log: JobLog, onLost: () => void) {
  let lost = false;
  let confirmedAt = Date.now();
  let progressWrittenAt = 0;
  let pending: { progress: number; message?: string } | undefined;
  let writing: Promise<void> | undefined;
  let flushTimer: NodeJS.Timeout | undefined;

  const loseLease = () => {
    if (lost) return;
    lost = true;
    onLost();
  };

  const writeOnce = async () => {
    const report = pending;
    pending = undefined;
    try {
      if (report) await reportProgress(db, lease, report.progress, report.message);
      else await heartbeatJob(db, lease);
      confirmedAt = Date.now();
      if (report) progressWrittenAt = confirmedAt;
    } catch (err) {
      if (err instanceof JobLeaseLostError) return loseLease();
      pending ??= report;
      log.warn({ jobId: lease.jobId, err }, "could not extend the job's lease");
      if (Date.now() - confirmedAt > lease.leaseSeconds * 1000) loseLease();
    }
  };

  /** One write at a time; a write asked for while one runs follows it. */
  const write = async (): Promise<void> => {
    while (writing) await writing;
    if (lost) return;
    writing = writeOnce().finally(() => {
      writing = undefined;
    });
    await writing;
  };

  const heartbeat = setInterval(
    () => {
      if (!writing) void write();
    },
    (lease.leaseSeconds * 1000) / 3,
  );

  return {
    lost: () => lost,
    async progress(progress: number, message?: string) {
      if (lost) throw new JobLeaseLostError(lease);
      if (Number.isNaN(progress)) throw new RangeError("progress is not a number");
      pending = { progress, message: message ?? pending?.message };
      const wait = progressWrittenAt + PROGRESS_WRITE_INTERVAL_MS - Date.now();
      if (wait <= 0) await write();
      else
        flushTimer ??= setTimeout(() => {
          flushTimer = undefined;
          void write();
        }, wait);
      if (lost) throw new JobLeaseLostError(lease);
    },
    async close() {
      clearInterval(heartbeat);
      clearTimeout(flushTimer);
      while (writing) await writing;
    },
  };
}
