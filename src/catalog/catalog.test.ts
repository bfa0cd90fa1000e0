import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../test/helpers/databases.ts";
import { makeDatasetWithRows } from "../../test/helpers/datasets.ts";
import { runCli } from "../../test/helpers/server-process.ts";
import { type TestApp, type TestUser, testApp } from "../../test/helpers/test-app.ts";

describe.each(DATABASE_KINDS)("datasets on %s", (database) => {
  let t: TestApp;
  let org: { id: string; name: string };
  let editor: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    t = await testApp({ database });
    org = await t.makeOrg({ name: "bo-cong-thuong" });
    editor = await t.makeUser();
    member = await t.makeUser();
    outsider = await t.makeUser();
    admin = await t.makeUser({ isPlatformAdmin: true });
    await t.addMember(org.name, editor.id, "editor");
    await t.addMember(org.name, member.id, "member");
  });
  afterAll(() => t?.close());

  const create = (payload: object, headers = editor.headers) =>
    t.app.inject({ method: "POST", url: "/api/v1/datasets", headers, payload });

  it("creates a dataset at its canonical address, draft by default", async () => {
    const res = await create({ org: org.name, name: "gia-ban-le", title: "Giá bán lẻ hàng hóa" });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      org: org.name,
      name: "gia-ban-le",
      visibility: "draft",
      currentVersion: null,
    });
    const shown = await t.app.inject({
      url: `/api/v1/datasets/${org.name}/gia-ban-le`,
      headers: member.headers,
    });
    expect(shown.json().title).toBe("Giá bán lẻ hàng hóa");
    const dup = await create({ org: org.name, name: "gia-ban-le", title: "x" });
    expect(dup.json().code).toBe("dataset_exists");
    const noOrg = await create({ org: "khong-co", name: "x1", title: "x" });
    expect(noOrg.json().code).toBe("organization_not_found");
    const badName = await create({ org: org.name, name: "Tên có dấu", title: "x" });
    expect(badName.json().code).toBe("validation_failed");
  });

  it("shows open datasets to everyone and the rest only to members", async () => {
    await create({ org: org.name, name: "mo", title: "Mở", visibility: "open" });
    await create({ org: org.name, name: "rieng", title: "Riêng", visibility: "private" });
    const anonymous = await t.app.inject({ url: "/api/v1/datasets" });
    const names = (res: { json: () => { items: { name: string }[] } }) => res.json().items.map((d) => d.name);
    expect(names(anonymous)).toContain("mo");
    expect(names(anonymous)).not.toContain("rieng");
    expect(names(await t.app.inject({ url: "/api/v1/datasets", headers: outsider.headers }))).not.toContain(
      "rieng",
    );
    expect(names(await t.app.inject({ url: "/api/v1/datasets", headers: member.headers }))).toContain(
      "rieng",
    );
    expect((await t.app.inject({ url: `/api/v1/datasets/${org.name}/rieng` })).json().code).toBe(
      "unauthenticated",
    );
    expect(
      (await t.app.inject({ url: `/api/v1/datasets/${org.name}/rieng`, headers: outsider.headers })).json()
        .code,
    ).toBe("forbidden");
    expect((await t.app.inject({ url: `/api/v1/datasets/${org.name}/mo` })).statusCode).toBe(200);
  });

  it("lets editors change a dataset and members only read it", async () => {
    await create({ org: org.name, name: "sua", title: "Trước" });
    const byMember = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/datasets/${org.name}/sua`,
      headers: member.headers,
      payload: { title: "Sau" },
    });
    expect(byMember.json().code).toBe("forbidden");
    const byEditor = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/datasets/${org.name}/sua`,
      headers: editor.headers,
      payload: { title: "Sau", visibility: "open" },
    });
    expect(byEditor.json()).toMatchObject({ title: "Sau", visibility: "open" });
  });

  it("deletes softly and lets a platform admin restore within 30 days", async () => {
    await create({ org: org.name, name: "xoa", title: "Sẽ xóa" });
    const del = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/datasets/${org.name}/xoa`,
      headers: editor.headers,
    });
    expect(del.statusCode).toBe(204);
    expect(
      (await t.app.inject({ url: `/api/v1/datasets/${org.name}/xoa`, headers: editor.headers })).json().code,
    ).toBe("dataset_not_found");
    const listed = await t.app.inject({ url: "/api/v1/datasets?deleted=true", headers: admin.headers });
    expect(listed.json().items.map((d: { name: string }) => d.name)).toContain("xoa");
    expect(
      (await t.app.inject({ url: "/api/v1/datasets?deleted=true", headers: editor.headers })).statusCode,
    ).toBe(403);
    const byEditor = await t.app.inject({
      method: "POST",
      url: `/api/v1/datasets/${org.name}/xoa/restore`,
      headers: editor.headers,
    });
    expect(byEditor.statusCode).toBe(403);
    const restored = await t.app.inject({
      method: "POST",
      url: `/api/v1/datasets/${org.name}/xoa/restore`,
      headers: admin.headers,
    });
    expect(restored.statusCode).toBe(200);
    expect(restored.json().deletedAt).toBeNull();

    await t.app.inject({
      method: "DELETE",
      url: `/api/v1/datasets/${org.name}/xoa`,
      headers: editor.headers,
    });
    await t.ctx.database.query(
      "update datasets set deleted_at = now() - interval '31 days' where name = 'xoa'",
    );
    const late = await t.app.inject({
      method: "POST",
      url: `/api/v1/datasets/${org.name}/xoa/restore`,
      headers: admin.headers,
    });
    expect(late.json().code).toBe("dataset_not_found");
    // The name is free again once deleted.
    expect((await create({ org: org.name, name: "xoa", title: "Mới" })).statusCode).toBe(201);
  });

  it("lists versions with their signatures, verifiable offline with the published key", async () => {
    await makeDatasetWithRows(t.ctx, {
      org: org.name,
      name: "dien-nang",
      visibility: "open",
      columns: { ma_tinh: "VARCHAR", kwh: "DOUBLE" },
      rows: [
        { ma_tinh: "01", kwh: 1200.5 },
        { ma_tinh: "79", kwh: 980 },
      ],
    });
    const list = await t.app.inject({ url: `/api/v1/datasets/${org.name}/dien-nang/versions` });
    expect(list.json().items).toHaveLength(1);
    const v = (await t.app.inject({ url: `/api/v1/datasets/${org.name}/dien-nang/versions/1` })).json();
    expect(v).toMatchObject({ n: 1, rows: 2, id: `${org.name}/dien-nang@1` });
    expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(
      (await t.app.inject({ url: `/api/v1/datasets/${org.name}/dien-nang/versions/2` })).json().code,
    ).toBe("version_not_found");

    const keys = (await t.app.inject({ url: "/api/v1/keys" })).json();
    expect(keys.keys[0].keyId).toBe(v.keyId);
    const dir = mkdtempSync(path.join(os.tmpdir(), "mekong-verify-"));
    try {
      const key = path.join(dir, "key.pem");
      const file = path.join(dir, "dien-nang-v1.parquet");
      writeFileSync(key, keys.keys[0].publicKeyPem);
      const [row] = await t.ctx.database.query<{ blob_key: string }>(
        "select blob_key from dataset_versions where sha256 = $1",
        [v.sha256],
      );
      copyFileSync(t.ctx.blobs.pathOf(row?.blob_key ?? ""), file);
      const ok = runCli([
        "verify",
        file,
        "--signature",
        v.signature,
        "--key",
        key,
        "--id",
        v.id,
        "--sha256",
        v.sha256,
      ]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/^OK/);
      const wrongId = runCli([
        "verify",
        file,
        "--signature",
        v.signature,
        "--key",
        key,
        "--id",
        `${org.name}/dien-nang@2`,
      ]);
      expect(wrongId.code).toBe(1);
      writeFileSync(file, "tampered", { flag: "a" });
      const tampered = runCli(["verify", file, "--signature", v.signature, "--key", key, "--id", v.id]);
      expect(tampered.code).toBe(1);
      expect(tampered.stdout).toMatch(/^INVALID/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
