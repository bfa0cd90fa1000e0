import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inferSchema } from "./pipeline.ts";
import { literal } from "./sql.ts";
import { createIngestHarness, type IngestHarness } from "./testing.ts";

let h: IngestHarness;
beforeAll(async () => {
  h = await createIngestHarness();
});
afterAll(async () => {
  await h.close();
});

describe("delimited text", () => {
  it("ingests CSV into typed Parquet and answers its schema", async () => {
    const csv = "id,Tên,Ngày,Số tiền,Đạt\n1,An,2024-01-31,12.5,true\n2,Bình,2024-02-29,,false\n3,Chi,,7,\n";
    const result = await h.ingest(await h.file("people.csv", csv));

    expect(result).toMatchObject({
      rows: 3,
      source: {
        format: "csv",
        encoding: "utf-8",
        delimiter: ",",
        header: true,
        bytes: Buffer.byteLength(csv),
      },
      warnings: [],
    });
    expect(result.blobKey).toBe(
      `sha256/${result.sha256.slice(0, 2)}/${result.sha256.slice(2, 4)}/${result.sha256}`,
    );
    expect(result.schema.fields.map((f) => [f.name, f.type, f.title])).toEqual([
      ["id", "integer", "id"],
      ["ten", "string", "Tên"],
      ["ngay", "date", "Ngày"],
      ["so_tien", "number", "Số tiền"],
      ["dat", "boolean", "Đạt"],
    ]);
    expect(result.schema.missingValues).toEqual(["", "NA", "N/A", "-", "null"]);
    expect(await h.types(result)).toEqual({
      id: "BIGINT",
      ten: "VARCHAR",
      ngay: "DATE",
      so_tien: "DOUBLE",
      dat: "BOOLEAN",
    });
    expect(await h.rows(result)).toEqual([
      { id: 1, ten: "An", ngay: "2024-01-31", so_tien: 12.5, dat: true },
      { id: 2, ten: "Bình", ngay: "2024-02-29", so_tien: null, dat: false },
      { id: 3, ten: "Chi", ngay: null, so_tien: 7, dat: null },
    ]);
  });

  it.each([
    ["semicolon", ";", "csv"],
    ["tab", "\t", "tsv"],
    ["pipe", "|", "csv"],
  ])("detects the %s delimiter", async (_name, delimiter, format) => {
    const csv = ["ma;ten;so", "1;An;2", "2;Bình;3"].join("\n").replaceAll(";", delimiter);
    const result = await h.ingest(await h.file("delim.txt", csv));
    expect(result.source).toMatchObject({ format, delimiter });
    expect(await h.rows(result)).toEqual([
      { ma: 1, ten: "An", so: 2 },
      { ma: 2, ten: "Bình", so: 3 },
    ]);
  });

  it("reads a file without a header, naming columns by position", async () => {
    const result = await h.ingest(await h.file("noheader.csv", "1,Hà Nội,2024-01-01\n2,Huế,2024-01-02\n"));
    expect(result.source.header).toBe(false);
    expect(result.schema.fields.map((f) => [f.name, f.type, f.title])).toEqual([
      ["column_1", "integer", undefined],
      ["column_2", "string", undefined],
      ["column_3", "date", undefined],
    ]);
    expect(result.rows).toBe(2);
  });

  it("keeps quoted delimiters, quotes and newlines inside fields", async () => {
    const csv = 'ten,ghi_chu\nAn,"Số 1, ""Hà Nội""\ndòng hai"\nBình,x\n';
    const result = await h.ingest(await h.file("quoted.csv", csv));
    expect(await h.rows(result)).toEqual([
      { ten: "An", ghi_chu: 'Số 1, "Hà Nội"\ndòng hai' },
      { ten: "Bình", ghi_chu: "x" },
    ]);
  });

  it("lets the caller force delimiter and header", async () => {
    const result = await h.ingest(await h.file("forced.csv", "a;b\n1;2\n"), {
      delimiter: ";",
      header: false,
    });
    expect(await h.rows(result)).toEqual([
      { column_1: "a", column_2: "b" },
      { column_1: "1", column_2: "2" },
    ]);
  });
});

