import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDatasetWithRows } from "../../../test/helpers/datasets.ts";
import { type TestApp, type TestUser, testApp } from "../../../test/helpers/test-app.ts";
import { FILTER_OPERATORS } from "../../data/filters.ts";
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

/** Checks `value` against a schema of the document's components, as a client generated from it would. */
function conformsTo(doc: Doc, schemaName: string, value: unknown) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its plugin is the module and also its `default`.
  ajvFormats.default(ajv);
  const validate = ajv.compile({
    $id: "https://mekong.test/openapi.json",
    $ref: `#/components/schemas/${schemaName}`,
    components: doc.components,
  });
  return validate(value) ? [] : (validate.errors ?? []);
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
      {
        bien_so: "29C-999.99",
        so_cho: 2 ** 53, // beyond Number.MAX_SAFE_INTEGER: answered as decimal text
        tai_trong_tan: null,
        con_han: null,
        ngay_dang_kiem: null,
        cap_nhat_luc: null,
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
    expect(param(doc, "cap_nhat_luc[gt]")?.schema).toMatchObject({
      type: "string",
      pattern: expect.any(String),
    });
    expect(param(doc, "tai_trong_tan[lte]")?.schema).toEqual({ type: "number" });
    expect(param(doc, "con_han")?.schema).toEqual({ type: "boolean" });
    expect(param(doc, "con_han[null]")?.schema).toEqual({ type: "boolean" });
    expect(names).toEqual(expect.arrayContaining(["bien_so[in]", "bien_so[like]", "bien_so[gte]"]));
    // Booleans have no order, and only text has LIKE.
    expect(names).not.toContain("con_han[lt]");
    expect(names).not.toContain("so_cho[like]");
    expect(param(doc, "sort")?.schema.items).toMatchObject({ enum: expect.arrayContaining(["-so_cho"]) });
    expect(param(doc, "limit")?.schema).toMatchObject({ type: "integer", minimum: 1, maximum: 10_000 });
    expect(param(doc, "total")?.schema).toMatchObject({ enum: ["exact", "estimate", "none"] });

    const record = doc.components.schemas.Record?.properties ?? {};
    expect(Object.keys(record)).toEqual([
      "bien_so",
      "so_cho",
      "tai_trong_tan",
      "con_han",
      "ngay_dang_kiem",
      "cap_nhat_luc",
    ]);
    expect(record.tai_trong_tan).toEqual({ type: ["number", "null"] });
    expect(Object.keys(doc.components.schemas.RowsPage?.properties ?? {})).toEqual([
      "fields",
      "records",
      "total",
      "totalEstimated",
      "nextCursor",
    ]);
  });

  it("describes every filter operator the rows API accepts", async () => {
    const doc = (
      await t.app.inject({ url: `/api/v1/datasets/${org}/phuong-tien-dang-kiem/openapi.json` })
    ).json() as Doc;
    const names = paramNames(doc);
    for (const op of FILTER_OPERATORS.filter((o) => o !== "eq")) expect(names).toContain(`bien_so[${op}]`);
  });

  it("types the records the rows API really answers", async () => {
    const doc = (
      await t.app.inject({ url: `/api/v1/datasets/${org}/phuong-tien-dang-kiem/openapi.json` })
    ).json() as Doc;
    const rows = await t.app.inject({
      url: `/api/v1/datasets/${org}/phuong-tien-dang-kiem/rows?total=exact&limit=2`,
    });
    expect(rows.statusCode, rows.body).toBe(200);
    const answer = rows.json();
    expect(answer.records).toHaveLength(2);
    expect(answer.records.map((r: { so_cho: unknown }) => typeof r.so_cho)).toEqual(["number", "string"]);
    expect(conformsTo(doc, "RowsPage", answer)).toEqual([]);
    // And the schema is not vacuous: a wrongly typed value is caught.
    const wrong = { ...answer, records: [{ ...answer.records[0], so_cho: "bốn mươi lăm" }] };
    expect(conformsTo(doc, "RowsPage", wrong)).not.toEqual([]);
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

  it("carries the Table Schema's constraints, titles and required columns into the records", async () => {
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
      { name: "Cột cũ", type: "geopoint" },
    ]);
    await expectValidOpenApi31(doc);
    const record = doc.components.schemas.Record?.properties ?? {};
    expect(record.ma_co_so).toEqual({ type: "string", pattern: "^[0-9]{5}$", title: "Mã cơ sở" });
    expect(record.hang).toEqual({ enum: ["I", "II", "III", null] });
    expect(record.so_giuong).toEqual({
      anyOf: [
        { type: "integer", minimum: 0, maximum: 5000 },
        { type: "string", pattern: "^-?\\d+$", description: "an integer beyond ±2^53, as decimal text" },
        { type: "null" },
      ],
    });
    expect(record.nam_thanh_lap).toEqual({ type: ["integer", "null"] });
    expect(record.gio_mo_cua).toMatchObject({ type: ["string", "null"], pattern: expect.any(String) });
    // A field the rows API reads as text (unknown type, unusual name) is described as text.
    expect(record["Cột cũ"]).toEqual({ type: ["string", "null"] });

    expect(
      conformsTo(doc, "Record", { ma_co_so: "01234", hang: null, so_giuong: 120, nam_thanh_lap: 1998 }),
    ).toEqual([]);
    expect(conformsTo(doc, "Record", { ma_co_so: "01234", hang: "IV" })).not.toEqual([]);
    expect(conformsTo(doc, "Record", { ma_co_so: null })).not.toEqual([]);

    expect(param(doc, "hang")?.schema).toEqual({ type: "string", enum: ["I", "II", "III"] });
    // Filters compare against any value: the column's bounds and list do not narrow them.
    expect(param(doc, "so_giuong[gt]")?.schema).toEqual({ type: "integer" });
    expect(param(doc, "hang[gte]")?.schema).toEqual({ type: "string" });
    // A column named like a route parameter is filtered with the explicit [eq] form.
    expect(paramNames(doc).filter((n) => n === "limit")).toHaveLength(1);
    expect(param(doc, "limit[eq]")?.schema).toEqual({ type: "integer" });
    expect((doc.info as { version: string }).version).toBe("3");
  });

  it("is still valid for a schema it cannot read", async () => {
    const doc = build([]);
    await expectValidOpenApi31(doc);
    expect(Object.keys(doc.components.schemas.Record?.properties ?? {})).toEqual([]);
  });
});
