/**
 * `testApp()` gives a Mekong app on a fresh catalog (PGlite by default, or PostgreSQL) and a temp data
 * directory, with factories for the things most tests need: users, organizations, sign-in.
 */
import { rmSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { type BuiltApp, buildApp } from "../../src/app.ts";
import type { OrgRole } from "../../src/auth/permissions.ts";
import { createUser } from "../../src/auth/users.ts";
import { loadConfig } from "../../src/config.ts";
import { type AppContext, closeContext, openContext } from "../../src/context.ts";
import type { OrgCreate } from "../../src/orgs/schemas.ts";
import { createOrganization, getOrganization, putMember } from "../../src/orgs/service.ts";
import { freshDataDir, freshPostgresDatabase } from "./databases.ts";

export interface TestApp extends BuiltApp {
  ctx: AppContext;
  dataDir: string;
  close(): Promise<void>;
  makeUser(
    overrides?: Partial<{ email: string; name: string; password: string; isPlatformAdmin: boolean }>,
  ): Promise<TestUser>;
  makeOrg(overrides?: Partial<OrgCreate>): Promise<{ id: string; name: string }>;
  addMember(orgName: string, userId: string, role: OrgRole): Promise<void>;
  /** Cookie header value of a fresh session for the user. */
  login(email: string, password: string): Promise<string>;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  /** `{ cookie }` headers of a signed-in session. */
  headers: Record<string, string>;
}

let counter = 0;
const unique = () => `${process.pid}-${Date.now().toString(36)}-${++counter}`;

export async function testApp(
  opts: { database?: "pglite" | "postgres"; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const dataDir = freshDataDir();
  const pgdb = opts.database === "postgres" ? await freshPostgresDatabase() : undefined;
  const config = loadConfig({
    MEKONG_DATA_DIR: dataDir,
    MEKONG_LOG_LEVEL: "silent",
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    ...opts.env,
  });
  const ctx = await openContext(config);
  const built = await buildApp(ctx, { logger: false, portal: false });
  await built.app.ready();

  const login = async (email: string, password: string) => {
    const res = await built.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email, password },
    });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === "mekong_session");
    if (!cookie) throw new Error("login set no session cookie");
    return `mekong_session=${cookie.value}`;
  };

  return {
    ...built,
    ctx,
    dataDir,
    login,
    async close() {
      await built.app.close();
      await closeContext(ctx);
      await pgdb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async makeUser(overrides = {}) {
      const password = overrides.password ?? "correct horse battery staple";
      const user = await createUser(ctx.db, ctx.audit, "system", {
        email: overrides.email ?? `user-${unique()}@example.vn`,
        name: overrides.name ?? "Nguyễn Văn Test",
        password,
        isPlatformAdmin: overrides.isPlatformAdmin ?? false,
      });
      return {
        id: user.id,
        email: user.email,
        password,
        headers: { cookie: await login(user.email, password) },
      };
    },
    async makeOrg(overrides = {}) {
      const org = await createOrganization(ctx.db, ctx.audit, "system", {
        name: overrides.name ?? `org-${unique()}`,
        title: overrides.title ?? "Sở Thử Nghiệm",
        kind: overrides.kind ?? "agency",
        country: overrides.country ?? "VN",
        ...overrides,
      });
      return { id: org.id, name: org.name };
    },
    async addMember(orgName, userId, role) {
      const org = await getOrganization(ctx.db, orgName);
      await putMember(ctx.db, ctx.audit, "system", org, userId, role);
    },
  };
}

/** Shorthand: JSON body of an inject response. */
export const json = (res: { body: string }) => JSON.parse(res.body);

export type { FastifyInstance };
