import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../engine/index.ts";
import { Bindings, quoteIdentifier } from "./bindings.ts";
import { coerceValue } from "./coerce.ts";
import { filterCondition, parseFilters, splitList } from "./filters.ts";
import { afterCursorCondition } from "./ordering.ts";
import { parseRange } from "./ranges.ts";
import { foldText, searchWords, wordPattern } from "./search.ts";
import { csvCell, neutraliseFormula } from "./spreadsheet-safety.ts";
import type { DataField } from "./table-schema.ts";
import { spreadSample } from "./totals.ts";

const field = (name: string, type: DataField["type"]): DataField => ({ name, type });

describe("identifiers and values", () => {
  it("quotes identifiers, doubling quotes inside", () => {
    expect(quoteIdentifier("ten")).toBe('"ten"');
    expect(quoteIdentifier('a"; DROP TABLE t; --')).toBe('"a""; DROP TABLE t; --"');
  });

  it("binds every filter value as a parameter cast to the field's type", () => {
    const fields = [field("id", "integer"), field("tinh", "string"), field("ngay", "date")];
    const b = new Bindings();
    const sql = parseFilters(
      fields,
      { "id[gte]": "5", tinh: "x'); DROP", "ngay[in]": "2024-01-01,2024-02-29", limit: "3" },
      new Set(["limit"]),
    )
      .map((f) => filterCondition(f, b))
      .join(" AND ");
    expect(sql).toBe('"id" >= $1::BIGINT AND "tinh" = $2::VARCHAR AND "ngay" IN ($3::DATE, $4::DATE)');
    expect(b.values).toEqual([5n, "x'); DROP", "2024-01-01", "2024-02-29"]);
  });

  it("splits in-lists on unescaped commas", () => {
    expect(splitList("a,b")).toEqual(["a", "b"]);
    expect(splitList("Hà Nội\\, Việt Nam,Huế")).toEqual(["Hà Nội, Việt Nam", "Huế"]);
    expect(splitList("a\\\\,b")).toEqual(["a\\", "b"]);
    expect(splitList("")).toEqual([""]);
  });

  it.each([
    ["integer", "-42", -42n],
    ["integer", "+7", 7n],
    ["year", "2024", 2024n],
    ["number", "1.5e3", 1500],
    ["number", ".5", 0.5],
    ["boolean", "TRUE", true],
    ["boolean", "0", false],
    ["date", "2024-02-29", "2024-02-29"],
    ["datetime", "2024-02-29 13:45:06.5", "2024-02-29T13:45:06.5"],
    ["datetime", "2024-02-29T13:45:06+07:00", "2024-02-29T13:45:06+07:00"],
    ["time", "23:59:59", "23:59:59"],
    ["string", "' OR 1=1", "' OR 1=1"],
  ] as const)("coerces %s %s", (type, text, value) => {
    expect(coerceValue(field("f", type), text, "/q").value).toEqual(value);
  });

  it.each([
    ["integer", "1.5"],
    ["integer", "99999999999999999999"],
    ["integer", "1; DROP"],
    ["year", "99999999999"],
    ["number", "NaN"],
    ["number", "1e400"],
    ["number", "0x10"],
    ["boolean", "yes"],
    ["date", "2023-02-29"],
    ["date", "2024-1-1"],
    ["datetime", "2024-02-29T25:00"],
    ["time", "24:00:00"],
  ] as const)("refuses %s %s with validation_failed at the parameter", (type, text) => {
    expect(() => coerceValue(field("f", type), text, "/querystring/f")).toThrow(
      expect.objectContaining({
        code: "validation_failed",
        extras: { errors: [expect.objectContaining({ path: "/querystring/f" })] },
      }),
    );
  });
});

