import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../test/helpers/databases.ts";
import { makeDatasetWithRows } from "../../test/helpers/datasets.ts";
import { type TestApp, type TestUser, testApp } from "../../test/helpers/test-app.ts";

describe.each(DATABASE_KINDS)("POST /api/v1/sql on %s", (database) => {
  let t: TestApp;
  let member: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    // One engine connection, so the tests can see that nothing a query set up outlives it.
    t = await testApp({ database, env: { MEKONG_ENGINE_POOL_SIZE: "1" } });
    member = await t.makeUser();
    outsider = await t.makeUser();
    await t.makeOrg({ name: "so-y-te" });
    await t.makeOrg({ name: "bo-cong-an" });
    await t.addMember("bo-cong-an", member.id, "member");

    const hospitals = { id: "BIGINT", tinh: "VARCHAR", giuong: "BIGINT" } as const;
    await makeDatasetWithRows(t.ctx, {
      org: "so-y-te",
      name: "benh-vien",
      columns: hospitals,
      rows: [
        { id: 1, tinh: "Hà Nội", giuong: 100 },
        { id: 2, tinh: "Huế", giuong: 40 },
      ],
    });
    await makeDatasetWithRows(t.ctx, {
      org: "so-y-te",
      name: "benh-vien",
      columns: hospitals,
      rows: [
        { id: 1, tinh: "Hà Nội", giuong: 120 },
        { id: 2, tinh: "Huế", giuong: 40 },
        { id: 3, tinh: "Hà Nội", giuong: 60 },
        { id: 4, tinh: "Đà Nẵng", giuong: 80 },
        { id: 5, tinh: "Huế", giuong: 10 },
      ],
    });
    await makeDatasetWithRows(t.ctx, {
      org: "so-y-te",
      name: "dan-so",
      columns: { tinh: "VARCHAR", dan_so: "BIGINT" },
      rows: [
        { tinh: "Hà Nội", dan_so: 8_400_000 },
        { tinh: "Huế", dan_so: 1_100_000 },
        { tinh: "Đà Nẵng", dan_so: 1_200_000 },
      ],
    });
    await makeDatasetWithRows(t.ctx, {
      org: "bo-cong-an",
      name: "ho-so-mat",
      visibility: "private",
      columns: { id: "BIGINT", ten: "VARCHAR" },
      rows: [{ id: 1, ten: "bí mật" }],
    });
  });
  afterAll(() => t?.close());

  const sql = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "POST", url: "/api/v1/sql", headers, payload });

  const auditFor = (resource: string) =>
    t.ctx.database.query<{ actor: string; action: string; details: Record<string, unknown> }>(
      "select actor, action, details from audit_log where resource = $1 and action = 'data.sql' order by seq",
      [resource],
    );

  describe("answers", () => {
    it("a query over an open dataset, anonymously, with fields and records", async () => {
      const res = await sql({ sql: 'SELECT id, tinh, giuong FROM "so-y-te/benh-vien" ORDER BY id LIMIT 2' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        fields: [
          { name: "id", type: "BIGINT" },
          { name: "tinh", type: "VARCHAR" },
          { name: "giuong", type: "BIGINT" },
        ],
        records: [
          { id: 1, tinh: "Hà Nội", giuong: 120 },
          { id: 2, tinh: "Huế", giuong: 40 },
        ],
        truncated: false,
      });
      expect(res.json().elapsedMs).toEqual(expect.any(Number));
    });

    it("a given version with @n, and the current one without", async () => {
      const v1 = await sql({ sql: 'SELECT count(*) AS n, sum(giuong) AS g FROM "so-y-te/benh-vien@1"' });
      const current = await sql({ sql: 'SELECT count(*) AS n FROM "so-y-te/benh-vien"' });
      expect(v1.json().records).toEqual([{ n: 2, g: 140 }]);
      expect(current.json().records).toEqual([{ n: 5 }]);
    });

    it("joins across two readable datasets, with aggregates and window functions", async () => {
      const res = await sql({
        sql: `WITH beds AS (SELECT tinh, sum(giuong) AS giuong FROM "so-y-te/benh-vien" GROUP BY tinh)
              SELECT b.tinh, b.giuong, round(b.giuong * 100000.0 / d.dan_so, 2) AS per_100k,
                     rank() OVER (ORDER BY b.giuong DESC) AS hang
              FROM beds b JOIN "so-y-te/dan-so" d USING (tinh) ORDER BY hang`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().records).toEqual([
        { tinh: "Hà Nội", giuong: 180, per_100k: 2.14, hang: 1 },
        { tinh: "Đà Nẵng", giuong: 80, per_100k: 6.67, hang: 2 },
        { tinh: "Huế", giuong: 50, per_100k: 4.55, hang: 3 },
      ]);
    });

    it("harmless list functions and lambdas", async () => {
      const res = await sql({
        sql: `SELECT list_transform(list(giuong ORDER BY id), x -> x * 2) AS doubled,
                     list_filter([1, 2, 3], lambda x: x > 1) AS kept, [x + 1 for x in [1, 2]] AS comp
              FROM "so-y-te/benh-vien@1"`,
      });
      expect(res.json().records).toEqual([{ doubled: [200, 80], kept: [2, 3], comp: [2, 3] }]);
    });

    it("cuts at limit and says so with truncated", async () => {
      const cut = await sql({ sql: 'SELECT id FROM "so-y-te/benh-vien" ORDER BY id', limit: 2 });
      const exact = await sql({ sql: 'SELECT id FROM "so-y-te/benh-vien" ORDER BY id', limit: 5 });
      const none = await sql({ sql: 'SELECT id FROM "so-y-te/benh-vien"', limit: 0 });
      expect(cut.json()).toMatchObject({ records: [{ id: 1 }, { id: 2 }], truncated: true });
      expect(exact.json()).toMatchObject({ truncated: false });
      expect(exact.json().records).toHaveLength(5);
      expect(none.json()).toMatchObject({
        fields: [{ name: "id", type: "BIGINT" }],
        records: [],
        truncated: true,
      });
    });

    it("stops reading a huge result one row past the limit", async () => {
      const res = await sql({ sql: "SELECT i FROM range(1000000000) t(i)", limit: 3, timeoutMs: 5000 });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ records: [{ i: 0 }, { i: 1 }, { i: 2 }], truncated: true });
    });

    it("CSV for Accept: text/csv", async () => {
      const res = await sql(
        { sql: 'SELECT id, tinh, \'a,"b"\' AS note FROM "so-y-te/benh-vien" ORDER BY id', limit: 2 },
        { accept: "text/csv" },
      );
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/csv/);
      expect(res.headers["x-mekong-truncated"]).toBe("true");
      expect(res.body).toBe('id,tinh,note\r\n1,Hà Nội,"a,""b"""\r\n2,Huế,"a,""b"""\r\n');
    });

    it("duplicate column names apart", async () => {
      const res = await sql({ sql: "SELECT 1 AS a, 2 AS a" });
      expect(res.json().fields.map((f: { name: string }) => f.name)).toEqual(["a", "a:1"]);
      expect(res.json().records).toEqual([{ a: 1, "a:1": 2 }]);
    });
  });

  describe("access", () => {
    const secret = 'SELECT * FROM "bo-cong-an/ho-so-mat"';

    it("lets a member of the owning organization read a private dataset", async () => {
      const res = await sql({ sql: secret }, member.headers);
      expect(res.statusCode).toBe(200);
      expect(res.json().records).toEqual([{ id: 1, ten: "bí mật" }]);
    });

    it("refuses a signed-in non-member with forbidden, naming the dataset", async () => {
      const res = await sql({ sql: secret }, outsider.headers);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: "forbidden", dataset: "bo-cong-an/ho-so-mat" });
      expect(res.json().detail).toContain("bo-cong-an/ho-so-mat");
    });

    it("refuses a stranger with unauthenticated, like the dataset routes do", async () => {
      const res = await sql({ sql: secret });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: "unauthenticated", dataset: "bo-cong-an/ho-so-mat" });
      const shown = await t.app.inject({ url: "/api/v1/datasets/bo-cong-an/ho-so-mat" });
      expect(shown.json().code).toBe("unauthenticated");
    });

    it("refuses a private dataset hidden in a subquery, a CTE or a join of an open one", async () => {
      for (const query of [
        'SELECT * FROM "so-y-te/dan-so" WHERE tinh IN (SELECT ten FROM "bo-cong-an/ho-so-mat")',
        'WITH x AS (SELECT * FROM "bo-cong-an/ho-so-mat") SELECT * FROM x',
        'SELECT * FROM "so-y-te/dan-so", "bo-cong-an/ho-so-mat@1"',
      ]) {
        const res = await sql({ sql: query }, outsider.headers);
        expect(res.json().code, query).toBe("forbidden");
      }
    });

    it("answers dataset_not_found and version_not_found", async () => {
      const missing = await sql({ sql: 'SELECT * FROM "so-y-te/khong-co"' });
      const noVersion = await sql({ sql: 'SELECT * FROM "so-y-te/benh-vien@99"' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ code: "dataset_not_found", dataset: "so-y-te/khong-co" });
      expect(noVersion.statusCode).toBe(404);
      expect(noVersion.json().code).toBe("version_not_found");
    });

    it("does not say which versions a forbidden dataset has", async () => {
      const res = await sql({ sql: 'SELECT * FROM "bo-cong-an/ho-so-mat@99"' }, outsider.headers);
      expect(res.json().code).toBe("forbidden");
    });
  });

  describe("refuses, before running anything", () => {
    it.each([
      ["SET enable_external_access = true", "sql_not_allowed"],
      ["SELECT * FROM read_csv('/etc/passwd')", "sql_not_allowed"],
      ["SELECT getenv('HOME')", "sql_not_allowed"],
      ["COPY (SELECT 1) TO '/tmp/x'", "sql_not_allowed"],
      ["ATTACH '/tmp/x.db'", "sql_not_allowed"],
      ["INSTALL httpfs", "sql_not_allowed"],
      ["LOAD httpfs", "sql_not_allowed"],
      ["PRAGMA database_list", "sql_not_allowed"],
      ["SELECT 1; DROP TABLE x", "sql_not_allowed"],
      ["SELECT 1 /* ; */; SELECT 2", "sql_not_allowed"],
      ["SELECT * FROM glob('*')", "sql_not_allowed"],
      ["SELECT * FROM (SELECT * FROM read_parquet('/etc/x.parquet'))", "sql_not_allowed"],
      ["WITH x AS (SELECT * FROM read_text('/etc/hostname')) SELECT * FROM x", "sql_not_allowed"],
      ["FROM 'some/file.parquet'", "sql_not_allowed"],
      ["SELECT * FROM duckdb_settings()", "sql_not_allowed"],
      ["SELECT current_setting('allowed_directories')", "sql_not_allowed"],
      ["SELEC 1", "sql_syntax_error"],
    ])("%j with %s", async (query, code) => {
      const res = await sql({ sql: query });
      expect(res.statusCode).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe(code);
    });

    it("leaves the sandbox as it was", async () => {
      await sql({ sql: "SET enable_external_access = true" });
      await sql({ sql: "SET lock_configuration = false" });
      const settings = await t.ctx.engine.query(
        "SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access', 'lock_configuration') ORDER BY name",
      );
      expect(settings).toEqual([
        { name: "enable_external_access", value: "false" },
        { name: "lock_configuration", value: "true" },
      ]);
    });

    it("answers DuckDB's binding errors as sql_error", async () => {
      const res = await sql({ sql: 'SELECT khong_co FROM "so-y-te/dan-so"' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: "sql_error", kind: "binder" });
      expect(res.json().detail).not.toContain(t.ctx.blobs.root);
    });

    it("validates limit and timeoutMs", async () => {
      for (const payload of [
        { sql: "SELECT 1", limit: 100_001 },
        { sql: "SELECT 1", timeoutMs: 30_001 },
        { sql: "SELECT 1", limit: -1 },
        { sql: "" },
        { sql: "SELECT 1", extra: true },
      ]) {
        const res = await sql(payload);
        expect(res.json().code, JSON.stringify(payload)).toBe("validation_failed");
      }
    });
  });

  describe("time limit", () => {
    it("interrupts a long query with sql_timeout and keeps serving", async () => {
      const started = Date.now();
      const res = await sql({ sql: "SELECT count(*) FROM range(10000000000)", timeoutMs: 300 });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: "sql_timeout", timeoutMs: 300 });
      expect(Date.now() - started).toBeLessThan(10_000);

      const crossJoin = await sql({
        sql: 'SELECT count(*) FROM "so-y-te/benh-vien" a, range(100000) b, range(100000) c',
        timeoutMs: 300,
      });
      expect(crossJoin.json().code).toBe("sql_timeout");

      const after = await sql({ sql: 'SELECT count(*) AS n FROM "so-y-te/dan-so"' });
      expect(after.json().records).toEqual([{ n: 3 }]);
    });
  });

  describe("connection hygiene", () => {
    it("drops the dataset views after each query, whatever its outcome", async () => {
      await sql({ sql: 'SELECT * FROM "so-y-te/dan-so"' });
      await sql({ sql: 'SELECT nope FROM "so-y-te/benh-vien@1"' });
      await sql({ sql: 'SELECT count(*) FROM "so-y-te/dan-so", range(10000000000)', timeoutMs: 200 });
      // The pool has one connection, so this is the one the queries ran on.
      const views = await t.ctx.engine.query(
        "SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal",
      );
      expect(views).toEqual([]);
    });
  });

  describe("audit", () => {
    it("logs each query once per dataset read, with the SQL, the version and the rows", async () => {
      const query =
        'SELECT d.tinh FROM "so-y-te/dan-so" d JOIN "so-y-te/benh-vien@1" b USING (tinh) ORDER BY 1';
      const before = (await auditFor("dataset:so-y-te/benh-vien")).length;
      const res = await sql({ sql: query }, member.headers);
      expect(res.statusCode).toBe(200);

      const hospitals = await auditFor("dataset:so-y-te/benh-vien");
      const population = await auditFor("dataset:so-y-te/dan-so");
      expect(hospitals).toHaveLength(before + 1);
      expect(hospitals.at(-1)).toMatchObject({
        actor: `user:${member.id}`,
        details: {
          sql: query,
          version: 1,
          rows: 2,
          outcome: "ok",
          datasets: ["so-y-te/dan-so@1", "so-y-te/benh-vien@1"],
        },
      });
      expect(population.at(-1)).toMatchObject({ details: { sql: query, version: 1, rows: 2 } });
    });

    it("logs a query that failed while running, and none that was refused", async () => {
      const res = await sql({
        sql: 'SELECT count(*) FROM "so-y-te/dan-so", range(10000000000)',
        timeoutMs: 200,
      });
      expect(res.json().code).toBe("sql_timeout");
      expect((await auditFor("dataset:so-y-te/dan-so")).at(-1)).toMatchObject({
        actor: "anonymous",
        details: { outcome: "sql_timeout", rows: 0 },
      });

      const count = async () =>
        (
          await t.ctx.database.query<{ n: number }>(
            "select count(*)::int as n from audit_log where action = 'data.sql'",
          )
        )[0]?.n;
      const before = await count();
      await sql({ sql: "SELECT * FROM read_csv('/etc/passwd')" });
      expect(await count()).toBe(before);
    });

    it("keeps the first 4 KB of a long SQL text", async () => {
      const long = `SELECT count(*) AS n FROM "so-y-te/dan-so" WHERE tinh <> '${"ế".repeat(3000)}'`;
      expect((await sql({ sql: long })).statusCode).toBe(200);
      const [entry] = (await auditFor("dataset:so-y-te/dan-so")).slice(-1);
      const kept = String(entry?.details.sql);
      expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(4096);
      expect(long.startsWith(kept)).toBe(true);
      expect(entry?.details.sqlTruncated).toBe(true);
    });

    it("logs a query that reads no dataset under sql:query", async () => {
      await sql({ sql: "SELECT 42 AS answer" }, outsider.headers);
      expect((await auditFor("sql:query")).at(-1)).toMatchObject({
        actor: `user:${outsider.id}`,
        details: { sql: "SELECT 42 AS answer", datasets: [], rows: 1 },
      });
    });
  });
});
