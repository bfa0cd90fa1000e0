/**
 * Walks every /api/v1 route × every kind of caller and checks allow/deny against one table. A route
 * added without a row here fails the test, so no route escapes the permission review.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteDataset, getDataset, restoreDataset } from "../src/catalog/service.ts";
import { enqueueJob } from "../src/jobs/queue.ts";
import { DATABASE_KINDS } from "./helpers/databases.ts";
import { makeDatasetWithRows } from "./helpers/datasets.ts";
import { type TestApp, testApp } from "./helpers/test-app.ts";

const ROLES = ["anonymous", "member", "editor", "orgAdmin", "otherOrgAdmin", "platformAdmin"] as const;
type Role = (typeof ROLES)[number];
const SIGNED_IN: Role[] = ["member", "editor", "orgAdmin", "otherOrgAdmin", "platformAdmin"];
const EVERYONE: Role[] = [...ROLES];
const PASSWORD = "correct horse battery staple";

interface Fixture {
  org: string;
  /** A private dataset of `org` with one version. */
  dataset: string;
  /** A deleted dataset of `org`, restorable. */
  deletedDataset: string;
  jobId: string;
  targetUserId: string;
  uniqueName: () => string;
}

interface Case {
  method: string;
  url: string;
  path: (f: Fixture) => string;
  body?: (f: Fixture) => unknown;
  allowed: Role[];
}

const MEMBERS: Role[] = ["member", "editor", "orgAdmin", "platformAdmin"];
const EDITORS: Role[] = ["editor", "orgAdmin", "platformAdmin"];

