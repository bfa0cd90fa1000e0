// DuckDB's CSV reader with an explicit dialect (never its sniffer: we detected the dialect, and all rows
// must read the same way), and what its complaints mean for the user: ragged rows, bad bytes, rows too
// long, broken quoting — each an IngestError with the line it happened on.

import { EngineQueryError } from "../engine/index.ts";
import { IngestError, type RaggedLine } from "./errors.ts";
import { columnsStruct, ident, literal, literalList } from "./sql.ts";

/** Longest row DuckDB will hold; longer ones fail with `row_too_large` rather than grow memory. */
export const MAX_ROW_BYTES = 8 * 1024 * 1024;

/**
 * The reader's buffer. Left alone DuckDB makes it 16 × the row limit (128 MiB here) per buffer in flight,
 * which took a 650 MB ingest to 1.1 GiB of RSS; two rows' worth keeps it near 400 MiB at the same speed.
 */
const BUFFER_BYTES = 2 * MAX_ROW_BYTES;

/** A null string no file contains, for reads that must see every value as text (missing values applied in SQL). */
const NEVER_NULL = "\u0001mekong:no-null\u0001";

export interface CsvTable {
  /** UTF-8 file the engine may read. */
  path: string;
  delimiter: string;
  header: boolean;
  /** Column ids in the file's order (`c1`, `c2`…). */
  columnIds: string[];
  /** Header cells (or null without a header), for titles and names. */
  titles: (string | null)[];
}

export interface CsvReadOptions {
  /** DuckDB type per column id; default VARCHAR. */
  types?: ReadonlyMap<string, string>;
  missingValues: readonly string[];
  /** Pad short rows with NULLs (needs the serial reader when quoted fields hold newlines). */
  nullPadding?: boolean;
  parallel?: boolean;
  /** Header row read as data (for sampling the header itself). */
  includeHeader?: boolean;
  /** Skip bad rows silently (for samples only: the check scan records them). */
  ignoreErrors?: boolean;
  /** Record bad rows here instead of failing. */
  rejects?: { table: string; scan: string; limit: number };
}

/** `read_csv(…)` for `table` with everything spelled out. */
export function readCsv(table: CsvTable, opts: CsvReadOptions): string {
  const columns = table.columnIds.map((id) => ({ id, type: opts.types?.get(id) ?? "VARCHAR" }));
  const nulls = opts.missingValues.length > 0 ? opts.missingValues : [NEVER_NULL];
  const options = [
    "auto_detect = false",
    `header = ${table.header && !opts.includeHeader}`,
    `delim = ${literal(table.delimiter)}`,
    `quote = '"'`,
    `escape = '"'`,
    `columns = ${columnsStruct(columns)}`,
    `nullstr = ${literalList(nulls)}`,
    `max_line_size = ${MAX_ROW_BYTES}`,
    `buffer_size = ${BUFFER_BYTES}`,
    `null_padding = ${opts.nullPadding ?? false}`,
    `parallel = ${opts.parallel ?? true}`,
  ];
  if (opts.ignoreErrors && !opts.rejects) options.push("ignore_errors = true");
  if (opts.rejects) {
    options.push(
      "ignore_errors = true",
      "store_rejects = true",
      `rejects_table = ${literal(opts.rejects.table)}`,
      `rejects_scan = ${literal(opts.rejects.scan)}`,
      `rejects_limit = ${opts.rejects.limit}`,
    );
  }
  return `read_csv(${literal(table.path)}, ${options.join(", ")})`;
}

export interface Reject {
  line: number;
  error_type: string;
  csv_line: string | null;
  error_message: string;
}

/** SQL listing the first rejects recorded in `table`. */
export function rejectsQuery(table: string, limit: number): string {
  return `SELECT line::BIGINT AS line, error_type, csv_line, error_message FROM ${ident(table)} ORDER BY line LIMIT ${limit}`;
}

/** Text of a line for an error's details: bounded, since a bad line may be megabytes long. */
function excerpt(text: string | null): string {
  const t = text ?? "";
  return t.length > 200 ? `${t.slice(0, 200)}…` : t;
}

