// SQL for reading text as a typed field: a check (does this value fit?) and a parse (the typed value), per
// candidate. Inference is strict (leading zeros make a code, not a number); a schema the caller gives is
// cast leniently (it says the column is numeric, so `007` is 7). Checks are NULL-safe: a value that does
// not fit yields false, never NULL, so `count(*) FILTER (WHERE NOT check)` counts every failure.

import type { Candidate } from "./classify.ts";
import { ident, literal } from "./sql.ts";
import type { FieldParse, FieldType, TableSchemaField } from "./types.ts";

export type CheckMode = "infer" | "forced";

/** Booleans of a schema that names no true/false values: Frictionless' defaults plus Vietnamese. */
export const DEFAULT_TRUE_VALUES = ["true", "1", "yes", "có"];
export const DEFAULT_FALSE_VALUES = ["false", "0", "no", "không"];

export function duckType(type: FieldType, parse: FieldParse = {}): string {
  switch (type) {
    case "integer":
      return "BIGINT";
    case "number":
      return "DOUBLE";
    case "year":
      return "INTEGER";
    case "date":
      return "DATE";
    case "datetime":
      return parse.timezone ? "TIMESTAMPTZ" : "TIMESTAMP";
    case "time":
      return "TIME";
    case "boolean":
      return "BOOLEAN";
    case "string":
      return "VARCHAR";
  }
}

/** A forced schema's field as a candidate: always space-tolerant. */
export function candidateOf(field: TableSchemaField): Candidate | undefined {
  if (field.type === "string") return undefined;
  const parse = { ...(field["mekong:parse"] ?? {}) };
  if (!parse.dateFormat && field.format?.startsWith("%")) parse.dateFormat = field.format;
  return { type: field.type, parse, trim: true };
}

