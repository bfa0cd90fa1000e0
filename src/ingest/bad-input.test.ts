import { once } from "node:events";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { IngestError } from "./errors.ts";
import { createIngestHarness, type IngestHarness } from "./testing.ts";

let h: IngestHarness;
beforeAll(async () => {
  h = await createIngestHarness();
});
afterEach(async () => {
  expect(await h.leftovers()).toEqual([]);
});
afterAll(async () => {
  await h.close();
});

/** Writes `chunks` to a file in the inputs folder chunk by chunk (a big file never sits in memory). */
async function bigFile(name: string, chunks: Iterable<string>): Promise<string> {
  const filePath = await h.file(name, "");
  const out = createWriteStream(filePath);
  for (const chunk of chunks) if (!out.write(chunk)) await once(out, "drain");
  out.end();
  await once(out, "finish");
  return filePath;
}

describe("bad input gives a stable code, never a crash", () => {
  it("empty_file for 0 bytes", async () => {
    await expect(h.ingest(await h.file("empty.csv", ""))).rejects.toMatchObject({ code: "empty_file" });
  });

  it("a header without rows is a schema with 0 rows", async () => {
    const result = await h.ingest(await h.file("header-only.csv", "Mã,Tên,Ngày\n"));
    expect(result.rows).toBe(0);
    expect(result.schema.fields.map((f) => [f.name, f.type])).toEqual([
      ["ma", "string"],
      ["ten", "string"],
      ["ngay", "string"],
    ]);
    expect(await h.rows(result)).toEqual([]);
  });

  it("pads rows with too few fields and says how many", async () => {
    const result = await h.ingest(await h.file("short.csv", "a,b,c\n1,2,3\n4,5\n6\n7,8,9\n"));
    expect(result.rows).toBe(4);
    expect(result.warnings).toEqual([
      "2 rows had fewer fields than the header (first at line 3); the missing fields were read as empty.",
    ]);
    expect(await h.rows(result)).toEqual([
      { a: 1, b: 2, c: 3 },
      { a: 4, b: 5, c: null },
      { a: 6, b: null, c: null },
      { a: 7, b: 8, c: 9 },
    ]);
  });

  it("pads short rows even when quoted fields hold newlines", async () => {
    const result = await h.ingest(await h.file("short-quoted.csv", 'a,b,c\n1,"x\ny",3\n4\n'));
    expect(await h.rows(result)).toEqual([
      { a: 1, b: "x\ny", c: 3 },
      { a: 4, b: null, c: null },
    ]);
  });

  it("ragged_rows, with the lines, for rows with more fields than the header", async () => {
    const error = await h.ingest(await h.file("long.csv", "a,b\n1,2\n3,4,5\n6\n")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect(error).toMatchObject({
      code: "ragged_rows",
      details: {
        expectedFields: 2,
        lines: [
          { line: 3, text: "3,4,5", problem: "extra_fields" },
          { line: 4, text: "6", problem: "missing_fields" },
        ],
      },
    });
  });

  it("ragged_rows too when the extra fields come after more short rows than the rejects table keeps", async () => {
    const csv = `a,b,c\n${"1,2\n".repeat(150)}1,2,3,4\n`;
    await expect(h.ingest(await h.file("late-long.csv", csv))).rejects.toMatchObject({
      code: "ragged_rows",
      details: { expectedFields: 3, lines: [{ line: 152, text: "1,2,3,4", problem: "extra_fields" }] },
    });
  });

  it("malformed_file for a quote that never closes", async () => {
    await expect(h.ingest(await h.file("quote.csv", 'a,b\n1,"open\n2,3\n'))).rejects.toMatchObject({
      code: "malformed_file",
    });
  });

  it("unsupported_format for binary garbage named .csv", async () => {
    const noise = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 2_654_435_761) % 251));
    await expect(h.ingest(await h.file("garbage.csv", noise))).rejects.toMatchObject({
      code: "unsupported_format",
    });
  });

  it("row_too_large for a 100 MB single line, in bounded memory", async () => {
    const filePath = await bigFile(
      "one-line.csv",
      (function* () {
        for (let i = 0; i < 100; i++) yield "x,".repeat(512 * 1024);
      })(),
    );
    const before = process.memoryUsage().rss;
    await expect(h.ingest(filePath)).rejects.toMatchObject({ code: "row_too_large" });
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });

  it("reads a 100 MB single-line JSON array (JSON is often one line)", async () => {
    const filePath = await bigFile(
      "one-line.json",
      (function* () {
        yield "[";
        for (let i = 0; i < 1_000_000; i++)
          yield `${i ? "," : ""}{"id":${i},"ten":"Nguyễn Văn ${"A".repeat(70)}"}`;
        yield "]";
      })(),
    );
    const result = await h.ingest(filePath);
    expect(result.rows).toBe(1_000_000);
    expect(result.schema.fields.map((f) => f.type)).toEqual(["integer", "string"]);
  }, 120_000);

  it("names duplicate and empty headers safely, keeping their text as titles", async () => {
    const result = await h.ingest(await h.file("headers.csv", "Tên,tên,,Tên 2,\nA,B,C,D,E\n"));
    expect(result.schema.fields.map((f) => [f.name, f.title])).toEqual([
      ["ten", "Tên"],
      ["ten_3", "tên"], // "Tên 2" owns ten_2
      ["column_3", ""],
      ["ten_2", "Tên 2"],
      ["column_5", ""],
    ]);
    expect(await h.rows(result)).toEqual([
      { ten: "A", ten_3: "B", column_3: "C", ten_2: "D", column_5: "E" },
    ]);
  });

  it("keeps formula-looking cells as the text they are", async () => {
    const csv = "ten,cong_thuc\nA,=cmd|' /C calc'!A0\nB,+1+1\nC,@SUM(A1)\n";
    const result = await h.ingest(await h.file("formula.csv", csv));
    expect((await h.rows(result)).map((r) => r.cong_thuc)).toEqual([
      "=cmd|' /C calc'!A0",
      "+1+1",
      "@SUM(A1)",
    ]);
  });

  it("unreadable_file for a path that is not there", async () => {
    await expect(h.ingest(path.join(h.dir, "missing.csv"))).rejects.toMatchObject({
      code: "unreadable_file",
    });
  });

  it("malformed_file for a truncated Parquet file and broken JSON", async () => {
    const parquet = Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(64, 7)]);
    await expect(h.ingest(await h.file("cut.parquet", parquet))).rejects.toMatchObject({
      code: "malformed_file",
    });
    await expect(h.ingest(await h.file("bad.json", '[{"a": 1}, {"a": '))).rejects.toMatchObject({
      code: "malformed_file",
    });
  });
});
