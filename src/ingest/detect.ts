// What a file is, from its bytes rather than its name: magic numbers for Parquet and XLSX (and the formats
// we refuse with a reason), then for text its encoding, JSON or NDJSON or delimited, the delimiter and
// whether there is a header. Reads at most a few hundred kilobytes, wherever the file is.

import { open } from "node:fs/promises";
import { detectDelimiter, detectHeader, parseRecords } from "./dialect.ts";
import { decodeSample, detectEncoding, normalizeEncoding } from "./encoding.ts";
import { IngestError } from "./errors.ts";
import { DEFAULT_MISSING_VALUES, type SourceFormat } from "./types.ts";

const HEAD_BYTES = 64 * 1024;
const SPREAD_CHUNKS = 8;
const SPREAD_BYTES = 16 * 1024;

export interface FileSample {
  bytes: number;
  head: Buffer;
  /** Chunks from evenly spread offsets after the head (for encoding detection). */
  spread: Buffer[];
  tail: Buffer;
}

export interface DetectedSource {
  format: SourceFormat;
  /** Canonical encoding name; "binary" for XLSX and Parquet. */
  encoding: string;
  delimiter?: string;
  header?: boolean;
}

export interface DetectOptions {
  format?: SourceFormat;
  encoding?: string;
  delimiter?: string;
  header?: boolean;
  missingValues?: readonly string[];
}

/** Reads the head, the tail and a few spread chunks of a file. Throws `unreadable_file`, `empty_file`. */
export async function sampleFile(filePath: string): Promise<FileSample> {
  const handle = await open(filePath, "r").catch((error: NodeJS.ErrnoException) => {
    throw new IngestError("unreadable_file", `Cannot open the file: ${error.code ?? error.message}`, {
      reason: error.code ?? error.message,
    });
  });
  try {
    const info = await handle.stat();
    if (!info.isFile())
      throw new IngestError("unreadable_file", "Not a regular file", { reason: "not_a_file" });
    if (info.size === 0) throw new IngestError("empty_file", "The file is empty", {});
    const read = async (position: number, length: number) => {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, info.size - position)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      return buffer.subarray(0, bytesRead);
    };
    const head = await read(0, HEAD_BYTES);
    const spread: Buffer[] = [];
    if (info.size > HEAD_BYTES) {
      const step = (info.size - HEAD_BYTES) / SPREAD_CHUNKS;
      for (let i = 0; i < SPREAD_CHUNKS; i++)
        spread.push(await read(Math.floor(HEAD_BYTES + i * step), SPREAD_BYTES));
    }
    const tail = await read(Math.max(0, info.size - HEAD_BYTES), HEAD_BYTES);
    return { bytes: info.size, head, spread, tail };
  } finally {
    await handle.close();
  }
}

function startsWith(buffer: Buffer, ...bytes: number[]): boolean {
  return bytes.every((b, i) => buffer[i] === b);
}

/** Binary formats by magic number; undefined for anything that may be text. Throws for ones we refuse. */
function binaryFormat(sample: FileSample): SourceFormat | undefined {
  const { head, tail } = sample;
  if (head.subarray(0, 4).toString("latin1") === "PAR1") return "parquet";
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04)) {
    const names = head.toString("latin1") + tail.toString("latin1");
    if (names.includes("xl/workbook.xml")) return "xlsx";
    const what = names.includes("word/")
      ? "a Word document"
      : names.includes("ppt/")
        ? "a PowerPoint file"
        : "a ZIP archive";
    throw new IngestError("unsupported_format", `The file is ${what}, not a table`, {
      reason: "zip",
      detected: what,
    });
  }
  const refuse = (detected: string, hint = "") => {
    throw new IngestError("unsupported_format", `The file is ${detected}${hint}`, {
      reason: "binary",
      detected,
    });
  };
  if (startsWith(head, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    refuse("a legacy Office file (.xls)", "; save it as .xlsx or CSV");
  }
  if (startsWith(head, 0x1f, 0x8b)) refuse("gzip-compressed", "; decompress it first");
  if (head.subarray(0, 5).toString("latin1") === "%PDF-") refuse("a PDF document");
  return undefined;
}

function firstSignificant(text: string): { char: string; index: number } {
  const index = text.search(/\S/);
  return { char: index === -1 ? "" : (text[index] as string), index };
}

/** JSON array, NDJSON, or neither, from the decoded head (BOM removed). */
function jsonFormat(text: string): "json" | "ndjson" | undefined {
  const { char, index } = firstSignificant(text);
  if (char === "[") {
    const next = firstSignificant(text.slice(index + 1)).char;
    return next === "{" || next === "]" || next === "" ? "json" : undefined;
  }
  if (char !== "{") return undefined;
  const firstLine = text.slice(index).split(/\r?\n/, 1)[0] ?? "";
  try {
    const value: unknown = JSON.parse(firstLine);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? "ndjson" : "json";
  } catch {
    return "json"; // a pretty-printed object: DuckDB reads it in `auto` mode
  }
}

/** Detection on a sample already read (ingestFile reads it once and reuses it). */
export function detectFromSample(sample: FileSample, opts: DetectOptions = {}): DetectedSource {
  const binary = opts.format === "parquet" || opts.format === "xlsx" ? opts.format : binaryFormat(sample);
  if (binary && (!opts.format || opts.format === binary)) return { format: binary, encoding: "binary" };
  const encoding = opts.encoding
    ? normalizeEncoding(opts.encoding)
    : detectEncoding([sample.head, ...sample.spread]).encoding;
  if (encoding === "binary") {
    throw new IngestError("unsupported_format", "The file is not text in any encoding tried (binary data?)", {
      reason: "binary",
    });
  }
  const complete = sample.head.length === sample.bytes;
  const text = decodeSample(sample.head, encoding).replace(/^\ufeff/, "");
  if (text.trim() === "") throw new IngestError("empty_file", "The file holds only whitespace", {});
  const json = opts.format === "json" || opts.format === "ndjson" ? opts.format : jsonFormat(text);
  if (json && (!opts.format || opts.format === json)) return { format: json, encoding };
  const delimiter = opts.delimiter ?? (opts.format === "tsv" ? "\t" : detectDelimiter(text, complete));
  const header =
    opts.header ??
    detectHeader(parseRecords(text, delimiter, 500, complete), opts.missingValues ?? DEFAULT_MISSING_VALUES);
  return { format: delimiter === "\t" ? "tsv" : "csv", encoding, delimiter, header };
}

/**
 * Detects a file's format, encoding and (for delimited text) delimiter and header, by content. Options
 * force any of them. Throws `IngestError` (`unreadable_file`, `empty_file`, `unsupported_format`,
 * `encoding_error` for an unknown forced encoding).
 */
export async function detectSource(filePath: string, opts: DetectOptions = {}): Promise<DetectedSource> {
  return detectFromSample(await sampleFile(filePath), opts);
}
