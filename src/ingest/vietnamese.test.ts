import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_ROWS } from "./infer.ts";
import { createIngestHarness, type IngestHarness } from "./testing.ts";
import { encodeAs, encodeWindows1258, VIETNAMESE_CSV } from "./vietnamese-text.ts";

let h: IngestHarness;
beforeAll(async () => {
  h = await createIngestHarness();
});
afterAll(async () => {
  await h.close();
});

const EXPECTED_NAMES = ["Nguyễn Văn Ánh", "Trần Thị Bích Ngọc", "Lê Quang Đức", "Phạm Thị Hương"];

describe("encodings", () => {
  it.each([
    ["UTF-8", Buffer.from(VIETNAMESE_CSV), "utf-8"],
    [
      "UTF-8 with BOM",
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VIETNAMESE_CSV)]),
      "utf-8",
    ],
    [
      "UTF-16 LE",
      Buffer.concat([Buffer.from([0xff, 0xfe]), encodeAs(VIETNAMESE_CSV, "utf16le")]),
      "utf-16le",
    ],
    [
      "UTF-16 BE",
      Buffer.concat([Buffer.from([0xfe, 0xff]), encodeAs(VIETNAMESE_CSV, "utf16be")]),
      "utf-16be",
    ],
    ["Windows-1258", encodeWindows1258(VIETNAMESE_CSV), "windows-1258"],
    ["TCVN3", encodeAs(VIETNAMESE_CSV, "tcvn"), "tcvn3"],
    ["VISCII", encodeAs(VIETNAMESE_CSV, "viscii"), "viscii"],
  ])("detects %s and stores NFC UTF-8", async (_label, bytes, encoding) => {
    const result = await h.ingest(await h.file("encoded.csv", bytes));
    expect(result.source.encoding).toBe(encoding);
    expect(result.schema.fields.map((f) => f.title)).toEqual(["Họ và tên", "Tỉnh/Thành phố", "Ghi chú"]);
    const rows = await h.rows(result);
    expect(rows.map((r) => r.ho_va_ten)).toEqual(EXPECTED_NAMES);
    expect(rows[3]?.tinh_thanh_pho).toBe("Đắk Lắk");
    // a code page chosen by scoring is a guess, and the result says so
    const guessed = !encoding.startsWith("utf");
    expect(result.warnings).toEqual(
      guessed ? [expect.stringContaining(`read as ${encoding} (detected)`)] : [],
    );
  });

  it("takes a forced encoding over detection", async () => {
    const bytes = encodeWindows1258("ten\nĐà Nẵng\n");
    const result = await h.ingest(await h.file("forced.csv", bytes), { encoding: "cp1258" });
    expect(result.source.encoding).toBe("windows-1258");
    expect(result.warnings).toEqual([]);
    expect(await h.rows(result)).toEqual([{ ten: "Đà Nẵng" }]);
  });

  it("composes decomposed (NFD) UTF-8 and says so", async () => {
    const result = await h.ingest(await h.file("nfd.csv", "tinh\nHà Nội\n".normalize("NFD")));
    expect(await h.rows(result)).toEqual([{ tinh: "Hà Nội".normalize("NFC") }]);
    expect(result.warnings.join(" ")).toMatch(/NFC/);
  });

  it("fails clearly when a UTF-8 file turns invalid after the sampled bytes", async () => {
    const head = "id,ten\n".concat("1,An\n".repeat(40_000));
    const bytes = Buffer.concat([Buffer.from(head), Buffer.from([0x32, 0x2c, 0xff, 0xfe, 0x0a])]);
    await expect(h.ingest(await h.file("broken.csv", bytes))).rejects.toMatchObject({
      code: "encoding_error",
      details: { encoding: "utf-8", line: 40_002 },
    });
  });
});

