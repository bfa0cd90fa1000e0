import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../test/helpers/databases.ts";
import { json, type TestApp, type TestUser, testApp } from "../../test/helpers/test-app.ts";
import type { JobHandler } from "./execution.ts";
import { JobError } from "./failures.ts";
import { jobHandlers } from "./handlers.ts";
import { cancelJob, claimJob, enqueueJob, getJob, JobLeaseLostError } from "./queue.ts";
import { gate, silentLog, uniqueJobType, waitFor } from "./testing.ts";
import { startWorker, type Worker } from "./worker.ts";

describe.each(DATABASE_KINDS)("jobs on %s", (database) => {
  let t: TestApp;
  let creator: TestUser;
  let editor: TestUser;
  let member: TestUser;
  let otherOrgAdmin: TestUser;
  let platformAdmin: TestUser;
  let org: { id: string; name: string };
  const workers: Worker[] = [];

  beforeAll(async () => {
    t = await testApp({ database });
    org = await t.makeOrg();
    const other = await t.makeOrg();
    [creator, editor, member, otherOrgAdmin, platformAdmin] = await Promise.all([
      t.makeUser(),
      t.makeUser(),
      t.makeUser(),
      t.makeUser(),
      t.makeUser({ isPlatformAdmin: true }),
    ]);
    await t.addMember(org.name, creator.id, "member");
    await t.addMember(org.name, editor.id, "editor");
    await t.addMember(org.name, member.id, "member");
    await t.addMember(other.name, otherOrgAdmin.id, "admin");
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await t?.close();
  });

  const work = (
    handlers: Record<string, JobHandler>,
    opts: { concurrency?: number; leaseSeconds?: number } = {},
  ) => {
    const worker = startWorker({
      db: t.ctx.db,
      handlers,
      concurrency: opts.concurrency ?? 1,
      leaseSeconds: opts.leaseSeconds ?? 30,
      pollMs: 100,
      log: silentLog,
    });
    workers.push(worker);
    return worker;
  };
  const show = (id: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url: `/api/v1/jobs/${id}`, headers });
  const stateOf = async (id: string, state: string) => {
    const job = await getJob(t.ctx.db, id);
    return job.state === state ? job : undefined;
  };

  it("shows a running job's progress through the API, then its result", async () => {
    const type = uniqueJobType();
    const release = gate();
    const worker = work({
      [type]: async (_job, run) => {
        await run.progress(0.5, "halfway through the rows");
        await release.opened;
        return { rows: 42 };
      },
    });
    const job = await enqueueJob(t.ctx.db, {
      type,
      payload: { secret: "x" },
      createdBy: creator.id,
      orgId: org.id,
    });

    const running = await waitFor(
      async () => {
        const body = json(await show(job.id, creator.headers));
        return body.progress === 0.5 ? body : undefined;
      },
      { what: "progress 0.5" },
    );
    expect(running).toMatchObject({
      id: job.id,
      type,
      state: "running",
      message: "halfway through the rows",
      result: null,
      error: null,
      attempts: 1,
      maxAttempts: 3,
      finishedAt: null,
    });
    expect(running).not.toHaveProperty("payload");

    release.open();
    const done = await waitFor(
      async () => {
        const body = json(await show(job.id, creator.headers));
        return body.state === "succeeded" ? body : undefined;
      },
      { what: "the job to succeed" },
    );
    expect(done).toMatchObject({ progress: 1, result: { rows: 42 }, error: null, attempts: 1 });
    expect(Date.parse(done.finishedAt)).not.toBeNaN();
    await worker.stop();
  });

  it("lets the creator, the org's editors and platform admins see a job, and no one else", async () => {
    const job = await enqueueJob(t.ctx.db, {
      type: uniqueJobType(),
      payload: {},
      createdBy: creator.id,
      orgId: org.id,
    });
    for (const user of [creator, editor, platformAdmin]) {
      const res = await show(job.id, user.headers);
      expect(res.statusCode).toBe(200);
      expect(res.headers["cache-control"]).toBe("no-store");
    }
    for (const user of [member, otherOrgAdmin]) {
      const res = await show(job.id, user.headers);
      expect(res.statusCode).toBe(403);
      expect(json(res).code).toBe("forbidden");
    }
    const anonymous = await show(job.id);
    expect(anonymous.statusCode).toBe(401);
    expect(json(anonymous).code).toBe("unauthenticated");

    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "1' or '1'='1"]) {
      const res = await show(encodeURIComponent(id), creator.headers);
      expect(res.statusCode).toBe(404);
      expect(json(res).code).toBe("job_not_found");
    }

    const systemJob = await enqueueJob(t.ctx.db, { type: uniqueJobType(), payload: {} });
    expect((await show(systemJob.id, editor.headers)).statusCode).toBe(403);
    expect((await show(systemJob.id, platformAdmin.headers)).statusCode).toBe(200);
  });

  it("finishes a job whose worker died once its lease has expired", async () => {
    const type = uniqueJobType();
    const runs: string[] = [];
    const job = await enqueueJob(t.ctx.db, { type, payload: {} });
    // The "dead" worker claims with a short lease and never heartbeats.
    expect((await claimJob(t.ctx.db, "dead-worker", 1, [type]))?.job.id).toBe(job.id);

    const worker = work({
      [type]: async (j) => {
        runs.push(j.id);
        return "recovered";
      },
    });
    const done = await waitFor(() => stateOf(job.id, "succeeded"), { what: "the job to be taken over" });
    expect(done).toMatchObject({ attempts: 2, lockedBy: worker.id, result: "recovered" });
    expect(runs).toEqual([job.id]);
    await worker.stop();
  });

  it("never runs a job on two workers", async () => {
    const type = uniqueJobType();
    const runs: string[] = [];
    const handler: JobHandler = async (job) => {
      runs.push(job.id);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
      return null;
    };
    const ids = (
      await Promise.all(Array.from({ length: 40 }, (_, i) => enqueueJob(t.ctx.db, { type, payload: { i } })))
    ).map((j) => j.id);
    const a = work({ [type]: handler }, { concurrency: 3 });
    const b = work({ [type]: handler }, { concurrency: 3 });
    await waitFor(
      async () => {
        const rows = await t.ctx.database.query<{ n: number }>(
          "select count(*)::int as n from jobs where type = $1 and state = 'succeeded'",
          [type],
        );
        return rows[0]?.n === ids.length;
      },
      { what: "all jobs to succeed" },
    );
    await Promise.all([a.stop(), b.stop()]);
    expect([...runs].sort()).toEqual([...ids].sort());
    const attempts = await t.ctx.database.query<{ n: number }>(
      "select count(*)::int as n from jobs where type = $1 and attempts <> 1",
      [type],
    );
    expect(attempts[0]?.n).toBe(0);
  });

  it("retries a failing handler, then fails the job with the handler's code", async () => {
    const type = uniqueJobType();
    let calls = 0;
    const worker = work({
      [type]: async () => {
        calls++;
        throw new JobError("source_unreachable", "the source did not answer", { retryable: true });
      },
    });
    const job = await enqueueJob(t.ctx.db, { type, payload: {}, maxAttempts: 2 });
    const failed = await waitFor(() => stateOf(job.id, "failed"), { what: "the job to fail" });
    expect(failed).toMatchObject({
      attempts: 2,
      error: { code: "source_unreachable", message: "the source did not answer" },
    });
    expect(calls).toBe(2);
    await worker.stop();
  });

  it("answers an unexpected handler error with internal_error, not its text", async () => {
    const type = uniqueJobType();
    const worker = work({
      [type]: async () => {
        throw new Error("password=hunter2 in a connection string");
      },
    });
    const job = await enqueueJob(t.ctx.db, { type, payload: {}, maxAttempts: 1, createdBy: creator.id });
    await waitFor(() => stateOf(job.id, "failed"), { what: "the job to fail" });
    const body = json(await show(job.id, creator.headers));
    expect(body.error.code).toBe("internal_error");
    expect(JSON.stringify(body)).not.toContain("hunter2");
    await worker.stop();
  });

  it("on stop, aborts running handlers and hands their jobs back", async () => {
    const type = uniqueJobType();
    const started = gate();
    let reason: unknown;
    const worker = work({
      [type]: async (_job, run) => {
        started.open();
        await new Promise((resolve) => run.signal.addEventListener("abort", resolve));
        reason = run.signal.reason;
        throw run.signal.reason;
      },
    });
    const job = await enqueueJob(t.ctx.db, { type, payload: {} });
    await started.opened;
    await worker.stop();
    expect(reason).toBeInstanceOf(Error);
    expect(await getJob(t.ctx.db, job.id)).toMatchObject({ state: "queued", attempts: 0, lockedBy: null });
  });

  it("aborts the handler of a job cancelled while it runs", async () => {
    const type = uniqueJobType();
    const started = gate();
    let reason: unknown;
    const worker = work(
      {
        [type]: async (_job, run) => {
          started.open();
          await new Promise((resolve) => run.signal.addEventListener("abort", resolve));
          reason = run.signal.reason;
          return "finished anyway";
        },
      },
      { leaseSeconds: 1 },
    );
    const job = await enqueueJob(t.ctx.db, { type, payload: {} });
    await started.opened;
    await cancelJob(t.ctx.db, job.id);
    await waitFor(() => reason !== undefined, { what: "the handler to be aborted" });
    expect(reason).toBeInstanceOf(JobLeaseLostError);
    await worker.stop();
    expect(await getJob(t.ctx.db, job.id)).toMatchObject({ state: "cancelled", result: null });
  });

  it("signs an audit checkpoint as a job", async () => {
    const worker = work(jobHandlers(t.ctx));
    const job = await enqueueJob(t.ctx.db, { type: "maintenance.audit-checkpoint", payload: {} });
    const done = await waitFor(() => stateOf(job.id, "succeeded"), { what: "the checkpoint job" });
    const [head] = await t.ctx.database.query<{ seq: number }>("select max(seq)::int as seq from audit_log");
    const [checkpoint] = await t.ctx.database.query<{ seq: number }>(
      "select max(seq)::int as seq from audit_checkpoints",
    );
    expect(head?.seq).toBeGreaterThan(0);
    expect(checkpoint?.seq).toBe(head?.seq);
    // Null when a checkpoint at the head existed already (the periodic timer may have been first).
    expect([{ seq: head?.seq }, null]).toContainEqual(done.result);
    await worker.stop();
  });
});
