/** `mekong audit verify | checkpoint` run as a real child process on an embedded data directory. */
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDataDir } from "../../test/helpers/databases.ts";
import { loadConfig } from "../config.ts";
import { closeContext, openContext } from "../context.ts";
import { openDatabase } from "../db/client.ts";
import { createOrganization } from "../orgs/service.ts";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mekong <args>` with an environment that names no database server and no data directory. */
function mekong(...args: string[]): Promise<Run> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== "DATABASE_URL" && !name.startsWith("MEKONG_")),
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/main.ts", ...args],
      { env: { ...env, MEKONG_LOG_LEVEL: "silent" }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() });
      },
    );
  });
}

describe("mekong audit on a closed data directory", () => {
  let dataDir: string;
  const config = () => loadConfig({ MEKONG_DATA_DIR: dataDir, MEKONG_LOG_LEVEL: "silent" });

  beforeAll(async () => {
    dataDir = freshDataDir();
    const ctx = await openContext(config());
    try {
      for (const name of ["so-noi-vu", "so-giao-duc", "so-xay-dung"]) {
        await createOrganization(ctx.db, ctx.audit, "system:test", {
          name,
          title: name,
          kind: "agency",
          country: "VN",
        });
      }
    } finally {
      await closeContext(ctx);
    }
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("signs a checkpoint on demand, once per new head", async () => {
    const first = await mekong("audit", "checkpoint", "--data", dataDir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^signed audit checkpoint at entry #3 with key [0-9a-f]{16}$/);
    const again = await mekong("audit", "checkpoint", "--data", dataDir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("nothing to sign");
  });

  it("reports an intact chain in one line, or in full as JSON", async () => {
    const run = await mekong("audit", "verify", "--data", dataDir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^audit chain intact: 3 entries, head #3 [0-9a-f]{12}, 1 signed checkpoints \(last #3\)$/,
    );
    const json = await mekong("audit", "verify", "--data", dataDir, "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      entries: 3,
      headSeq: 3,
      checkpoint: { seq: 3 },
    });
  });

  it("refuses a data directory held by a running process and says where to go instead", async () => {
    const ctx = await openContext(config());
    try {
      const run = await mekong("audit", "verify", "--data", dataDir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`in use by process ${process.pid}`);
      expect(run.stderr).toContain("GET /api/v1/audit/verify");
      expect(run.stdout).toBe("");
    } finally {
      await closeContext(ctx);
    }
  });

  it("exits 1 and names the entry after tampering", async () => {
    const database = await openDatabase({ dataDir });
    try {
      await database.query(`update audit_log set details = '{"name":"so-khac"}' where seq = 2`);
    } finally {
      await database.close();
    }
    const run = await mekong("audit", "verify", "--data", dataDir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^audit chain BROKEN at entry #2: hash-mismatch — /);
  });
});
