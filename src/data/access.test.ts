import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../test/helpers/databases.ts";
import { type TestApp, type TestUser, testApp } from "../../test/helpers/test-app.ts";
import { makeBusinesses } from "./testing.ts";

const ROUTES = [
  "rows",
  "aggregate?groupBy=tinh",
  "download.csv",
  "download.json",
  "download.ndjson",
  "download.parquet",
  "download.xlsx",
];

describe.each(DATABASE_KINDS)("who may read a dataset's data, on %s", (database) => {
  let t: TestApp;
  let member: TestUser;
  let outsider: TestUser;
  const base = "/api/v1/datasets/bo-noi-vu";

  beforeAll(async () => {
    t = await testApp({ database });
    member = await t.makeUser();
    outsider = await t.makeUser();
    await t.makeOrg({ name: "bo-noi-vu" });
    await t.addMember("bo-noi-vu", member.id, "member");
    await makeBusinesses(t, { org: "bo-noi-vu", name: "mat", visibility: "private" });
    await makeBusinesses(t, { org: "bo-noi-vu", name: "mo", visibility: "open" });
  });
  afterAll(() => t?.close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url: `${base}/${path}`, headers });

  it.each(ROUTES)("private %s: anonymous 401, non-member 403, member 200", async (route) => {
    const anonymous = await get(`mat/${route}`);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe("unauthenticated");
    const stranger = await get(`mat/${route}`, outsider.headers);
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json().code).toBe("forbidden");
    const allowed = await get(`mat/${route}`, member.headers);
    expect(allowed.statusCode, allowed.body.slice(0, 200)).toBe(200);
  });

  it.each(ROUTES)("open %s: anyone", async (route) => {
    expect((await get(`mo/${route}`)).statusCode).toBe(200);
  });

  it("logs reads of a private dataset with who read it, but not page reads of open data", async () => {
    await get("mat/rows?ma_tinh=01", member.headers);
    await get("mo/rows?ma_tinh=01");
    const entries = await t.ctx.database.query<{
      actor: string;
      action: string;
      resource: string;
      details: { query: string };
    }>("select actor, action, resource, details from audit_log where action = 'data.rows' order by seq");
    expect(entries.every((e) => e.resource === "dataset:bo-noi-vu/mat")).toBe(true);
    expect(entries.at(-1)).toMatchObject({ actor: `user:${member.id}`, details: { query: "ma_tinh=01" } });
  });

  it("a dataset that does not exist is dataset_not_found", async () => {
    expect((await get("khong-co/rows")).json().code).toBe("dataset_not_found");
  });
});
