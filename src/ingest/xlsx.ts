// XLSX to a temporary UTF-8 CSV, streamed with exceljs's WorkbookReader: one row in memory at a time (plus
// the workbook's shared strings, which the format keeps in one table). Cells keep their types in a form the
// CSV inference reads back unambiguously: numbers as JavaScript prints them, dates as ISO 8601, booleans
// as true/false. Formulas give their cached result; error cells (#N/A, #DIV/0!) become empty, counted.

import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import ExcelJS from "exceljs";
import { IngestError, throwIfAborted } from "./errors.ts";

export interface XlsxConversion {
  sheet: string;
  rows: number;
  /** Widest row, in cells. */
  columns: number;
  /** Some rows are narrower than `columns` (a later row widened the sheet): read with null padding. */
  ragged: boolean;
  errorCells: number;
}

/** The parts of exceljs's streaming worksheet reader we use (its typings omit them). */
interface SheetReader extends AsyncIterable<ExcelJS.Row> {
  name: string;
  /** The sheet's raw XML stream. */
  iterator?: AsyncIterable<unknown>;
}

/**
 * Reads past a sheet we do not want. Its XML must still be consumed: exceljs parks sheets that come before
 * the shared strings in temp files and deletes each once read, so leaving one unread leaks the file (and
 * races its deletion against the open).
 */
async function skipSheet(sheet: SheetReader): Promise<void> {
  const raw = sheet.iterator;
  if (raw && Symbol.asyncIterator in Object(raw)) {
    for await (const _chunk of raw) {
      // discard
    }
    return;
  }
  for await (const _row of sheet) {
    // discard
  }
}

interface WorkbookModel {
  model?: { sheets?: { name: string }[] };
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const MS_PER_DAY = 86_400_000;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function isoOf(date: Date): string {
  const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const ms = date.getUTCMilliseconds();
  const clock = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ""}`;
  if (date.getTime() - EXCEL_EPOCH_MS < MS_PER_DAY && date.getTime() >= EXCEL_EPOCH_MS) return clock; // a time-only cell
  return clock === "00:00:00" ? day : `${day}T${clock}`;
}

/** Number formats that show a date or time (after removing quoted text, escapes and [colour] tags). */
function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const bare = numFmt.replace(/"[^"]*"|\\.|\[[^\]]*\]/g, "");
  return /[dmyhs]/i.test(bare) && !/^[#0.,%\s]*$/.test(bare);
}

type CellText = { text: string; error?: boolean };

function textOf(value: unknown, numFmt: string | undefined): CellText {
  if (value === null || value === undefined) return { text: "" };
  if (value instanceof Date) return { text: Number.isNaN(value.getTime()) ? "" : isoOf(value) };
  if (typeof value === "number") {
    if (isDateFormat(numFmt)) return { text: isoOf(new Date(EXCEL_EPOCH_MS + value * MS_PER_DAY)) };
    return { text: Number.isFinite(value) ? String(value) : "" };
  }
  if (typeof value === "boolean") return { text: value ? "true" : "false" };
  if (typeof value === "string") return { text: value };
  if (typeof value === "object") {
    const v = value as Record<string, unknown>;
    if ("error" in v) return { text: "", error: true };
    if (Array.isArray(v.richText)) {
      return { text: (v.richText as { text?: string }[]).map((run) => run.text ?? "").join("") };
    }
    if ("result" in v) return textOf(v.result, numFmt);
    if ("formula" in v || "sharedFormula" in v) return { text: "" };
    if (typeof v.text === "string") return { text: v.text };
  }
  return { text: String(value) };
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, "drain");
}

async function writeSheet(
  sheet: SheetReader,
  out: WriteStream,
  signal: AbortSignal | undefined,
): Promise<Omit<XlsxConversion, "sheet">> {
  let rows = 0;
  let columns = 0;
  let ragged = false;
  let errorCells = 0;
  for await (const row of sheet) {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      const { text, error } = textOf(cell.value, cell.numFmt);
      if (error) errorCells++;
      cells[col - 1] = text;
    });
    let width = cells.length;
    while (width > 0 && (cells[width - 1] ?? "") === "") width--;
    if (width === 0) continue; // blank rows are skipped, as Frictionless does
    if (width > columns) {
      if (rows > 0) ragged = true;
      columns = width;
    }
    const line = Array.from({ length: columns }, (_, i) => csvField(cells[i] ?? "")).join(",");
    await write(out, `${line}\n`);
    rows++;
    if (rows % 1000 === 0) throwIfAborted(signal);
  }
  return { rows, columns, ragged, errorCells };
}

/**
 * Streams sheet `sheetName` (default: the workbook's first) of `source` into `target` as CSV. Throws
 * `sheet_not_found` (with the sheet names), `malformed_file` for a broken workbook, `aborted`.
 */
export async function convertXlsxToCsv(
  source: string,
  target: string,
  opts: { sheet?: string; signal?: AbortSignal } = {},
): Promise<XlsxConversion> {
  const input = createReadStream(source);
  const out = createWriteStream(target, { flags: "wx" });
  const seen: string[] = [];
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
      worksheets: "emit",
      sharedStrings: "cache",
      styles: "cache",
      hyperlinks: "ignore",
      entries: "ignore",
    });
    let converted: XlsxConversion | undefined;
    for await (const worksheet of reader) {
      const sheet = worksheet as unknown as SheetReader;
      seen.push(sheet.name);
      const wanted =
        opts.sheet ?? (reader as unknown as WorkbookModel).model?.sheets?.[0]?.name ?? sheet.name;
      throwIfAborted(opts.signal);
      if (converted || sheet.name !== wanted) {
        await skipSheet(sheet);
        continue;
      }
      converted = { sheet: sheet.name, ...(await writeSheet(sheet, out, opts.signal)) };
      out.end();
      await once(out, "finish");
    }
    if (converted) return converted;
  } catch (error) {
    if (error instanceof IngestError) throw error;
    throwIfAborted(opts.signal);
    const reason = error instanceof Error ? error.message : String(error);
    throw new IngestError(
      "malformed_file",
      `The workbook cannot be read: ${reason}`,
      { reason },
      { cause: error },
    );
  } finally {
    input.destroy();
    if (!out.closed) out.destroy();
  }
  if (seen.length === 0) {
    throw new IngestError("malformed_file", "The workbook has no worksheets", { reason: "no_worksheets" });
  }
  throw new IngestError("sheet_not_found", `No sheet named "${opts.sheet}"`, {
    sheet: opts.sheet ?? "",
    available: seen,
  });
}
