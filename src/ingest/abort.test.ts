import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createIngestHarness, type IngestHarness } from "./testing.ts";
import type { IngestProgress, IngestStage } from "./types.ts";
import { encodeWindows1258, VIETNAMESE_CSV } from "./vietnamese-text.ts";

let h: IngestHarness;
let bigCsv: string;

async function writeChunks(
  name: string,
  count: number,
  chunk: (i: number) => string | Buffer,
): Promise<string> {
  const filePath = await h.file(name, "");
  const out = createWriteStream(filePath);
  for (let i = 0; i < count; i++) if (!out.write(chunk(i))) await once(out, "drain");
  out.end();
  await once(out, "finish");
  return filePath;
}

beforeAll(async () => {
  h = await createIngestHarness();
  // ~60 MB: long enough that an abort lands while DuckDB scans
  bigCsv = await writeChunks("big.csv", 2_000, (i) =>
    (i === 0 ? "id,ngay,so_tien,ten\n" : "").concat(
      Array.from(
        { length: 1_000 },
        (_, j) => `${i * 1000 + j},2024-01-${(j % 28) + 1},${j}.5,Nguyễn Văn ${j}\n`,
      ).join(""),
    ),
  );
});
afterEach(async () => {
  expect(await h.leftovers()).toEqual([]);
  expect(await readdir(path.join(h.blobs.root, ".tmp"))).toEqual([]);
});
afterAll(async () => {
  await h.close();
});

/** Ingests `file`, aborting `delayMs` after `stage` first reports; resolves to the error. */
async function abortAt(file: string, stage: IngestStage, delayMs = 0): Promise<unknown> {
  const controller = new AbortController();
  let armed = false;
  return h
    .ingest(file, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage !== stage || armed) return;
        armed = true;
        if (delayMs === 0) controller.abort();
        else setTimeout(() => controller.abort(), delayMs);
      },
    })
    .then(
      () => new Error("the ingest finished instead of aborting"),
      (error: unknown) => error,
    );
}

describe("abort", () => {
  it("refuses to start with an aborted signal", async () => {
    await expect(h.ingest(bigCsv, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "aborted",
    });
  });

  it("stops between stages and leaves no temp files", async () => {
    expect(await abortAt(bigCsv, "infer")).toMatchObject({ code: "aborted" });
    expect(await abortAt(bigCsv, "write")).toMatchObject({ code: "aborted" });
  });

  it("interrupts DuckDB in the middle of a scan", async () => {
    const error = await abortAt(bigCsv, "write", 100);
    expect(error).toMatchObject({ code: "aborted", cause: { code: "query_failed", kind: "interrupt" } });
  });

  it("stops a transcoding in the middle", async () => {
    const encoded = encodeWindows1258(VIETNAMESE_CSV);
    const file = await writeChunks("cp1258.csv", 40_000, () => encoded);
    expect(await abortAt(file, "decode")).toMatchObject({ code: "aborted" });
  });

  it("stops a sheet conversion", async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("s");
    for (let i = 0; i < 5_000; i++) sheet.addRow([i, `dòng ${i}`]);
    const file = await h.file("big.xlsx", Buffer.from(await book.xlsx.writeBuffer()));
    expect(await abortAt(file, "decode")).toMatchObject({ code: "aborted" });
  });

  it("stops while storing the blob", async () => {
    expect(await abortAt(bigCsv, "hash")).toMatchObject({ code: "aborted" });
  });
});

describe("progress", () => {
  it("reports each stage in order, with bytes and finally rows", async () => {
    const events: IngestProgress[] = [];
    const result = await h.ingest(bigCsv, { onProgress: (p) => events.push(p) });
    const stages = events.map((e) => e.stage).filter((s, i, all) => s !== all[i - 1]);
    expect(stages).toEqual(["detect", "infer", "write", "hash"]);
    const last = events.at(-1);
    expect(last).toMatchObject({
      stage: "hash",
      bytesDone: result.bytes,
      bytesTotal: result.bytes,
      rows: 2_000_000,
    });
    expect(events.every((e) => e.bytesDone <= e.bytesTotal)).toBe(true);
  }, 120_000);
});