describe("keyset condition", () => {
  it("is strictly after the last row, nulls last, ties by row id", () => {
    const b = new Bindings();
    const keys = [
      { field: field("diem", "number"), descending: true },
      { field: field("ten", "string"), descending: false },
    ];
    expect(afterCursorCondition(keys, { n: 1, f: "", k: [9.5, "b"], r: 41 }, b, "file_row_number")).toBe(
      '(("diem" < $1::DOUBLE OR "diem" IS NULL)) OR ("diem" = $1::DOUBLE AND ("ten" > $2::VARCHAR OR "ten" IS NULL)) OR ("diem" = $1::DOUBLE AND "ten" = $2::VARCHAR AND file_row_number > $3)',
    );
    expect(b.values).toEqual([9.5, "b", 41n]);
    const nulls = new Bindings();
    expect(
      afterCursorCondition(keys.slice(0, 1), { n: 1, f: "", k: [null], r: 7 }, nulls, "file_row_number"),
    ).toBe('("diem" IS NULL AND file_row_number > $1)');
  });
});

describe("search", () => {
  let engine: Engine;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "mekong-search-"));
    engine = await createEngine({
      blobRoot: path.join(dir, "blobs"),
      tempDir: path.join(dir, "tmp"),
      poolSize: 1,
    });
  });
  afterAll(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("folds case, diacritics and đ", () => {
    expect(foldText("Đà Nẵng ĐƯỜNG Hà Nội")).toBe("da nang duong ha noi");
    expect(searchWords("  Hà   Nội hà ")).toEqual(["ha", "noi"]);
    expect(searchWords("")).toEqual([]);
  });

  const matches = async (text: string, q: string) => {
    const rows = await engine.query("SELECT regexp_matches($1, $2) AS hit", [text, wordPattern(q)]);
    return rows[0]?.hit;
  };

  it.each([
    ["Hà Nội", "ha"],
    ["HÀ NỘI", "noi"],
    ["Đà Nẵng", "da"],
    ["đường Trường Chinh", "duong"],
    ["Thừa Thiên Huế", "hue"],
    ["Ha Noi", "noi"],
    ["Hà Nội".normalize("NFD"), "noi"],
    ["giá 100% (VAT)", "100%"],
    ["a.b", "a.b"],
    ["(?i)", "(?i"],
  ])("%s contains %s", async (text, q) => {
    expect(await matches(text, foldText(q))).toBe(true);
  });

  it.each([
    ["Hà Nội", "hanoi"],
    ["axb", "a.b"],
    ["anything", ".*"],
    ["Huế", "hue)"],
  ])("%s does not contain %s (metacharacters are literal)", async (text, q) => {
    expect(await matches(text, foldText(q))).toBe(false);
  });
});

describe("byte ranges", () => {
  it.each([
    ["bytes=0-3", { start: 0, end: 3 }],
    ["bytes=5-", { start: 5, end: 9 }],
    ["bytes=-4", { start: 6, end: 9 }],
    ["bytes=-40", { start: 0, end: 9 }],
    ["bytes=8-100", { start: 8, end: 9 }],
    ["bytes=10-", "unsatisfiable"],
    ["bytes=-0", "unsatisfiable"],
    ["bytes=3-1", undefined],
    ["bytes=0-1,4-5", undefined],
    ["items=0-1", undefined],
  ] as const)("%s of 10 bytes", (header, expected) => {
    expect(parseRange(header, 10)).toEqual(expected);
  });
});

describe("spreadsheet safety and sampling", () => {
  it("neutralises what a spreadsheet would run, in text fields only", () => {
    for (const text of ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0"]) {
      expect(neutraliseFormula(text)).toBe(`'${text}`);
    }
    expect(neutraliseFormula("Hà Nội = thủ đô")).toBe("Hà Nội = thủ đô");
    expect(csvCell(field("ghi_chu", "string"), "=1+2")).toBe("'=1+2");
    expect(csvCell(field("so", "integer"), -5)).toBe("-5");
    expect(csvCell(field("ghi_chu", "string"), 'a,"b"')).toBe('"a,""b"""');
  });

  it("spreads a sample evenly over the row groups", () => {
    const groups = Array.from({ length: 100 }, (_, i) => i);
    expect(spreadSample(groups, 4)).toEqual([12, 37, 62, 87]);
    expect(spreadSample([1, 2], 8)).toEqual([1, 2]);
  });
});
