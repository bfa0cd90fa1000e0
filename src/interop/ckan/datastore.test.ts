/**
 * `datastore_search` and `datastore_search_sql` on real Parquet versions, against CKAN's DataStore
 * answers (ckanext/datastore): fields with `_id`, filters, q, sort, fields, distinct, records formats,
 * paging links, permissions, and SQL refused exactly where `POST /api/v1/sql` refuses it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../../test/helpers/databases.ts";
import { BUDGET_ROWS, type CkanFixture, callAction, makeCkanFixture, postAction } from "./ckan-fixture.ts";

type Res = { statusCode: number; body: string; json: () => Record<string, unknown> };

describe.each(DATABASE_KINDS)("CKAN DataStore on %s", (database) => {
  let f: CkanFixture;
  let resource: string;
  beforeAll(async () => {
    f = await makeCkanFixture(database);
    resource = `${f.ids.budget}-csv`;
  });
  afterAll(() => f?.t.close());

  const search = async (body: Record<string, unknown>, headers = {}) => {
    const res = await postAction(f.t, "datastore_search", { resource_id: resource, ...body }, headers);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().result;
  };
  const expectError = (res: Res, status: number, type: string) => {
    expect(res.statusCode, res.body).toBe(status);
    const error = (res.json() as { error: Record<string, unknown> }).error;
    expect(error.__type).toBe(type);
    return error;
  };

  describe("datastore_search", () => {
    it("answers fields with _id first, records, total, limit and links", async () => {
      const r = await search({});
      expect(r).toMatchObject({
        resource_id: resource,
        records_format: "objects",
        include_total: true,
        limit: 100,
        offset: 0,
        total: 6,
        total_was_estimated: false,
      });
      expect(r.fields).toEqual([
        { id: "_id", type: "int" },
        { id: "ma_tinh", type: "text" },
        { id: "ten_tinh", type: "text" },
        { id: "nam", type: "int8" },
        { id: "chi_tieu", type: "float8" },
      ]);
      expect(r.records).toEqual(BUDGET_ROWS.map((row, i) => ({ _id: i + 1, ...row })));
      expect(r._links).toEqual({
        start: "/api/3/action/datastore_search",
        next: "/api/3/action/datastore_search?offset=100",
      });
    });

    it("takes the resource by any alias and by GET with JSON-encoded filters", async () => {
      for (const id of [
        `${f.ids.budget}-parquet`,
        f.ids.budget,
        "so-tai-chinh__ngan-sach-2024",
        "so-tai-chinh/ngan-sach-2024",
      ]) {
        expect((await search({ resource_id: id, limit: 1 })).total).toBe(6);
      }
      const res = await callAction(f.t, "datastore_search", {
        resource_id: resource,
        filters: JSON.stringify({ ma_tinh: "79" }),
        limit: 1,
        offset: 1,
      });
      expect(res.statusCode, res.body).toBe(200);
      const r = res.json().result;
      expect(r.records).toEqual([{ _id: 4, ...BUDGET_ROWS[3] }]);
      expect(r.total).toBe(2);
      const next = new URL(r._links.next, "http://x");
      expect(next.pathname).toBe("/api/3/action/datastore_search");
      expect(next.searchParams.get("offset")).toBe("2");
      expect(next.searchParams.get("resource_id")).toBe(resource);
      expect(new URL(r._links.start, "http://x").searchParams.has("offset")).toBe(false);
    });

    it("filters by values and lists of values, searches text, sorts, pages and picks fields", async () => {
      expect((await search({ filters: { nam: 2024 } })).total).toBe(3);
      expect(
        (await search({ filters: { ma_tinh: ["01", "48"], nam: "2023" } })).records.map(
          (r: { _id: number }) => r._id,
        ),
      ).toEqual([1, 5]);
      const text = await search({ q: "ho chi" });
      expect(text.records.map((r: { ten_tinh: string }) => r.ten_tinh)).toEqual([
        "Hồ Chí Minh",
        "Hồ Chí Minh",
      ]);
      expect((await search({ q: { ten_tinh: "đà" } })).total).toBe(2);
      // Text is searched in text fields, without diacritics or case.
      expect((await search({ q: "HA NOI" })).records.map((r: { _id: number }) => r._id)).toEqual([1, 2]);
      expect((await search({ q: "Hà Nội 2024" })).total).toBe(0);
      expect((await search({ filters: { _id: [2, 6] } })).records.map((r: { nam: number }) => r.nam)).toEqual(
        [2024, 2024],
      );
      const sorted = await search({ sort: "chi_tieu desc", limit: 2, fields: "ten_tinh,chi_tieu" });
      expect(sorted.records).toEqual([
        { ten_tinh: "Hồ Chí Minh", chi_tieu: 215.75 },
        { ten_tinh: "Hồ Chí Minh", chi_tieu: 200 },
      ]);
      expect(sorted.fields).toEqual([
        { id: "ten_tinh", type: "text" },
        { id: "chi_tieu", type: "float8" },
      ]);
      const multi = await search({ sort: ["nam desc", "ma_tinh"], fields: ["ma_tinh", "nam"], limit: 3 });
      expect(multi.records).toEqual([
        { ma_tinh: "01", nam: 2024 },
        { ma_tinh: "48", nam: 2024 },
        { ma_tinh: "79", nam: 2024 },
      ]);
      const paged = await search({ limit: 2, offset: 4 });
      expect(paged.records.map((r: { _id: number }) => r._id)).toEqual([5, 6]);
      expect(paged._links.prev).toBe("/api/3/action/datastore_search?offset=2");
      // CKAN links back only past the second page (offset - limit > 0).
      expect((await search({ limit: 2, offset: 2 }))._links.prev).toBeUndefined();
    });

    it("answers distinct rows and counts them", async () => {
      const r = await search({ fields: ["ten_tinh"], distinct: true, sort: "ten_tinh" });
      expect(r.records).toEqual(
        [{ ten_tinh: "Đà Nẵng" }, { ten_tinh: "Hà Nội" }, { ten_tinh: "Hồ Chí Minh" }].sort((a, b) =>
          a.ten_tinh < b.ten_tinh ? -1 : 1,
        ),
      );
      expect(r.total).toBe(3);
    });

    it("gives records as objects, lists, CSV or TSV, and leaves out the total when asked", async () => {
      const lists = await search({ records_format: "lists", fields: ["ma_tinh", "chi_tieu"], limit: 2 });
      expect(lists.records).toEqual([
        ["01", 120.5],
        ["01", 130.25],
      ]);
      const csv = await search({ records_format: "csv", fields: "ten_tinh,nam", limit: 2, offset: 2 });
      expect(csv.records).toBe("Hồ Chí Minh,2023\nHồ Chí Minh,2024\n");
      const tsv = await search({ records_format: "tsv", fields: ["_id", "ma_tinh"], limit: 1 });
      expect(tsv.records).toBe("1\t01\n");
      const noTotal = await search({ include_total: false, limit: 1 });
      expect(noTotal).not.toHaveProperty("total");
    });

    it("cuts limit at 32000, as rows_max does", async () => {
      expect((await search({ limit: 50_000 })).limit).toBe(32_000);
    });

    it("answers unknown fields and bad values with CKAN's Validation Error", async () => {
      const cases: [Record<string, unknown>, string, string][] = [
        [{ filters: { khong_co: 1 } }, "filters", 'invalid value "khong_co"'],
        [{ fields: ["ma_tinh", "khong_co"] }, "fields", 'invalid value "khong_co"'],
        [{ sort: "khong_co desc" }, "sort", 'invalid value "khong_co desc"'],
        [{ sort: "nam sideways" }, "sort", 'invalid value "nam sideways"'],
        [{ q: { khong_co: "x" } }, "q", 'invalid value "khong_co"'],
        [{ limit: -1 }, "limit", "Must be a natural number"],
      ];
      for (const [body, field, message] of cases) {
        const error = expectError(
          await postAction(f.t, "datastore_search", { resource_id: resource, ...body }),
          409,
          "Validation Error",
        );
        expect(error[field], JSON.stringify(body)).toEqual([message]);
      }
      expectError(
        await postAction(f.t, "datastore_search", { resource_id: resource, records_format: "xml" }),
        409,
        "Validation Error",
      );
      expectError(
        await postAction(f.t, "datastore_search", { resource_id: resource, filters: { nam: "abc" } }),
        409,
        "Validation Error",
      );
      expect(
        expectError(await postAction(f.t, "datastore_search", {}), 409, "Validation Error").resource_id,
      ).toEqual(["Missing value"]);
    });

    it("answers missing resources 404 and private ones 403 unless the caller may read them", async () => {
      const missing = expectError(
        await postAction(f.t, "datastore_search", { resource_id: "khong-co" }),
        404,
        "Not Found Error",
      );
      expect(missing.message).toBe('Not found: Resource "khong-co" was not found.');
      expectError(
        await postAction(f.t, "datastore_search", { resource_id: "cuc-thong-ke__bang-01" }),
        404,
        "Not Found Error",
      );
      const privateId = `${f.ids.internal}-csv`;
      expectError(
        await postAction(f.t, "datastore_search", { resource_id: privateId }),
        403,
        "Authorization Error",
      );
      expectError(
        await postAction(f.t, "datastore_search", { resource_id: privateId }, f.outsider.headers),
        403,
        "Authorization Error",
      );
      const r = await search({ resource_id: privateId }, { authorization: f.memberToken });
      expect(r.records).toEqual([{ _id: 1, khoan: "Lương", so_tien: 1000 }]);
    });

    it("audits reads of data that is not open, as the data API does", async () => {
      const auditedReads = async () => {
        const audit = await f.t.app.inject({ url: "/api/v1/audit?limit=500", headers: f.admin.headers });
        return (audit.json().items as { action: string; resource: string }[]).filter(
          (e) => e.action === "data.rows",
        );
      };
      const before = (await auditedReads()).length;
      await search({ filters: { nam: 2023 } });
      expect((await auditedReads()).length).toBe(before);
      await search({ resource_id: `${f.ids.internal}-csv` }, { authorization: f.memberToken });
      const after = await auditedReads();
      expect(after.length).toBe(before + 1);
      expect(after.some((e) => e.resource === "dataset:so-tai-chinh/thu-chi-noi-bo")).toBe(true);
    });
  });

  describe("datastore_search_sql", () => {
    const sql = (text: string, headers = {}) =>
      postAction(f.t, "datastore_search_sql", { sql: text }, headers);

    it("runs a SELECT over resources named as CKAN clients name them", async () => {
      const res = await sql(
        `SELECT ten_tinh, sum(chi_tieu) AS tong FROM "${resource}" WHERE nam = 2024 GROUP BY ten_tinh ORDER BY tong DESC`,
      );
      expect(res.statusCode, res.body).toBe(200);
      const r = res.json().result;
      expect(r.records).toEqual([
        { ten_tinh: "Hồ Chí Minh", tong: 215.75 },
        { ten_tinh: "Hà Nội", tong: 130.25 },
        { ten_tinh: "Đà Nẵng", tong: 60.5 },
      ]);
      expect(r.fields).toEqual([
        { id: "ten_tinh", type: "text" },
        { id: "tong", type: "float8" },
      ]);
      expect(r.sql).toMatch(/^SELECT ten_tinh/);
      expect(r).not.toHaveProperty("records_truncated");
      for (const table of [
        `"${f.ids.budget}"`,
        `"so-tai-chinh__ngan-sach-2024"`,
        '"so-tai-chinh/ngan-sach-2024"',
      ]) {
        const counted = await sql(`SELECT count(*) AS n FROM ${table} t WHERE t.ten_tinh = 'Hà Nội'`);
        expect(counted.json().result.records, table).toEqual([{ n: 2 }]);
      }
      const joined = await sql(
        `SELECT b.ten_tinh, p.dan_so FROM "${resource}" b JOIN "${f.ids.population}-json" p ON p.tinh = b.ten_tinh WHERE b.nam = 2024`,
      );
      expect(joined.json().result.records).toEqual([{ ten_tinh: "Hà Nội", dan_so: 8_500_000 }]);
    });

    it("says when records were cut at 32000", async () => {
      const r = (await sql("SELECT * FROM range(40000) t(i)")).json().result;
      expect(r.records).toHaveLength(32_000);
      expect(r.records_truncated).toBe(true);
    });

    it("refuses what POST /api/v1/sql refuses, in CKAN's terms", async () => {
      for (const text of [
        "SELECT * FROM read_csv('/etc/passwd')",
        `SELECT getenv('HOME') FROM "${resource}"`,
        "SELECT current_setting('threads')",
        `DELETE FROM "${resource}"`,
        `SELECT 1; SELECT 2`,
        "SELECT * FROM duckdb_settings()",
      ]) {
        const v1 = await f.t.app.inject({ method: "POST", url: "/api/v1/sql", payload: { sql: text } });
        expect(v1.statusCode, text).toBeGreaterThanOrEqual(400);
        expectError(await sql(text), 403, "Authorization Error");
      }
      const syntax = expectError(await sql("SELEC 1"), 409, "Validation Error");
      expect(syntax.query).toEqual([expect.stringMatching(/syntax/i)]);
      const missing = expectError(await sql('SELECT * FROM "khong-co/bang"'), 409, "Validation Error");
      expect(missing.query).toHaveLength(1);
      expectError(await sql(`SELECT * FROM "${f.ids.internal}-csv"`), 403, "Authorization Error");
      expect(
        (await sql(`SELECT * FROM "${f.ids.internal}-csv"`, { authorization: f.memberToken })).statusCode,
      ).toBe(200);
      expect(
        expectError(await postAction(f.t, "datastore_search_sql", {}), 409, "Validation Error").sql,
      ).toEqual(["Missing value"]);
    });
  });
});
