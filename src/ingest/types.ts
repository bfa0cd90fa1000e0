// The shapes the ingest library speaks: a Frictionless Table Schema (with Mekong's parse hints), the options
// an ingest takes and what it answers.

export type FieldType = "integer" | "number" | "string" | "boolean" | "date" | "datetime" | "time" | "year";

export const FIELD_TYPES: readonly FieldType[] = [
  "integer",
  "number",
  "string",
  "boolean",
  "date",
  "datetime",
  "time",
  "year",
];

/** How the source text of a field maps to its type. Absent means the international defaults. */
export interface FieldParse {
  /** strptime pattern, e.g. "%d/%m/%Y"; absent means ISO 8601. */
  dateFormat?: string;
  /** Decimal separator of numbers; default ".". */
  decimalChar?: "." | ",";
  /** Thousands separator of numbers; default "" (none). */
  groupChar?: "" | "." | "," | " ";
  /** Texts read as true / false, compared case-insensitively after trimming. */
  trueValues?: string[];
  falseValues?: string[];
  /** Datetimes carry a UTC offset (stored as TIMESTAMPTZ, naive values read as UTC). */
  timezone?: boolean;
}

export interface FieldConstraints {
  required?: boolean;
  unique?: boolean;
  minimum?: number | string;
  maximum?: number | string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
}

export interface TableSchemaField {
  /** Safe identifier: lowercase ASCII letters, digits and `_`; the Parquet column name. */
  name: string;
  type: FieldType;
  /** The header text as it was in the file. */
  title?: string;
  description?: string;
  format?: string;
  constraints?: FieldConstraints;
  "mekong:parse"?: FieldParse;
}

export interface TableSchema {
  fields: TableSchemaField[];
  primaryKey?: string[];
  missingValues: string[];
}

export type SourceFormat = "csv" | "tsv" | "xlsx" | "json" | "ndjson" | "parquet";

export type IngestStage = "detect" | "decode" | "infer" | "write" | "hash";

export interface IngestProgress {
  stage: IngestStage;
  bytesDone: number;
  bytesTotal: number;
  rows?: number;
}

export interface IngestOptions {
  /** Skip detection and read the file as this format. */
  format?: SourceFormat;
  /** Skip detection and decode the file with this encoding (any name iconv-lite knows). */
  encoding?: string;
  /** XLSX: the sheet to read, by name; default the first sheet of the workbook. */
  sheet?: string;
  /** CSV: the field delimiter; default detected among `,` `;` `\t` `|`. */
  delimiter?: string;
  /** CSV/XLSX: whether the first row is a header; default detected. */
  header?: boolean;
  /** Cast to this schema instead of inferring one. */
  schema?: TableSchema;
  /** Work directory for temporary files; must be a directory the engine may read and write (its tempDir). */
  tempDir: string;
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
}

export interface SourceInfo {
  format: SourceFormat;
  /** Text encoding of the file as found (or forced); "binary" for XLSX and Parquet. */
  encoding: string;
  delimiter?: string;
  header?: boolean;
  sheet?: string;
  /** Size of the file as given. */
  bytes: number;
}

export interface IngestResult {
  /** Content-addressed key of the Parquet file in the blob store. */
  blobKey: string;
  sha256: string;
  /** Size of the Parquet file. */
  bytes: number;
  rows: number;
  schema: TableSchema;
  source: SourceInfo;
  warnings: string[];
}

/**
 * Read as missing in every column. `""` is Frictionless' default; `NA` and `N/A` are what statistics tools
 * and Excel exports write for "not available"; `-` is the "no data" mark of Vietnamese statistical tables
 * (GSO yearbooks, ministry reports); `null` is what database dumps print. Deliberately not `0`, `none` or
 * `#N/A`-style spreadsheet errors: those are values or mistakes, and hiding them would change the data.
 */
export const DEFAULT_MISSING_VALUES: readonly string[] = ["", "NA", "N/A", "-", "null"];