const CASES: Case[] = [
  { method: "GET", url: "/api/v1/keys", path: () => "/api/v1/keys", allowed: EVERYONE },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name/rows",
    path: (f) => `/api/v1/datasets/${f.dataset}/rows`,
    allowed: MEMBERS,
  },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name/aggregate",
    path: (f) => `/api/v1/datasets/${f.dataset}/aggregate?groupBy=ma_tinh&metrics=count`,
    allowed: MEMBERS,
  },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name/download.csv",
    path: (f) => `/api/v1/datasets/${f.dataset}/download.csv`,
    allowed: MEMBERS,
  },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name/download.json",
    path: (f) => `/api/v1/datasets/${f.dataset}/download.json`,
    allowed: MEMBERS,
  },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name/download.ndjson",
    path: (f) => `/api/v1/datasets/${f.dataset}/download.ndjson`,
    allowed: MEMBERS,
  },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name/download.parquet",
    path: (f) => `/api/v1/datasets/${f.dataset}/download.parquet`,
    allowed: MEMBERS,
  },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name/download.xlsx",
    path: (f) => `/api/v1/datasets/${f.dataset}/download.xlsx`,
    allowed: MEMBERS,
  },
  {
    method: "POST",
    url: "/api/v1/sql",
    path: () => "/api/v1/sql",
    body: (f) => ({ sql: `SELECT count(*) FROM "${f.dataset}"` }),
    allowed: MEMBERS,
  },
  { method: "GET", url: "/api/v1/datasets", path: () => "/api/v1/datasets", allowed: EVERYONE },
  {
    method: "POST",
    url: "/api/v1/datasets",
    path: () => "/api/v1/datasets",
    body: (f) => ({ org: f.org, name: f.uniqueName(), title: "Bộ dữ liệu mới" }),
    allowed: EDITORS,
  },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name",
    path: (f) => `/api/v1/datasets/${f.dataset}`,
    allowed: MEMBERS,
  },
  {
    method: "PATCH",
    url: "/api/v1/datasets/:org/:name",
    path: (f) => `/api/v1/datasets/${f.dataset}`,
    body: () => ({ description: "Mô tả mới" }),
    allowed: EDITORS,
  },
  {
    method: "DELETE",
    url: "/api/v1/datasets/:org/:name",
    path: (f) => `/api/v1/datasets/${f.dataset}`,
    allowed: EDITORS,
  },
  {
    method: "POST",
    url: "/api/v1/datasets/:org/:name/restore",
    path: (f) => `/api/v1/datasets/${f.deletedDataset}/restore`,
    allowed: ["platformAdmin"],
  },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name/versions",
    path: (f) => `/api/v1/datasets/${f.dataset}/versions`,
    allowed: MEMBERS,
  },
  {
    method: "POST",
    url: "/api/v1/datasets/:org/:name/versions",
    path: (f) => `/api/v1/datasets/${f.dataset}/versions`,
    // Without a multipart body an allowed caller gets 415: the check happens before the upload is read.
    allowed: EDITORS,
  },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name/schema",
    path: (f) => `/api/v1/datasets/${f.dataset}/schema`,
    allowed: MEMBERS,
  },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name/openapi.json",
    path: (f) => `/api/v1/datasets/${f.dataset}/openapi.json`,
    allowed: MEMBERS,
  },
  {
    method: "PUT",
    url: "/api/v1/datasets/:org/:name/schema",
    path: (f) => `/api/v1/datasets/${f.dataset}/schema`,
    body: () => ({
      fields: [
        { name: "ma_tinh", type: "string" },
        { name: "so_luong", type: "integer" },
      ],
    }),
    allowed: EDITORS,
  },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name/versions/:n",
    path: (f) => `/api/v1/datasets/${f.dataset}/versions/1`,
    allowed: MEMBERS,
  },
  { method: "GET", url: "/api/v1/licences", path: () => "/api/v1/licences", allowed: EVERYONE },
  { method: "GET", url: "/api/v1/themes", path: () => "/api/v1/themes", allowed: EVERYONE },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name/history",
    path: (f) => `/api/v1/datasets/${f.dataset}/history`,
    allowed: MEMBERS,
  },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name/history/:n",
    path: (f) => `/api/v1/datasets/${f.dataset}/history/1`,
    allowed: MEMBERS,
  },
  {
    method: "GET",
    url: "/api/v1/datasets/:org/:name/history/:a/diff/:b",
    path: (f) => `/api/v1/datasets/${f.dataset}/history/0/diff/1`,
    allowed: MEMBERS,
  },
  { method: "GET", url: "/api/v1/health", path: () => "/api/v1/health", allowed: EVERYONE },
  {
    method: "POST",
    url: "/api/v1/auth/login",
    path: () => "/api/v1/auth/login",
    body: () => ({ email: "nobody@example.vn", password: "wrong password" }),
    // Public: everyone gets an answer about the credentials (401 invalid_credentials), never 403.
    allowed: EVERYONE,
  },
  { method: "POST", url: "/api/v1/auth/logout", path: () => "/api/v1/auth/logout", allowed: EVERYONE },
  { method: "GET", url: "/api/v1/auth/providers", path: () => "/api/v1/auth/providers", allowed: EVERYONE },
  { method: "GET", url: "/api/v1/auth/me", path: () => "/api/v1/auth/me", allowed: SIGNED_IN },
  { method: "GET", url: "/api/v1/auth/oidc/login", path: () => "/api/v1/auth/oidc/login", allowed: EVERYONE },
  {
    method: "GET",
    url: "/api/v1/auth/oidc/callback",
    path: () => "/api/v1/auth/oidc/callback",
    allowed: EVERYONE,
  },
  { method: "GET", url: "/api/v1/tokens", path: () => "/api/v1/tokens", allowed: SIGNED_IN },
  {
    method: "POST",
    url: "/api/v1/tokens",
    path: () => "/api/v1/tokens",
    body: () => ({ name: "t" }),
    allowed: SIGNED_IN,
  },
  {
    method: "DELETE",
    url: "/api/v1/tokens/:id",
    path: () => "/api/v1/tokens/00000000-0000-4000-8000-000000000000",
    allowed: SIGNED_IN,
  },
  { method: "GET", url: "/api/v1/users", path: () => "/api/v1/users", allowed: ["platformAdmin"] },
  {
    method: "POST",
    url: "/api/v1/users",
    path: () => "/api/v1/users",
    body: (f) => ({
      email: `${f.uniqueName()}@example.vn`,
      name: "Lê Thị Mới",
      password: "a long enough password",
    }),
    allowed: ["platformAdmin"],
  },
  { method: "GET", url: "/api/v1/organizations", path: () => "/api/v1/organizations", allowed: EVERYONE },
  {
    method: "POST",
    url: "/api/v1/organizations",
    path: () => "/api/v1/organizations",
    body: (f) => ({ name: f.uniqueName(), title: "Sở Mới", kind: "agency" }),
    allowed: ["platformAdmin"],
  },
  {
    method: "GET",
    url: "/api/v1/organizations/:name",
    path: (f) => `/api/v1/organizations/${f.org}`,
    allowed: EVERYONE,
  },
  {
    method: "PATCH",
    url: "/api/v1/organizations/:name",
    path: (f) => `/api/v1/organizations/${f.org}`,
    body: () => ({ description: "Cập nhật mô tả" }),
    allowed: ["orgAdmin", "platformAdmin"],
  },
  {
    method: "GET",
    url: "/api/v1/organizations/:name/members",
    path: (f) => `/api/v1/organizations/${f.org}/members`,
    allowed: ["member", "editor", "orgAdmin", "platformAdmin"],
  },
  {
    method: "GET",
    url: "/api/v1/organizations/:name/members/:userId",
    path: (f) => `/api/v1/organizations/${f.org}/members/${f.targetUserId}`,
    allowed: ["member", "editor", "orgAdmin", "platformAdmin"],
  },
  {
    method: "PUT",
    url: "/api/v1/organizations/:name/members/:userId",
    path: (f) => `/api/v1/organizations/${f.org}/members/${f.targetUserId}`,
    body: () => ({ role: "member" }),
    allowed: ["orgAdmin", "platformAdmin"],
  },
  {
    method: "DELETE",
    url: "/api/v1/organizations/:name/members/:userId",
    path: (f) => `/api/v1/organizations/${f.org}/members/${f.targetUserId}`,
    allowed: ["orgAdmin", "platformAdmin"],
  },
  { method: "GET", url: "/api/v1/audit", path: () => "/api/v1/audit", allowed: ["platformAdmin"] },
  {
    method: "GET",
    url: "/api/v1/audit/verify",
    path: () => "/api/v1/audit/verify",
    allowed: ["platformAdmin"],
  },
  {
    method: "POST",
    url: "/api/v1/jobs/:id/cancel",
    path: (f) => `/api/v1/jobs/${f.jobId}/cancel`,
    // Cancelling a finished job answers 409 job_finished: allowed, not denied.
    allowed: ["editor", "orgAdmin", "platformAdmin"],
  },
  {
    method: "GET",
    url: "/api/v1/jobs/:id",
    path: (f) => `/api/v1/jobs/${f.jobId}`,
    // The job was started by the editor for the organization: its editors and admins follow it.
    allowed: ["editor", "orgAdmin", "platformAdmin"],
  },
];

