/**
 * Kill -9 in the middle of an ingest: after a restart no version is visible, no file of the killed
 * ingest survives, and the audit chain verifies.
 */
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, signIn, startServer } from "./helpers/server-process.ts";

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

async function writeCsv(file: string, rows: number) {
  const out = createWriteStream(file);
  out.write("ma_tinh,ten_doanh_nghiep,ngay_dang_ky,von_dieu_le,so_lao_dong\n");
  for (let i = 0; i < rows; i++) {
    const line = `${String(i % 96).padStart(2, "0")},Công ty TNHH Thương mại Dịch vụ số ${i},${(i % 28) + 1}/0${(i % 9) + 1}/2024,${i * 1000},${i % 500}\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}

describe("a server killed mid-ingest", () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "mekong-ingest-crash-"));
  const csv = path.join(dataDir, "..", `${path.basename(dataDir)}.csv`);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(csv, { force: true });
  });

  it("leaves no version and no file behind", async () => {
    await writeCsv(csv, 600_000);
    const env = {
      MEKONG_DEMO_ADMIN_PASSWORD: "crash-test-password",
      MEKONG_INGEST_SYNC_MAX_BYTES: String(1024 ** 3),
    };
    const first = await startServer(["--data", dataDir, "--demo"], env);
    const cookie = await signIn(first.url, "admin@mekong.local", "crash-test-password");
    const created = await fetch(`${first.url}/api/v1/datasets`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ org: "bo-cong-thuong", name: "bi-ngat", title: "Bị ngắt giữa chừng" }),
    });
    expect(created.status).toBe(201);

    const form = new FormData();
    form.set("file", await (await import("node:fs")).openAsBlob(csv), "dn.csv");
    const upload = fetch(`${first.url}/api/v1/datasets/bo-cong-thuong/bi-ngat/versions`, {
      method: "POST",
      headers: { cookie },
      body: form,
    }).catch(() => "killed");

    // Wait until the whole upload is stored and ingest has begun, then kill the server.
    const uploads = path.join(dataDir, "blobs", "uploads");
    const size = statSync(csv).size;
    const deadline = Date.now() + 60_000;
    while (!filesUnder(uploads).some((f) => statSync(f).size >= size)) {
      if (Date.now() > deadline) throw new Error(`upload never landed:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 400));
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    expect(await upload).toBe("killed");
    expect(filesUnder(path.join(dataDir, "blobs")).length).toBeGreaterThan(0);

    const second = await startServer(["--data", dataDir], env);
    try {
      const adminCookie = await signIn(second.url, "admin@mekong.local", "crash-test-password");
      const ds = await (
        await fetch(`${second.url}/api/v1/datasets/bo-cong-thuong/bi-ngat`, {
          headers: { cookie: adminCookie },
        })
      ).json();
      expect(ds.currentVersion).toBeNull();
      const versions = await (
        await fetch(`${second.url}/api/v1/datasets/bo-cong-thuong/bi-ngat/versions`, {
          headers: { cookie: adminCookie },
        })
      ).json();
      expect(versions.items).toEqual([]);
      // Only files some version holds may remain (the demo datasets', if any).
      const held = new Set<string>();
      const list = await (
        await fetch(`${second.url}/api/v1/datasets?limit=500`, { headers: { cookie: adminCookie } })
      ).json();
      for (const d of list.items) {
        const vs = await (
          await fetch(`${second.url}/api/v1/datasets/${d.org}/${d.name}/versions`, {
            headers: { cookie: adminCookie },
          })
        ).json();
        for (const v of vs.items) held.add(v.sha256);
      }
      const leftovers = filesUnder(path.join(dataDir, "blobs")).filter((f) => !held.has(path.basename(f)));
      expect(leftovers).toEqual([]);
    } finally {
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    }
    const verify = runCli(["audit", "verify", "--data", dataDir], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
