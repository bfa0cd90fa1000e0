import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDatasetWithRows } from "../../test/helpers/datasets.ts";
import { type TestApp, type TestUser, testApp } from "../../test/helpers/test-app.ts";

describe("schema corrections", () => {
  let t: TestApp;
  let editor: TestUser;
  let org: { name: string };

  beforeAll(async () => {
    t = await testApp();
    org = await t.makeOrg();
    editor = await t.makeUser();
    await t.addMember(org.name, editor.id, "editor");
    await makeDatasetWithRows(t.ctx, {
      org: org.name,
      name: "dang-ky",
      visibility: "private",
      columns: { ma_tinh: "VARCHAR", ngay: "VARCHAR", von: "VARCHAR", online: "VARCHAR" },
      rows: [
        { ma_tinh: "01", ngay: "31/12/2024", von: "1.234.567", online: "Có" },
        { ma_tinh: "79", ngay: "01/02/2023", von: "500.000", online: "Không" },
        { ma_tinh: "48", ngay: "", von: "7", online: "có" },
      ],
    });
  });
  afterAll(() => t?.close());

  const put = (schema: object) =>
    t.app.inject({
      method: "PUT",
      url: `/api/v1/datasets/${org.name}/dang-ky/schema`,
      headers: editor.headers,
      payload: schema,
    });
  const field = (name: string, type: string, extra: object = {}) => ({ name, type, ...extra });

  it("re-casts Vietnamese dates, numbers and booleans into a new version", async () => {
    const res = await put({
      fields: [
        field("ma_tinh", "string", { title: "Mã tỉnh" }),
        field("ngay", "date", { "mekong:parse": { dateFormat: "%d/%m/%Y" } }),
        field("von", "integer", { "mekong:parse": { groupChar: "." } }),
        field("online", "boolean", { "mekong:parse": { trueValues: ["có"], falseValues: ["không"] } }),
      ],
      primaryKey: ["ma_tinh"],
      missingValues: [""],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ n: 2, mode: "schema", rows: 3 });
    const schema = await t.app.inject({
      url: `/api/v1/datasets/${org.name}/dang-ky/schema`,
      headers: editor.headers,
    });
    expect(schema.json().fields[0].title).toBe("Mã tỉnh");
    const [row] = await t.ctx.database.query<{ blob_key: string }>(
      "select blob_key from dataset_versions where n = 2 and dataset_id = (select id from datasets where name = 'dang-ky')",
    );
    const rows = await t.ctx.engine.query(
      `SELECT * FROM read_parquet('${t.ctx.blobs.pathOf(row?.blob_key ?? "")}') ORDER BY ma_tinh`,
    );
    expect(rows).toEqual([
      { ma_tinh: "01", ngay: "2024-12-31", von: 1234567, online: true },
      { ma_tinh: "48", ngay: null, von: 7, online: true },
      { ma_tinh: "79", ngay: "2023-02-01", von: 500000, online: false },
    ]);
  });

  it("refuses values that do not fit, naming the field and samples, and keeps the dataset as it was", async () => {
    const before = (
      await t.app.inject({ url: `/api/v1/datasets/${org.name}/dang-ky`, headers: editor.headers })
    ).json();
    const res = await put({
      fields: [
        field("ma_tinh", "integer", { constraints: { required: true } }),
        field("ngay", "date", { constraints: { required: true } }),
        field("von", "integer"),
        field("online", "boolean"),
      ],
      primaryKey: ["online"],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("schema_mismatch");
    const problems = res.json().problems as { field: string; problem: string }[];
    expect(problems.map((p) => p.field)).toEqual(expect.arrayContaining(["ngay", "online"]));
    const after = (
      await t.app.inject({ url: `/api/v1/datasets/${org.name}/dang-ky`, headers: editor.headers })
    ).json();
    expect(after.currentVersion).toBe(before.currentVersion);
  });

  it("refuses a schema whose fields are not the dataset's columns", async () => {
    const res = await put({ fields: [field("ma_tinh", "string"), field("khac", "string")] });
    expect(res.json()).toMatchObject({ code: "schema_mismatch", missing: ["khac"] });
    const bad = await put({ fields: [field("Mã tỉnh", "string")] });
    expect(bad.json().code).toBe("validation_failed");
    const dupKey = await put({ fields: [field("ma_tinh", "string")], primaryKey: ["nope"] });
    expect(dupKey.json().code).toBe("validation_failed");
  });

  it("lets members read the schema but not change it", async () => {
    const member = await t.makeUser();
    await t.addMember(org.name, member.id, "member");
    expect(
      (await t.app.inject({ url: `/api/v1/datasets/${org.name}/dang-ky/schema`, headers: member.headers }))
        .statusCode,
    ).toBe(200);
    const res = await t.app.inject({
      method: "PUT",
      url: `/api/v1/datasets/${org.name}/dang-ky/schema`,
      headers: member.headers,
      payload: { fields: [field("ma_tinh", "string")] },
    });
    expect(res.json().code).toBe("forbidden");
  });
});
