/**
 * Request text → a value of a field's type, checked here so a bad value is a `validation_failed` naming
 * the parameter rather than a DuckDB conversion error, and bound with a cast to the column's type so
 * DuckDB compares like with like (and can prune row groups on the Parquet statistics).
 */
import type { DataField } from "./table-schema.ts";
import { invalidParameter } from "./table-schema.ts";

export interface TypedValue {
  value: string | number | bigint | boolean;
  /** The SQL type the placeholder is cast to. */
  cast: string;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER = /^[+-]?\d{1,19}$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?$/;
const TRUE = new Set(["true", "1"]);
const FALSE = new Set(["false", "0"]);

function isRealDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const clockOk = (h?: string, m?: string, s?: string) =>
  Number(h ?? 0) < 24 && Number(m ?? 0) < 60 && Number(s ?? 0) < 60;

/** The SQL type a field's column holds (as written by ingest). */
export function columnType(field: DataField): string {
  switch (field.type) {
    case "integer":
      return "BIGINT";
    case "year":
      return "INTEGER";
    case "number":
      return "DOUBLE";
    case "boolean":
      return "BOOLEAN";
    case "date":
      return "DATE";
    case "datetime":
      return (field["mekong:parse"] as { timezone?: boolean } | undefined)?.timezone
        ? "TIMESTAMPTZ"
        : "TIMESTAMP";
    case "time":
      return "TIME";
    case "string":
      return "VARCHAR";
  }
}

/**
 * `text` as a value of `field`'s type.
 * @throws `validation_failed` at `path` when the text is not such a value
 */
export function coerceValue(field: DataField, text: string, path: string): TypedValue {
  const cast = columnType(field);
  const bad = (what: string) => invalidParameter(path, `"${text}" is not ${what} (field "${field.name}")`);
  switch (field.type) {
    case "integer":
    case "year": {
      if (!INTEGER.test(text)) throw bad("an integer");
      const n = BigInt(text);
      if (n < INT64_MIN || n > INT64_MAX) throw bad("a 64-bit integer");
      if (field.type === "year" && (n < -2147483648n || n > 2147483647n)) throw bad("a year");
      return { value: n, cast: "BIGINT" };
    }
    case "number": {
      const n = Number(text);
      if (!NUMBER.test(text) || !Number.isFinite(n)) throw bad("a number");
      return { value: n, cast };
    }
    case "boolean": {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return { value: true, cast };
      if (FALSE.has(lower)) return { value: false, cast };
      throw bad("true or false");
    }
    case "date":
      if (!isRealDate(text)) throw bad("a date (YYYY-MM-DD)");
      return { value: text, cast };
    case "datetime": {
      const m = DATETIME.exec(text);
      if (!m?.[1] || !isRealDate(m[1]) || !clockOk(m[2], m[3], m[4])) throw bad("a date-time (ISO 8601)");
      return { value: text.replace(" ", "T"), cast };
    }
    case "time": {
      const m = TIME.exec(text);
      if (!m || !clockOk(m[1], m[2], m[3])) throw bad("a time (HH:MM:SS)");
      return { value: text, cast };
    }
    case "string":
      return { value: text, cast };
  }
}
