/**
 * Jobs shared by several processes on one PostgreSQL server: workers in separate connection pools racing
 * for the same jobs, and real `mekong worker` processes, one of them killed with SIGKILL mid-job.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgresDatabase, TEST_DATABASE_URL } from "../../test/helpers/databases.ts";
import { loadConfig } from "../config.ts";
import { type AppContext, closeContext, openContext } from "../context.ts";
import { withTransaction } from "../db/client.ts";
import type { JobHandler } from "./execution.ts";
import { enqueueJob, getJob } from "./queue.ts";
import { silentLog, uniqueJobType, waitFor } from "./testing.ts";
import { startWorker } from "./worker.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** One node process (no npx or tsx wrapper), so a signal reaches the worker itself. */
const MEKONG = ["--import", "tsx", path.join(ROOT, "src/main.ts")];

const tempDirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mekong-jobs-"));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe("mekong worker", () => {
  it("refuses the embedded PGlite database and explains why (exit 2)", async () => {
    const { DATABASE_URL: _unset, ...env } = process.env;
    const run = promisify(execFile)(process.execPath, [...MEKONG, "worker"], {
      cwd: ROOT,
      env: { ...env, MEKONG_DATA_DIR: tempDir() },
    });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("mekong serve") });
  });
});

describe.skipIf(!TEST_DATABASE_URL)("jobs across processes on postgres", () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  const contexts: AppContext[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    database = await freshPostgresDatabase();
  });
  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await Promise.all(contexts.map(closeContext));
    await database?.drop();
  });

  /** A context with its own connection pool and data directory, as a separate process would have. */
  const openProcessContext = async () => {
    const config = loadConfig({
      MEKONG_DATA_DIR: tempDir(),
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: "4",
      MEKONG_LOG_LEVEL: "silent",
    });
    const ctx = await openContext(config);
    contexts.push(ctx);
    return ctx;
  };

  it("workers on two connection pools race for 100 jobs and run each exactly once", async () => {
    const [a, b] = await Promise.all([openProcessContext(), openProcessContext()]);
    const type = uniqueJobType("race");
    const runs: string[] = [];
    const ranBy = { a: 0, b: 0 };
    const handler =
      (name: "a" | "b"): JobHandler =>
      async (job) => {
        runs.push(job.id);
        ranBy[name]++;
        await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
        return name;
      };
    const options = { concurrency: 4, leaseSeconds: 30, pollMs: 50, log: silentLog };
    const workers = [
      startWorker({ ...options, workerId: "a", db: a.db, handlers: { [type]: handler("a") } }),
      startWorker({ ...options, workerId: "b", db: b.db, handlers: { [type]: handler("b") } }),
    ];
    try {
      // Both workers are polling before the jobs appear, all at once, in one transaction.
      const ids = await withTransaction(a.db, async (tx) => {
        const created: string[] = [];
        for (let i = 0; i < 100; i++) created.push((await enqueueJob(tx, { type, payload: { i } })).id);
        return created;
      });
      await waitFor(
        async () => {
          const [row] = await a.database.query<{ n: number }>(
            "select count(*)::int as n from jobs where type = $1 and state = 'succeeded'",
            [type],
          );
          return row?.n === 100;
        },
        { timeoutMs: 60_000, what: "100 jobs to succeed" },
      );
      expect([...runs].sort()).toEqual([...ids].sort());
      expect(ranBy.a).toBeGreaterThan(0);
      expect(ranBy.b).toBeGreaterThan(0);
      // Each job was claimed once, and its result came from the worker that held it.
      const [mismatched] = await a.database.query<{ n: number }>(
        "select count(*)::int as n from jobs where type = $1 and (attempts <> 1 or result <> to_jsonb(locked_by))",
        [type],
      );
      expect(mismatched?.n).toBe(0);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });

  it("a worker process killed mid-job: another process finishes the job after the lease expires", async () => {
    const ctx = await openProcessContext();
    await withTransaction(ctx.db, (tx) =>
      ctx.audit.append(tx, { actor: "system", action: "test.event", resource: "test:1" }),
    );
    // Holding the audit log keeps the checkpoint handler mid-job in the worker, as a long step would.
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query("begin");
      await holder.query("lock table audit_log in access exclusive mode");
      const job = await enqueueJob(ctx.db, { type: "maintenance.audit-checkpoint", payload: {} });

      const first = startWorkerProcess();
      const running = await waitFor(
        async () => {
          const j = await getJob(ctx.db, job.id);
          return j.state === "running" ? j : undefined;
        },
        { timeoutMs: 90_000, what: `the first worker to claim the job\n${first.output()}` },
      );
      expect(running.lockedBy).toContain(`:${first.child.pid}:`);
      first.child.kill("SIGKILL");
      expect(await first.exited).toBe("SIGKILL");
      await holder.query("commit");

      const second = startWorkerProcess();
      const done = await waitFor(
        async () => {
          const j = await getJob(ctx.db, job.id);
          return j.state === "succeeded" ? j : undefined;
        },
        { timeoutMs: 90_000, what: `the second worker to finish the job\n${second.output()}` },
      );
      expect(done.attempts).toBe(2);
      expect(done.lockedBy).toContain(`:${second.child.pid}:`);
      expect(done.result).toEqual({ seq: 1 });

      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    } finally {
      await holder.end();
    }
  });

  function startWorkerProcess() {
    const child = spawn(process.execPath, [...MEKONG, "worker", "--concurrency", "2"], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        MEKONG_DATA_DIR: tempDir(),
        MEKONG_JOB_LEASE_SECONDS: "5",
        MEKONG_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let out = "";
    child.stdout?.on("data", (d) => {
      out += d;
    });
    child.stderr?.on("data", (d) => {
      out += d;
    });
    const exited = new Promise<number | string>((resolve) =>
      child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)),
    );
    return { child, exited, output: () => out };
  }
});
