import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../test/helpers/databases.ts";
import { type TestApp, type TestUser, testApp } from "../../test/helpers/test-app.ts";

describe.each(DATABASE_KINDS)("auth on %s", (database) => {
  let t: TestApp;
  let alice: TestUser;

  beforeAll(async () => {
    t = await testApp({
      database,
      env: { MEKONG_LOGIN_MAX_FAILURES_PER_ACCOUNT: "3", MEKONG_LOGIN_MAX_ATTEMPTS_PER_IP: "12" },
    });
    alice = await t.makeUser({ email: "alice@example.vn", name: "Trần Thị Alice" });
  });
  afterAll(() => t?.close());

  const login = (email: string, password: string, ip = "10.0.0.1") =>
    t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email, password },
      remoteAddress: ip,
    });

  describe("password login", () => {
    it("sets an httpOnly, SameSite=Lax session cookie and answers who signed in", async () => {
      const res = await login("ALICE@example.vn", alice.password, "10.0.1.1");
      expect(res.statusCode).toBe(200);
      expect(res.json().user.email).toBe("alice@example.vn");
      const cookie = res.cookies.find((c) => c.name === "mekong_session");
      expect(cookie?.httpOnly).toBe(true);
      expect(cookie?.sameSite).toBe("Lax");
      expect(cookie?.secure).toBeFalsy();
      const me = await t.app.inject({
        url: "/api/v1/auth/me",
        cookies: { mekong_session: cookie?.value ?? "" },
      });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ user: { email: "alice@example.vn" }, via: "session" });
    });

    it("marks the cookie Secure behind HTTPS", async () => {
      const https = await testApp({ database, env: { MEKONG_TRUST_PROXY: "true" } });
      try {
        const u = await https.makeUser();
        const res = await https.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          headers: { "x-forwarded-proto": "https" },
          payload: { email: u.email, password: u.password },
        });
        expect(res.cookies.find((c) => c.name === "mekong_session")?.secure).toBe(true);
      } finally {
        await https.close();
      }
    });

    it("refuses a wrong password and an unknown email alike", async () => {
      const wrong = await login(alice.email, "not the password", "10.0.2.1");
      const unknown = await login("nobody@example.vn", "whatever it is", "10.0.2.1");
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.json().code).toBe("invalid_credentials");
      expect(unknown.json().code).toBe("invalid_credentials");
      expect(wrong.headers["content-type"]).toContain("application/problem+json");
    });

    it("locks an account after repeated failures, even for the right password, whatever the IP", async () => {
      const bob = await t.makeUser({ email: "bob@example.vn" });
      for (let i = 0; i < 3; i++)
        expect((await login(bob.email, "wrong password", `10.1.0.${i}`)).statusCode).toBe(401);
      const blocked = await login(bob.email, bob.password, "10.1.0.99");
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().code).toBe("rate_limited");
      expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    });

    it("limits attempts per IP across accounts", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 14; i++)
        statuses.push((await login(`spray${i}@example.vn`, "guess", "10.9.9.9")).statusCode);
      expect(statuses.slice(0, 12).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(12)).toEqual([429, 429]);
      // Another IP is not affected.
      expect((await login(alice.email, alice.password, "10.9.9.10")).statusCode).toBe(200);
    });

    it("audits successful and failed sign-ins", async () => {
      const rows = await t.ctx.database.query<{ action: string }>(
        "select action from audit_log where action like 'auth.%' order by seq",
      );
      const actions = new Set(rows.map((r) => r.action));
      expect(actions).toEqual(new Set(["auth.login", "auth.login_failed"]));
    });

    it("ends the session at logout", async () => {
      const cookie = await t.login(alice.email, alice.password);
      const out = await t.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: { cookie } });
      expect(out.statusCode).toBe(204);
      const me = await t.app.inject({ url: "/api/v1/auth/me", headers: { cookie } });
      expect(me.statusCode).toBe(401);
      expect(me.json().code).toBe("unauthenticated");
    });

    it("treats a forged session cookie as anonymous", async () => {
      const me = await t.app.inject({ url: "/api/v1/auth/me", cookies: { mekong_session: "forged" } });
      expect(me.json().code).toBe("unauthenticated");
    });
  });

  describe("API tokens", () => {
    it("shows the secret once, stores only its hash, and works as a bearer", async () => {
      const created = await t.app.inject({
        method: "POST",
        url: "/api/v1/tokens",
        headers: alice.headers,
        payload: { name: "ci" },
      });
      expect(created.statusCode).toBe(201);
      const { secret, id } = created.json();
      expect(secret).toMatch(/^mkg_/);
      const stored = await t.ctx.database.query<{ secret_hash: string }>(
        "select secret_hash from api_tokens where id = $1",
        [id],
      );
      expect(stored[0]?.secret_hash).not.toContain(secret);
      const list = await t.app.inject({ url: "/api/v1/tokens", headers: alice.headers });
      expect(JSON.stringify(list.json())).not.toContain(secret);
      expect(list.json().items.map((x: { id: string }) => x.id)).toContain(id);

      const me = await t.app.inject({
        url: "/api/v1/auth/me",
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ user: { email: alice.email }, via: "token" });

      const revoke = await t.app.inject({
        method: "DELETE",
        url: `/api/v1/tokens/${id}`,
        headers: alice.headers,
      });
      expect(revoke.statusCode).toBe(204);
      const after = await t.app.inject({
        url: "/api/v1/auth/me",
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(after.statusCode).toBe(401);
      expect(after.json().code).toBe("invalid_token");
    });

    it("rejects expiry in the past and refuses an expired token", async () => {
      const past = await t.app.inject({
        method: "POST",
        url: "/api/v1/tokens",
        headers: alice.headers,
        payload: { name: "old", expiresAt: "2020-01-01T00:00:00Z" },
      });
      expect(past.json().code).toBe("validation_failed");
      const soon = await t.app.inject({
        method: "POST",
        url: "/api/v1/tokens",
        headers: alice.headers,
        payload: { name: "soon", expiresAt: new Date(Date.now() + 60_000).toISOString() },
      });
      const { id, secret } = soon.json();
      await t.ctx.database.query(
        "update api_tokens set expires_at = now() - interval '1 second' where id = $1",
        [id],
      );
      const me = await t.app.inject({
        url: "/api/v1/auth/me",
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(me.json().code).toBe("invalid_token");
    });

    it("narrows a token to its scopes", async () => {
      const admin = await t.makeUser({ isPlatformAdmin: true });
      const created = await t.app.inject({
        method: "POST",
        url: "/api/v1/tokens",
        headers: admin.headers,
        payload: { name: "read only", scopes: ["read"] },
      });
      const bearer = { authorization: `Bearer ${created.json().secret}` };
      expect((await t.app.inject({ url: "/api/v1/organizations", headers: bearer })).statusCode).toBe(200);
      const write = await t.app.inject({
        method: "POST",
        url: "/api/v1/organizations",
        headers: bearer,
        payload: { name: "scoped-org", title: "Không được tạo", kind: "agency" },
      });
      expect(write.statusCode).toBe(403);
      expect(write.json().code).toBe("insufficient_scope");
    });

    it("does not let one user revoke another's token", async () => {
      const mallory = await t.makeUser();
      const created = await t.app.inject({
        method: "POST",
        url: "/api/v1/tokens",
        headers: alice.headers,
        payload: { name: "x" },
      });
      const res = await t.app.inject({
        method: "DELETE",
        url: `/api/v1/tokens/${created.json().id}`,
        headers: mallory.headers,
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("token_not_found");
    });

    it("answers a malformed bearer header with invalid_token", async () => {
      for (const authorization of ["Bearer", "Bearer mkg_nope", "Basic abc", "Bearer ' or 1=1 --"]) {
        const res = await t.app.inject({ url: "/api/v1/organizations", headers: { authorization } });
        expect(res.statusCode).toBe(401);
        expect(res.json().code).toBe("invalid_token");
      }
    });
  });

  describe("user accounts", () => {
    it("lets a platform admin create and list users, refusing duplicates by email case-insensitively", async () => {
      const admin = await t.makeUser({ isPlatformAdmin: true });
      const created = await t.app.inject({
        method: "POST",
        url: "/api/v1/users",
        headers: admin.headers,
        payload: { email: "Carol@Example.vn", name: "Phạm Carol", password: "a long enough password" },
      });
      expect(created.statusCode).toBe(201);
      expect(created.json()).not.toHaveProperty("passwordHash");
      const dup = await t.app.inject({
        method: "POST",
        url: "/api/v1/users",
        headers: admin.headers,
        payload: { email: "carol@example.VN", name: "Again" },
      });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().code).toBe("user_exists");
      const list = await t.app.inject({ url: "/api/v1/users?q=carol", headers: admin.headers });
      expect(list.json().items.map((u: { email: string }) => u.email)).toEqual(["Carol@Example.vn"]);
    });

    it("pages through users with a cursor", async () => {
      const admin = await t.makeUser({ isPlatformAdmin: true });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await t.app.inject({
          url: `/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
          headers: admin.headers,
        });
        expect(res.statusCode).toBe(200);
        seen.push(...res.json().items.map((u: { email: string }) => u.email));
        cursor = res.json().nextCursor;
      } while (cursor);
      const total = await t.ctx.database.query<{ n: number }>("select count(*)::int as n from users");
      expect(seen.length).toBe(total[0]?.n);
      expect(new Set(seen).size).toBe(seen.length);
    });
  });
});
