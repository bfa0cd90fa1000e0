import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDatasetWithRows } from "../../../test/helpers/datasets.ts";
import { type TestApp, type TestUser, testApp } from "../../../test/helpers/test-app.ts";
import { datasetOpenApi } from "./dataset-openapi.ts";

type Doc = Record<string, unknown> & {
  openapi: string;
  servers: { url: string }[];
  security: Record<string, string[]>[];
  paths: Record<
    string,
    { get: { parameters: { name: string; in: string; schema: Record<string, unknown> }[] } }
  >;
  components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
};

async function expectValidOpenApi31(doc: Record<string, unknown>) {
  const result = await new Validator().validate(doc);
  expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
  expect(result.valid).toBe(true);
  // Every local $ref points at something.
  const refs = JSON.stringify(doc).match(/"\$ref":"#\/[^"]+"/g) ?? [];
  for (const ref of refs) {
    const path = ref.slice(10, -1).split("/");
    let node: unknown = doc;
    for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
    expect(node, ref).toBeDefined();
  }
}

const operation = (doc: Doc) => Object.values(doc.paths)[0]?.get;
const paramNames = (doc: Doc) => operation(doc)?.parameters.map((p) => p.name) ?? [];
const param = (doc: Doc, name: string) => operation(doc)?.parameters.find((p) => p.name === name);

describe("per-dataset OpenAPI document", () => {
  let t: TestApp;
  let member: TestUser;
  const org = "so-giao-thong-van-tai";

  beforeAll(async () => {
    t = await testApp({ env: { MEKONG_PUBLIC_URL: "https://data.example.gov.vn" } });
    await t.makeOrg({ name: org });
    member = await t.makeUser();
    await t.addMember(org, member.id, "member");
    const columns = {
      bien_so: "VARCHAR",
      so_cho: "BIGINT",
      tai_trong_tan: "DOUBLE",
      con_han: "BOOLEAN",
      ngay_dang_kiem: "DATE",
      cap_nhat_luc: "TIMESTAMP",
    } as const;
    const rows = [
      {
        bien_so: "51B-123.45",
        so_cho: 45,
        tai_trong_tan: 12.5,
        con_han: true,
        ngay_dang_kiem: "2024-03-01",
        cap_nhat_luc: "2024-03-01T09:30:00",
      },
    ];
    await makeDatasetWithRows(t.ctx, {
      org,
      name: "phuong-tien-dang-kiem",
      title: "Phương tiện đã đăng kiểm",
      columns,
      rows,
    });
    await makeDatasetWithRows(t.ctx, { org, name: "noi-bo", visibility: "private", columns, rows });
    const admin = await t.makeUser({ isPlatformAdmin: true });
    await t.app.inject({
      method: "POST",
      url: "/api/v1/datasets",
      headers: admin.headers,
      payload: { org, name: "chua-co-du-lieu", title: "Chưa có dữ liệu", visibility: "open" },
    });
  });
  afterAll(() => t?.close());

  it("describes an open dataset's rows API as valid OpenAPI 3.1 with typed filters", async () => {
    const res = await t.app.inject({ url: `/api/v1/datasets/${org}/phuong-tien-dang-kiem/openapi.json` });
    expect(res.statusCode, res.body).toBe(200);
    const doc = res.json() as Doc;
    await expectValidOpenApi31(doc);
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: "https://data.example.gov.vn" }]);
    expect(Object.keys(doc.paths)).toEqual([`/api/v1/datasets/${org}/phuong-tien-dang-kiem/rows`]);
    // Anonymous callers may use it: the empty requirement is one of the alternatives.
    expect(doc.security).toContainEqual({});

    const names = paramNames(doc);
    expect(names).toEqual(
      expect.arrayContaining(["fields", "q", "sort", "limit", "offset", "cursor", "total", "version"]),
    );
    expect(new Set(names).size).toBe(names.length);
    expect(param(doc, "so_cho")?.schema).toEqual({ type: "integer" });
    expect(param(doc, "so_cho[gte]")?.schema).toEqual({ type: "integer" });
    expect(param(doc, "ngay_dang_kiem[lt]")?.schema).toEqual({ type: "string", format: "date" });
    expect(param(doc, "cap_nhat_luc[gt]")?.schema).toEqual({ type: "string", format: "date-time" });
    expect(param(doc, "tai_trong_tan[lte]")?.schema).toEqual({ type: "number" });
    expect(param(doc, "con_han")?.schema).toEqual({ type: "boolean" });
    expect(names).toContain("bien_so[in]");
    // Text and booleans have no order: no range filters for them.
    expect(names).not.toContain("bien_so[gte]");
    expect(names).not.toContain("con_han[lt]");
    expect(param(doc, "sort")?.schema.items).toMatchObject({ enum: expect.arrayContaining(["-so_cho"]) });

    const record = doc.components.schemas.Record?.properties ?? {};
    expect(Object.keys(record)).toEqual([
      "bien_so",
      "so_cho",
      "tai_trong_tan",
      "con_han",
      "ngay_dang_kiem",
      "cap_nhat_luc",
    ]);
    expect(record.so_cho).toEqual({ type: ["integer", "null"] });
    expect(record.cap_nhat_luc).toEqual({ type: ["string", "null"], format: "date-time" });
    expect(Object.keys(doc.components.schemas.RowsPage?.properties ?? {})).toEqual([
      "fields",
      "records",
      "total",
      "nextCursor",
    ]);
  });

  it("is readable exactly by those who may read the dataset", async () => {
    const url = `/api/v1/datasets/${org}/noi-bo/openapi.json`;
    const anonymous = await t.app.inject({ url });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe("unauthenticated");
    const outsider = await t.makeUser();
    expect((await t.app.inject({ url, headers: outsider.headers })).json().code).toBe("forbidden");
    const asMember = await t.app.inject({ url, headers: member.headers });
    expect(asMember.statusCode).toBe(200);
    const doc = asMember.json() as Doc;
    await expectValidOpenApi31(doc);
    expect(doc.security).not.toContainEqual({});
  });

  it("answers 404 for a dataset with no data yet, or none at all", async () => {
    const empty = await t.app.inject({ url: `/api/v1/datasets/${org}/chua-co-du-lieu/openapi.json` });
    expect(empty.statusCode).toBe(404);
    expect(empty.json().code).toBe("version_not_found");
    const missing = await t.app.inject({ url: `/api/v1/datasets/${org}/khong-co/openapi.json` });
    expect(missing.json().code).toBe("dataset_not_found");
  });
});

