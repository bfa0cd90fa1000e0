/**
 * The CKAN Action API against CKAN's documented answers (ckan/logic/action/get.py, ckan/views/api.py):
 * the envelope, each action's fields, errors with their `__type` and status, fq parsing, paging,
 * private datasets, and a harvester's walk through the catalog over plain HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../../test/helpers/databases.ts";
import { LICENCES } from "../../catalog/vocabularies.ts";
import { type CkanFixture, callAction, makeCkanFixture, postAction, TABLE_COUNT } from "./ckan-fixture.ts";

const CKAN_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/;

describe.each(DATABASE_KINDS)("CKAN Action API on %s", (database) => {
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

  describe("envelope", () => {
    it("wraps results in {help, success, result} at both addresses", async () => {
      for (const url of ["/api/3/action/status_show", "/api/action/status_show"]) {
        const res = await f.t.app.inject({ url, headers: { host: "data.example.vn" } });
        expect(res.statusCode).toBe(200);
        expect(res.headers["content-type"]).toBe("application/json;charset=utf-8");
        const body = res.json();
        expect(Object.keys(body).sort()).toEqual(["help", "result", "success"]);
        expect(body.help).toBe("http://data.example.vn/api/3/action/help_show?name=status_show");
        expect(body.success).toBe(true);
        expect(body.result).toMatchObject({
          site_url: "http://data.example.vn",
          ckan_version: expect.stringMatching(/^2\.\d+\.\d+$/),
          extensions: expect.arrayContaining(["datastore"]),
          locale_default: "vi",
        });
      }
    });

    it("answers an unknown action 400 with CKAN's bare message", async () => {
      const res = await get("package_create");
      expect(res.statusCode).toBe(400);
      expect(res.json()).toBe("Bad request - Action name not known: package_create");
      expect((await get("__proto__")).statusCode).toBe(400);
    });

    it("reads POSTed JSON, forms, and JSON posted as a form key", async () => {
      const byJson = await postAction(f.t, "package_show", { id: f.ids.budget });
      expect(byJson.json().result.id).toBe(f.ids.budget);
      const form = await f.t.app.inject({
        method: "POST",
        url: "/api/3/action/package_show",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: `id=${f.ids.budget}`,
      });
      expect(form.json().result.id).toBe(f.ids.budget);
      const urllib = await f.t.app.inject({
        method: "POST",
        url: "/api/3/action/package_show",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: encodeURIComponent(JSON.stringify({ id: f.ids.budget })),
      });
      expect(urllib.json().result.id).toBe(f.ids.budget);
      const noType = await f.t.app.inject({
        method: "POST",
        url: "/api/3/action/package_show",
        payload: JSON.stringify({ id: f.ids.budget }),
        headers: { "content-type": "text/plain" },
      });
      expect(noType.json().result.id).toBe(f.ids.budget);
    });

    it("answers bodies that are not JSON objects 400 with CKAN's JSON Error", async () => {
      for (const payload of ["{not json", "[1, 2]"]) {
        const res = await f.t.app.inject({
          method: "POST",
          url: "/api/3/action/package_show",
          headers: { "content-type": "application/json" },
          payload,
        });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatch(/^Bad request - JSON Error: /);
      }
    });

    it("answers JSONP for GET, always as an anonymous caller", async () => {
      const res = await get("package_show", { id: f.ids.budget, callback: "cb" });
      expect(res.headers["content-type"]).toBe("application/javascript;charset=utf-8");
      expect(res.body).toMatch(/^cb\(\{"help":.*\}\);$/);
      const privately = await get(
        "package_show",
        { id: f.ids.internal, callback: "cb" },
        {
          authorization: f.memberToken,
        },
      );
      expectError(privately, 403, "Authorization Error");
      expect((await get("status_show", { callback: "alert(1)//" })).statusCode).toBe(400);
      const posted = await postAction(
        f.t,
        "package_show",
        { id: f.ids.internal, callback: "cb" },
        {
          authorization: f.memberToken,
        },
      );
      expectError(posted, 403, "Authorization Error");
    });

    it("describes actions with help_show", async () => {
      expect(await result("help_show", { name: "package_search" })).toMatch(/rows/);
      expectError(await get("help_show", { name: "package_create" }), 404, "Not Found Error");
      const missing = expectError(await get("help_show"), 409, "Validation Error");
      expect(missing.name).toEqual(["Missing value"]);
    });
  });

  describe("package_show", () => {
    it("answers CKAN's package dictionary", async () => {
      const pkg = await result("package_show", { id: f.ids.budget });
      for (const key of [
        "id",
        "name",
        "title",
        "notes",
        "owner_org",
        "organization",
        "license_id",
        "license_title",
        "isopen",
        "tags",
        "resources",
        "metadata_created",
        "metadata_modified",
        "num_resources",
        "num_tags",
        "private",
        "state",
        "extras",
        "type",
        "groups",
      ]) {
        expect(pkg, key).toHaveProperty(key);
      }
      expect(pkg).toMatchObject({
        id: f.ids.budget,
        name: "so-tai-chinh__ngan-sach-2024",
        title: "Ngân sách địa phương 2024",
        notes: "Chi tiêu ngân sách theo tỉnh",
        license_id: "CC-BY-4.0",
        license_title: "Creative Commons Attribution 4.0",
        license_url: "https://creativecommons.org/licenses/by/4.0/",
        isopen: true,
        private: false,
        state: "active",
        type: "dataset",
        num_tags: 2,
        num_resources: 5,
        maintainer: "Phòng Ngân sách",
        maintainer_email: "ngansach@example.vn",
        version: "1",
        organization: {
          name: "so-tai-chinh",
          title: "Sở Tài chính Hà Nội",
          type: "organization",
          is_organization: true,
          state: "active",
        },
      });
      expect(pkg.owner_org).toBe(pkg.organization.id);
      expect(pkg.metadata_created).toMatch(CKAN_TIMESTAMP);
      expect(pkg.metadata_modified).toMatch(CKAN_TIMESTAMP);
      expect(pkg.tags.map((t: { name: string }) => t.name).sort()).toEqual(["ngân sách", "tài chính"]);
      expect(pkg.tags[0]).toEqual({
        display_name: pkg.tags[0].name,
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: pkg.tags[0].name,
        state: "active",
        vocabulary_id: null,
      });
      const extras = Object.fromEntries(
        pkg.extras.map((e: { key: string; value: string }) => [e.key, e.value]),
      );
      expect(extras).toMatchObject({
        classification: "open",
        importance: "important",
        personal_data: "none",
        frequency: "ANNUAL",
        theme: '["ECON"]',
        spatial: '["01","79"]',
        mekong_id: "so-tai-chinh/ngan-sach-2024",
        mekong_visibility: "open",
        mekong_version: "1",
      });
      const keys = pkg.extras.map((e: { key: string }) => e.key);
      expect(keys).toEqual([...keys].sort());
    });

    it("lists one resource per download format of the current version", async () => {
      const pkg = await result("package_show", { id: f.ids.budget }, { host: "data.example.vn" });
      expect(pkg.resources.map((r: { format: string }) => r.format)).toEqual([
        "CSV",
        "JSON",
        "NDJSON",
        "PARQUET",
        "XLSX",
      ]);
      const [csv] = pkg.resources;
      expect(csv).toMatchObject({
        id: `${f.ids.budget}-csv`,
        package_id: f.ids.budget,
        url: "http://data.example.vn/api/v1/datasets/so-tai-chinh/ngan-sach-2024/download.csv",
        format: "CSV",
        mimetype: "text/csv",
        datastore_active: true,
        state: "active",
        position: 0,
        name: "Ngân sách địa phương 2024 (CSV)",
      });
      expect(csv.last_modified).toMatch(CKAN_TIMESTAMP);
      const parquet = pkg.resources[3];
      expect(parquet.hash).toBe(f.budgetVersion.sha256);
      expect(parquet.size).toBe(f.budgetVersion.bytes);
      // The draft is another organization's: its member may not read it.
      expectError(
        await get("package_show", { id: f.ids.draft }, { authorization: f.memberToken }),
        403,
        "Authorization Error",
      );
      expect((await result("package_show", { id: f.ids.draft }, f.admin.headers)).private).toBe(true);
      const empty = await result("package_show", { id: "cuc-thong-ke__bang-01" });
      expect(empty).toMatchObject({
        resources: [],
        num_resources: 0,
        version: null,
        license_id: null,
        isopen: false,
      });
    });

    it("finds a package by uuid, CKAN name or Mekong name, and by name_or_id", async () => {
      for (const id of [
        f.ids.budget,
        f.ids.budget.toUpperCase(),
        "so-tai-chinh__ngan-sach-2024",
        "so-tai-chinh/ngan-sach-2024",
      ]) {
        expect((await result("package_show", { id })).id).toBe(f.ids.budget);
      }
      expect((await result("package_show", { name_or_id: "so-tai-chinh__ngan-sach-2024" })).id).toBe(
        f.ids.budget,
      );
    });

    it("answers missing packages and parameters as CKAN does", async () => {
      for (const id of ["khong-co", "so-tai-chinh__khong-co", "00000000-0000-4000-8000-000000000000"]) {
        const error = expectError(await get("package_show", { id }), 404, "Not Found Error");
        expect(error.message).toBe("Not found");
      }
      const error = expectError(await get("package_show"), 409, "Validation Error");
      expect(error.name_or_id).toEqual(["Missing value"]);
    });

    it("shows private packages only to callers who may read them, by any of CKAN's credentials", async () => {
      expectError(await get("package_show", { id: f.ids.internal }), 403, "Authorization Error");
      const outsider = expectError(
        await get("package_show", { id: f.ids.internal }, f.outsider.headers),
        403,
        "Authorization Error",
      );
      expect(outsider.message).toMatch(/^Access denied: /);
      for (const headers of [
        { authorization: f.memberToken },
        { authorization: `Bearer ${f.memberToken}` },
        { "x-ckan-api-key": f.memberToken },
        f.member.headers,
        f.admin.headers,
      ]) {
        const pkg = await result("package_show", { id: f.ids.internal }, headers);
        expect(pkg).toMatchObject({ private: true, name: "so-tai-chinh__thu-chi-noi-bo" });
      }
      expectError(
        await get("package_show", { id: f.ids.budget }, { authorization: "not-a-token" }),
        403,
        "Authorization Error",
      );
    });
  });

  describe("resource_show", () => {
    it("answers the resource of a package", async () => {
      const resource = await result("resource_show", { id: `${f.ids.budget}-parquet` });
      expect(resource).toMatchObject({
        id: `${f.ids.budget}-parquet`,
        package_id: f.ids.budget,
        format: "PARQUET",
      });
      expectError(await get("resource_show", { id: `${f.ids.budget}-docx` }), 404, "Not Found Error");
      expectError(await get("resource_show", { id: `${f.ids.internal}-csv` }), 403, "Authorization Error");
      expect(
        (await result("resource_show", { id: `${f.ids.internal}-csv` }, { authorization: f.memberToken }))
          .format,
      ).toBe("CSV");
      expectError(await get("resource_show", { id: "cuc-thong-ke__bang-01-csv" }), 404, "Not Found Error");
    });
  });

  describe("package_list and current_package_list_with_resources", () => {
    it("lists public package names, sorted, with limit and offset", async () => {
      const names: string[] = await result("package_list", {}, f.admin.headers);
      expect(names).toHaveLength(f.openIds.length);
      expect(names).toEqual([...names].sort());
      expect(names).toContain("so-tai-chinh__ngan-sach-2024");
      expect(names).not.toContain("so-tai-chinh__thu-chi-noi-bo");
      expect(names).not.toContain("cuc-thong-ke__ban-nhap");
      expect(await result("package_list", { limit: 3, offset: 2 })).toEqual(names.slice(2, 5));
      expectError(await get("package_list", { limit: -1 }), 409, "Validation Error");
    });

    it("lists public packages with their resources, newest change first", async () => {
      const page: { id: string; metadata_modified: string; resources: unknown[] }[] = await result(
        "current_package_list_with_resources",
        { limit: 5 },
      );
      expect(page).toHaveLength(5);
      const modified = page.map((p) => p.metadata_modified);
      expect(modified).toEqual([...modified].sort().reverse());
      const next = await result("current_package_list_with_resources", { limit: 5, offset: 5 });
      expect(next.map((p: { id: string }) => p.id)).not.toContain(page[0]?.id);
      const all = await result("current_package_list_with_resources", { limit: 100 }, f.member.headers);
      expect(all.map((p: { id: string }) => p.id).sort()).toEqual(f.openIds);
      expect(all.find((p: { id: string }) => p.id === f.ids.budget).resources).toHaveLength(5);
    });
  });

  describe("organizations", () => {
    it("lists organization names sorted by title, with limit, offset and sort", async () => {
      expect(await result("organization_list")).toEqual(["cuc-thong-ke", "so-tai-chinh"]);
      expect(await result("organization_list", { sort: "name desc" })).toEqual([
        "so-tai-chinh",
        "cuc-thong-ke",
      ]);
      expect(await result("organization_list", { limit: 1, offset: 1 })).toEqual(["so-tai-chinh"]);
      expect(await result("organization_list", { sort: "package_count" })).toEqual([
        "cuc-thong-ke",
        "so-tai-chinh",
      ]);
      const error = expectError(
        await get("organization_list", { sort: "size asc" }),
        409,
        "Validation Error",
      );
      expect(error.message).toBe("Cannot sort by field `size`");
    });

    it("answers all_fields with group dictionaries and the counts the caller may see", async () => {
      const list = await result("organization_list", { all_fields: true });
      expect(list).toHaveLength(2);
      const finance = list.find((o: { name: string }) => o.name === "so-tai-chinh");
      expect(finance).toMatchObject({
        name: "so-tai-chinh",
        title: "Sở Tài chính Hà Nội",
        display_name: "Sở Tài chính Hà Nội",
        is_organization: true,
        type: "organization",
        state: "active",
        approval_status: "approved",
        package_count: 1,
      });
      expect(finance.created).toMatch(CKAN_TIMESTAMP);
      expect(finance).not.toHaveProperty("users");
      const asMember = await result("organization_list", { all_fields: true }, f.member.headers);
      expect(asMember.find((o: { name: string }) => o.name === "so-tai-chinh").package_count).toBe(2);
    });

    it("shows an organization, its members only to those who may see them", async () => {
      const shown = await result("organization_show", { id: "so-tai-chinh" });
      expect(shown).toMatchObject({
        name: "so-tai-chinh",
        package_count: 1,
        users: [],
        tags: [],
        groups: [],
      });
      expect(shown.extras).toContainEqual({ key: "kind", value: "agency" });
      const byId = await result(
        "organization_show",
        { id: shown.id, include_datasets: true },
        f.member.headers,
      );
      expect(byId.package_count).toBe(2);
      expect(byId.users).toEqual([
        expect.objectContaining({ id: f.member.id, capacity: "member", fullname: "Trần Thị Thành Viên" }),
      ]);
      expect(byId.packages.map((p: { id: string }) => p.id).sort()).toEqual(
        [f.ids.budget, f.ids.internal].sort(),
      );
      expectError(await get("organization_show", { id: "khong-co" }), 404, "Not Found Error");
      expectError(await get("organization_show"), 409, "Validation Error");
    });
  });

  describe("tags, licences", () => {
    it("lists the keywords of the datasets the caller may see", async () => {
      const tags: string[] = await result("tag_list");
      expect(tags).toEqual(expect.arrayContaining(["ngân sách", "tài chính", "dân số"]));
      expect(tags).toEqual([...tags].sort());
      expect(tags).not.toContain("nội bộ");
      expect(await result("tag_list", {}, f.member.headers)).toContain("nội bộ");
      expect(await result("tag_list", { query: "TÀI" })).toEqual(["tài chính"]);
      const full = await result("tag_list", { query: "dân số", all_fields: true });
      expect(full).toEqual([
        expect.objectContaining({ name: "dân số", display_name: "dân số", vocabulary_id: null }),
      ]);
      expectError(await get("tag_list", { vocabulary_id: "genres" }), 404, "Not Found Error");
    });

    it("lists the licence register in CKAN's License.as_dict shape", async () => {
      const licences = await result("license_list");
      expect(licences.map((l: { id: string }) => l.id)).toEqual(LICENCES.map((l) => l.id));
      expect(licences[0]).toMatchObject({
        id: "CC-BY-4.0",
        title: "Creative Commons Attribution 4.0",
        url: "https://creativecommons.org/licenses/by/4.0/",
        is_okd_compliant: true,
        od_conformance: "approved",
        status: "active",
      });
    });
  });

  it("has as many open datasets as the fixture made", () => {
    expect(f.openIds).toHaveLength(TABLE_COUNT + 2);
  });

  it("serves no deleted dataset", async () => {
    const created = await f.t.app.inject({
      method: "POST",
      url: "/api/v1/datasets",
      headers: f.admin.headers,
      payload: { org: f.stats, name: "se-xoa", title: "Sẽ xoá", visibility: "open" },
    });
    const id = created.json().id;
    expect((await get("package_show", { id })).statusCode).toBe(200);
    const deleted = await f.t.app.inject({
      method: "DELETE",
      url: `/api/v1/datasets/${f.stats}/se-xoa`,
      headers: f.admin.headers,
    });
    expect(deleted.statusCode).toBe(204);
    expectError(await get("package_show", { id }), 404, "Not Found Error");
    expectError(await get("package_show", { id: "cuc-thong-ke__se-xoa" }), 404, "Not Found Error");
    expect(await result("package_list")).not.toContain("cuc-thong-ke__se-xoa");
    expect((await result("package_search", { fq: `id:${id}` })).count).toBe(0);
  });
});
