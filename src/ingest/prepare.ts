// The byte-level half of an ingest, before the engine sees anything: text in another encoding is
// transcoded to UTF-8 (streamed), an XLSX sheet becomes a CSV (streamed), and the file is made readable
// by the sandboxed engine (linked, not copied, when it can be).

import { open } from "node:fs/promises";
import type { CsvTable } from "./csv-read.ts";
import { openCsv } from "./csv-source.ts";
import type { DetectedSource, FileSample } from "./detect.ts";
import { detectHeader, parseRecords } from "./dialect.ts";
import { decodeSample, hasCombiningMarks, transcodeToUtf8 } from "./encoding.ts";
import { IngestError } from "./errors.ts";
import type { JsonTable } from "./json-source.ts";
import type { IngestStage, SourceInfo } from "./types.ts";
import { readablePath, type Workspace } from "./workspace.ts";
import { convertXlsxToCsv } from "./xlsx.ts";

export type PreparedInput =
  | {
      kind: "csv";
      table: CsvTable;
      padded: boolean;
      encoding: string;
      source: SourceInfo;
      warnings: string[];
    }
  | { kind: "json"; path: string; format: JsonTable["format"]; source: SourceInfo; warnings: string[] }
  | { kind: "parquet"; path: string; source: SourceInfo; warnings: string[] };

export type Report = (stage: IngestStage, done: number, total: number, rows?: number) => void;

export interface PrepareContext {
  filePath: string;
  sample: FileSample;
  detected: DetectedSource;
  /** Directories the engine may read. */
  allowedDirs: string[];
  /** The caller named the encoding: no guess to warn about. */
  encodingForced: boolean;
  sheet?: string;
  header?: boolean;
  missingValues: readonly string[];
  ws: Workspace;
  report: Report;
  signal?: AbortSignal;
}

/** Code pages told apart by scoring, so a guess worth a warning (BOMs and valid UTF-8 are not guesses). */
const LEGACY = new Set(["windows-1258", "tcvn3", "viscii", "windows-1252"]);

/** UTF-8 text the engine may read: the file itself, or a transcoded (NFC) copy in the workspace. */
async function utf8Text(ctx: PrepareContext): Promise<{ path: string; warnings: string[] }> {
  const { detected, sample, ws, report } = ctx;
  const decomposed =
    detected.encoding === "utf-8" &&
    [sample.head, ...sample.spread].some((b) => hasCombiningMarks(b.toString("utf8")));
  if (detected.encoding === "utf-8" && !decomposed) {
    return { path: await readablePath(ctx.filePath, ctx.allowedDirs, ws), warnings: [] };
  }
  const target = ws.file(".txt");
  report("decode", 0, sample.bytes);
  await transcodeToUtf8(ctx.filePath, target, detected.encoding, {
    signal: ctx.signal,
    onBytes: (done) => report("decode", done, sample.bytes),
  });
  const warnings = decomposed
    ? ["The text was in decomposed Unicode (NFD); it was stored composed (NFC)."]
    : LEGACY.has(detected.encoding) && !ctx.encodingForced
      ? [`The text was read as ${detected.encoding} (detected); pass the encoding if it reads wrong.`]
      : [];
  return { path: target, warnings };
}

async function prepareXlsx(ctx: PrepareContext): Promise<PreparedInput> {
  const { sample, ws, report } = ctx;
  const target = ws.file(".csv");
  report("decode", 0, sample.bytes);
  const sheet = await convertXlsxToCsv(ctx.filePath, target, { sheet: ctx.sheet, signal: ctx.signal });
  report("decode", sample.bytes, sample.bytes);
  if (sheet.rows === 0) throw new IngestError("empty_file", `The sheet "${sheet.sheet}" is empty`, {});
  const head = await openCsv(target, ",", true, sheet.columns);
  const header = ctx.header ?? (await headerOfCsv(target, ctx.missingValues));
  const table = header ? head : { ...head, header: false, titles: head.titles.map(() => null) };
  const warnings =
    sheet.errorCells > 0
      ? [`${sheet.errorCells} cells held spreadsheet errors (#N/A, #DIV/0!…) and were read as empty.`]
      : [];
  const source: SourceInfo = {
    format: "xlsx",
    encoding: "binary",
    header,
    sheet: sheet.sheet,
    bytes: sample.bytes,
  };
  return { kind: "csv", table, padded: sheet.ragged, encoding: "utf-8", source, warnings };
}

/** Header detection on the head of a CSV we wrote (from a sheet). */
async function headerOfCsv(file: string, missingValues: readonly string[]): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const complete = bytesRead >= (await handle.stat()).size;
    const text = new TextDecoder().decode(buffer.subarray(0, bytesRead)).replace(/\ufffd$/, "");
    return detectHeader(parseRecords(text, ",", 500, complete), missingValues);
  } finally {
    await handle.close();
  }
}

/** Gets the file into a shape the engine reads, per format. Reports the "decode" stage. */
export async function prepareInput(ctx: PrepareContext): Promise<PreparedInput> {
  const { detected, sample } = ctx;
  const base = { format: detected.format, encoding: detected.encoding, bytes: sample.bytes };
  switch (detected.format) {
    case "xlsx":
      return prepareXlsx(ctx);
    case "parquet":
      return {
        kind: "parquet",
        path: await readablePath(ctx.filePath, ctx.allowedDirs, ctx.ws),
        source: base,
        warnings: [],
      };
    case "json":
    case "ndjson": {
      const text = await utf8Text(ctx);
      const head = decodeSample(sample.head, detected.encoding)
        .replace(/^\ufeff/, "")
        .trimStart();
      const format =
        detected.format === "ndjson" ? "newline_delimited" : head.startsWith("[") ? "array" : "auto";
      return { kind: "json", path: text.path, format, source: base, warnings: text.warnings };
    }
    case "csv":
    case "tsv": {
      const text = await utf8Text(ctx);
      const delimiter = detected.delimiter ?? ",";
      const header = detected.header ?? true;
      const table = await openCsv(text.path, delimiter, header);
      const source: SourceInfo = { ...base, delimiter, header };
      return {
        kind: "csv",
        table,
        padded: false,
        encoding: detected.encoding,
        source,
        warnings: text.warnings,
      };
    }
  }
}
