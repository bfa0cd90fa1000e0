/**
 * Several appenders on one PostgreSQL database — separate pools in one process, and separate processes —
 * must still produce one gap-free, verifiable chain.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { freshPostgresDatabase, TEST_DATABASE_URL } from "../../test/helpers/databases.ts";
import { loadConfig } from "../config.ts";
import { type AppContext, closeContext, openContext } from "../context.ts";
import { verifyAuditChain } from "./verify.ts";

const APPENDERS = 3;
const PER_APPENDER = 50;
const CHECKPOINT_EVERY = 25;

if (!TEST_DATABASE_URL) {
  console.warn("SKIP audit concurrency: TEST_DATABASE_URL is not set; these tests need a PostgreSQL server");
}

describe.skipIf(!TEST_DATABASE_URL)("audit appenders on one PostgreSQL database", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A fresh database and one data directory per appender, all sharing one signing key file. */
  async function setup() {
    const pgdb = await freshPostgresDatabase();
    cleanups.push(pgdb.drop);
    const dirs = Array.from({ length: APPENDERS + 1 }, () =>
      mkdtempSync(path.join(os.tmpdir(), "mekong-audit-")),
    );
    cleanups.push(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });
    const [keyDir = "", ...appenderDirs] = dirs;
    const env = (dataDir: string) => ({
      DATABASE_URL: pgdb.url,
      MEKONG_DATA_DIR: dataDir,
      MEKONG_SIGNING_KEY_FILE: path.join(keyDir, "keys", "instance-key.pem"),
      MEKONG_AUDIT_CHECKPOINT_EVERY: String(CHECKPOINT_EVERY),
      MEKONG_LOG_LEVEL: "silent",
    });
    // The first context generates the key; the others load it.
    const { MEKONG_SIGNING_KEY_FILE: _shared, ...observerEnv } = env(keyDir);
    const observer = await openContext(loadConfig(observerEnv));
    cleanups.push(() => closeContext(observer));
    return { observer, appenderDirs, env };
  }

  async function expectOneChain(observer: AppContext) {
    const rows = await observer.database.query<{ seq: string; actor: string }>(
      "select seq, actor from audit_log order by seq",
    );
    expect(rows.map((r) => Number(r.seq))).toEqual(
      Array.from({ length: APPENDERS * PER_APPENDER }, (_, i) => i + 1),
    );
    const perActor = new Map<string, number>();
    for (const r of rows) perActor.set(r.actor, (perActor.get(r.actor) ?? 0) + 1);
    expect([...perActor.values()]).toEqual(Array(APPENDERS).fill(PER_APPENDER));
    expect(await verifyAuditChain(observer.db, observer.key.publicKey)).toMatchObject({
      ok: true,
      entries: APPENDERS * PER_APPENDER,
      checkpoints: (APPENDERS * PER_APPENDER) / CHECKPOINT_EVERY,
      headSeq: APPENDERS * PER_APPENDER,
    });
  }

  it("keeps seqs gap-free across separate connection pools", async () => {
    const { observer, appenderDirs, env } = await setup();
    const contexts: AppContext[] = [];
    for (const dir of appenderDirs) {
      const ctx = await openContext(loadConfig(env(dir)));
      cleanups.push(() => closeContext(ctx));
      contexts.push(ctx);
    }
    await Promise.all(
      contexts.map((ctx, n) =>
        Promise.all(
          Array.from({ length: PER_APPENDER }, (_, i) =>
            ctx.db.transaction((tx) =>
              ctx.audit.append(tx, { actor: `test:pool-${n}`, action: "test.append", resource: `test:${i}` }),
            ),
          ),
        ),
      ),
    );
    await expectOneChain(observer);
  });

  it("keeps seqs gap-free across separate processes", async () => {
    const { observer, appenderDirs, env } = await setup();
    const run = promisify(execFile);
    await Promise.all(
      appenderDirs.map((dir, n) =>
        run(
          process.execPath,
          ["--import", "tsx", "test/audit/append-entries.ts", `test:process-${n}`, String(PER_APPENDER)],
          { env: { ...process.env, ...env(dir) }, timeout: 60_000 },
        ),
      ),
    );
    await expectOneChain(observer);
  });
});
