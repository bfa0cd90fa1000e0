import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../test/helpers/databases.ts";
import { type TestApp, type TestUser, testApp } from "../../test/helpers/test-app.ts";
import { type Actor, can, type Visibility } from "../auth/permissions.ts";
import { execute } from "../db/client.ts";
import type { DatasetCreate } from "./schemas.ts";
import { searchDatasets, visibilityScope } from "./search.ts";
import { type FacetCounts, queryWords } from "./search-params.ts";
import { createDataset, deleteDataset, getDataset, restoreDataset, updateDataset } from "./service.ts";
import { recordVersion } from "./versions.ts";

type Item = { name: string };
type Facets = FacetCounts;
const counts = (facet: { value: string; count: number }[]) =>
  Object.fromEntries(facet.map((f) => [f.value, f.count]));

describe.each(DATABASE_KINDS)("dataset search on %s", (database) => {
  let t: TestApp;
  let member: TestUser;
  let stranger: TestUser;
  let admin: TestUser;

  /** Creates a dataset through the service, with a version of `format` and these columns if given. */
  async function dataset(
    input: Omit<DatasetCreate, "visibility"> & { visibility?: DatasetCreate["visibility"] },
    version?: { format: string; columns: string[] },
  ) {
    await createDataset(
      t.ctx.db,
      t.ctx.audit,
      { id: admin.id, name: "test" },
      { visibility: "open", ...input },
    );
    if (!version) return;
    const ds = await getDataset(t.ctx.db, input.org, input.name);
    await recordVersion(
      t.ctx.db,
      t.ctx.audit,
      t.ctx.key,
      ds,
      {
        blobKey: `sha256/test/${input.name}`,
        rows: 1,
        bytes: 1,
        sha256: "0".repeat(64),
        tableSchema: { fields: version.columns.map((name) => ({ name, type: "string" })) },
        mode: "replace",
        source: { format: version.format, encoding: "utf-8", bytes: 1 },
        createdBy: null,
      },
      "test",
    );
  }

  beforeAll(async () => {
    t = await testApp({ database });
    await t.makeOrg({ name: "bo-cong-thuong", title: "Bộ Công Thương" });
    await t.makeOrg({ name: "so-y-te", title: "Sở Y tế" });
    member = await t.makeUser();
    stranger = await t.makeUser();
    admin = await t.makeUser({ isPlatformAdmin: true });
    await t.addMember("bo-cong-thuong", member.id, "member");

    await dataset(
      {
        org: "bo-cong-thuong",
        name: "tmdt",
        title: "Doanh thu thương mại điện tử 2024",
        keywords: ["thương mại điện tử", "bán lẻ"],
        themes: ["vn:trade", "ECON"],
        licence: "CC-BY-4.0",
        classification: "open",
        frequency: "MONTHLY",
        spatial: ["01"],
      },
      { format: "csv", columns: ["thang", "doanh_thu"] },
    );
    await dataset(
      {
        org: "bo-cong-thuong",
        name: "bao-cao",
        title: "Báo cáo quý về bán lẻ",
        description: "Số liệu về thương mại điện tử và bán lẻ trong quý.",
        keywords: ["bán lẻ"],
        themes: ["vn:trade"],
        licence: "CC0-1.0",
        classification: "open",
        frequency: "QUARTERLY",
        spatial: ["79"],
      },
      { format: "xlsx", columns: ["quy", "gia_tri"] },
    );
    await dataset(
      {
        org: "so-y-te",
        name: "bang-so-lieu",
        title: "Bảng số liệu tổng hợp",
        themes: ["HEAL"],
        licence: "CC-BY-4.0",
        classification: "shared",
        personalData: "basic",
        frequency: "ANNUAL",
        spatial: ["01", "48"],
      },
      { format: "CSV", columns: ["nam", "thuong_mai_dien_tu"] },
    );
    await dataset({
      org: "so-y-te",
      name: "duong-bo",
      title: "Đường bộ Đà Nẵng",
      themes: ["TRAN"],
      classification: "open",
      spatial: ["48"],
    });
    await dataset({
      org: "bo-cong-thuong",
      name: "rieng",
      title: "Dữ liệu riêng về thương mại",
      visibility: "private",
      keywords: ["bí mật"],
      themes: ["vn:trade"],
      licence: "restricted",
      classification: "private-use",
      personalData: "sensitive",
      frequency: "MONTHLY",
      spatial: ["01"],
    });
  });
  afterAll(() => t?.close());

  const search = async (query: string, user?: TestUser) => {
    const res = await t.app.inject({ url: `/api/v1/datasets?${query}`, headers: user?.headers ?? {} });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { total: number; items: Item[]; facets: Facets; nextCursor?: string };
  };
  const names = (r: { items: Item[] }) => r.items.map((i) => i.name);

  describe("text", () => {
    it("ranks a title match over a description match over a column-name match", async () => {
      const r = await search(`q=${encodeURIComponent("thương mại điện tử")}`);
      expect(names(r)).toEqual(["tmdt", "bao-cao", "bang-so-lieu"]);
      expect(r.total).toBe(3);
    });

    it("ignores diacritics either way, đ included", async () => {
      expect(names(await search("q=thuong+mai+dien+tu"))).toEqual(["tmdt", "bao-cao", "bang-so-lieu"]);
      expect(names(await search("q=duong+bo+da+nang"))).toEqual(["duong-bo"]);
      expect(names(await search(`q=${encodeURIComponent("ĐƯỜNG BỘ")}`))).toEqual(["duong-bo"]);
      // Decomposed input (combining marks, as some keyboards send it) is the same query.
      expect(names(await search(`q=${encodeURIComponent("Đà Nẵng".normalize("NFD"))}`))).toEqual([
        "duong-bo",
      ]);
    });

    it("matches the last word as a prefix while typing", async () => {
      expect(names(await search("q=thuong+ma"))).toContain("tmdt");
      expect(names(await search("q=doanh+th"))).toEqual(["tmdt"]);
      expect(names(await search(`q=${encodeURIComponent("Đườ")}`))).toEqual(["duong-bo"]);
    });

    it("forgives a misspelt title word when nothing matches exactly", async () => {
      const r = await search("q=thuogn+mai+dien+tu");
      expect(names(r)[0]).toBe("tmdt");
      expect(names(await search("q=doanh+thuu"))).toContain("tmdt");
      // Swapped letters in a short word, which trigrams alone miss.
      expect(names(await search("q=tong+hpo"))).toEqual(["bang-so-lieu"]);
      expect((await search("q=qwxz+zzyq")).total).toBe(0);
    });

    it("finds keywords and English titles", async () => {
      expect(names(await search("q=ban+le")).sort()).toEqual(["bao-cao", "tmdt"]);
    });
  });

  describe("filters and facets", () => {
    it("counts every facet over what a stranger may see", async () => {
      const r = await search("", stranger);
      expect(r.total).toBe(4);
      expect(counts(r.facets.org)).toEqual({ "bo-cong-thuong": 2, "so-y-te": 2 });
      expect(counts(r.facets.theme)).toEqual({ "vn:trade": 2, ECON: 1, HEAL: 1, TRAN: 1 });
      expect(counts(r.facets.format)).toEqual({ csv: 2, xlsx: 1 });
      expect(counts(r.facets.licence)).toEqual({ "CC-BY-4.0": 2, "CC0-1.0": 1 });
      expect(counts(r.facets.classification)).toEqual({ open: 3, shared: 1 });
      expect(counts(r.facets.personalData)).toEqual({ none: 3, basic: 1 });
      expect(counts(r.facets.frequency)).toEqual({ MONTHLY: 1, QUARTERLY: 1, ANNUAL: 1 });
      expect(counts(r.facets.province)).toEqual({ "01": 2, "79": 1, "48": 2 });
      expect(counts(r.facets.keyword)).toEqual({ "bán lẻ": 2, "thương mại điện tử": 1 });
      expect(r.facets.theme[0]).toEqual({ value: "vn:trade", count: 2 });
    });

    it.each([
      ["org=so-y-te", ["bang-so-lieu", "duong-bo"]],
      ["theme=vn:trade", ["bao-cao", "tmdt"]],
      ["theme=HEAL&theme=TRAN", ["bang-so-lieu", "duong-bo"]],
      ["format=CSV", ["bang-so-lieu", "tmdt"]],
      ["licence=CC0-1.0", ["bao-cao"]],
      ["classification=shared", ["bang-so-lieu"]],
      ["personalData=basic", ["bang-so-lieu"]],
      ["frequency=ANNUAL", ["bang-so-lieu"]],
      ["province=79,48", ["bang-so-lieu", "bao-cao", "duong-bo"]],
      [`keyword=${encodeURIComponent("bán lẻ")}`, ["bao-cao", "tmdt"]],
      ["theme=vn:trade&licence=CC-BY-4.0", ["tmdt"]],
      ["theme=NOPE", []],
    ])("filters %s", async (query, expected) => {
      const r = await search(query, stranger);
      expect(names(r).sort()).toEqual(expected);
      expect(r.total).toBe(expected.length);
    });

    it("counts each facet under every other filter but its own", async () => {
      const one = await search("theme=vn:trade", stranger);
      expect(counts(one.facets.theme)).toEqual({ "vn:trade": 2, ECON: 1, HEAL: 1, TRAN: 1 });
      expect(counts(one.facets.org)).toEqual({ "bo-cong-thuong": 2 });
      expect(counts(one.facets.licence)).toEqual({ "CC-BY-4.0": 1, "CC0-1.0": 1 });

      const two = await search("theme=vn:trade&licence=CC-BY-4.0", stranger);
      expect(counts(two.facets.theme)).toEqual({ "vn:trade": 1, ECON: 1, HEAL: 1 });
      expect(counts(two.facets.licence)).toEqual({ "CC-BY-4.0": 1, "CC0-1.0": 1 });
      expect(counts(two.facets.org)).toEqual({ "bo-cong-thuong": 1 });

      const byOrg = await search("org=so-y-te", stranger);
      expect(counts(byOrg.facets.org)).toEqual({ "bo-cong-thuong": 2, "so-y-te": 2 });
      expect(counts(byOrg.facets.theme)).toEqual({ HEAL: 1, TRAN: 1 });

      const withText = await search("q=thuong+mai&org=bo-cong-thuong", stranger);
      expect(names(withText)).toEqual(["tmdt", "bao-cao"]);
      expect(counts(withText.facets.org)).toEqual({ "bo-cong-thuong": 2, "so-y-te": 1 });
      expect(counts(withText.facets.format)).toEqual({ csv: 1, xlsx: 1 });
    });

    it("lists a value filtered on even when nothing has it", async () => {
      const r = await search("theme=NOPE", stranger);
      expect(r.facets.theme).toContainEqual({ value: "NOPE", count: 0 });
    });

    it("limits the values per facet", async () => {
      const r = await search("facetLimit=1", stranger);
      expect(r.facets.theme).toEqual([{ value: "vn:trade", count: 2 }]);
      expect(r.facets.province).toHaveLength(1);
    });
  });

  describe("visibility", () => {
    it("neither lists nor counts a private dataset for strangers and anonymous callers", async () => {
      for (const who of [undefined, stranger]) {
        const all = await search("", who);
        expect(names(all)).not.toContain("rieng");
        expect(counts(all.facets.keyword)["bí mật"]).toBeUndefined();
        expect(names(await search("q=rieng+thuong+mai", who))).not.toContain("rieng");
        expect(
          names(await search(`q=${encodeURIComponent("Dữ liệu riêng về thương mại")}`, who)),
        ).not.toContain("rieng");
        const filtered = await search("licence=restricted", who);
        expect(filtered.total).toBe(0);
        expect(counts(filtered.facets.org)).toEqual({});
      }
    });

    it("lists and counts it for the organization's members and platform admins", async () => {
      for (const who of [member, admin]) {
        const all = await search("", who);
        expect(all.total).toBe(5);
        expect(names(all)).toContain("rieng");
        expect(counts(all.facets.org)["bo-cong-thuong"]).toBe(3);
        expect(counts(all.facets.keyword)["bí mật"]).toBe(1);
        expect(counts(all.facets.frequency).MONTHLY).toBe(2);
        expect(names(await search("q=rieng+thuong+mai", who))).toEqual(["rieng"]);
        expect(counts((await search("licence=restricted", who)).facets.personalData)).toEqual({
          sensitive: 1,
        });
      }
    });

    it("scopes searches exactly as can() scopes reading", () => {
      const orgA = "00000000-0000-4000-8000-00000000000a";
      const orgB = "00000000-0000-4000-8000-00000000000b";
      const user = (over: Partial<Extract<Actor, { kind: "user" }>>): Actor => ({
        kind: "user",
        id: "u",
        email: "u@example.vn",
        name: "u",
        isPlatformAdmin: false,
        platformRoles: [],
        memberships: new Map(),
        via: "session",
        scopes: ["read", "write", "admin"],
        ...over,
      });
      const actors: Actor[] = [
        { kind: "anonymous" },
        user({}),
        user({ memberships: new Map([[orgA, "member"]]) }),
        user({ memberships: new Map([[orgA, "admin"]]) }),
        user({ isPlatformAdmin: true }),
        user({ via: "token", scopes: ["write"], memberships: new Map([[orgA, "editor"]]) }),
      ];
      for (const actor of actors) {
        const scope = visibilityScope(actor);
        for (const orgId of [orgA, orgB]) {
          for (const visibility of ["draft", "private", "shared", "open"] as Visibility[]) {
            const listed = scope.all || (scope.open && visibility === "open") || scope.orgIds.includes(orgId);
            expect(listed).toBe(can(actor, "dataset.read", { kind: "dataset", orgId, visibility }));
          }
        }
      }
    });
  });

  describe("sort and pages", () => {
    it("sorts by title and by last change", async () => {
      expect(names(await search("sort=title", stranger))).toEqual([
        "bang-so-lieu",
        "bao-cao",
        "tmdt",
        "duong-bo",
      ]);
      const modified = await search("sort=modified", stranger);
      const times = modified.items.map((i) => (i as unknown as { updatedAt: string }).updatedAt);
      expect([...times].sort().reverse()).toEqual(times);
    });

    it.each(["relevance", "modified", "title"])(
      "pages through every match once, sorted by %s",
      async (sort) => {
        const q = sort === "relevance" ? "&q=thuong" : "";
        const whole = names(await search(`sort=${sort}${q}&limit=100`, admin));
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await search(
            `sort=${sort}${q}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
            admin,
          );
          expect(page.items.length).toBeLessThanOrEqual(2);
          seen.push(...names(page));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).toEqual(whole);
        expect(whole.length).toBeGreaterThan(2);
      },
    );

    it("refuses a cursor from another sort and answers counts without items for limit=0", async () => {
      const page = await search("sort=title&limit=1", admin);
      const res = await t.app.inject({
        url: `/api/v1/datasets?sort=modified&cursor=${page.nextCursor}`,
        headers: admin.headers,
      });
      expect(res.json().code).toBe("validation_failed");
      const tooMany = await t.app.inject({ url: `/api/v1/datasets?theme=${Array(51).fill("x").join(",")}` });
      expect(tooMany.json().code).toBe("validation_failed");
      const none = await search("limit=0", admin);
      expect(none.items).toEqual([]);
      expect(none.total).toBe(5);
    });

    it("offers offsets to the service's callers", async () => {
      const whole = await searchDatasets(t.ctx.db, { kind: "anonymous" }, { sort: "title", limit: 10 });
      const second = await searchDatasets(
        t.ctx.db,
        { kind: "anonymous" },
        { sort: "title", limit: 2, offset: 2 },
      );
      expect(second.items.map((d) => d.name)).toEqual(whole.items.slice(2, 4).map((d) => d.name));
      expect(second.total).toBe(4);
    });
  });

  describe("the search documents", () => {
    it("follow creates, changes, deletes and restores, with the kept facet counts exact", async () => {
      const recount = async () => {
        const kept = await execute<{ term: string; n: number }>(
          t.ctx.db,
          sql`select org_id::text || is_open::text || term as term, n from dataset_facet_counts where n <> 0 order by 1`,
        );
        // Per organization and for all of them together (the all-zero id).
        const actual = await execute<{ term: string; n: number }>(
          t.ctx.db,
          sql`select org::text || is_open::text || term as term, count(*)::int as n
            from dataset_search, unnest(terms) as term,
              unnest(array[org_id, '00000000-0000-0000-0000-000000000000'::uuid]) as org
            group by 1 order by 1`,
        );
        expect(kept).toEqual(actual);
      };
      await recount();
      await dataset({ org: "so-y-te", name: "tam-thoi", title: "Tạm thời", keywords: ["tạm"] });
      let ds = await getDataset(t.ctx.db, "so-y-te", "tam-thoi");
      await updateDataset(t.ctx.db, t.ctx.audit, "test", ds, { title: "Chỉ số tạm", visibility: "private" });
      expect((await search("q=chi+so+tam", stranger)).total).toBe(0);
      expect((await search("q=chi+so+tam", admin)).total).toBe(1);
      await recount();
      ds = await getDataset(t.ctx.db, "so-y-te", "tam-thoi");
      await deleteDataset(t.ctx.db, t.ctx.audit, { id: admin.id, name: "test" }, ds);
      expect((await search("q=chi+so+tam", admin)).total).toBe(0);
      await recount();
      await restoreDataset(
        t.ctx.db,
        t.ctx.audit,
        "test",
        await getDataset(t.ctx.db, "so-y-te", "tam-thoi", { includeDeleted: true }),
      );
      expect((await search("q=chi+so+tam", admin)).total).toBe(1);
      await recount();
      await deleteDataset(
        t.ctx.db,
        t.ctx.audit,
        { id: admin.id, name: "test" },
        await getDataset(t.ctx.db, "so-y-te", "tam-thoi"),
      );
      await recount();
    });
  });
});

describe("query words", () => {
  it("splits on anything but letters and digits, keeps marks, and caps the count", () => {
    expect(queryWords("  thương-mại, điện tử!  ")).toEqual(["thương", "mại", "điện", "tử"]);
    expect(queryWords("Đà Nẵng".normalize("NFD"))).toEqual(["Đà", "Nẵng"]);
    expect(queryWords("' & | ! :* ()")).toEqual([]);
    expect(queryWords(Array(40).fill("a").join(" "))).toHaveLength(16);
  });
});
