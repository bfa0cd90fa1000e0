import { generateKeyPairSync } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../test/helpers/databases.ts";
import { type TestApp, type TestUser, testApp } from "../../test/helpers/test-app.ts";
import { GENESIS_HASH, hashEntry } from "./chain.ts";
import type { AuditEntry } from "./schemas.ts";
import { verifyAuditChain } from "./verify.ts";

/**
 * A chain of 7 entries made by real actions: #1 user.create (the admin), #2 auth.login, #3–#6
 * organization.create through the API, #7 auth.login (a second user's sign-in is #7 when made) — and a
 * signed checkpoint at the head.
 */
async function chainedApp(database: "pglite" | "postgres") {
  const t = await testApp({ database });
  const admin = await t.makeUser({ isPlatformAdmin: true, email: `admin-${database}@example.vn` });
  const orgs = ["so-tai-chinh", "so-y-te", "bo-cong-thuong", "tinh-an-giang"];
  for (const name of orgs) {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/organizations",
      headers: admin.headers,
      payload: { name, title: `Tổ chức ${name}`, kind: "agency", description: "có dấu: Hà Nội" },
    });
    if (res.statusCode !== 201) throw new Error(`create ${name}: ${res.statusCode} ${res.body}`);
  }
  await t.ctx.audit.checkpoint(t.ctx.db);
  return { t, admin, orgs };
}

