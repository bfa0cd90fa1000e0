import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../test/helpers/databases.ts";
import { multipart } from "../../test/helpers/multipart.ts";
import { type TestApp, type TestUser, testApp } from "../../test/helpers/test-app.ts";
import { jobHandlers } from "../jobs/handlers.ts";
import { startWorker } from "../jobs/worker.ts";

const CSV = "ma_tinh,ten_tinh,so_doanh_nghiep\n01,Hà Nội,1200\n79,TP. Hồ Chí Minh,2300\n48,Đà Nẵng,450\n";

describe.each(DATABASE_KINDS)("uploads on %s", (database) => {
  let t: TestApp;
  let editor: TestUser;
  let org: { name: string };

  beforeAll(async () => {
    t = await testApp({
      database,
      env: { MEKONG_UPLOAD_LIMIT_BYTES: "200000", MEKONG_INGEST_SYNC_MAX_BYTES: "1000" },
    });
    org = await t.makeOrg();
    editor = await t.makeUser();
    await t.addMember(org.name, editor.id, "editor");
  });
  afterAll(() => t?.close());

  const createDataset = (name: string) =>
    t.app.inject({
      method: "POST",
      url: "/api/v1/datasets",
      headers: editor.headers,
      payload: { org: org.name, name, title: name, visibility: "private" },
    });
  const upload = (name: string, filename: string, content: Buffer | string, query = "") => {
    const body = multipart(filename, content);
    return t.app.inject({
      method: "POST",
      url: `/api/v1/datasets/${org.name}/${name}/versions${query}`,
      headers: { ...editor.headers, ...body.headers },
      payload: body.payload,
    });
  };
  const blobFiles = async () => {
    const out: string[] = [];
    for (const dir of ["sha256", "uploads", ".tmp"]) {
      const walk = async (d: string): Promise<void> => {
        for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
          if (e.isDirectory()) await walk(path.join(d, e.name));
          else out.push(path.join(d, e.name));
        }
      };
      await walk(path.join(t.ctx.blobs.root, dir));
    }
    return out.sort();
  };

  it("turns a small CSV into version 1 at once, with an inferred schema", async () => {
    await createDataset("doanh-nghiep");
    const res = await upload("doanh-nghiep", "dn.csv", CSV);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ n: 1, rows: 3, mode: "replace" });
    const schema = (
      await t.app.inject({ url: `/api/v1/datasets/${org.name}/doanh-nghiep/schema`, headers: editor.headers })
    ).json();
    expect(schema.fields.map((f: { name: string; type: string }) => [f.name, f.type])).toEqual([
      ["ma_tinh", "string"],
      ["ten_tinh", "string"],
      ["so_doanh_nghiep", "integer"],
    ]);
  });

  it("appends and upserts into new versions", async () => {
    const appended = await upload(
      "doanh-nghiep",
      "more.csv",
      "ma_tinh,ten_tinh,so_doanh_nghiep\n31,Hải Phòng,300\n",
      "?mode=append",
    );
    expect(appended.json()).toMatchObject({ n: 2, rows: 4, mode: "append" });
    const noKey = await upload(
      "doanh-nghiep",
      "u.csv",
      "ma_tinh,ten_tinh,so_doanh_nghiep\n01,Hà Nội,1\n",
      "?mode=upsert",
    );
    expect(noKey.json().code).toBe("primary_key_required");
    const schema = (
      await t.app.inject({ url: `/api/v1/datasets/${org.name}/doanh-nghiep/schema`, headers: editor.headers })
    ).json();
    const keyed = await t.app.inject({
      method: "PUT",
      url: `/api/v1/datasets/${org.name}/doanh-nghiep/schema`,
      headers: editor.headers,
      payload: { ...schema, primaryKey: ["ma_tinh"] },
    });
    expect(keyed.statusCode, keyed.body).toBe(201);
    const upserted = await upload(
      "doanh-nghiep",
      "u.csv",
      "ma_tinh,ten_tinh,so_doanh_nghiep\n01,Hà Nội,1300\n92,Cần Thơ,210\n",
      "?mode=upsert",
    );
    expect(upserted.json()).toMatchObject({ n: 4, rows: 5, mode: "upsert" });
  });

  it("makes a job of a large file and reports its progress to the end", async () => {
    await createDataset("lon");
    const rows = Array.from(
      { length: 400 },
      (_, i) => `${String(i % 63).padStart(2, "0")},Tỉnh ${i},${i * 7}`,
    );
    const res = await upload("lon", "lon.csv", `ma_tinh,ten,gia_tri\n${rows.join("\n")}\n`);
    expect(res.statusCode, res.body).toBe(202);
    const jobUrl = res.headers.location as string;
    const worker = startWorker({
      db: t.ctx.db,
      handlers: jobHandlers(t.ctx),
      concurrency: 1,
      leaseSeconds: 30,
      pollMs: 50,
      log: t.app.log,
    });
    try {
      let job: { state: string; progress: number; result: { n: number; rows: number } };
      do {
        await new Promise((r) => setTimeout(r, 100));
        job = (await t.app.inject({ url: jobUrl, headers: editor.headers })).json();
      } while (job.state === "queued" || job.state === "running");
      expect(job.state).toBe("succeeded");
      expect(job.progress).toBe(1);
      expect(job.result).toMatchObject({ n: 1, rows: 400 });
    } finally {
      await worker.stop();
    }
    expect((await blobFiles()).filter((f) => f.includes("uploads"))).toEqual([]);
  });

  it("refuses broken files with a clear code, leaving no version and no file behind", async () => {
    await createDataset("hong");
    const before = await blobFiles();
    const cases: [string, Buffer | string, string][] = [
      ["empty.csv", "", "empty_file"],
      [
        "garbage.csv",
        Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37) % 256)),
        "unsupported_format",
      ],
    ];
    for (const [filename, content, code] of cases) {
      const res = await upload("hong", filename, content);
      expect(res.statusCode, `${filename}: ${res.body}`).toBe(422);
      expect(res.json().code).toBe(code);
    }
    const ds = (
      await t.app.inject({ url: `/api/v1/datasets/${org.name}/hong`, headers: editor.headers })
    ).json();
    expect(ds.currentVersion).toBeNull();
    expect(await blobFiles()).toEqual(before);
  });

  it("refuses an oversized upload and one cut off mid-stream, storing nothing", async () => {
    const before = await blobFiles();
    const big = await upload("hong", "big.csv", `a\n${"1\n".repeat(150_000)}`);
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe("payload_too_large");
    const body = multipart("cut.csv", CSV);
    const cut = await t.app.inject({
      method: "POST",
      url: `/api/v1/datasets/${org.name}/hong/versions`,
      headers: { ...editor.headers, ...body.headers },
      payload: body.payload.subarray(0, body.payload.length - 40),
    });
    expect(cut.statusCode).toBeGreaterThanOrEqual(400);
    expect(cut.headers["content-type"]).toContain("application/problem+json");
    const none = await t.app.inject({
      method: "POST",
      url: `/api/v1/datasets/${org.name}/hong/versions`,
      headers: { ...editor.headers, "content-type": "application/json" },
      payload: { not: "a file" },
    });
    expect(none.json().code).toBe("unsupported_media_type");
    expect(await blobFiles()).toEqual(before);
  });

  it("lets only editors upload", async () => {
    const member = await t.makeUser();
    await t.addMember(org.name, member.id, "member");
    const body = multipart("x.csv", CSV);
    const res = await t.app.inject({
      method: "POST",
      url: `/api/v1/datasets/${org.name}/doanh-nghiep/versions`,
      headers: { ...member.headers, ...body.headers },
      payload: body.payload,
    });
    expect(res.json().code).toBe("forbidden");
  });
});
