/**
 * The durable job queue. A job is a row in `jobs`; a worker takes it with `FOR UPDATE SKIP LOCKED` and
 * holds it under a lease that it extends while it runs (the heartbeat). A worker that dies stops
 * extending its lease, and once the lease has expired another worker takes the job over — or, with no
 * attempts left, the job fails. Every write a worker makes is fenced by its `JobLease` (worker id and
 * attempt number), so a worker that lost a job can no longer touch it.
 *
 * Delivery is at least once: a handler may run again after a crash, so handlers must be idempotent.
 * All times are the database's `now()`, so workers on several machines agree on leases and retries.
 */
import { and, eq, gte, inArray, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { Queryable } from "../db/client.ts";
import { jobs } from "../db/schema.ts";
import { AppError } from "../errors.ts";

export type Job = typeof jobs.$inferSelect;
export type JobState = Job["state"];

/** What a job's payload and result may hold: values that survive a round trip through jsonb. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Why an attempt failed: a stable snake_case code and a message fit to show the job's owner. */
export interface JobFailure {
  code: string;
  message: string;
}

export interface JobInput {
  /** `<domain>.<what>`, e.g. `maintenance.audit-checkpoint`; a worker runs the types it has handlers for. */
  type: string;
  payload: JsonValue;
  createdBy?: string | null;
  orgId?: string | null;
  /** Attempts before the job fails for good (1–100, default 3). */
  maxAttempts?: number;
  /** Not before this time (default: now). */
  runAt?: Date;
}

/** Proof that a worker holds a job: who, which attempt, and for how long each heartbeat extends it. */
export interface JobLease {
  jobId: string;
  workerId: string;
  attempt: number;
  leaseSeconds: number;
}

export interface ClaimedJob {
  job: Job;
  lease: JobLease;
}

/** The worker's lease on a job is gone: it expired and another worker took the job, or it was cancelled. */
export class JobLeaseLostError extends Error {
  constructor(readonly lease: JobLease) {
    super(`worker ${lease.workerId} no longer holds job ${lease.jobId} (attempt ${lease.attempt})`);
    this.name = "JobLeaseLostError";
  }
}

/** Longest wait between retries, however many attempts failed. */
const MAX_RETRY_DELAY_SECONDS = 600;

const now = sql`now()`;
const leaseEnd = (seconds: number) => sql`now() + make_interval(secs => ${seconds})`;
const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/**
 * Adds a job to the queue. Pass the caller's transaction so the job exists exactly when the change that
 * asked for it commits.
 * @throws RangeError for an empty type or a `maxAttempts` outside 1–100.
 */
export async function enqueueJob(q: Queryable, input: JobInput): Promise<Job> {
  const maxAttempts = input.maxAttempts ?? 3;
  if (!/^[a-z0-9][\w.-]{0,99}$/i.test(input.type)) throw new RangeError(`bad job type ${input.type}`);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    throw new RangeError(`maxAttempts must be an integer from 1 to 100, not ${maxAttempts}`);
  }
  const [job] = await q
    .insert(jobs)
    .values({
      type: input.type,
      payload: input.payload,
      createdBy: input.createdBy ?? null,
      orgId: input.orgId ?? null,
      maxAttempts,
      runAt: input.runAt,
    })
    .returning();
  if (!job) throw new Error("insert into jobs returned no row");
  return job;
}

export async function findJob(q: Queryable, id: string): Promise<Job | undefined> {
  if (!isUuid(id)) return undefined;
  return (await q.select().from(jobs).where(eq(jobs.id, id)))[0];
}

/** @throws AppError `job_not_found` for an unknown id or one that is not a UUID. */
export async function getJob(q: Queryable, id: string): Promise<Job> {
  const job = await findJob(q, id);
  if (!job) throw new AppError("job_not_found", `no job ${JSON.stringify(id)}`);
  return job;
}

/**
 * Takes the next due job of one of `types` for `workerId`, leased for `leaseSeconds`: a queued job whose
 * time has come, or a running one whose worker let its lease expire. Jobs locked by a concurrent claim
 * are skipped, so any number of workers can claim at once and each job goes to one of them.
 * Returns null when nothing is due.
 */
export async function claimJob(
  q: Queryable,
  workerId: string,
  leaseSeconds: number,
  types: readonly string[],
): Promise<ClaimedJob | null> {
  if (types.length === 0) return null;
  await failAbandonedJobs(q);
  const next = q
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(
        inArray(jobs.type, [...types]),
        or(
          and(eq(jobs.state, "queued"), lte(jobs.runAt, now)),
          and(eq(jobs.state, "running"), lt(jobs.leaseUntil, now), lt(jobs.attempts, jobs.maxAttempts)),
        ),
      ),
    )
    .orderBy(jobs.runAt)
    .limit(1)
    .for("update", { skipLocked: true });
  const [job] = await q
    .update(jobs)
    .set({
      state: "running",
      attempts: sql`${jobs.attempts} + 1`,
      lockedBy: workerId,
      leaseUntil: leaseEnd(leaseSeconds),
      progress: 0,
      message: null,
      updatedAt: now,
    })
    .where(eq(jobs.id, sql`${next}`))
    .returning();
  if (!job) return null;
  return { job, lease: { jobId: job.id, workerId, attempt: job.attempts, leaseSeconds } };
}

