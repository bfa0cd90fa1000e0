/**
 * Kill -9 in the middle of a stream of writes: after a restart every acknowledged write is there,
 * nothing half-written is visible, and the audit chain verifies. On the embedded PGlite and on a
 * PostgreSQL server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, freshPostgresDatabase } from "./helpers/databases.ts";
import { runCli, signIn, startServer } from "./helpers/server-process.ts";

describe.each(DATABASE_KINDS)("a server killed mid-write on %s", (database) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "mekong-crash-"));
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps every acknowledged write and nothing half-made", async () => {
    const env: Record<string, string> = { MEKONG_DEMO_ADMIN_PASSWORD: "crash-test-password" };
    if (database === "postgres") {
      const db = await freshPostgresDatabase();
      drop = db.drop;
      env.DATABASE_URL = db.url;
    }
    const first = await startServer(["--data", dataDir, "--demo"], env);
    const cookie = await signIn(first.url, "admin@mekong.local", "crash-test-password");

    const acknowledged: string[] = [];
    let stop = false;
    let n = 0;
    const writer = async () => {
      while (!stop) {
        const name = `crash-${++n}`;
        try {
          const res = await fetch(`${first.url}/api/v1/organizations`, {
            method: "POST",
            headers: { "content-type": "application/json", cookie },
            body: JSON.stringify({
              name,
              title: `Đơn vị ${n}`,
              kind: "agency",
              description: "x".repeat(2000),
            }),
          });
          if (res.status === 201) acknowledged.push(name);
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = Array.from({ length: 4 }, writer);
    while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 5));
    first.child.kill("SIGKILL");
    stop = true;
    await Promise.all(writers);
    expect(await first.exited).toBe("SIGKILL");

    const second = await startServer(["--data", dataDir], env);
    try {
      const stored = new Map<string, { title: string; description: string }>();
      let cursor: string | undefined;
      do {
        const res = await fetch(
          `${second.url}/api/v1/organizations?limit=500${cursor ? `&cursor=${cursor}` : ""}`,
        );
        const body = await res.json();
        for (const o of body.items) stored.set(o.name, o);
        cursor = body.nextCursor;
      } while (cursor);
      for (const name of acknowledged)
        expect(stored.has(name), `${name} was acknowledged but is missing`).toBe(true);
      // Nothing half-made: every stored organization is whole and has exactly its audit entry.
      const crashOrgs = [...stored.entries()].filter(([name]) => name.startsWith("crash-"));
      for (const [name, o] of crashOrgs) {
        expect(o.title).toBe(`Đơn vị ${name.slice("crash-".length)}`);
        expect(o.description).toHaveLength(2000);
      }
      const adminCookie = await signIn(second.url, "admin@mekong.local", "crash-test-password");
      const audit = await fetch(`${second.url}/api/v1/audit?action=organization.create&limit=500`, {
        headers: { cookie: adminCookie },
      });
      const created = (await audit.json()).items.filter((e: { resource: string }) =>
        e.resource.startsWith("organization:crash-"),
      );
      expect(created.length).toBe(crashOrgs.length);
    } finally {
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    }

    const verify = runCli(["audit", "verify", "--data", dataDir], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/intact/);
  });
});