describe("inferSchema", () => {
  it("previews the schema and row count without storing anything", async () => {
    const keys = async () => {
      const found: string[] = [];
      for await (const key of h.blobs.list("")) found.push(key);
      return found;
    };
    const before = await keys();
    const preview = await inferSchema(h.engine, h.blobs, await h.file("preview.csv", "ma,so\n01,1\n02,2\n"), {
      tempDir: h.tempDir,
    });
    expect(preview).toMatchObject({ rows: 2, source: { format: "csv" }, warnings: [] });
    expect(preview.schema.fields.map((f) => [f.name, f.type])).toEqual([
      ["ma", "string"],
      ["so", "integer"],
    ]);
    expect(await keys()).toEqual(before);
    expect(await h.leftovers()).toEqual([]);
  });
});

describe("JSON", () => {
  it("ingests an array of objects, nested values as JSON text", async () => {
    const json = JSON.stringify([
      { id: 1, code: "01", score: 7.5, ok: true, tags: ["a", "b"], when: "31/12/2024" },
      { id: 2, code: "79", score: 8, ok: false, tags: [], when: "01/01/2025", extra: null },
    ]);
    const result = await h.ingest(await h.file("rows.json", json));
    expect(result.source).toMatchObject({ format: "json", encoding: "utf-8" });
    expect(await h.types(result)).toMatchObject({
      id: "BIGINT",
      code: "VARCHAR",
      score: "DOUBLE",
      ok: "BOOLEAN",
      when: "DATE",
    });
    expect(await h.rows(result)).toEqual([
      { id: 1, code: "01", score: 7.5, ok: true, tags: '["a","b"]', when: "2024-12-31", extra: null },
      { id: 2, code: "79", score: 8, ok: false, tags: "[]", when: "2025-01-01", extra: null },
    ]);
  });

  it("keeps a key that first appears after DuckDB's default sample", async () => {
    const lines = Array.from({ length: 25_000 }, (_, i) =>
      JSON.stringify(i < 24_999 ? { a: i } : { a: i, late: "x" }),
    );
    const result = await h.ingest(await h.file("late-key.ndjson", `${lines.join("\n")}\n`));
    expect(result.schema.fields.map((f) => f.name)).toEqual(["a", "late"]);
    expect((await h.rows(result)).at(-1)).toEqual({ a: 24_999, late: "x" });
  });

  it("ingests NDJSON", async () => {
    const result = await h.ingest(
      await h.file("rows.ndjson", '{"a": 1, "b": "x"}\n{"a": 2, "b": null}\n\n{"a": 3}\n'),
    );
    expect(result.source.format).toBe("ndjson");
    expect(await h.rows(result)).toEqual([
      { a: 1, b: "x" },
      { a: 2, b: null },
      { a: 3, b: null },
    ]);
  });

  it("keeps quoted numbers as text but still reads dates and Có/Không from strings", async () => {
    const lines = [
      { ma: "1.001193", n: 641, ngay: "2023-01-31", truc_tuyen: "Có", nam: "2023" },
      { ma: "2.000001", n: 971, ngay: "2023-02-28", truc_tuyen: "Không", nam: "2024" },
    ].map((o) => JSON.stringify(o));
    const result = await h.ingest(await h.file("codes.ndjson", `${lines.join("\n")}\n`));
    expect(Object.fromEntries(result.schema.fields.map((f) => [f.name, f.type]))).toEqual({
      ma: "string",
      n: "integer",
      ngay: "date",
      truc_tuyen: "boolean",
      nam: "string",
    });
    expect((await h.rows(result))[0]).toMatchObject({
      ma: "1.001193",
      n: 641,
      truc_tuyen: true,
      nam: "2023",
    });
  });
});

