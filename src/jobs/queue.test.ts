import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../test/helpers/databases.ts";
import { type TestApp, testApp } from "../../test/helpers/test-app.ts";
import { withTransaction } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { describeFailure, JobError } from "./failures.ts";
import {
  cancelJob,
  claimJob,
  completeJob,
  enqueueJob,
  failJob,
  getJob,
  heartbeatJob,
  JobLeaseLostError,
  releaseJob,
  reportProgress,
  retryDelaySeconds,
} from "./queue.ts";
import { uniqueJobType, waitFor } from "./testing.ts";

describe.each(DATABASE_KINDS)("job queue on %s", (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ database });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Seconds from the database's now() until the job's run_at. */
  const secondsUntilRun = async (id: string) => {
    const [row] = await t.ctx.database.query<{ s: number }>(
      "select extract(epoch from run_at - now())::float8 as s from jobs where id = $1",
      [id],
    );
    return row?.s ?? Number.NaN;
  };
  /** Lets time pass for a job's retry backoff. */
  const makeDue = (id: string) => t.ctx.database.query("update jobs set run_at = now() where id = $1", [id]);
  const leaseExpired = async (id: string) =>
    (await t.ctx.database.query("select 1 from jobs where id = $1 and lease_until < now()", [id])).length > 0;

  it("enqueues, claims and completes a job", async () => {
    const db = t.ctx.db;
    const type = uniqueJobType();
    const job = await enqueueJob(db, { type, payload: { rows: 3 } });
    expect(job).toMatchObject({ type, state: "queued", attempts: 0, maxAttempts: 3, progress: 0 });

    expect(await claimJob(db, "w1", 30, [uniqueJobType("other")])).toBeNull();
    const claimed = await claimJob(db, "w1", 30, [type]);
    expect(claimed?.job).toMatchObject({ id: job.id, state: "running", attempts: 1, lockedBy: "w1" });
    expect(claimed?.job.payload).toEqual({ rows: 3 });
    expect(claimed?.lease).toEqual({ jobId: job.id, workerId: "w1", attempt: 1, leaseSeconds: 30 });
    if (!claimed) return;
    expect(await claimJob(db, "w2", 30, [type])).toBeNull();

    await reportProgress(db, claimed.lease, 0.4, "reading rows");
    await heartbeatJob(db, claimed.lease);
    expect(await getJob(db, job.id)).toMatchObject({
      progress: expect.closeTo(0.4),
      message: "reading rows",
    });

    const done = await completeJob(db, claimed.lease, { rows: 3 });
    expect(done).toMatchObject({ state: "succeeded", progress: 1, result: { rows: 3 }, error: null });
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(done.leaseUntil).toBeNull();
    await expect(completeJob(db, claimed.lease, null)).rejects.toBeInstanceOf(JobLeaseLostError);
  });

  it("creates a job only when the enqueuing transaction commits", async () => {
    const type = uniqueJobType();
    const kept = await withTransaction(t.ctx.db, (tx) => enqueueJob(tx, { type, payload: {} }));
    let rolledBack = "";
    await expect(
      withTransaction(t.ctx.db, async (tx) => {
        rolledBack = (await enqueueJob(tx, { type, payload: {} })).id;
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect((await getJob(t.ctx.db, kept.id)).state).toBe("queued");
    await expect(getJob(t.ctx.db, rolledBack)).rejects.toMatchObject({ code: "job_not_found" });
  });

  it("does not hand out a job before its time", async () => {
    const type = uniqueJobType();
    const job = await enqueueJob(t.ctx.db, { type, payload: {}, runAt: new Date(Date.now() + 3_600_000) });
    expect(await claimJob(t.ctx.db, "w", 30, [type])).toBeNull();
    await makeDue(job.id);
    expect((await claimJob(t.ctx.db, "w", 30, [type]))?.job.id).toBe(job.id);
  });

  it("retries a failed attempt after a growing backoff, then fails the job for good", async () => {
    const db = t.ctx.db;
    const type = uniqueJobType();
    const job = await enqueueJob(db, { type, payload: {}, maxAttempts: 3 });
    const failure = { code: "source_unreachable", message: "the source did not answer" };
    for (let attempt = 1; attempt <= 3; attempt++) {
      const claimed = await claimJob(db, "w", 30, [type]);
      expect(claimed?.lease.attempt).toBe(attempt);
      if (!claimed) return;
      const after = await failJob(db, claimed.lease, failure, { retryable: true });
      if (attempt < 3) {
        expect(after).toMatchObject({ state: "queued", attempts: attempt, error: failure, lockedBy: null });
        const wait = await secondsUntilRun(job.id);
        expect(wait).toBeGreaterThan(2 ** attempt * 0.75 - 1);
        expect(wait).toBeLessThanOrEqual(2 ** attempt * 1.25);
        expect(await claimJob(db, "w", 30, [type])).toBeNull();
        await makeDue(job.id);
      } else {
        expect(after).toMatchObject({ state: "failed", attempts: 3, error: failure });
        expect(after.finishedAt).toBeInstanceOf(Date);
      }
    }
    expect(await claimJob(db, "w", 30, [type])).toBeNull();
  });

  it("fails a job at once when its failure is not retryable", async () => {
    const type = uniqueJobType();
    await enqueueJob(t.ctx.db, { type, payload: {}, maxAttempts: 5 });
    const claimed = await claimJob(t.ctx.db, "w", 30, [type]);
    if (!claimed) throw new Error("no job claimed");
    const after = await failJob(
      t.ctx.db,
      claimed.lease,
      { code: "bad_payload", message: "no url" },
      { retryable: false },
    );
    expect(after).toMatchObject({
      state: "failed",
      attempts: 1,
      error: { code: "bad_payload", message: "no url" },
    });
  });

  it("hands a job whose lease expired to another worker and fences the first one out", async () => {
    const db = t.ctx.db;
    const type = uniqueJobType();
    const job = await enqueueJob(db, { type, payload: {} });
    const dead = await claimJob(db, "dead", 1, [type]);
    if (!dead) throw new Error("no job claimed");
    await waitFor(() => leaseExpired(job.id), { what: "the lease to expire" });

    const alive = await claimJob(db, "alive", 30, [type]);
    expect(alive?.job).toMatchObject({ id: job.id, attempts: 2, lockedBy: "alive" });
    if (!alive) return;
    await expect(reportProgress(db, dead.lease, 0.9)).rejects.toBeInstanceOf(JobLeaseLostError);
    await expect(completeJob(db, dead.lease, "stale")).rejects.toBeInstanceOf(JobLeaseLostError);
    expect((await completeJob(db, alive.lease, "fresh")).result).toBe("fresh");
  });

  it("fences out a worker's own stale run once it claimed the job again", async () => {
    const db = t.ctx.db;
    const type = uniqueJobType();
    const job = await enqueueJob(db, { type, payload: {} });
    const stale = await claimJob(db, "w", 1, [type]);
    if (!stale) throw new Error("no job claimed");
    await waitFor(() => leaseExpired(job.id), { what: "the lease to expire" });
    const again = await claimJob(db, "w", 30, [type]);
    if (!again) throw new Error("no job claimed");
    await expect(heartbeatJob(db, stale.lease)).rejects.toBeInstanceOf(JobLeaseLostError);
    await heartbeatJob(db, again.lease);
  });

  it("fails a running job whose lease expired with no attempts left", async () => {
    const type = uniqueJobType();
    const job = await enqueueJob(t.ctx.db, { type, payload: {}, maxAttempts: 1 });
    await claimJob(t.ctx.db, "dies", 1, [type]);
    await waitFor(() => leaseExpired(job.id), { what: "the lease to expire" });
    expect(await claimJob(t.ctx.db, "alive", 30, [type])).toBeNull();
    const failed = await getJob(t.ctx.db, job.id);
    expect(failed).toMatchObject({ state: "failed", attempts: 1, error: { code: "lease_expired" } });
    expect(failed.finishedAt).toBeInstanceOf(Date);
  });

  it("cancels queued and running jobs; a cancelled job's worker loses its lease", async () => {
    const db = t.ctx.db;
    const type = uniqueJobType();
    const queued = await enqueueJob(db, { type, payload: {} });
    expect(await cancelJob(db, queued.id)).toMatchObject({ state: "cancelled" });
    expect(await claimJob(db, "w", 30, [type])).toBeNull();

    const running = await enqueueJob(db, { type, payload: {} });
    const claimed = await claimJob(db, "w", 30, [type]);
    if (!claimed) throw new Error("no job claimed");
    expect((await cancelJob(db, running.id)).finishedAt).toBeInstanceOf(Date);
    await expect(reportProgress(db, claimed.lease, 0.5)).rejects.toBeInstanceOf(JobLeaseLostError);
    await expect(completeJob(db, claimed.lease, {})).rejects.toBeInstanceOf(JobLeaseLostError);
    expect((await getJob(db, running.id)).state).toBe("cancelled");

    await expect(cancelJob(db, running.id)).rejects.toMatchObject({ code: "job_finished" });
    await expect(cancelJob(db, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({
      code: "job_not_found",
    });
    await expect(cancelJob(db, "not-a-uuid")).rejects.toMatchObject({ code: "job_not_found" });
  });

  it("puts a released job straight back without counting the attempt", async () => {
    const type = uniqueJobType();
    const job = await enqueueJob(t.ctx.db, { type, payload: {} });
    const claimed = await claimJob(t.ctx.db, "stopping", 30, [type]);
    if (!claimed) throw new Error("no job claimed");
    expect(await releaseJob(t.ctx.db, claimed.lease)).toMatchObject({
      state: "queued",
      attempts: 0,
      lockedBy: null,
    });
    expect((await claimJob(t.ctx.db, "next", 30, [type]))?.job).toMatchObject({ id: job.id, attempts: 1 });
  });

  it("rejects a bad job type or attempt count", async () => {
    await expect(enqueueJob(t.ctx.db, { type: "", payload: {} })).rejects.toBeInstanceOf(RangeError);
    await expect(enqueueJob(t.ctx.db, { type: "a b", payload: {} })).rejects.toBeInstanceOf(RangeError);
    await expect(enqueueJob(t.ctx.db, { type: "ok", payload: {}, maxAttempts: 0 })).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});

describe("retryDelaySeconds", () => {
  it("doubles with each attempt, up to ten minutes, within ±25%", () => {
    expect(retryDelaySeconds(1, () => 0.5)).toBe(2);
    expect(retryDelaySeconds(3, () => 0.5)).toBe(8);
    expect(retryDelaySeconds(3, () => 0)).toBe(6);
    expect(retryDelaySeconds(3, () => 1)).toBe(10);
    expect(retryDelaySeconds(40, () => 1)).toBe(750);
  });
});

describe("describeFailure", () => {
  it("keeps the code and message of deliberate failures and hides unexpected ones", () => {
    expect(describeFailure(new JobError("bad_payload", "no url"))).toEqual({
      failure: { code: "bad_payload", message: "no url" },
      retryable: false,
      unexpected: false,
    });
    expect(describeFailure(new JobError("busy", "try later", { retryable: true })).retryable).toBe(true);
    expect(describeFailure(new AppError("job_not_found", "gone"))).toMatchObject({
      failure: { code: "job_not_found" },
      retryable: false,
    });
    expect(describeFailure(new AppError("service_unavailable")).retryable).toBe(true);
    const hidden = describeFailure(new Error("connect ECONNREFUSED 10.0.0.5:5432 password=hunter2"));
    expect(hidden).toMatchObject({ failure: { code: "internal_error" }, retryable: true, unexpected: true });
    expect(hidden.failure.message).not.toContain("hunter2");
  });
});