/**
 * The error to throw for rejected rows, or undefined when every reject is a row with too few fields
 * (those the caller pads, with a warning).
 */
export function rejectsError(
  rejects: readonly Reject[],
  expectedFields: number,
  encoding: string,
): IngestError | undefined {
  const first = (type: string) => rejects.find((r) => r.error_type === type);
  const encodingReject = first("INVALID ENCODING") ?? first("INVALID UNICODE");
  if (encodingReject) {
    return new IngestError(
      "encoding_error",
      `Line ${encodingReject.line} is not valid ${encoding}; pass the file's encoding`,
      { encoding, line: Number(encodingReject.line) },
    );
  }
  const tooLong = first("LINE SIZE OVER MAXIMUM");
  if (tooLong) {
    return new IngestError("row_too_large", `Line ${tooLong.line} is longer than ${MAX_ROW_BYTES} bytes`, {
      limitBytes: MAX_ROW_BYTES,
      line: Number(tooLong.line),
    });
  }
  const extra = rejects.filter((r) => r.error_type === "TOO MANY COLUMNS");
  if (extra.length > 0) {
    const lines: RaggedLine[] = rejects
      .filter((r) => r.error_type === "TOO MANY COLUMNS" || r.error_type === "MISSING COLUMNS")
      .slice(0, 10)
      .map((r) => ({
        line: Number(r.line),
        text: excerpt(r.csv_line),
        problem: r.error_type === "TOO MANY COLUMNS" ? "extra_fields" : "missing_fields",
      }));
    return new IngestError(
      "ragged_rows",
      `Line ${extra[0]?.line} has more fields than the ${expectedFields} of the header; the extra values would be lost`,
      { expectedFields, lines },
    );
  }
  const other = rejects.find((r) => r.error_type !== "MISSING COLUMNS");
  if (other) {
    return new IngestError("malformed_file", `Line ${other.line}: ${other.error_message}`, {
      reason: other.error_type.toLowerCase().replaceAll(" ", "_"),
      line: Number(other.line),
    });
  }
  return undefined;
}

const LINE_OF = /CSV Error on Line: (\d+)/;

/** Maps a CSV reader failure (outside the rejects table) to an IngestError; anything else unchanged. */
export function csvFailure(error: unknown, encoding: string): unknown {
  if (!(error instanceof EngineQueryError)) return error;
  const line = Number(LINE_OF.exec(error.message)?.[1] ?? Number.NaN);
  const at = Number.isNaN(line) ? {} : { line };
  if (/Invalid unicode|not utf-8 encoded/i.test(error.message)) {
    return new IngestError(
      "encoding_error",
      `The file is not valid ${encoding}; pass its encoding`,
      { encoding, ...at },
      { cause: error },
    );
  }
  if (/Maximum line size/i.test(error.message)) {
    return new IngestError(
      "row_too_large",
      `A row is longer than ${MAX_ROW_BYTES} bytes`,
      { limitBytes: MAX_ROW_BYTES, ...at },
      { cause: error },
    );
  }
  const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(error.message);
  if (columns && Number(columns[2]) > Number(columns[1]) && !Number.isNaN(line)) {
    const text = excerpt(/Original Line: (.*)/.exec(error.message)?.[1] ?? "");
    return new IngestError(
      "ragged_rows",
      `Line ${line} has more fields than the ${columns[1]} of the header; the extra values would be lost`,
      { expectedFields: Number(columns[1]), lines: [{ line, text, problem: "extra_fields" }] },
      { cause: error },
    );
  }
  if (/Expected Number of Columns|unterminated quote|CSV Error/i.test(error.message)) {
    const reason =
      error.message.split("\n").find((l) => /Expected|quote|Error/.test(l) && !l.startsWith("CSV Error")) ??
      "unreadable CSV";
    return new IngestError(
      "malformed_file",
      `The file cannot be read as CSV: ${reason.trim()}`,
      { reason: reason.trim(), ...at },
      { cause: error },
    );
  }
  return error;
}
