/**
 * Hostile and broken requests against every writing route: each gets its problem+json with a stable
 * code, and nothing stored changes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "./helpers/databases.ts";
import { type TestApp, type TestUser, testApp } from "./helpers/test-app.ts";

const SQL_TRICKS = [
  "'; drop table organizations; --",
  '" or 1=1 --',
  "x' union select password_hash from users --",
  "$1",
  "\\'; select pg_sleep(5); --",
  "%_%",
  "\u0000nul",
];

describe.each(DATABASE_KINDS)("bad input on %s", (database) => {
  let t: TestApp;
  let admin: TestUser;
  let org: { id: string; name: string };
  let member: TestUser;
  let snapshot: () => Promise<string>;
  let before: string;

  beforeAll(async () => {
    t = await testApp({ database, env: { MEKONG_BODY_LIMIT_BYTES: "65536" } });
    admin = await t.makeUser({ isPlatformAdmin: true });
    org = await t.makeOrg({ name: "so-y-te" });
    member = await t.makeUser();
    await t.addMember(org.name, member.id, "member");
    snapshot = async () => {
      const rows = await t.ctx.database.query(
        `select (select count(*) from organizations)::int as orgs, (select count(*) from users)::int as users,
                (select count(*) from memberships)::int as members, (select count(*) from api_tokens)::int as tokens,
                (select string_agg(name || ':' || title || ':' || coalesce(description, ''), ',' order by name) from organizations) as content`,
      );
      return JSON.stringify(rows[0]);
    };
  });
  beforeEach(async () => {
    before = await snapshot();
  });
  afterAll(() => t?.close());

  const WRITES = () => [
    { method: "POST", url: "/api/v1/organizations" },
    { method: "PATCH", url: `/api/v1/organizations/${org.name}` },
    { method: "PUT", url: `/api/v1/organizations/${org.name}/members/${member.id}` },
    { method: "POST", url: "/api/v1/tokens" },
    { method: "POST", url: "/api/v1/users" },
    { method: "POST", url: "/api/v1/auth/login" },
  ];

  function expectProblem(
    res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
    status: number,
    code: string,
  ) {
    expect(res.statusCode).toBe(status);
    expect(String(res.headers["content-type"])).toContain("application/problem+json");
    expect(res.json()).toMatchObject({ status, code, type: `/api/problems/${code}` });
    expect((res.json() as { requestId?: string }).requestId).toBeTruthy();
  }

  it("answers malformed JSON with malformed_json on every writing route", async () => {
    for (const w of WRITES()) {
      for (const body of ['{"name": ', "[1,2", "{'single': 1}", "\u00ff\u00fe"]) {
        const res = await t.app.inject({
          method: w.method as "POST",
          url: w.url,
          headers: { ...admin.headers, "content-type": "application/json" },
          payload: body,
        });
        expectProblem(res, 400, "malformed_json");
      }
    }
    expect(await snapshot()).toBe(before);
  });

  it("answers wrong types and unknown fields with a per-field list", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/organizations",
      headers: admin.headers,
      payload: { name: 42, title: ["x"], kind: "empire", isAdmin: true },
    });
    expectProblem(res, 400, "validation_failed");
    const paths = (res.json().errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["/body/name", "/body/title", "/body/kind"]));
    expect(JSON.stringify(res.json().errors)).toContain("isAdmin");

    for (const w of WRITES()) {
      const wrong = await t.app.inject({
        method: w.method as "POST",
        url: w.url,
        headers: admin.headers,
        payload: { unexpected: "field", role: 7, email: false, name: null },
      });
      expectProblem(wrong, 400, "validation_failed");
    }
    expect(await snapshot()).toBe(before);
  });

  it("answers oversized bodies with payload_too_large", async () => {
    const huge = JSON.stringify({ name: "big", title: "x".repeat(200_000), kind: "agency" });
    for (const w of WRITES()) {
      const res = await t.app.inject({
        method: w.method as "POST",
        url: w.url,
        headers: { ...admin.headers, "content-type": "application/json" },
        payload: huge,
      });
      expectProblem(res, 413, "payload_too_large");
    }
    expect(await snapshot()).toBe(before);
  });

  it("answers an unsupported content type with unsupported_media_type", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/organizations",
      headers: { ...admin.headers, "content-type": "application/x-www-form-urlencoded" },
      payload: "name=x&title=y&kind=agency",
    });
    expectProblem(res, 415, "unsupported_media_type");
    expect(await snapshot()).toBe(before);
  });

  it("keeps path tricks inside the routes", async () => {
    for (const url of [
      "/api/v1/organizations/..%2F..%2Fetc%2Fpasswd",
      "/api/v1/organizations/%2e%2e",
      "/api/v1/organizations/so-y-te%00",
      "/api/v1/../../etc/passwd",
      `/api/v1/organizations/${"a".repeat(5000)}`,
    ]) {
      const res = await t.app.inject({ url, headers: admin.headers });
      expect([400, 404, 414]).toContain(res.statusCode);
      expect(String(res.headers["content-type"])).toContain("application/problem+json");
      expect(res.body).not.toContain("root:");
    }
    const traversalName = await t.app.inject({
      method: "POST",
      url: "/api/v1/organizations",
      headers: admin.headers,
      payload: { name: "../../etc", title: "x", kind: "agency" },
    });
    expectProblem(traversalName, 400, "validation_failed");
    expect(await snapshot()).toBe(before);
  });

  it("treats SQL metacharacters in every string parameter as plain data", async () => {
    for (const trick of SQL_TRICKS) {
      const enc = encodeURIComponent(trick);
      const reads = [
        `/api/v1/organizations?q=${enc}`,
        `/api/v1/organizations?cursor=${enc}`,
        `/api/v1/organizations?kind=${enc}`,
        `/api/v1/organizations/${enc}`,
        `/api/v1/organizations/${org.name}/members/${enc}`,
        `/api/v1/users?q=${enc}`,
      ];
      for (const url of reads) {
        const res = await t.app.inject({ url, headers: admin.headers });
        expect([200, 400, 404], `${url} → ${res.statusCode} ${res.body}`).toContain(res.statusCode);
        if (res.statusCode !== 200) expect(String(res.headers["content-type"])).toContain("problem+json");
      }
      const login = await t.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: `${trick}@example.vn`, password: trick },
        remoteAddress: `10.7.${SQL_TRICKS.indexOf(trick)}.1`,
      });
      expect([400, 401]).toContain(login.statusCode);
    }
    // A `%` in a search matches a literal percent sign, not everything.
    const wildcard = await t.app.inject({ url: "/api/v1/organizations?q=%25" });
    expect(wildcard.json().items).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it("stores hostile text verbatim where text is allowed", async () => {
    const title = 'Sở \'; drop table organizations; -- "x" <script>alert(1)</script>';
    const res = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/organizations/${org.name}`,
      headers: admin.headers,
      payload: { title },
    });
    expect(res.statusCode).toBe(200);
    const back = await t.app.inject({ url: `/api/v1/organizations/${org.name}` });
    expect(back.json().title).toBe(title);
    const tables = await t.ctx.database.query("select 1 from organizations limit 1");
    expect(tables.length).toBe(1);
  });
});