describe.each(DATABASE_KINDS)("permissions on %s", (database) => {
  let t: TestApp;
  let headersOf: Record<Role, Record<string, string>>;
  let fixture: Fixture;
  const emails = {} as Record<Role, string>;
  let adminId: string;

  beforeAll(async () => {
    t = await testApp({ database });
    const org = await t.makeOrg();
    const other = await t.makeOrg();
    const member = await t.makeUser();
    const editor = await t.makeUser();
    const orgAdmin = await t.makeUser();
    const otherOrgAdmin = await t.makeUser();
    const platformAdmin = await t.makeUser({ isPlatformAdmin: true });
    const target = await t.makeUser();
    adminId = platformAdmin.id;
    await t.addMember(org.name, member.id, "member");
    await t.addMember(org.name, editor.id, "editor");
    await t.addMember(org.name, orgAdmin.id, "admin");
    await t.addMember(other.name, otherOrgAdmin.id, "admin");
    await t.addMember(org.name, target.id, "member");
    await makeDatasetWithRows(t.ctx, {
      org: org.name,
      name: "private-ds",
      visibility: "private",
      columns: { ma_tinh: "VARCHAR", so_luong: "BIGINT" },
      rows: [{ ma_tinh: "01", so_luong: 3 }],
    });
    await makeDatasetWithRows(t.ctx, {
      org: org.name,
      name: "deleted-ds",
      visibility: "private",
      columns: { x: "BIGINT" },
      rows: [{ x: 1 }],
    });
    await deleteDataset(
      t.ctx.db,
      t.ctx.audit,
      { id: platformAdmin.id, name: "test" },
      await getDataset(t.ctx.db, org.name, "deleted-ds"),
    );
    const job = await enqueueJob(t.ctx.db, {
      type: "test.noop",
      payload: {},
      createdBy: editor.id,
      orgId: org.id,
    });
    for (const [role, u] of Object.entries({ member, editor, orgAdmin, otherOrgAdmin, platformAdmin })) {
      emails[role as Role] = u.email;
    }
    headersOf = {
      anonymous: {},
      member: member.headers,
      editor: editor.headers,
      orgAdmin: orgAdmin.headers,
      otherOrgAdmin: otherOrgAdmin.headers,
      platformAdmin: platformAdmin.headers,
    };
    let n = 0;
    fixture = {
      org: org.name,
      dataset: `${org.name}/private-ds`,
      deletedDataset: `${org.name}/deleted-ds`,
      jobId: job.id,
      targetUserId: target.id,
      uniqueName: () => `perm-${database}-${++n}`,
    };
  });
  afterAll(() => t?.close());

  it("has a row for every registered route", () => {
    const registered = t.routeAccess.map((r) => `${r.method} ${r.url}`).sort();
    const covered = CASES.map((c) => `${c.method} ${c.url}`).sort();
    expect(covered).toEqual(registered);
  });

  for (const c of CASES) {
    for (const role of ROLES) {
      const allowed = c.allowed.includes(role);
      it(`${c.method} ${c.url} as ${role} is ${allowed ? "allowed" : "denied"}`, async () => {
        const res = await t.app.inject({
          method: c.method as "GET",
          url: c.path(fixture),
          headers: headersOf[role],
          ...(c.body ? { payload: c.body(fixture) as object } : {}),
        });
        if (allowed) {
          // A public login with wrong credentials is answered 401 invalid_credentials: that is not a denial.
          const denied = [401, 403].includes(res.statusCode) && res.json().code !== "invalid_credentials";
          expect(denied, `${res.statusCode} ${res.body}`).toBe(false);
        } else {
          expect(res.statusCode).toBe(role === "anonymous" ? 401 : 403);
          expect(res.json().code).toBe(role === "anonymous" ? "unauthenticated" : "forbidden");
        }
        // Undo what the case changed that later cases rely on.
        if (c.url === "/api/v1/auth/logout" && role !== "anonymous") {
          headersOf[role] = { cookie: await t.login(emails[role], PASSWORD) };
        }
        if (c.method === "DELETE" && c.url.includes("members") && res.statusCode === 204) {
          await t.addMember(fixture.org, fixture.targetUserId, "member");
        }
        if (c.url === "/api/v1/datasets/:org/:name" && c.method === "DELETE" && res.statusCode === 204) {
          const ds = await getDataset(t.ctx.db, fixture.org, "private-ds", { includeDeleted: true });
          await restoreDataset(t.ctx.db, t.ctx.audit, "test", ds);
        }
        if (c.url.endsWith("/restore") && res.statusCode === 200) {
          const ds = await getDataset(t.ctx.db, fixture.org, "deleted-ds");
          await deleteDataset(t.ctx.db, t.ctx.audit, { id: adminId, name: "test" }, ds);
        }
      });
    }
  }
});
