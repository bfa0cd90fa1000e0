// The one error the ingest library throws for bad input: a stable snake_case `code` with typed details, so
// callers map it to an API problem without reading message text. Anything else thrown is a fault of ours.

/** One value that did not fit its field's type; `row` counts data rows from 1 (the header is not a row). */
export interface CastFailureExample {
  row: number;
  value: string;
}

export interface CastFailure {
  field: string;
  type: string;
  /** How many values in the column failed. */
  count: number;
  examples: CastFailureExample[];
}

export interface RaggedLine {
  /** Line number in the file as DuckDB counts it (1 = first line, header included). */
  line: number;
  text: string;
  problem: "missing_fields" | "extra_fields";
}

export interface IngestErrorDetails {
  unreadable_file: { reason: string };
  unsupported_format: { reason: string; detected?: string };
  encoding_error: { encoding: string; line?: number };
  empty_file: Record<string, never>;
  schema_mismatch: { missing: string[]; extra: string[] };
  invalid_schema: { problems: string[] };
  cast_failed: { failures: CastFailure[] };
  ragged_rows: { expectedFields: number; lines: RaggedLine[] };
  row_too_large: { limitBytes: number; line?: number };
  malformed_file: { reason: string; line?: number };
  sheet_not_found: { sheet: string; available: string[] };
  aborted: Record<string, never>;
}

export type IngestErrorCode = keyof IngestErrorDetails;

export class IngestError<C extends IngestErrorCode = IngestErrorCode> extends Error {
  readonly code: C;
  readonly details: IngestErrorDetails[C];

  constructor(code: C, message: string, details: IngestErrorDetails[C], options?: ErrorOptions) {
    super(message, options);
    this.name = "IngestError";
    this.code = code;
    this.details = details;
  }
}

/** Throws `aborted` if the signal fired; call between stages and inside loops. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new IngestError("aborted", "The ingest was aborted", {}, { cause: signal.reason });
}