describe("Vietnamese conventions end to end", () => {
  it("reads day-first dates, 1.234.567,89 numbers, Có/Không and codes", async () => {
    const csv = [
      "Mã tỉnh;Ngày sinh;Thu nhập;Tỷ lệ;Có BHYT;Điện thoại;Mã số thuế;Cập nhật",
      "01;31/12/1990;1.234.567,89;12,5;Có;0912345678;0101234567;31/12/2024 08:30",
      "79;01/02/1985;15.000.000;7;không;0987654321;0301234567;01/01/2025 17:05",
      "96;15-08-2000;-2.500,5;-;CÓ;-;NA;",
    ].join("\r\n");
    const result = await h.ingest(await h.file("vn.csv", csv));
    expect(result.source.delimiter).toBe(";");
    expect(Object.fromEntries(result.schema.fields.map((f) => [f.name, f.type]))).toEqual({
      ma_tinh: "string",
      ngay_sinh: "string", // mixes / and - : not one date format
      thu_nhap: "number",
      ty_le: "number",
      co_bhyt: "boolean",
      dien_thoai: "string",
      ma_so_thue: "string",
      cap_nhat: "datetime",
    });
    const rows = await h.rows(result);
    expect(rows[0]).toMatchObject({
      ma_tinh: "01",
      thu_nhap: 1234567.89,
      ty_le: 12.5,
      co_bhyt: true,
      dien_thoai: "0912345678",
      cap_nhat: "2024-12-31T08:30:00",
    });
    expect(rows[2]).toMatchObject({
      thu_nhap: -2500.5,
      ty_le: null,
      co_bhyt: true,
      dien_thoai: null,
      ma_so_thue: null,
    });
  });

  it("stores dates as DATE and keeps the day first", async () => {
    const result = await h.ingest(await h.file("dates.csv", "ngay\n01/02/2024\n31/12/2024\n"));
    expect(result.schema.fields[0]).toMatchObject({ type: "date", format: "%d/%m/%Y" });
    expect(await h.types(result)).toEqual({ ngay: "DATE" });
    expect(await h.rows(result)).toEqual([{ ngay: "2024-02-01" }, { ngay: "2024-12-31" }]);
  });
});

describe("the full-file check overrules the sample", () => {
  const rows = SAMPLE_ROWS + 50;

  it("falls back to text when a value past the sample is not a number", async () => {
    const lines = Array.from({ length: rows }, (_, i) => (i === rows - 5 ? "abc" : String(i + 1)));
    const result = await h.ingest(await h.file("late-text.csv", `so\n${lines.join("\n")}\n`));
    expect(result.schema.fields[0]?.type).toBe("string");
    expect(result.rows).toBe(rows);
  });

  it("keeps codes as text when the leading zeros only come after the sample", async () => {
    const lines = Array.from({ length: rows - 3 }, (_, i) => String(10 + (i % 87))).concat([
      "01",
      "05",
      "09",
    ]);
    const result = await h.ingest(await h.file("late-zero.csv", `ma_tinh\n${lines.join("\n")}\n`));
    expect(result.schema.fields[0]?.type).toBe("string");
    expect((await h.rows(result)).at(-1)).toEqual({ ma_tinh: "09" });
  });

  it("widens integers to numbers when decimals come after the sample", async () => {
    const lines = Array.from({ length: rows }, (_, i) => (i === rows - 1 ? "2.5" : String(i)));
    const result = await h.ingest(await h.file("late-decimal.csv", `gia_tri\n${lines.join("\n")}\n`));
    expect(result.schema.fields[0]?.type).toBe("number");
    expect((await h.rows(result)).at(-1)).toEqual({ gia_tri: 2.5 });
  });

  it("types a column the sample saw empty from the values after it", async () => {
    const lines = Array.from({ length: rows }, (_, i) => (i < rows - 2 ? "a," : `b,${i}`));
    const result = await h.ingest(await h.file("late-values.csv", `x,y\n${lines.join("\n")}\n`));
    expect(result.schema.fields[1]).toMatchObject({ name: "y", type: "integer" });
  });
});