/**
 * Fails running jobs whose lease expired with no attempts left (their worker died on the last try).
 * `claimJob` calls it first, so such jobs end as `failed` instead of staying `running` for ever.
 */
export async function failAbandonedJobs(q: Queryable): Promise<number> {
  const failed = await q
    .update(jobs)
    .set({
      state: "failed",
      error: {
        code: "lease_expired",
        message: "the worker running the job stopped responding, and no attempts are left",
      },
      leaseUntil: null,
      finishedAt: now,
      updatedAt: now,
    })
    .where(and(eq(jobs.state, "running"), lt(jobs.leaseUntil, now), gte(jobs.attempts, jobs.maxAttempts)))
    .returning({ id: jobs.id });
  return failed.length;
}

/** The job while `lease` still holds it; every write of a worker goes through this condition. */
const heldBy = (lease: JobLease): SQL | undefined =>
  and(
    eq(jobs.id, lease.jobId),
    eq(jobs.state, "running"),
    eq(jobs.lockedBy, lease.workerId),
    eq(jobs.attempts, lease.attempt),
  );

async function updateHeld(q: Queryable, lease: JobLease, set: PgUpdateSetSource<typeof jobs>) {
  const [job] = await q
    .update(jobs)
    .set({ ...set, updatedAt: now })
    .where(heldBy(lease))
    .returning();
  if (!job) throw new JobLeaseLostError(lease);
  return job;
}

/**
 * Records progress (0–1, clamped) and an optional message, and extends the lease.
 * @throws JobLeaseLostError when the worker no longer holds the job.
 */
export async function reportProgress(
  q: Queryable,
  lease: JobLease,
  progress: number,
  message?: string,
): Promise<void> {
  if (Number.isNaN(progress)) throw new RangeError("progress is not a number");
  await updateHeld(q, lease, {
    progress: Math.min(1, Math.max(0, progress)),
    ...(message !== undefined ? { message } : {}),
    leaseUntil: leaseEnd(lease.leaseSeconds),
  });
}

/**
 * Extends the lease without changing anything else: the heartbeat of a running handler.
 * @throws JobLeaseLostError when the worker no longer holds the job.
 */
export async function heartbeatJob(q: Queryable, lease: JobLease): Promise<void> {
  await updateHeld(q, lease, { leaseUntil: leaseEnd(lease.leaseSeconds) });
}

/** @throws JobLeaseLostError when the worker no longer holds the job (its result is then discarded). */
export function completeJob(q: Queryable, lease: JobLease, result: JsonValue): Promise<Job> {
  return updateHeld(q, lease, {
    state: "succeeded",
    progress: 1,
    result,
    error: null,
    leaseUntil: null,
    finishedAt: now,
  });
}

/** Seconds before retry number `attempt` (1-based): 2^attempt, at most 10 minutes, ±25% jitter. */
export function retryDelaySeconds(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_DELAY_SECONDS, 2 ** Math.max(1, attempt));
  return base * (0.75 + 0.5 * random());
}

/**
 * Records a failed attempt. A retryable failure with attempts left puts the job back in the queue after
 * a backoff (`retryDelaySeconds`); otherwise the job ends `failed` with `error`.
 * @throws JobLeaseLostError when the worker no longer holds the job.
 */
export async function failJob(
  q: Queryable,
  lease: JobLease,
  error: JobFailure,
  opts: { retryable: boolean },
): Promise<Job> {
  const failure = { code: error.code, message: error.message };
  if (opts.retryable) {
    const [retried] = await q
      .update(jobs)
      .set({
        state: "queued",
        error: failure,
        runAt: sql`now() + make_interval(secs => ${retryDelaySeconds(lease.attempt)})`,
        lockedBy: null,
        leaseUntil: null,
        updatedAt: now,
      })
      .where(and(heldBy(lease), lt(jobs.attempts, jobs.maxAttempts)))
      .returning();
    if (retried) return retried;
  }
  return updateHeld(q, lease, { state: "failed", error: failure, leaseUntil: null, finishedAt: now });
}

/**
 * Hands a job back unfinished (its worker is shutting down): queued again at once, and the interrupted
 * attempt does not count against `maxAttempts`.
 * @throws JobLeaseLostError when the worker no longer holds the job.
 */
export function releaseJob(q: Queryable, lease: JobLease): Promise<Job> {
  return updateHeld(q, lease, {
    state: "queued",
    attempts: sql`greatest(${jobs.attempts} - 1, 0)`,
    runAt: now,
    lockedBy: null,
    leaseUntil: null,
  });
}

/**
 * Cancels a queued or running job. A running handler learns of it at its next heartbeat or progress
 * report (its lease is gone) and is aborted; whatever it returns afterwards is discarded.
 * @throws AppError `job_not_found`, or `job_finished` when the job has already ended.
 */
export async function cancelJob(q: Queryable, id: string): Promise<Job> {
  const existing = await getJob(q, id);
  const [job] = await q
    .update(jobs)
    .set({ state: "cancelled", leaseUntil: null, finishedAt: now, updatedAt: now })
    .where(and(eq(jobs.id, existing.id), inArray(jobs.state, ["queued", "running"])))
    .returning();
  if (job) return job;
  const { state } = await getJob(q, id);
  throw new AppError("job_finished", `job ${id} has already ended (${state})`);
}
