import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectSource } from "./detect.ts";
import { detectDelimiter, detectHeader, parseRecords } from "./dialect.ts";
import { encodeWindows1258, VIETNAMESE_CSV } from "./vietnamese-text.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "mekong-detect-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const filePath = path.join(dir, name);
  await writeFile(filePath, content);
  return filePath;
}

describe("format by content, not by name", () => {
  it("sees CSV, JSON, NDJSON, Parquet and XLSX whatever the file is called", async () => {
    expect(await detectSource(await file("data.xlsx", "a,b\n1,2\n"))).toMatchObject({ format: "csv" });
    expect(await detectSource(await file("data.csv", '[{"a": 1}]'))).toMatchObject({ format: "json" });
    expect(await detectSource(await file("data.txt", '{"a": 1}\n{"a": 2}\n'))).toMatchObject({
      format: "ndjson",
    });
    expect(await detectSource(await file("pretty.dat", '{\n  "a": 1\n}\n'))).toMatchObject({
      format: "json",
    });
    const parquet = Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(32), Buffer.from("PAR1")]);
    expect(await detectSource(await file("data.csv", parquet))).toEqual({
      format: "parquet",
      encoding: "binary",
    });

    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("Sheet1").addRow(["a", 1]);
    const xlsx = await file("book.csv", Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(await detectSource(xlsx)).toEqual({ format: "xlsx", encoding: "binary" });
  });

  it("refuses what is not a table, saying what it is", async () => {
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    await expect(detectSource(await file("old.xls", xls))).rejects.toMatchObject({
      code: "unsupported_format",
      details: { detected: "a legacy Office file (.xls)" },
    });
    await expect(
      detectSource(await file("x.csv", Buffer.from([0x1f, 0x8b, 8, 0, 1, 2]))),
    ).rejects.toMatchObject({
      code: "unsupported_format",
    });
    await expect(
      detectSource(await file("doc.csv", Buffer.from("PK\u0003\u0004....word/document.xml"))),
    ).rejects.toMatchObject({
      code: "unsupported_format",
      details: { reason: "zip" },
    });
  });

  it("says empty for an empty or blank file", async () => {
    await expect(detectSource(await file("empty.csv", ""))).rejects.toMatchObject({ code: "empty_file" });
    await expect(detectSource(await file("blank.csv", " \n\n \r\n"))).rejects.toMatchObject({
      code: "empty_file",
    });
    await expect(detectSource(path.join(dir, "nope.csv"))).rejects.toMatchObject({ code: "unreadable_file" });
  });

  it("reports the encoding it found", async () => {
    expect(await detectSource(await file("cp1258.csv", encodeWindows1258(VIETNAMESE_CSV)))).toMatchObject({
      format: "csv",
      encoding: "windows-1258",
      delimiter: ",",
      header: true,
    });
  });

  it("lets the caller force format, delimiter and header", async () => {
    const forced = await detectSource(await file("forced.txt", "a|b\n1|2\n"), {
      delimiter: ";",
      header: false,
    });
    expect(forced).toMatchObject({ format: "csv", delimiter: ";", header: false });
    expect(await detectSource(await file("t.txt", "a\tb\n1\t2\n"))).toMatchObject({
      format: "tsv",
      delimiter: "\t",
    });
  });
});

describe("delimiters", () => {
  it.each([
    [",", "a,b,c\n1,2,3\n4,5,6\n"],
    [";", "tên;số tiền\nAn;1.234,5\nBình;2,5\n"],
    ["\t", "a\tb\n1\t2\n"],
    ["|", "a|b|c\n1|x, y|3\n"],
  ])("finds %j", (delimiter, text) => {
    expect(detectDelimiter(text, true)).toBe(delimiter);
  });

  it("is not fooled by delimiters inside quotes or a comma in Vietnamese text", () => {
    expect(detectDelimiter('ten;dia_chi\n"An";"Số 1, Hà Nội"\n"Bình";"Huế, Việt Nam"\n', true)).toBe(";");
    expect(parseRecords('a,"b,""c""\nd",e\n', ",", 10, true)).toEqual([["a", 'b,"c"\nd', "e"]]);
    expect(parseRecords("a||b\n1||2", "||", 10, true)).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("uses a long first line as evidence even without its end", () => {
    expect(detectDelimiter(`a;b;c;${"x".repeat(1000)}`, false)).toBe(";");
  });
});

describe("header detection", () => {
  const records = (text: string) => parseRecords(text, ",", 100, true);
  const missing = ["", "NA"];

  it("sees a header over typed columns", () => {
    expect(detectHeader(records("Năm,Dân số\n2021,98500000\n2022,99400000\n"), missing)).toBe(true);
    expect(detectHeader(records("ngay,so\n31/12/2024,1\n01/01/2025,2\n"), missing)).toBe(true);
  });

  it("sees data in the first row when it fits the column types", () => {
    expect(detectHeader(records("2020,97300000\n2021,98500000\n2022,99400000\n"), missing)).toBe(false);
    expect(detectHeader(records("1,Hà Nội,true\n2,Huế,false\n"), missing)).toBe(false);
  });

  it("assumes a header when every column is text, or there is one row", () => {
    expect(detectHeader(records("ten,tinh\nAn,Hà Nội\nBình,Huế\n"), missing)).toBe(true);
    expect(detectHeader(records("a,b\n"), missing)).toBe(true);
  });
});