function reEscape(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The value as text to parse: trimmed (blank → NULL) for space-tolerant candidates. */
function textOf(column: string, c: Candidate): string {
  return c.trim ? `nullif(trim(${column}), '')` : column;
}

function groupChar(parse: FieldParse): string {
  return parse.groupChar ?? "";
}

function decimalChar(parse: FieldParse): string {
  return parse.decimalChar ?? ".";
}

function numberPattern(parse: FieldParse, mode: CheckMode, integer: boolean): string {
  const g = reEscape(groupChar(parse));
  const d = reEscape(decimalChar(parse));
  const fraction = integer ? "" : `(${d}\\d+)?`;
  if (mode === "forced") {
    const whole = g ? `(\\d{1,3}(${g}\\d{3})+|\\d+)` : "\\d+";
    const exponent = !integer && !g && d === "\\." ? "([eE][+-]?\\d+)?" : "";
    return `[+-]?${whole}${fraction}${exponent}`;
  }
  const digits = integer ? "\\d{0,17}" : "\\d{0,14}";
  const whole = g ? `(0|[1-9]\\d{0,2}(${g}\\d{3})+|[1-9]${digits})` : `(0|[1-9]${digits})`;
  if (!g && d === "\\." && !integer) return `-?(${whole}(\\.\\d+)?|\\.\\d+)([eE][+-]?\\d{1,2})?`;
  return `-?${whole}${fraction}`;
}

/** Text with group separators removed and the decimal separator made a point. */
function normalizedNumber(t: string, parse: FieldParse): string {
  let text = t;
  const g = groupChar(parse);
  if (g) text = `replace(${text}, ${literal(g)}, '')`;
  if (decimalChar(parse) === ",") text = `replace(${text}, ',', '.')`;
  return text;
}

function booleanLists(parse: FieldParse): { trues: string[]; falses: string[] } {
  const lower = (values: string[]) => values.map((v) => v.trim().toLowerCase());
  return {
    trues: lower(parse.trueValues ?? DEFAULT_TRUE_VALUES),
    falses: lower(parse.falseValues ?? DEFAULT_FALSE_VALUES),
  };
}

function inList(expr: string, values: readonly string[]): string {
  return values.length === 0 ? "false" : `${expr} IN (${values.map(literal).join(", ")})`;
}

const ISO_DATETIME = "\\d{4}-\\d{1,2}-\\d{1,2}([T ]\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?)?";
const ISO_DATETIME_TZ =
  "\\d{4}-\\d{1,2}-\\d{1,2}([T ]\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?\\s?(Z|[+-]\\d{2}(:?\\d{2})?)?)?";

/** Does the text `t` (not NULL) fit `c`? May yield NULL; `checkExpr` makes that false. */
function fits(t: string, c: Candidate, mode: CheckMode): string {
  const { parse } = c;
  const format = parse.dateFormat;
  const strptimeOk = (f: string) => `year(try_strptime(${t}, ${literal(f)})) >= 1000`;
  switch (c.type) {
    case "integer":
      if (mode === "infer" && !groupChar(parse)) return `TRY_CAST(${t} AS BIGINT)::VARCHAR = ${t}`;
      return `regexp_full_match(${t}, ${literal(numberPattern(parse, mode, true))}) AND TRY_CAST(${normalizedNumber(t, parse)} AS BIGINT) IS NOT NULL`;
    case "number":
      return `regexp_full_match(${t}, ${literal(numberPattern(parse, mode, false))})`;
    case "year":
      return mode === "infer"
        ? `length(${t}) = 4 AND TRY_CAST(${t} AS INTEGER)::VARCHAR = ${t}`
        : `regexp_full_match(${t}, '\\d{4}')`;
    case "date":
      return format ? strptimeOk(format) : `length(${t}) <= 10 AND TRY_CAST(${t} AS DATE) IS NOT NULL`;
    case "datetime":
      if (format) return strptimeOk(format);
      return parse.timezone
        ? `regexp_full_match(${t}, ${literal(ISO_DATETIME_TZ)}) AND TRY_CAST(${t} AS TIMESTAMPTZ) IS NOT NULL`
        : `regexp_full_match(${t}, ${literal(ISO_DATETIME)}) AND TRY_CAST(${t} AS TIMESTAMP) IS NOT NULL`;
    case "time":
      return `regexp_full_match(${t}, '\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?') AND TRY_CAST(${t} AS TIME) IS NOT NULL`;
    case "boolean": {
      const { trues, falses } = booleanLists(parse);
      return inList(`lower(${t})`, [...trues, ...falses]);
    }
  }
}

/**
 * SQL that is true when the non-NULL value of `column` (an identifier) fits candidate `c`; blank values
 * of a space-tolerant candidate fit (they read as missing).
 */
export function checkExpr(column: string, c: Candidate, mode: CheckMode): string {
  const t = textOf(ident(column), c);
  const check = `coalesce(${fits(t, c, mode)}, false)`;
  return c.trim ? `(${t} IS NULL OR ${check})` : check;
}

/** SQL for the typed value of `column` under `c`; fails (or yields NULL for booleans) on values that do not fit. */
export function parseExpr(column: string, c: Candidate): string {
  const t = textOf(ident(column), c);
  const { parse } = c;
  const format = parse.dateFormat;
  switch (c.type) {
    case "integer":
      return `CAST(${normalizedNumber(t, parse)} AS BIGINT)`;
    case "number":
      return `CAST(${normalizedNumber(t, parse)} AS DOUBLE)`;
    case "year":
      return `CAST(${t} AS INTEGER)`;
    case "date":
      return format ? `CAST(strptime(${t}, ${literal(format)}) AS DATE)` : `CAST(${t} AS DATE)`;
    case "datetime": {
      const type = duckType("datetime", parse);
      return format ? `CAST(strptime(${t}, ${literal(format)}) AS ${type})` : `CAST(${t} AS ${type})`;
    }
    case "time":
      return `CAST(${t} AS TIME)`;
    case "boolean": {
      const { trues, falses } = booleanLists(parse);
      const b = `lower(${t})`;
      return `CASE WHEN ${inList(b, trues)} THEN true WHEN ${inList(b, falses)} THEN false END`;
    }
  }
}

/**
 * The DuckDB type the CSV reader can parse this candidate as directly (faster than a SQL cast), when its
 * lenient native parsing agrees with the strict check on every value that passed it; else undefined.
 */
export function nativeType(c: Candidate): string | undefined {
  if (c.trim) return undefined;
  const plain = !groupChar(c.parse) && decimalChar(c.parse) === ".";
  switch (c.type) {
    case "integer":
      return plain ? "BIGINT" : undefined;
    case "number":
      return plain ? "DOUBLE" : undefined;
    case "year":
      return "INTEGER";
    case "date":
      return c.parse.dateFormat ? undefined : "DATE";
    case "datetime":
      return c.parse.dateFormat || c.parse.timezone ? undefined : "TIMESTAMP";
    case "time":
      return "TIME";
    case "boolean": {
      // the reader takes true/false/yes/no in any case (and t/f/y/n/1/0, which the check has ruled out)
      const { trues, falses } = booleanLists(c.parse);
      const english =
        trues.every((v) => ["true", "yes"].includes(v)) && falses.every((v) => ["false", "no"].includes(v));
      return english ? "BOOLEAN" : undefined;
    }
  }
}
