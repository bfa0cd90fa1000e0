import { createHash } from "node:crypto";
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestApp, testApp } from "../../test/helpers/test-app.ts";
import { versionSigningMessage } from "../catalog/versions.ts";
import { makeBusinesses } from "./testing.ts";

describe("GET …/download.{format}", () => {
  let t: TestApp;
  let sha256: string;
  const base = "/api/v1/datasets/so-tai-chinh/doanh-nghiep";
  const download = (file: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url: `${base}/${encodeURI(file)}`, headers });

  beforeAll(async () => {
    t = await testApp();
    await t.makeOrg({ name: "so-tai-chinh" });
    sha256 = (await makeBusinesses(t, { org: "so-tai-chinh", name: "doanh-nghiep" })).sha256;
  });
  afterAll(() => t?.close());

  /** Every download leaves the blob root's temp directory as it found it. */
  const leftovers = async () =>
    (await readdir(path.join(t.ctx.blobs.root, ".tmp"))).filter((f) => f.startsWith("download-"));

  it("carries the version's identity: name, SHA-256 of its Parquet, and a signature that verifies", async () => {
    const res = await download("download.json");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-disposition"]).toBe('attachment; filename="doanh-nghiep-v1.json"');
    expect(res.headers["x-mekong-version"]).toBe("so-tai-chinh/doanh-nghiep@1");
    expect(res.headers["x-mekong-sha256"]).toBe(sha256);
    expect(res.headers["x-mekong-key-id"]).toBe(t.ctx.key.keyId);
    const message = versionSigningMessage({ org: "so-tai-chinh", name: "doanh-nghiep", n: 1 }, sha256);
    expect(t.ctx.key.verify(message, String(res.headers["x-mekong-signature"]))).toBe(true);
  });

  it("CSV: UTF-8 with a BOM, every row, formulas neutralised, with its length", async () => {
    const res = await download("download.csv");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(Number(res.headers["content-length"])).toBe(res.rawPayload.length);
    const lines = res.rawPayload.subarray(3).toString("utf8").trimEnd().split("\n");
    expect(lines[0]).toBe(
      "id,ten,tinh,ma_tinh,doanh_thu,so_lao_dong,hoat_dong,ngay_dang_ky,cap_nhat,ghi_chu",
    );
    expect(lines).toHaveLength(13);
    expect(lines[1]).toBe("1,Công ty Sông Hồng,Hà Nội,01,1500.5,120,true,2020-01-15,2024-03-01 08:30:00,");
    expect(lines[3]).toContain(",'=cmd|' /C calc'!A0");
    expect(lines[4]).toContain(",'+1 phụ thu");
    expect(lines[5]).toContain(",'-giảm giá");
    expect(lines[6]).toContain(",'@tag");
    expect(lines[8]).toMatch(/,"?tab\tđầu"?$/); // a tab inside is harmless; only a leading one starts a formula
    expect(await leftovers()).toEqual([]);
  });

  it("CSV narrowed by filters, fields and sort", async () => {
    const res = await download("download.csv?ma_tinh=01&fields=id,ghi_chu&sort=-id");
    const text = res.rawPayload.subarray(3).toString("utf8");
    expect(text).toBe('id,ghi_chu\n11,chữ hoa\n7,"100% vốn, ""tư nhân"""\n4,\'+1 phụ thu\n1,\n');
  });

  it("JSON: an array of typed records, ISO dates and date-times", async () => {
    const res = await download("download.json");
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    const records = res.json();
    expect(records).toHaveLength(12);
    expect(records[0]).toEqual({
      id: 1,
      ten: "Công ty Sông Hồng",
      tinh: "Hà Nội",
      ma_tinh: "01",
      doanh_thu: 1500.5,
      so_lao_dong: 120,
      hoat_dong: true,
      ngay_dang_ky: "2020-01-15",
      cap_nhat: "2024-03-01T08:30:00",
      ghi_chu: null,
    });
    expect(records[2].ghi_chu).toBe("=cmd|' /C calc'!A0"); // not a spreadsheet format: the data as it is
    const none = await download("download.json?id=999");
    expect(none.json()).toEqual([]);
  });

  it("NDJSON: one record a line, with q", async () => {
    const res = await download("download.ndjson?q=da nang");
    expect(res.headers["content-type"]).toBe("application/x-ndjson; charset=utf-8");
    const lines = res.body
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((r) => r.id)).toEqual([3]);
  });

  it("Parquet, whole: the stored blob, its SHA-256, byte ranges", async () => {
    const res = await download("download.parquet");
    expect(res.statusCode).toBe(200);
    expect(res.headers["accept-ranges"]).toBe("bytes");
    expect(res.headers.etag).toBe(`"${sha256}"`);
    expect(Number(res.headers["content-length"])).toBe(res.rawPayload.length);
    expect(createHash("sha256").update(res.rawPayload).digest("hex")).toBe(sha256);

    const head = await download("download.parquet", { range: "bytes=0-3" });
    expect(head.statusCode).toBe(206);
    expect(head.body).toBe("PAR1");
    expect(head.headers["content-range"]).toBe(`bytes 0-3/${res.rawPayload.length}`);
    const tail = await download("download.parquet", { range: "bytes=-4" });
    expect(tail.body).toBe("PAR1");
    const stale = await download("download.parquet", { range: "bytes=0-3", "if-range": '"other"' });
    expect(stale.statusCode).toBe(200);
    const beyond = await download("download.parquet", { range: `bytes=${res.rawPayload.length}-` });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.json().code).toBe("range_not_satisfiable");
    expect(beyond.headers["content-range"]).toBe(`bytes */${res.rawPayload.length}`);
  });

  it("Parquet, narrowed: a new file DuckDB reads back", async () => {
    const res = await download("download.parquet?hoat_dong=false&fields=id,ngay_dang_ky&sort=id");
    expect(res.statusCode).toBe(200);
    expect(res.headers["accept-ranges"]).toBeUndefined();
    const file = path.join(t.ctx.blobs.root, ".tmp", "readback.parquet");
    await writeFile(file, res.rawPayload);
    const rows = await t.ctx.engine.query(`SELECT * FROM read_parquet('${file}')`);
    expect(rows).toEqual([
      { id: 3, ngay_dang_ky: "2021-11-01" },
      { id: 6, ngay_dang_ky: "2017-04-04" },
      { id: 9, ngay_dang_ky: "2015-01-01" },
    ]);
  });

  it("XLSX: typed cells, dates as dates, formulas neutralised and not formulas", async () => {
    const res = await download("download.xlsx");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-disposition"]).toBe('attachment; filename="doanh-nghiep-v1.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error("no worksheet");
    expect(sheet.rowCount).toBe(13);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
      "id",
      "ten",
      "tinh",
      "ma_tinh",
      "doanh_thu",
      "so_lao_dong",
      "hoat_dong",
      "ngay_dang_ky",
      "cap_nhat",
      "ghi_chu",
    ]);
    const first = sheet.getRow(2);
    expect(first.getCell(1).value).toBe(1);
    expect(first.getCell(2).value).toBe("Công ty Sông Hồng");
    expect(first.getCell(4).value).toBe("01");
    expect(first.getCell(5).value).toBe(1500.5);
    expect(first.getCell(7).value).toBe(true);
    expect(first.getCell(8).value).toEqual(new Date("2020-01-15T00:00:00Z"));
    expect(first.getCell(9).value).toEqual(new Date("2024-03-01T08:30:00Z"));
    const formula = sheet.getRow(4).getCell(10);
    expect(formula.value).toBe("'=cmd|' /C calc'!A0");
    expect(formula.type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(6).getCell(10).value).toBe("'-giảm giá");
    expect(sheet.getRow(6).getCell(5).value).toBeNull();
    expect(await leftovers()).toEqual([]);
  });

  it("XLSX, narrowed", async () => {
    const res = await download("download.xlsx?q=ha noi&fields=id,tinh");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const values = workbook.worksheets[0]
      ?.getSheetValues()
      .slice(2)
      .map((row) => (row as unknown[]).slice(1));
    expect(values).toEqual([
      [1, "Hà Nội"],
      [4, "Hà Nội"],
      [7, "Hà Nội"],
      [11, "Hà Nội"],
    ]);
  });

  it("refuses unknown fields and bad values before writing anything", async () => {
    for (const file of [
      "download.csv?nope=1",
      "download.xlsx?fields=nope",
      "download.parquet?id=x",
      "download.json?sort=nope",
    ]) {
      const res = await download(file);
      expect(res.statusCode, file).toBe(400);
      expect(res.json().code).toBe("validation_failed");
    }
    expect((await download("download.csv?version=7")).json().code).toBe("version_not_found");
    expect(await leftovers()).toEqual([]);
  });

  it("logs every download in the audit log", async () => {
    const entries = await t.ctx.database.query<{ action: string; details: { format: string } }>(
      "select action, details from audit_log where resource = $1 and action = 'data.download' order by seq",
      ["dataset:so-tai-chinh/doanh-nghiep"],
    );
    expect(entries.length).toBeGreaterThan(5);
    expect(new Set(entries.map((e) => e.details.format))).toEqual(
      new Set(["csv", "json", "ndjson", "parquet", "xlsx"]),
    );
  });
});
