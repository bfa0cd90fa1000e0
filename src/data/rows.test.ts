import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../test/helpers/databases.ts";
import { type TestApp, testApp } from "../../test/helpers/test-app.ts";
import { BUSINESSES, idsWhere, makeBusinesses } from "./testing.ts";

describe.each(DATABASE_KINDS)("GET …/rows on %s", (database) => {
  let t: TestApp;
  const url = "/api/v1/datasets/so-ke-hoach/doanh-nghiep/rows";

  beforeAll(async () => {
    t = await testApp({ database });
    await t.makeOrg({ name: "so-ke-hoach" });
    await makeBusinesses(t, { org: "so-ke-hoach", name: "doanh-nghiep", rows: BUSINESSES.slice(0, 3) });
    await makeBusinesses(t, { org: "so-ke-hoach", name: "doanh-nghiep" });
  });
  afterAll(() => t?.close());

  const get = (query = "", headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url: `${url}${query ? `?${encodeURI(query)}` : ""}`, headers });
  const ids = (body: { records: { id: number }[] }) => body.records.map((r) => r.id);

  describe("answers", () => {
    it("the current version's rows in file order, typed per the schema, with the fields and a free total", async () => {
      const res = await get();
      expect(res.statusCode).toBe(200);
      expect(res.headers["x-mekong-version"]).toBe("so-ke-hoach/doanh-nghiep@2");
      const body = res.json();
      expect(body.fields.map((f: { name: string }) => f.name)).toEqual([
        "id",
        "ten",
        "tinh",
        "ma_tinh",
        "doanh_thu",
        "so_lao_dong",
        "hoat_dong",
        "ngay_dang_ky",
        "cap_nhat",
        "ghi_chu",
      ]);
      expect(body.fields[0]).toEqual({ name: "id", type: "integer" });
      expect(body.total).toBe(12);
      expect(body.nextCursor).toBeUndefined();
      expect(body.records[0]).toEqual({
        id: 1,
        ten: "Công ty Sông Hồng",
        tinh: "Hà Nội",
        ma_tinh: "01",
        doanh_thu: 1500.5,
        so_lao_dong: 120,
        hoat_dong: true,
        ngay_dang_ky: "2020-01-15",
        cap_nhat: "2024-03-01T08:30:00",
        ghi_chu: null,
      });
      expect(ids(body)).toEqual(BUSINESSES.map((b) => b.id));
    });

    it("only the fields asked for, in that order", async () => {
      const res = await get("fields=tinh,id&limit=2");
      expect(res.json()).toMatchObject({
        fields: [
          { name: "tinh", type: "string" },
          { name: "id", type: "integer" },
        ],
        records: [
          { tinh: "Hà Nội", id: 1 },
          { tinh: "Đồng Tháp", id: 2 },
        ],
      });
      expect(Object.keys(res.json().records[0])).toEqual(["tinh", "id"]);
    });

    it("an older version with version=n", async () => {
      const body = (await get("version=1")).json();
      expect(ids(body)).toEqual([1, 2, 3]);
      expect(body.total).toBe(3);
    });
  });

  describe("filters", () => {
    const cases: [string, number[]][] = [
      ["ma_tinh=01", idsWhere((b) => b.ma_tinh === "01")],
      ["ma_tinh[eq]=48", [3]],
      ["ma_tinh[ne]=01", idsWhere((b) => b.ma_tinh !== "01")],
      ["doanh_thu[gt]=1500.5", [7]],
      ["doanh_thu[gte]=1500.5", [1, 7, 10]],
      ["so_lao_dong[lt]=15", [4, 12]],
      ["so_lao_dong[lte]=15", [2, 4, 12]],
      ["id[in]=3,5,99", [3, 5]],
      ["tinh[in]=Hà Nội,Cần Thơ", [1, 4, 5, 7, 11]],
      ["ten[like]=Công ty %", [1, 3, 5, 8, 10]],
      ["ghi_chu[like]=hoa%", [10]],
      ["ma_tinh[like]=0_", [1, 4, 7, 11]],
      ["ghi_chu[null]=true", [1, 9]],
      [
        "doanh_thu[null]=false&so_lao_dong[null]=false",
        idsWhere((b) => b.doanh_thu !== null && b.so_lao_dong !== null),
      ],
      ["hoat_dong=false", [3, 6, 9]],
      ["ngay_dang_ky=2020-01-15", [1, 10]],
      ["ngay_dang_ky[gte]=2022-01-01", [4, 8, 12]],
      ["cap_nhat[lt]=2024-03-03T00:00:00", [1, 2]],
      ["ma_tinh=01&so_lao_dong[gte]=100", [1, 7]],
      ["id[gte]=2&id[lt]=4", [2, 3]],
    ];
    it.each(cases)("%s", async (query, expected) => {
      const res = await get(`${query}&total=exact`);
      expect(res.statusCode, res.body).toBe(200);
      expect(ids(res.json())).toEqual(expected);
      expect(res.json().total).toBe(expected.length);
    });

    it("an unknown field, operator or a value of the wrong type is validation_failed naming the parameter", async () => {
      for (const [query, path] of [
        ["nope=1", "/querystring/nope"],
        ["id[between]=1", "/querystring/id[between]"],
        ["id=abc", "/querystring/id"],
        ["id[in]=1,x", "/querystring/id[in]"],
        ["doanh_thu=1e999", "/querystring/doanh_thu"],
        ["hoat_dong=maybe", "/querystring/hoat_dong"],
        ["ngay_dang_ky=2023-02-30", "/querystring/ngay_dang_ky"],
        ["so_lao_dong[like]=1%", "/querystring/so_lao_dong[like]"],
        ["ghi_chu[null]=yes", "/querystring/ghi_chu[null]"],
        ["ma_tinh=01&ma_tinh=02", "/querystring/ma_tinh"],
        ["fields=id,nope", "/querystring/fields"],
        ["sort=nope", "/querystring/sort"],
      ] as const) {
        const res = await get(query);
        expect(res.statusCode, query).toBe(400);
        expect(res.headers["content-type"]).toContain("application/problem+json");
        expect(res.json().code).toBe("validation_failed");
        expect(res.json().errors?.[0]?.path, query).toBe(path);
      }
    });
  });

  describe("q", () => {
    it.each([
      ["ha noi", [1, 4, 7, 11]],
      ["HÀ NỘI", [1, 4, 7, 11]],
      ["da nang", [3]],
      ["Đà", [3, 8, 10]],
      ["dong thap", [2]],
      ["ha noi xanh", [11]],
      ["hue", [8]],
      ["gao", [2]],
      ["100%", [7]],
      ["khong co dau nay", []],
    ])("q=%s", async (q, expected) => {
      const res = await get(`q=${q}&total=exact`);
      expect(res.statusCode, res.body).toBe(200);
      expect(ids(res.json())).toEqual(expected);
      expect(res.json().total).toBe(expected.length);
    });

    it("combines with filters", async () => {
      expect(ids((await get("q=ha noi&hoat_dong=true&so_lao_dong[gt]=60")).json())).toEqual([1, 7]);
    });
  });

  describe("order and paging", () => {
    it("sorts descending, then ascending on ties, nulls last", async () => {
      const body = (await get("sort=-doanh_thu,id&fields=id,doanh_thu")).json();
      expect(ids(body)).toEqual([7, 1, 10, 3, 11, 6, 2, 8, 4, 12, 9, 5]);
      const asc = (await get("sort=doanh_thu,-id&fields=id")).json();
      expect(ids(asc)).toEqual([9, 12, 4, 8, 2, 6, 11, 3, 10, 1, 7, 5]);
    });

    it("sorts on text and dates", async () => {
      expect(ids((await get("sort=ngay_dang_ky,id&limit=3")).json())).toEqual([9, 7, 6]);
      // Binary order: "Đ" (U+0110) sorts after every ASCII letter.
      expect(ids((await get("sort=-tinh,id&limit=2")).json())).toEqual([2, 3]);
    });

    it("walks every row exactly once with cursors, for any sort", async () => {
      for (const sort of ["", "-doanh_thu", "so_lao_dong,-ten", "ma_tinh,-ngay_dang_ky"]) {
        const seen: number[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const query = [`limit=5`, sort && `sort=${sort}`, cursor && `cursor=${cursor}`]
            .filter(Boolean)
            .join("&");
          const res = await get(query);
          expect(res.statusCode, res.body).toBe(200);
          seen.push(...ids(res.json()));
          cursor = res.json().nextCursor;
          pages++;
        } while (cursor && pages < 10);
        expect(pages, sort).toBe(3);
        expect(
          [...seen].sort((a, b) => a - b),
          sort,
        ).toEqual(BUSINESSES.map((b) => b.id));
      }
    });

    it("pages with offset", async () => {
      expect(ids((await get("sort=id&limit=3&offset=4")).json())).toEqual([5, 6, 7]);
      expect(ids((await get("limit=2&offset=10")).json())).toEqual([11, 12]);
      expect((await get("limit=2&offset=100")).json().records).toEqual([]);
    });

    it("a cursor keeps its version and refuses another query's paging", async () => {
      const first = (await get("limit=2&version=1")).json();
      const next = (await get(`limit=2&cursor=${first.nextCursor}`)).json();
      expect(ids(next)).toEqual([3]);
      const mixed = await get(`limit=2&cursor=${first.nextCursor}&version=2`);
      expect(mixed.json().code).toBe("validation_failed");
      const page = (await get("limit=2&sort=id")).json();
      const other = await get(`limit=2&sort=-id&cursor=${page.nextCursor}`);
      expect(other.statusCode).toBe(400);
      expect(other.json().errors[0].path).toBe("/querystring/cursor");
      for (const bad of ["garbage", Buffer.from('{"n":1}').toString("base64url")]) {
        expect((await get(`cursor=${bad}`)).json().code).toBe("validation_failed");
      }
      expect((await get(`offset=2&cursor=${page.nextCursor}&sort=id`)).json().code).toBe("validation_failed");
    });
  });

  describe("totals", () => {
    it("exact, estimate (exact on a small version), none, and the free default", async () => {
      expect((await get("ma_tinh=01&total=exact")).json().total).toBe(4);
      const estimate = (await get("ma_tinh=01&total=estimate")).json();
      expect(estimate.total).toBe(4);
      expect(estimate.totalEstimated).toBeUndefined();
      expect((await get("total=estimate")).json().total).toBe(12);
      expect((await get("total=none")).json()).not.toHaveProperty("total");
      expect((await get("ma_tinh=01")).json()).not.toHaveProperty("total");
    });
  });

  describe("CSV", () => {
    it("answers text/csv when asked, with totals and cursor in headers and formulas neutralised", async () => {
      const res = await get("fields=id,tinh,ghi_chu&sort=id&limit=4&total=exact", { accept: "text/csv" });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
      expect(res.headers["x-mekong-total"]).toBe("12");
      expect(res.headers["x-mekong-next-cursor"]).toBeTruthy();
      expect(res.body).toBe(
        "id,tinh,ghi_chu\r\n1,Hà Nội,\r\n2,Đồng Tháp,xuất khẩu gạo\r\n3,Đà Nẵng,'=cmd|' /C calc'!A0\r\n4,Hà Nội,'+1 phụ thu\r\n",
      );
    });
  });

  describe("versions", () => {
    it("version_not_found for a version that does not exist and a dataset with none", async () => {
      expect((await get("version=9")).json().code).toBe("version_not_found");
      const created = await t.app.inject({
        method: "POST",
        url: "/api/v1/datasets",
        headers: (await t.makeUser({ isPlatformAdmin: true })).headers,
        payload: { org: "so-ke-hoach", name: "trong", title: "Trống", visibility: "open" },
      });
      expect(created.statusCode, created.body).toBe(201);
      const empty = await t.app.inject({ method: "GET", url: "/api/v1/datasets/so-ke-hoach/trong/rows" });
      expect(empty.statusCode).toBe(404);
      expect(empty.json().code).toBe("version_not_found");
      const missing = await t.app.inject({
        method: "GET",
        url: "/api/v1/datasets/so-ke-hoach/khong-co/rows",
      });
      expect(missing.json().code).toBe("dataset_not_found");
    });
  });
});
