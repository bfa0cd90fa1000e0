/**
 * `package_search` against CKAN's documented answers (ckan/logic/action/get.py): the result's keys,
 * private datasets, fq parsing (quoted values, `+`/`AND`, `OR`, negation, ranges), facets, paging, the
 * errors CKAN gives, and a harvester's walk through the catalog over plain HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../../test/helpers/databases.ts";
import { type CkanFixture, callAction, makeCkanFixture } from "./ckan-fixture.ts";

describe.each(DATABASE_KINDS)("CKAN package_search on %s", (database) => {
  let f: CkanFixture;
  beforeAll(async () => {
    f = await makeCkanFixture(database);
  });
  afterAll(() => f?.t.close());

  const get = (action: string, query: Record<string, string | number | boolean> = {}, headers = {}) =>
    callAction(f.t, action, query, headers);
  const result = async (
    action: string,
    query: Record<string, string | number | boolean> = {},
    headers = {},
  ) => {
    const res = await get(action, query, headers);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().result;
  };
  const expectError = (
    res: { statusCode: number; json: () => { success: boolean; error: Record<string, unknown> } },
    status: number,
    type: string,
  ) => {
    expect(res.statusCode).toBe(status);
    expect(res.json().success).toBe(false);
    expect(res.json().error.__type).toBe(type);
    return res.json().error;
  };
  const search = (query: Record<string, string | number | boolean>, headers = {}) =>
    result("package_search", query, headers);
  const idsOf = (r: { results: { id: string }[] }) => r.results.map((p) => p.id).sort();

  it("answers {count, facets, results, sort, search_facets} over public datasets by default", async () => {
    const r = await search({}, f.member.headers);
    expect(Object.keys(r).sort()).toEqual(["count", "facets", "results", "search_facets", "sort"]);
    expect(r.count).toBe(f.openIds.length);
    expect(r.results).toHaveLength(10);
    expect(r.sort).toBe("score desc, metadata_modified desc");
    expect(r.search_facets).toEqual({});
    expect(r.results[0]).toHaveProperty("resources");
  });

  it("includes private datasets only with include_private, and only those the caller may read", async () => {
    const asMember = await search({ include_private: true, rows: 100 }, { authorization: f.memberToken });
    expect(idsOf(asMember)).toContain(f.ids.internal);
    expect(idsOf(asMember)).not.toContain(f.ids.draft);
    expect(asMember.count).toBe(f.openIds.length + 1);
    const anonymous = await search({ include_private: true, rows: 100 });
    expect(idsOf(anonymous)).toEqual(f.openIds);
    const outsider = await search({ include_private: "True", rows: 100 }, f.outsider.headers);
    expect(idsOf(outsider)).toEqual(f.openIds);
    const admin = await search({ include_private: true, rows: 100 }, f.admin.headers);
    expect(idsOf(admin)).toEqual(expect.arrayContaining([f.ids.internal, f.ids.draft]));
    const publicOnly = await search(
      { include_private: true, fq: "capacity:public", rows: 100 },
      f.admin.headers,
    );
    expect(idsOf(publicOnly)).toEqual(f.openIds);
  });

  it("filters by organization, tags, res_format and license_id in fq", async () => {
    expect(idsOf(await search({ fq: "organization:so-tai-chinh" }))).toEqual([f.ids.budget]);
    expect(idsOf(await search({ fq: 'tags:"ngân sách"' }))).toEqual([f.ids.budget]);
    expect(idsOf(await search({ fq: "license_id:CC0-1.0" }))).toEqual([f.ids.population]);
    expect(idsOf(await search({ fq: "res_format:CSV", rows: 100 }))).toEqual(
      [f.ids.budget, f.ids.population].sort(),
    );
    const org = (await search({ fq: "organization:so-tai-chinh" })).results[0].owner_org;
    expect(idsOf(await search({ fq: `owner_org:${org}` }))).toEqual([f.ids.budget]);
  });

  it("AND-s clauses written with spaces, + or AND, and ORs values of an organization", async () => {
    for (const fq of [
      'organization:so-tai-chinh tags:"tài chính"',
      '+organization:so-tai-chinh +tags:"tài chính"',
      'organization:"so-tai-chinh" AND tags:"tài chính"',
    ]) {
      expect(idsOf(await search({ fq })), fq).toEqual([f.ids.budget]);
    }
    expect((await search({ fq: 'organization:so-tai-chinh tags:"dân số"' })).count).toBe(0);
    const both = await search({ fq: "organization:so-tai-chinh OR organization:cuc-thong-ke", rows: 100 });
    expect(idsOf(both)).toEqual(f.openIds);
    expect(idsOf(await search({ fq: "-organization:cuc-thong-ke", rows: 100 }))).toEqual([f.ids.budget]);
    expect((await search({ fq: "license_id:CC0-1.0 license_id:CC-BY-4.0" })).count).toBe(0);
    expect((await search({ fq: "+dataset_type:dataset +state:active", rows: 1 })).count).toBe(
      f.openIds.length,
    );
    expect((await search({ fq: "dataset_type:harvest" })).count).toBe(0);
  });

  it("ANDs and ORs tags, and filters by theme and by having data", async () => {
    expect(idsOf(await search({ fq: 'tags:"ngân sách" tags:"tài chính"' }))).toEqual([f.ids.budget]);
    expect((await search({ fq: 'tags:"ngân sách" +tags:"dân số"' })).count).toBe(0);
    expect(idsOf(await search({ fq: 'tags:("ngân sách" OR "dân số")' }))).toEqual(
      [f.ids.budget, f.ids.population].sort(),
    );
    expect(idsOf(await search({ fq: "groups:ECON" }))).toEqual([f.ids.budget]);
    expect(idsOf(await search({ fq: "extras_classification:open" }))).toEqual([f.ids.budget]);
    expect((await search({ fq: "res_format:DOCX" })).count).toBe(0);
  });

  it("counts facets over the matching datasets only, as Solr does", async () => {
    const r = await search({ fq: 'tags:"tài chính"', "facet.field": '["tags", "organization"]', rows: 0 });
    expect(r.search_facets.tags.items).toEqual([
      { name: "tài chính", display_name: "tài chính", count: 1 },
      { name: "ngân sách", display_name: "ngân sách", count: 1 },
    ]);
    const byOrg = await search({
      fq: "organization:so-tai-chinh",
      "facet.field": '["organization"]',
      rows: 0,
    });
    expect(byOrg.search_facets.organization.items.map((i: { name: string }) => i.name)).toEqual([
      "so-tai-chinh",
    ]);
    const formats = await search({ "facet.field": '["res_format"]', rows: 0 });
    expect(formats.search_facets.res_format.items).toEqual(
      ["XLSX", "PARQUET", "NDJSON", "JSON", "CSV"].map((name) => ({ name, display_name: name, count: 2 })),
    );
  });

  it("takes field clauses and free text in q", async () => {
    expect(idsOf(await search({ q: 'organization:cuc-thong-ke tags:"dân số"' }))).toEqual([f.ids.population]);
    expect(idsOf(await search({ q: "*:*", rows: 100 }))).toEqual(f.openIds);
    expect(idsOf(await search({ q: "ngân sách" }))).toContain(f.ids.budget);
    expect(idsOf(await search({ q: `id:${f.ids.population}` }))).toEqual([f.ids.population]);
    expect(idsOf(await search({ fq: "name:so-tai-chinh__ngan-sach-2024" }))).toEqual([f.ids.budget]);
    expect((await search({ fq: `id:${f.ids.internal}` })).count).toBe(0);
  });

  it("pages with rows and start, cutting rows at 1000", async () => {
    const first = await search({ rows: 4, sort: "title_string asc" });
    const second = await search({ rows: 4, start: 4, sort: "title_string asc" });
    expect(first.results).toHaveLength(4);
    expect(second.results).toHaveLength(4);
    expect(idsOf(first).filter((id) => idsOf(second).includes(id))).toEqual([]);
    expect((await search({ rows: 0 })).results).toEqual([]);
    expect((await search({ rows: 0 })).count).toBe(f.openIds.length);
    expect((await search({ rows: 5000 })).results).toHaveLength(f.openIds.length);
    expect((await search({ start: 1000 })).results).toEqual([]);
  });

  it("counts facets CKAN's way: asked fields only, display names, sorted by display name descending", async () => {
    const r = await search({
      "facet.field": JSON.stringify(["organization", "tags", "license_id", "res_format"]),
      rows: 0,
    });
    expect(Object.keys(r.search_facets).sort()).toEqual(["license_id", "organization", "res_format", "tags"]);
    expect(r.search_facets.organization.title).toBe("organization");
    expect(r.search_facets.organization.items).toEqual([
      { name: "so-tai-chinh", display_name: "Sở Tài chính Hà Nội", count: 1 },
      { name: "cuc-thong-ke", display_name: "Cục Thống kê", count: f.openIds.length - 1 },
    ]);
    expect(r.facets.organization).toEqual({ "so-tai-chinh": 1, "cuc-thong-ke": f.openIds.length - 1 });
    expect(r.search_facets.license_id.items).toContainEqual({
      name: "CC-BY-4.0",
      display_name: "Creative Commons Attribution 4.0",
      count: 1,
    });
    const tags = r.search_facets.tags.items.map((i: { name: string }) => i.name);
    expect(tags).toEqual(expect.arrayContaining(["ngân sách", "tài chính", "dân số"]));
    expect(tags).not.toContain("nội bộ");
    const limited = await search({ "facet.field": '["tags"]', "facet.limit": 1, rows: 0 });
    expect(limited.search_facets.tags.items).toHaveLength(1);
    const noFacets = await search({ "facet.field": '["tags"]', facet: "false", rows: 0 });
    expect(noFacets.search_facets).toEqual({});
  });

  it("answers bad parameters with CKAN's error types", async () => {
    const rows = expectError(await get("package_search", { rows: -1 }), 409, "Validation Error");
    expect(rows.rows).toEqual(["Must be a natural number"]);
    expect(expectError(await get("package_search", { start: "x" }), 409, "Validation Error").start).toEqual([
      "Invalid integer",
    ]);
    expectError(await get("package_search", { "facet.field": "tags" }), 409, "Validation Error");
    const sort = expectError(
      await get("package_search", { sort: "popularity desc" }),
      400,
      "Search Query Error",
    );
    expect(sort.message).toBe(`Search Query is invalid: ('Invalid "sort" parameter',)`);
    const unknown = expectError(await get("package_search", { limit: 5 }), 400, "Search Query Error");
    expect(unknown.message).toBe(`Search Query is invalid: ("Invalid search parameters: ['limit']",)`);
    for (const fq of ["groups:a OR tags:b", "maintainer:someone", 'tags:"unclosed', "-tags:x"]) {
      expectError(await get("package_search", { fq }), 400, "Search Query Error");
    }
  });

  it("finds datasets changed since a time with metadata_modified ranges", async () => {
    const all = await search({ fq: "metadata_modified:[2000-01-01T00:00:00Z TO *]", rows: 100 });
    expect(idsOf(all)).toEqual(f.openIds);
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const res = await f.t.app.inject({
      method: "PATCH",
      url: "/api/v1/datasets/cuc-thong-ke/dan-so",
      headers: f.admin.headers,
      payload: { keywords: ["dân số", "dân cư"] },
    });
    expect(res.statusCode).toBe(200);
    const changed = await search({
      fq: `metadata_modified:[${since.replace("Z", "000Z")} TO *]`,
      sort: "id asc",
    });
    expect(idsOf(changed)).toEqual([f.ids.population]);
    expect(changed.count).toBe(1);
    const before = await search({ fq: `metadata_modified:[* TO ${since}]`, rows: 100 });
    expect(before.count).toBe(f.openIds.length - 1);
    expectError(
      await get("package_search", { fq: "metadata_modified:[yesterday TO *]" }),
      400,
      "Search Query Error",
    );
  });

  it("serves a harvester paging with rows and start until exhausted, then package_show per id", async () => {
    const seen: string[] = [];
    for (let start = 0; ; start += 5) {
      const page = await search({ rows: 5, start, sort: "id asc" });
      if (page.results.length === 0) break;
      seen.push(...page.results.map((p: { id: string }) => p.id));
      expect(start).toBeLessThan(100);
    }
    expect(seen).toHaveLength(f.openIds.length);
    expect([...seen].sort()).toEqual(f.openIds);
    for (const id of seen) {
      const pkg = await result("package_show", { id });
      expect(pkg.id).toBe(id);
      expect(pkg.private).toBe(false);
    }
  });
});