describe.each(DATABASE_KINDS)("audit log on %s", (database) => {
  describe("reading", () => {
    let t: TestApp;
    let admin: TestUser;
    let member: TestUser;

    beforeAll(async () => {
      ({ t, admin } = await chainedApp(database));
      member = await t.makeUser(); // #7 user.create, #8 auth.login
    });
    afterAll(() => t?.close());

    const list = (query: string, headers = admin.headers) =>
      t.app.inject({ url: `/api/v1/audit${query}`, headers });
    const items = async (query: string): Promise<AuditEntry[]> => {
      const res = await list(query);
      expect(res.statusCode).toBe(200);
      return res.json().items;
    };

    it("lists entries newest first, each linked to the one before", async () => {
      const all = await items("");
      expect(all.map((e) => e.seq)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
      for (let i = 0; i < all.length - 1; i++) expect(all[i]?.prevHash).toBe(all[i + 1]?.hash);
      expect(all.at(-1)?.prevHash).toBe(GENESIS_HASH);
      expect(all[2]).toMatchObject({
        actor: `user:${admin.id}`,
        action: "organization.create",
        resource: "organization:tinh-an-giang",
        details: { name: "tinh-an-giang", description: "có dấu: Hà Nội" },
      });
      expect(all[0]?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it("filters by exact action and by action prefix", async () => {
      expect((await items("?action=organization.create")).map((e) => e.seq)).toEqual([6, 5, 4, 3]);
      expect((await items("?action=auth.*")).map((e) => e.seq)).toEqual([8, 2]);
      expect((await items("?action=user.*")).map((e) => e.action)).toEqual(["user.create", "user.create"]);
      // `_` and `%` are literal in a prefix, not LIKE wildcards.
      expect(await items("?action=auth_*")).toEqual([]);
      expect(await items("?action=organization")).toEqual([]);
    });

    it("filters by actor, resource and time", async () => {
      expect((await items(`?actor=user:${admin.id}`)).map((e) => e.seq)).toEqual([6, 5, 4, 3, 2]);
      expect((await items("?resource=organization:so-y-te")).map((e) => e.seq)).toEqual([4]);
      expect(await items(`?actor=user:${member.id}&action=organization.*`)).toEqual([]);

      const all = await items("");
      const fifth = all.find((e) => e.seq === 5);
      const from = encodeURIComponent(fifth?.at ?? "");
      const since = await items(`?from=${from}`);
      expect(since.map((e) => e.seq)).toEqual(expect.arrayContaining([8, 7, 6, 5]));
      expect(since.every((e) => e.at >= (fifth?.at ?? ""))).toBe(true);
      const until = await items(`?to=${from}`);
      expect(until.every((e) => e.at < (fifth?.at ?? ""))).toBe(true);
      expect(until.length + since.length).toBe(8);
      expect(await items("?to=2000-01-01T00:00:00Z")).toEqual([]);
      expect(await items("?from=2000-01-01T00:00:00%2B07:00&to=2999-01-01T00:00:00Z")).toHaveLength(8);
    });

    it("pages with an opaque cursor until the log is exhausted", async () => {
      const seen: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await list(`?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
        expect(res.statusCode).toBe(200);
        const body = res.json() as { items: AuditEntry[]; nextCursor?: string };
        seen.push(...body.items.map((e) => e.seq));
        cursor = body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
      expect(pages).toBe(3);

      const filtered = await list("?action=organization.*&limit=2");
      const next = await list(`?action=organization.*&limit=2&cursor=${filtered.json().nextCursor}`);
      expect(next.json().items.map((e: AuditEntry) => e.seq)).toEqual([4, 3]);
      expect(next.json().nextCursor).toBeUndefined();
    });

    it("rejects a bad cursor, limit, action pattern or time range", async () => {
      for (const query of [
        "?cursor=bm90LWEtY3Vyc29y",
        "?cursor=c2VxOjA",
        "?limit=501",
        "?limit=0",
        "?action=org*anization",
        "?from=yesterday",
        "?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
        "?unknown=1",
      ]) {
        const res = await list(query);
        expect(res.statusCode, query).toBe(400);
        expect(res.json().code, query).toBe("validation_failed");
      }
    });

    it("reports an intact chain with its latest checkpoint", async () => {
      const res = await t.app.inject({ url: "/api/v1/audit/verify", headers: admin.headers });
      expect(res.statusCode).toBe(200);
      const newest = (await items("?limit=1"))[0];
      expect(res.json()).toEqual({
        ok: true,
        entries: 8,
        checkpoints: 1,
        headSeq: 8,
        headHash: newest?.hash,
        checkpoint: { seq: 6, at: expect.any(String), keyId: t.ctx.key.keyId },
      });
    });

    it("lets only platform admins read the log or verify it", async () => {
      for (const url of ["/api/v1/audit", "/api/v1/audit/verify"]) {
        const anonymous = await t.app.inject({ url });
        expect(anonymous.statusCode, url).toBe(401);
        expect(anonymous.json().code, url).toBe("unauthenticated");
        const notAdmin = await t.app.inject({ url, headers: member.headers });
        expect(notAdmin.statusCode, url).toBe(403);
        expect(notAdmin.json().code, url).toBe("forbidden");
      }
      expect(t.routeAccess.filter((r) => r.url.startsWith("/api/v1/audit"))).toEqual([
        { method: "GET", url: "/api/v1/audit", access: { action: "audit.read" } },
        { method: "GET", url: "/api/v1/audit/verify", access: { action: "audit.read" } },
      ]);
    });

    it("describes both routes in the OpenAPI document", async () => {
      const doc = (await t.app.inject({ url: "/api/openapi.json" })).json();
      expect(doc.paths["/api/v1/audit"].get.tags).toEqual(["audit"]);
      expect(doc.paths["/api/v1/audit/verify"].get.tags).toEqual(["audit"]);
      const params = doc.paths["/api/v1/audit"].get.parameters.map((p: { name: string }) => p.name);
      expect(params).toEqual(
        expect.arrayContaining(["actor", "action", "resource", "from", "to", "limit", "cursor"]),
      );
    });

    it("verifies in small batches and with a bare public key alike", async () => {
      const whole = await verifyAuditChain(t.ctx.db, t.ctx.key.publicKey);
      for (const batchSize of [1, 2, 3, 8, 100]) {
        expect(await verifyAuditChain(t.ctx.db, t.ctx.key.publicKey, { batchSize })).toEqual(whole);
      }
      expect(whole).toMatchObject({ ok: true, entries: 8, checkpoints: 1, headSeq: 8 });
      const stranger = generateKeyPairSync("ed25519").publicKey;
      expect(await verifyAuditChain(t.ctx.db, stranger)).toMatchObject({
        ok: false,
        entries: 6,
        checkpoints: 0,
        firstBroken: { seq: 6, reason: "checkpoint-signature" },
      });
    });
  });

  it("reports an empty log as intact", async () => {
    const t = await testApp({ database });
    try {
      expect(await verifyAuditChain(t.ctx.db, t.ctx.key.publicKey)).toEqual({
        ok: true,
        entries: 0,
        checkpoints: 0,
        headSeq: 0,
        headHash: GENESIS_HASH,
      });
    } finally {
      await t.close();
    }
  });

  describe("tampering", () => {
    let t: TestApp;
    let admin: TestUser;

    // One 6-entry chain (checkpoint at #6); each test tampers with it and the chain is restored after.
    beforeAll(async () => {
      ({ t, admin } = await chainedApp(database));
      await t.ctx.database.query("create table pristine_log as table audit_log");
      await t.ctx.database.query("create table pristine_checkpoints as table audit_checkpoints");
    });
    afterEach(async () => {
      await t.ctx.database.query("delete from audit_log");
      await t.ctx.database.query("insert into audit_log select * from pristine_log");
      await t.ctx.database.query("delete from audit_checkpoints");
      await t.ctx.database.query("insert into audit_checkpoints select * from pristine_checkpoints");
    });
    afterAll(() => t?.close());

    const verify = async () => {
      const res = await t.app.inject({ url: "/api/v1/audit/verify", headers: admin.headers });
      expect(res.statusCode).toBe(200);
      return res.json();
    };
    async function verifyAfter(...statements: string[]) {
      for (const statement of statements) await t.ctx.database.query(statement);
      return verify();
    }

    it("starts from an intact chain", async () => {
      expect(await verify()).toMatchObject({ ok: true, entries: 6, checkpoints: 1, headSeq: 6 });
    });

    it("finds a changed details field", async () => {
      const report = await verifyAfter(
        `update audit_log set details = jsonb_set(details, '{title}', '"Tổ chức khác"') where seq = 4`,
      );
      expect(report).toMatchObject({
        ok: false,
        entries: 3,
        firstBroken: { seq: 4, reason: "hash-mismatch" },
      });
      expect(report.firstBroken.detail).toContain("#4");
    });

    it("finds a changed actor", async () => {
      const report = await verifyAfter(`update audit_log set actor = 'system' where seq = 3`);
      expect(report.firstBroken).toMatchObject({ seq: 3, reason: "hash-mismatch" });
    });

    it("finds a time moved by one microsecond", async () => {
      const report = await verifyAfter(
        `update audit_log set at = at + interval '1 microsecond' where seq = 5`,
      );
      expect(report.firstBroken).toMatchObject({ seq: 5, reason: "hash-mismatch" });
    });

    it("finds a time moved by one millisecond", async () => {
      const report = await verifyAfter(
        `update audit_log set at = at - interval '1 millisecond' where seq = 2`,
      );
      expect(report.firstBroken).toMatchObject({ seq: 2, reason: "hash-mismatch" });
    });

    it("finds a deleted middle entry", async () => {
      const report = await verifyAfter(`delete from audit_log where seq = 4`);
      expect(report).toMatchObject({
        ok: false,
        entries: 3,
        firstBroken: { seq: 4, reason: "sequence-gap" },
      });
    });

    it("finds a deleted first entry: the log must start at #1", async () => {
      const report = await verifyAfter(`delete from audit_log where seq = 1`);
      expect(report.firstBroken).toMatchObject({ seq: 1, reason: "sequence-gap" });
    });

    it("finds a deletion hidden by renumbering the rest", async () => {
      const report = await verifyAfter(
        `delete from audit_log where seq = 4`,
        `update audit_log set seq = 4 where seq = 5`,
        `update audit_log set seq = 5 where seq = 6`,
      );
      expect(report.firstBroken).toMatchObject({ seq: 4, reason: "prev-hash-mismatch" });
    });

    it("finds two entries swapped", async () => {
      const report = await verifyAfter(
        `update audit_log set seq = -3 where seq = 3`,
        `update audit_log set seq = 3 where seq = 5`,
        `update audit_log set seq = 5 where seq = -3`,
      );
      expect(report).toMatchObject({
        ok: false,
        entries: 2,
        firstBroken: { seq: 3, reason: "prev-hash-mismatch" },
      });
    });

    it("finds a forged checkpoint signature", async () => {
      const report = await verifyAfter(
        `update audit_checkpoints set signature = translate(signature, 'ABCDEFGHabcdefgh', 'BCDEFGHAbcdefgha')`,
      );
      expect(report).toMatchObject({
        ok: false,
        entries: 6,
        firstBroken: { seq: 6, reason: "checkpoint-signature" },
      });
    });

    it("finds a checkpoint claimed by an unknown key", async () => {
      const report = await verifyAfter(`update audit_checkpoints set key_id = 'ffffffffffffffff'`);
      expect(report.firstBroken).toMatchObject({ seq: 6, reason: "checkpoint-signature" });
    });

    it("finds a tail rewritten with recomputed hashes, by its signed checkpoint", async () => {
      // The forger knows the hashing scheme but not the signing key.
      const [row] = await t.ctx.database.query<{
        seq: string;
        at: Date;
        prev_hash: string;
        details: unknown;
      }>(`select seq, at, prev_hash, details from audit_log where seq = 6`);
      if (!row) throw new Error("no entry #6");
      const forged = { name: "tinh-an-giang", title: "Forged", kind: "agency", country: "VN" };
      const body = {
        seq: 6,
        at: new Date(row.at).toISOString(),
        actor: "system",
        action: "organization.create",
        resource: "organization:tinh-an-giang",
        details: forged,
      };
      await t.ctx.database.query(
        `update audit_log set actor = $1, details = $2::jsonb, hash = $3 where seq = 6`,
        ["system", JSON.stringify(forged), hashEntry(body, row.prev_hash)],
      );
      expect(await verify()).toMatchObject({
        ok: false,
        entries: 6,
        firstBroken: { seq: 6, reason: "checkpoint-mismatch" },
      });
    });

    it("finds entries cut off below a signed checkpoint", async () => {
      const report = await verifyAfter(`delete from audit_log where seq > 4`);
      expect(report).toMatchObject({
        ok: false,
        entries: 4,
        firstBroken: { seq: 5, reason: "checkpoint-beyond-head" },
        checkpoint: { seq: 6 },
      });
      expect(report.firstBroken.detail).toContain("#6");
    });

    it("finds a cut tail that was appended to again", async () => {
      await t.ctx.database.query(`delete from audit_log where seq > 4`);
      for (const n of [5, 6]) {
        await t.ctx.db.transaction((tx) =>
          t.ctx.audit.append(tx, { actor: "system", action: "test.refill", resource: `test:${n}` }),
        );
      }
      expect(await verify()).toMatchObject({
        ok: false,
        firstBroken: { seq: 6, reason: "checkpoint-mismatch" },
      });
    });
  });
});
