import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestApp, testApp } from "../../test/helpers/test-app.ts";
import { makeBusinesses } from "./testing.ts";

/** A file the attacks try to write; it must never appear. */
const CANARY = path.join(os.tmpdir(), `mekong-injection-canary-${process.pid}`);

const ATTACKS = [
  "x'); DROP TABLE t--",
  "x' OR '1'='1",
  "' OR 1=1 --",
  "read_csv('/etc/passwd')",
  "* FROM read_csv('/etc/passwd') --",
  `"; COPY (SELECT 42) TO '${CANARY}' --`,
  `x"); COPY (SELECT 42) TO '${CANARY}'; --`,
  `') TO '${CANARY}' (FORMAT csv); --`,
  "1; SELECT * FROM duckdb_settings()",
  "$1",
  "?",
  "id\" FROM read_parquet('/etc/passwd') --",
  "\\'; ATTACH '/tmp/evil.db' AS evil; --",
  "%' UNION SELECT * FROM read_text('/etc/passwd') --",
  "(?i).*",
  "\\x{27}",
];

describe("SQL injection into the data API", () => {
  let t: TestApp;
  let tablesBefore: unknown;
  const base = "/api/v1/datasets/kiem-thu/doanh-nghiep";
  const get = (route: string, params: Record<string, string>) =>
    t.app.inject({ method: "GET", url: `${base}/${route}?${new URLSearchParams(params).toString()}` });

  beforeAll(async () => {
    t = await testApp();
    await t.makeOrg({ name: "kiem-thu" });
    await makeBusinesses(t, { org: "kiem-thu", name: "doanh-nghiep" });
    tablesBefore = await t.ctx.engine.query("SELECT count(*) AS n FROM duckdb_tables()");
  });
  afterAll(async () => {
    // Nothing outside happened: no file written, no table made, the data still whole.
    expect(existsSync(CANARY)).toBe(false);
    expect(existsSync("/tmp/evil.db")).toBe(false);
    expect(await t.ctx.engine.query("SELECT count(*) AS n FROM duckdb_tables()")).toEqual(tablesBefore);
    const all = await get("rows", { total: "exact" });
    expect(all.json().total).toBe(12);
    await t?.close();
  });

  /** A clean answer: 200 with no rows, or 400 validation_failed as problem+json — never a server error. */
  async function expectCleanRefusalOrNothing(route: string, params: Record<string, string>) {
    const res = await get(route, params);
    const what = `${route} ${JSON.stringify(params)}: ${res.body.slice(0, 300)}`;
    if (res.statusCode === 200) {
      if (route === "rows") expect(res.json().records, what).toEqual([]);
      return;
    }
    expect(res.statusCode, what).toBe(400);
    expect(res.headers["content-type"], what).toContain("application/problem+json");
    expect(res.json().code, what).toBe("validation_failed");
    expect(res.body, what).not.toContain(t.ctx.blobs.root);
  }

  it.each(ATTACKS)("filter values on text fields are data: %s", async (attack) => {
    const filters: Record<string, string>[] = [
      { tinh: attack },
      { "tinh[ne]": attack, "id[lt]": "0" },
      { "ten[like]": attack },
      { "tinh[in]": `${attack},${attack}` },
      { "ghi_chu[gte]": attack, "ghi_chu[lte]": attack },
    ];
    for (const params of filters) {
      const res = await get("rows", params);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().records).toEqual([]);
    }
  });

  it.each(ATTACKS)("filter values on typed fields are refused: %s", async (attack) => {
    for (const field of ["id", "doanh_thu", "hoat_dong", "ngay_dang_ky", "cap_nhat"]) {
      await expectCleanRefusalOrNothing("rows", { [field]: attack });
      await expectCleanRefusalOrNothing("rows", { [`${field}[in]`]: attack });
    }
    await expectCleanRefusalOrNothing("rows", { "tinh[null]": attack });
  });

  it.each(ATTACKS)(
    "field names, operators, sort and fields are checked against the schema: %s",
    async (attack) => {
      await expectCleanRefusalOrNothing("rows", { [attack]: "1" });
      await expectCleanRefusalOrNothing("rows", { [`${attack}[eq]`]: "1" });
      await expectCleanRefusalOrNothing("rows", { [`tinh[${attack}]`]: "1" });
      await expectCleanRefusalOrNothing("rows", { sort: attack });
      await expectCleanRefusalOrNothing("rows", { sort: `-${attack}` });
      await expectCleanRefusalOrNothing("rows", { fields: attack });
      await expectCleanRefusalOrNothing("rows", { fields: `id,${attack}` });
      await expectCleanRefusalOrNothing("aggregate", { groupBy: attack });
      await expectCleanRefusalOrNothing("aggregate", { metrics: `sum:${attack}` });
      await expectCleanRefusalOrNothing("aggregate", { metrics: attack });
      await expectCleanRefusalOrNothing("aggregate", { groupBy: "tinh", sort: attack });
      await expectCleanRefusalOrNothing("download.csv", { fields: attack });
      await expectCleanRefusalOrNothing("download.parquet", { sort: attack });
    },
  );

  it.each(ATTACKS)("q is searched for, never run: %s", async (attack) => {
    for (const route of ["rows", "aggregate", "download.json"]) {
      const res = await get(route, { q: attack });
      expect(res.statusCode, res.body).toBe(200);
      if (route === "rows") expect(res.json().records).toEqual([]);
      if (route === "download.json") expect(res.json()).toEqual([]);
    }
  });

  it.each(ATTACKS)("cursor values are bound like filter values: %s", async (attack) => {
    const page = (await get("rows", { sort: "tinh", limit: "2" })).json();
    const cursor = JSON.parse(Buffer.from(page.nextCursor, "base64url").toString("utf8"));
    const forged = (k: unknown[]) => Buffer.from(JSON.stringify({ ...cursor, k })).toString("base64url");
    const onText = await get("rows", { sort: "tinh", limit: "2", cursor: forged([attack]) });
    expect(onText.statusCode, onText.body).toBe(200);

    const byId = (await get("rows", { sort: "id", limit: "2" })).json();
    const idCursor = JSON.parse(Buffer.from(byId.nextCursor, "base64url").toString("utf8"));
    const forgedId = Buffer.from(JSON.stringify({ ...idCursor, k: [attack] })).toString("base64url");
    await expectCleanRefusalOrNothing("rows", { sort: "id", limit: "2", cursor: forgedId });
    const forgedRow = Buffer.from(JSON.stringify({ ...idCursor, r: attack })).toString("base64url");
    await expectCleanRefusalOrNothing("rows", { sort: "id", limit: "2", cursor: forgedRow });
  });

  it("the like pattern is a pattern, not SQL: quotes and wildcards in it match literally", async () => {
    const res = await get("rows", { "ghi_chu[like]": "it's%" });
    expect(res.json().records.map((r: { id: number }) => r.id)).toEqual([12]);
  });
});