describe("Parquet", () => {
  it("re-writes a Parquet file with safe names and Mekong's physical types", async () => {
    const source = path.join(h.tempDir, "source.parquet");
    await h.engine.query(
      `COPY (SELECT 1::INTEGER AS "Mã số", 2.5::DECIMAL(10,2) AS "Giá", DATE '2024-01-02' AS ngay, 'x' AS "ghi chú",
        [1, 2] AS ds, TIMESTAMPTZ '2024-01-02 03:04:05+07' AS luc) TO ${literal(source)} (FORMAT parquet)`,
    );
    const result = await h.ingest(source);
    expect(result.source).toMatchObject({ format: "parquet", encoding: "binary" });
    expect(result.schema.fields.map((f) => [f.name, f.type, f.title])).toEqual([
      ["ma_so", "integer", "Mã số"],
      ["gia", "number", "Giá"],
      ["ngay", "date", "ngay"],
      ["ghi_chu", "string", "ghi chú"],
      ["ds", "string", "ds"],
      ["luc", "datetime", "luc"],
    ]);
    expect(await h.types(result)).toMatchObject({
      ma_so: "BIGINT",
      gia: "DOUBLE",
      luc: "TIMESTAMP WITH TIME ZONE",
    });
    expect(await h.rows(result)).toEqual([
      { ma_so: 1, gia: 2.5, ngay: "2024-01-02", ghi_chu: "x", ds: "[1,2]", luc: "2024-01-01T20:04:05Z" },
    ]);
  });
});

describe("XLSX", () => {
  async function workbook(): Promise<string> {
    const book = new ExcelJS.Workbook();
    const first = book.addWorksheet("Danh sách");
    first.addRow(["Mã tỉnh", "Tên", "Ngày cấp", "Số tiền", "Đã duyệt", "Công thức", "Ghi chú"]);
    first.addRow([
      "01",
      "Hà Nội",
      new Date(Date.UTC(2024, 11, 31)),
      1234567.89,
      true,
      { formula: "1+1", result: 2 },
      "=cmd|' /C calc'!A0",
    ]);
    first.addRow([
      "79",
      "TP Hồ Chí Minh",
      new Date(Date.UTC(2023, 0, 2)),
      12.5,
      false,
      { formula: "2+2", result: 4 },
      null,
    ]);
    first.getColumn(3).numFmt = "dd/mm/yyyy";
    first.getCell("G3").value = { richText: [{ text: "đậm " }, { text: "nghiêng" }] };
    const second = book.addWorksheet("Năm 2025");
    second.addRow(["a", "b"]);
    second.addRow([1, "x"]);
    second.addRow([]);
    second.addRow([2, "y", "thừa"]);
    return h.file("book.xlsx", Buffer.from(await book.xlsx.writeBuffer()));
  }

  it("streams the first sheet with typed cells: dates, numbers, booleans, formulas' results", async () => {
    const result = await h.ingest(await workbook());
    expect(result.source).toMatchObject({
      format: "xlsx",
      encoding: "binary",
      sheet: "Danh sách",
      header: true,
    });
    expect(result.schema.fields.map((f) => [f.name, f.type])).toEqual([
      ["ma_tinh", "string"],
      ["ten", "string"],
      ["ngay_cap", "date"],
      ["so_tien", "number"],
      ["da_duyet", "boolean"],
      ["cong_thuc", "integer"],
      ["ghi_chu", "string"],
    ]);
    expect(await h.rows(result)).toEqual([
      {
        ma_tinh: "01",
        ten: "Hà Nội",
        ngay_cap: "2024-12-31",
        so_tien: 1234567.89,
        da_duyet: true,
        cong_thuc: 2,
        ghi_chu: "=cmd|' /C calc'!A0",
      },
      {
        ma_tinh: "79",
        ten: "TP Hồ Chí Minh",
        ngay_cap: "2023-01-02",
        so_tien: 12.5,
        da_duyet: false,
        cong_thuc: 4,
        ghi_chu: "đậm nghiêng",
      },
    ]);
  });

  it("reads a sheet by name, skipping blank rows and keeping cells past the header", async () => {
    const result = await h.ingest(await workbook(), { sheet: "Năm 2025" });
    expect(result.source.sheet).toBe("Năm 2025");
    expect(await h.rows(result)).toEqual([
      { a: 1, b: "x", column_3: null },
      { a: 2, b: "y", column_3: "thừa" },
    ]);
  });

  it("names the sheets there are when the one asked for is not", async () => {
    await expect(h.ingest(await workbook(), { sheet: "Không có" })).rejects.toMatchObject({
      code: "sheet_not_found",
      details: { sheet: "Không có", available: ["Danh sách", "Năm 2025"] },
    });
  });
});
