import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestApp, testApp } from "../../test/helpers/test-app.ts";
import { makeBusinesses } from "./testing.ts";

describe("GET …/aggregate", () => {
  let t: TestApp;
  const url = "/api/v1/datasets/thong-ke/doanh-nghiep/aggregate";
  const get = (query: string) => t.app.inject({ method: "GET", url: `${url}?${encodeURI(query)}` });

  beforeAll(async () => {
    t = await testApp();
    await t.makeOrg({ name: "thong-ke" });
    await makeBusinesses(t, { org: "thong-ke", name: "doanh-nghiep" });
  });
  afterAll(() => t?.close());

  it("groups and computes every metric, typed, ordered by the groups", async () => {
    const res = await get(
      "groupBy=ma_tinh&metrics=count,sum:doanh_thu,avg:doanh_thu,min:so_lao_dong,max:so_lao_dong,count_distinct:tinh,count:doanh_thu",
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.fields).toEqual([
      { name: "ma_tinh", type: "string" },
      { name: "count", type: "integer" },
      { name: "sum_doanh_thu", type: "number" },
      { name: "avg_doanh_thu", type: "number" },
      { name: "min_so_lao_dong", type: "integer" },
      { name: "max_so_lao_dong", type: "integer" },
      { name: "count_distinct_tinh", type: "integer" },
      { name: "count_doanh_thu", type: "integer" },
    ]);
    expect(body.truncated).toBe(false);
    expect(body.records.map((r: { ma_tinh: string }) => r.ma_tinh)).toEqual([
      "01",
      "31",
      "46",
      "48",
      "68",
      "79",
      "87",
      "92",
      "94",
    ]);
    expect(body.records[0]).toEqual({
      ma_tinh: "01",
      count: 4,
      sum_doanh_thu: 4845.5,
      avg_doanh_thu: 1211.375,
      min_so_lao_dong: 8,
      max_so_lao_dong: 300,
      count_distinct_tinh: 1,
      count_doanh_thu: 4,
    });
    expect(body.records[7]).toMatchObject({
      ma_tinh: "92",
      count: 1,
      sum_doanh_thu: null,
      count_doanh_thu: 0,
    });
  });

  it("sorts by a metric alias, descending, nulls last, and cuts at limit", async () => {
    const body = (await get("groupBy=ma_tinh&metrics=sum:doanh_thu&sort=-sum_doanh_thu&limit=3")).json();
    expect(body.records).toEqual([
      { ma_tinh: "01", sum_doanh_thu: 4845.5 },
      { ma_tinh: "68", sum_doanh_thu: 1500.5 },
      { ma_tinh: "48", sum_doanh_thu: 820.25 },
    ]);
    expect(body.truncated).toBe(true);
    const all = (await get("groupBy=ma_tinh&metrics=sum:doanh_thu&sort=-sum_doanh_thu")).json();
    expect(all.records.at(-1)).toEqual({ ma_tinh: "92", sum_doanh_thu: null });
  });

  it("aggregates without groups, over filters and q", async () => {
    expect((await get("metrics=count,sum:so_lao_dong")).json().records).toEqual([
      { count: 12, sum_so_lao_dong: 728 },
    ]);
    expect((await get("groupBy=hoat_dong&hoat_dong=true&ma_tinh[ne]=01")).json().records).toEqual([
      { hoat_dong: true, count: 5 },
    ]);
    expect((await get("q=ha noi&groupBy=tinh,hoat_dong&metrics=count")).json().records).toEqual([
      { tinh: "Hà Nội", hoat_dong: true, count: 4 },
    ]);
  });

  it("groups by two fields", async () => {
    const body = (await get("groupBy=hoat_dong,ma_tinh&ma_tinh[in]=01,48,94&sort=-count")).json();
    expect(body.records).toEqual([
      { hoat_dong: true, ma_tinh: "01", count: 4 },
      { hoat_dong: false, ma_tinh: "48", count: 1 },
      { hoat_dong: false, ma_tinh: "94", count: 1 },
    ]);
  });

  it.each([
    ["metrics=sum:tinh", "/querystring/metrics"],
    ["metrics=avg:ngay_dang_ky", "/querystring/metrics"],
    ["metrics=median:doanh_thu", "/querystring/metrics"],
    ["metrics=sum", "/querystring/metrics"],
    ["metrics=min:hoat_dong", "/querystring/metrics"],
    ["metrics=sum:nope", "/querystring/metrics"],
    ["groupBy=nope", "/querystring/groupBy"],
    ["groupBy=ma_tinh&sort=doanh_thu", "/querystring/sort"],
    ["groupBy=ma_tinh&nope=1", "/querystring/nope"],
    ["groupBy=count", "/querystring/groupBy"],
    ["limit=10001", "/querystring/limit"],
  ])("%s is validation_failed at %s", async (query, path) => {
    const res = await get(query);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("validation_failed");
    expect(res.json().errors[0].path).toBe(path);
  });
});
