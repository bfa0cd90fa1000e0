import { createReadStream } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDatasetWithRows } from "../../test/helpers/datasets.ts";
import { type TestApp, testApp } from "../../test/helpers/test-app.ts";
import { getDataset } from "../catalog/service.ts";
import { recordVersion } from "../catalog/versions.ts";
import { copiesSettled } from "./clustered.ts";

const ROWS = 1_200_000;
const ROW_GROUP = 10_000;

/**
 * A version of `ROWS` rows in row groups of `ROW_GROUP`, written by DuckDB straight from `range()`:
 * id, nhom = id % 10, diem = a repeating score with nulls (many ties), ten = Vietnamese text.
 */
async function makeLargeVersion(t: TestApp, org: string, name: string) {
  await makeDatasetWithRows(t.ctx, { org, name, columns: { id: "BIGINT" }, rows: [{ id: 0 }] });
  const file = path.join(t.ctx.blobs.root, ".tmp", `large-${process.pid}.parquet`);
  await t.ctx.engine.query(
    `COPY (SELECT i::BIGINT AS id, (i % 10)::BIGINT AS nhom,
       CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 7919) % 1000 END::DOUBLE AS diem,
       CASE WHEN i % 3 = 0 THEN 'Hà Nội' ELSE 'Đà Nẵng' END AS ten
     FROM range(${ROWS}) r(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE ${ROW_GROUP})`,
  );
  try {
    const stored = await t.ctx.blobs.putContentAddressed(createReadStream(file));
    const ds = await getDataset(t.ctx.db, org, name);
    const fields = [
      { name: "id", type: "integer" },
      { name: "nhom", type: "integer" },
      { name: "diem", type: "number" },
      { name: "ten", type: "string" },
    ];
    await recordVersion(
      t.ctx.db,
      t.ctx.audit,
      t.ctx.key,
      ds,
      {
        blobKey: stored.key,
        rows: ROWS,
        bytes: stored.bytes,
        sha256: stored.sha256,
        tableSchema: { fields, missingValues: [""] },
        mode: "replace",
        source: { format: "test" },
        createdBy: null,
      },
      "system:test",
    );
  } finally {
    await rm(file, { force: true });
  }
}

describe("paging and totals over many row groups", () => {
  let t: TestApp;
  const url = "/api/v1/datasets/tong-cuc/lon/rows";
  const get = (query: string) => t.app.inject({ method: "GET", url: `${url}?${encodeURI(query)}` });

  beforeAll(async () => {
    t = await testApp();
    await t.makeOrg({ name: "tong-cuc" });
    await makeLargeVersion(t, "tong-cuc", "lon");
  });
  afterAll(() => t?.close());

  it("walks a filtered selection in file order across row groups, each row once", async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const res = await get(`nhom=3&id[lt]=200000&fields=id&limit=5000${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...res.json().records.map((r: { id: number }) => r.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(20_000);
    expect(seen.every((id, i) => id === i * 10 + 3)).toBe(true);
  });

  it("walks a sort with ties and nulls, each row once, in order", async () => {
    const seen: { id: number; diem: number | null }[] = [];
    let cursor: string | undefined;
    do {
      const res = await get(
        `id[lt]=30000&sort=-diem&fields=id,diem&limit=4000${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...res.json().records);
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(30_000);
    expect(new Set(seen.map((r) => r.id)).size).toBe(30_000);
    const rank = (r: { diem: number | null }) => (r.diem === null ? -1 : r.diem);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1], seen[i]] as [
        { id: number; diem: number | null },
        { id: number; diem: number | null },
      ];
      const ordered = rank(a) > rank(b) || (rank(a) === rank(b) && a.id < b.id);
      expect(ordered, `row ${i}`).toBe(true);
    }
  });

  it("estimates a filtered total from a sample of row groups, and counts it exactly when asked", async () => {
    // A range, not an equality: no clustered copy (whose counts are exact) is made for it.
    const exact = (await get("nhom[gte]=3&nhom[lte]=3&total=exact&limit=1")).json();
    expect(exact).toMatchObject({ total: 120_000 });
    expect(exact.totalEstimated).toBeUndefined();
    const estimate = (await get("nhom[gte]=3&nhom[lte]=3&total=estimate&limit=1")).json();
    expect(estimate.totalEstimated).toBe(true);
    expect(Math.abs(estimate.total - 120_000)).toBeLessThan(1_200);
    const q = (await get("q=ha noi&total=estimate&limit=1")).json();
    expect(Math.abs(q.total - 400_000)).toBeLessThan(4_000);
    expect((await get("total=estimate&limit=1")).json()).toMatchObject({ total: ROWS });
  });

  it("pages deep with offset and with a cursor alike", async () => {
    const byOffset = (await get("fields=id&offset=1000000&limit=3")).json();
    expect(byOffset.records).toEqual([{ id: 1_000_000 }, { id: 1_000_001 }, { id: 1_000_002 }]);
    const cursor = Buffer.from(JSON.stringify({ ...decode(byOffset.nextCursor), r: 1_100_000 })).toString(
      "base64url",
    );
    expect((await get(`fields=id&limit=1&cursor=${cursor}`)).json().records).toEqual([{ id: 1_100_001 }]);
  });
});

describe("a clustered copy answers exactly like the version's own file", () => {
  let t: TestApp;
  const base = "/api/v1/datasets/tong-cuc/cum";
  const get = (route: string, query: string) =>
    t.app.inject({ method: "GET", url: `${base}/${route}?${encodeURI(query)}` });

  beforeAll(async () => {
    t = await testApp();
    await t.makeOrg({ name: "tong-cuc" });
    await makeLargeVersion(t, "tong-cuc", "cum");
  });
  afterAll(() => t?.close());

  /** Walks every page of a query; `nhom[gte]=3&nhom[lte]=3` selects like `nhom=3` but never uses a copy. */
  async function walk(filter: string, rest: string) {
    const pages: unknown[] = [];
    let cursor: string | undefined;
    do {
      const res = await get("rows", `${filter}&${rest}${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.statusCode, res.body).toBe(200);
      const { nextCursor, ...page } = res.json();
      pages.push(page);
      cursor = nextCursor;
    } while (cursor);
    return pages;
  }

  it("pages, totals, cursors and aggregates agree before and after the copy", async () => {
    const queries = [
      "sort=-diem&fields=id,diem&limit=3000&total=exact&id[lt]=100000",
      "fields=id,ten&limit=2500&total=exact&id[lt]=60000",
      "sort=ten,diem&limit=40&total=exact&q=ha noi&id[gte]=1100000",
    ];
    for (let i = 0; i < 3; i++) await get("rows", "nhom=3&limit=1"); // the third asks for a copy by nhom
    await copiesSettled();
    const files = await readdir(path.join(t.ctx.blobs.root, ".tmp"));
    expect(files.filter((f) => f.startsWith("cluster-") && f.endsWith(".parquet"))).toHaveLength(1);
    for (const query of queries) {
      const viaCopy = await walk("nhom=3", query);
      const viaFile = await walk("nhom[gte]=3&nhom[lte]=3", query);
      expect(viaCopy.length, query).toBeGreaterThan(1);
      expect(viaCopy, query).toEqual(viaFile);
    }
    const aggregate = (filter: string) =>
      get("aggregate", `${filter}&groupBy=ten&metrics=count,sum:diem,max:id`).then((r) => r.json());
    expect(await aggregate("nhom=3")).toEqual(await aggregate("nhom[gte]=3&nhom[lte]=3"));
  });
});

const decode = (cursor: string) => JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