describe("datasetOpenApi", () => {
  const build = (fields: unknown[]) =>
    datasetOpenApi({
      base: "https://data.example.gov.vn",
      org: "bo-y-te",
      name: "co-so-kham-chua-benh",
      title: "Cơ sở khám chữa bệnh",
      description: "Danh sách cơ sở khám chữa bệnh được cấp phép.",
      isPublic: true,
      version: 3,
      schema: { fields, missingValues: [""] },
    }) as unknown as Doc;

  it("carries the Table Schema's constraints, titles and required columns into the schemas", async () => {
    const doc = build([
      {
        name: "ma_co_so",
        type: "string",
        title: "Mã cơ sở",
        constraints: { required: true, pattern: "^[0-9]{5}$" },
      },
      { name: "hang", type: "string", constraints: { enum: ["I", "II", "III"] } },
      { name: "so_giuong", type: "integer", constraints: { minimum: 0, maximum: 5000 } },
      { name: "nam_thanh_lap", type: "year" },
      { name: "gio_mo_cua", type: "time" },
      { name: "limit", type: "integer", description: "giới hạn giường bệnh" },
      { name: "BAD NAME", type: "string" },
    ]);
    await expectValidOpenApi31(doc);
    const record = doc.components.schemas.Record?.properties ?? {};
    expect(record.ma_co_so).toEqual({ type: "string", pattern: "^[0-9]{5}$", title: "Mã cơ sở" });
    expect(record.hang).toEqual({ type: ["string", "null"], enum: ["I", "II", "III", null] });
    expect(record.so_giuong).toEqual({ type: ["integer", "null"], minimum: 0, maximum: 5000 });
    expect(record.nam_thanh_lap).toEqual({ type: ["integer", "null"] });
    expect(record.gio_mo_cua).toEqual({ type: ["string", "null"], format: "time" });
    // A malformed field is left out rather than breaking the document.
    expect(record["BAD NAME"]).toBeUndefined();

    expect(param(doc, "hang")?.schema).toEqual({ type: "string", enum: ["I", "II", "III"] });
    // Range filters compare, they do not pick from the list.
    expect(param(doc, "so_giuong[gt]")?.schema).toEqual({ type: "integer", minimum: 0, maximum: 5000 });
    // A column named like a control parameter keeps its operators but not the bare equality filter.
    expect(paramNames(doc).filter((n) => n === "limit")).toHaveLength(1);
    expect(param(doc, "limit")?.schema).toEqual({ type: "integer", minimum: 1 });
    expect(paramNames(doc)).toContain("limit[gte]");
    expect((doc.info as { version: string }).version).toBe("3");
  });

  it("is still valid for a schema it cannot read", async () => {
    const doc = build([]);
    await expectValidOpenApi31(doc);
    expect(Object.keys(doc.components.schemas.Record?.properties ?? {})).toEqual([]);
  });
});
