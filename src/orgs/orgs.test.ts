import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../test/helpers/databases.ts";
import { type TestApp, type TestUser, testApp } from "../../test/helpers/test-app.ts";

describe.each(DATABASE_KINDS)("organizations on %s", (database) => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await testApp({ database });
    admin = await t.makeUser({ isPlatformAdmin: true });
  });
  afterAll(() => t?.close());

  const create = (payload: object, headers = admin.headers) =>
    t.app.inject({ method: "POST", url: "/api/v1/organizations", headers, payload });

  it("creates, shows and updates an organization, auditing each change", async () => {
    const created = await create({
      name: "so-tai-chinh-ha-noi",
      title: "Sở Tài chính Hà Nội",
      titleEn: "Hanoi Department of Finance",
      kind: "province",
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: "so-tai-chinh-ha-noi", country: "VN", kind: "province" });

    const shown = await t.app.inject({ url: "/api/v1/organizations/so-tai-chinh-ha-noi" });
    expect(shown.json().title).toBe("Sở Tài chính Hà Nội");

    const patched = await t.app.inject({
      method: "PATCH",
      url: "/api/v1/organizations/so-tai-chinh-ha-noi",
      headers: admin.headers,
      payload: { description: "Ngân sách và tài sản công", titleEn: null },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ description: "Ngân sách và tài sản công", titleEn: null });

    const audit = await t.ctx.database.query<{ action: string }>(
      "select action from audit_log where resource = 'organization:so-tai-chinh-ha-noi' order by seq",
    );
    expect(audit.map((a) => a.action)).toEqual(["organization.create", "organization.update"]);
  });

  it("refuses a taken name with organization_exists", async () => {
    await create({ name: "trung-lap", title: "A", kind: "agency" });
    const again = await create({ name: "trung-lap", title: "B", kind: "agency" });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("organization_exists");
  });

  it("answers organization_not_found for an unknown name", async () => {
    const res = await t.app.inject({ url: "/api/v1/organizations/khong-ton-tai" });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("organization_not_found");
  });

  it("lists organizations in pages, filtered by kind and text", async () => {
    for (let i = 0; i < 5; i++) await create({ name: `tinh-${i}`, title: `Tỉnh số ${i}`, kind: "province" });
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await t.app.inject({
        url: `/api/v1/organizations?kind=province&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      });
      names.push(...res.json().items.map((o: { name: string }) => o.name));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(names).toEqual(["so-tai-chinh-ha-noi", "tinh-0", "tinh-1", "tinh-2", "tinh-3", "tinh-4"]);
    const found = await t.app.inject({ url: `/api/v1/organizations?q=${encodeURIComponent("số 3")}` });
    expect(found.json().items.map((o: { name: string }) => o.name)).toEqual(["tinh-3"]);
    const bad = await t.app.inject({ url: "/api/v1/organizations?cursor=not-a-cursor!" });
    expect(bad.json().code).toBe("validation_failed");
  });

  describe("members", () => {
    it("adds, changes and removes members; an org admin manages their own org", async () => {
      const org = await t.makeOrg();
      const head = await t.makeUser();
      const clerk = await t.makeUser();
      await t.addMember(org.name, head.id, "admin");

      const added = await t.app.inject({
        method: "PUT",
        url: `/api/v1/organizations/${org.name}/members/${clerk.id}`,
        headers: head.headers,
        payload: { role: "member" },
      });
      expect(added.statusCode).toBe(201);
      const promoted = await t.app.inject({
        method: "PUT",
        url: `/api/v1/organizations/${org.name}/members/${clerk.id}`,
        headers: head.headers,
        payload: { role: "editor" },
      });
      expect(promoted.statusCode).toBe(200);
      expect(promoted.json().role).toBe("editor");

      const list = await t.app.inject({
        url: `/api/v1/organizations/${org.name}/members`,
        headers: clerk.headers,
      });
      expect(
        list
          .json()
          .items.map((m: { userId: string; role: string }) => [m.userId, m.role])
          .sort(),
      ).toEqual(
        [
          [head.id, "admin"],
          [clerk.id, "editor"],
        ].sort(),
      );

      const removed = await t.app.inject({
        method: "DELETE",
        url: `/api/v1/organizations/${org.name}/members/${clerk.id}`,
        headers: head.headers,
      });
      expect(removed.statusCode).toBe(204);
      const gone = await t.app.inject({
        url: `/api/v1/organizations/${org.name}/members/${clerk.id}`,
        headers: head.headers,
      });
      expect(gone.json().code).toBe("member_not_found");
    });

    it("keeps at least one admin", async () => {
      const org = await t.makeOrg();
      const only = await t.makeUser();
      await t.addMember(org.name, only.id, "admin");
      const demote = await t.app.inject({
        method: "PUT",
        url: `/api/v1/organizations/${org.name}/members/${only.id}`,
        headers: admin.headers,
        payload: { role: "member" },
      });
      expect(demote.statusCode).toBe(409);
      expect(demote.json().code).toBe("last_org_admin");
      const remove = await t.app.inject({
        method: "DELETE",
        url: `/api/v1/organizations/${org.name}/members/${only.id}`,
        headers: admin.headers,
      });
      expect(remove.json().code).toBe("last_org_admin");
    });

    it("answers user_not_found for an unknown or malformed user id", async () => {
      const org = await t.makeOrg();
      for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "1' or '1'='1"]) {
        const res = await t.app.inject({
          method: "PUT",
          url: `/api/v1/organizations/${org.name}/members/${encodeURIComponent(id)}`,
          headers: admin.headers,
          payload: { role: "member" },
        });
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe("user_not_found");
      }
    });

    it("does not let an admin of another organization manage this one", async () => {
      const org = await t.makeOrg();
      const other = await t.makeOrg();
      const outsider = await t.makeUser();
      await t.addMember(other.name, outsider.id, "admin");
      const res = await t.app.inject({
        method: "PUT",
        url: `/api/v1/organizations/${org.name}/members/${outsider.id}`,
        headers: outsider.headers,
        payload: { role: "admin" },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("forbidden");
    });
  });
});
