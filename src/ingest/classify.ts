// Type guesses from a sample of a column's text: which Frictionless type, read with which conventions
// (day-first dates, `1.234.567,89`, `Có/Không`), as a chain of candidates the full-file check in DuckDB then
// confirms or rejects. Runs on the sample only; whole files are checked set-based in SQL (infer.ts).

import type { FieldParse, FieldType } from "./types.ts";

/** One way to read a column. `trim`: values may carry surrounding spaces (and blank reads as missing). */
export interface Candidate {
  type: Exclude<FieldType, "string">;
  parse: FieldParse;
  /** Frictionless `format` (a strptime pattern for non-ISO dates). */
  format?: string;
  trim: boolean;
}

export type NumberConvention = "plain" | "en" | "vi";

/** What a sample says about a column; numbers wait for the file-wide vote on the decimal separator. */
export type ColumnGuess =
  | { kind: "string" }
  | { kind: "empty" }
  | { kind: "typed"; chain: Candidate[]; note?: string }
  | {
      kind: "number";
      /** Conventions every value fits, and those under which every value is an integer. */
      conventions: NumberConvention[];
      integers: NumberConvention[];
      /** Every value is a plain 4-digit number from 1000 to 2999. */
      yearLike: boolean;
      trim: boolean;
    };

const TRUE_WORDS = ["true", "yes", "có", "co", "đúng", "dung"];
const FALSE_WORDS = ["false", "no", "không", "khong", "sai"];
/** Single letters mean true/false only as a pair seen together (a column of only "C" is a code). */
const LETTER_PAIRS: [string, string][] = [
  ["t", "f"],
  ["y", "n"],
  ["c", "k"],
];

const INT_PLAIN = /^(0|-?[1-9]\d{0,17})$/;
/** A number-shaped value with a leading zero: a code (01, 0912345678, 0101234567), not a quantity. */
const LEADING_ZERO = /^[+-]?0\d[\d.,]*$/;
const NUMBER: Record<NumberConvention, RegExp> = {
  plain: /^-?(?:(?:0|[1-9]\d{0,14})(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d{1,2})?$/,
  en: /^-?(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,14})(?:\.\d+)?$/,
  vi: /^-?(?:0|[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d{0,14})(?:,\d+)?$/,
};
const INTEGER: Record<NumberConvention, RegExp> = {
  plain: INT_PLAIN,
  en: /^(?:0|-?[1-9]\d{0,2}(?:,\d{3})+|-?[1-9]\d{0,17})$/,
  vi: /^(?:0|-?[1-9]\d{0,2}(?:\.\d{3})+|-?[1-9]\d{0,17})$/,
};

export const NUMBER_PARSE: Record<NumberConvention, FieldParse> = {
  plain: {},
  en: { decimalChar: ".", groupChar: "," },
  vi: { decimalChar: ",", groupChar: "." },
};

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DMY_DATE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;
const ISO_DATETIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?$/;
const ISO_DATETIME_TZ =
  /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?\s?(?:Z|[+-]\d{2}(?::?\d{2})?)$/;
const DMY_DATETIME = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?$/;

function validDate(year: number, month: number, day: number): boolean {
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validClock(h: number, m: number, s = 0): boolean {
  return h < 24 && m < 60 && s < 60;
}

const n = (text: string | undefined) => Number(text ?? 0);

/** The strptime pattern of a day-first (or month-first) date with separator `sep`. */
function dmyFormat(sep: string, monthFirst: boolean, time?: "minutes" | "seconds"): string {
  const date = monthFirst ? `%m${sep}%d${sep}%Y` : `%d${sep}%m${sep}%Y`;
  if (!time) return date;
  return `${date} %H:%M${time === "seconds" ? ":%S" : ""}`;
}

type DateShape = { kind: "date" | "datetime"; format?: string; tz?: boolean; ambiguousOrder?: boolean };

/** How one value reads as a date/datetime, or undefined. Day-first unless the day cannot be first. */
function dateShape(v: string): DateShape | undefined {
  let m = ISO_DATE.exec(v);
  if (m) return validDate(n(m[1]), n(m[2]), n(m[3])) ? { kind: "date" } : undefined;
  m = ISO_DATETIME.exec(v);
  if (m) {
    const ok = validDate(n(m[1]), n(m[2]), n(m[3])) && validClock(n(m[4]), n(m[5]), n(m[6]));
    return ok ? { kind: "datetime" } : undefined;
  }
  m = ISO_DATETIME_TZ.exec(v);
  if (m) {
    const ok = validDate(n(m[1]), n(m[2]), n(m[3])) && validClock(n(m[4]), n(m[5]), n(m[6]));
    return ok ? { kind: "datetime", tz: true } : undefined;
  }
  m = DMY_DATE.exec(v) ?? DMY_DATETIME.exec(v);
  if (!m) return undefined;
  const [a, sep, b, year] = [n(m[1]), m[2] ?? "/", n(m[3]), n(m[4])];
  const time = m[5] === undefined ? undefined : m[7] === undefined ? "minutes" : "seconds";
  if (time && !validClock(n(m[5]), n(m[6]), n(m[7]))) return undefined;
  const kind = time ? "datetime" : "date";
  if (validDate(year, b, a)) return { kind, format: dmyFormat(sep, false, time), ambiguousOrder: a <= 12 };
  if (validDate(year, a, b)) return { kind, format: dmyFormat(sep, true, time) };
  return undefined;
}

function classifyDates(values: string[], trim: boolean): ColumnGuess | undefined {
  const shapes: DateShape[] = [];
  for (const v of values) {
    const shape = dateShape(v);
    if (!shape) return undefined;
    shapes.push(shape);
  }
  const kind = shapes.some((s) => s.kind === "datetime") ? "datetime" : "date";
  const formats = new Set(shapes.map((s) => s.format));
  if (formats.size > 1) {
    // day-first values whose day is ≤ 12 also read month-first: drop the month-first reading if it is
    // the only one that fits some values, the column is month-first as a whole only if every value fits
    const monthFirst = [...formats].find((f) => f?.startsWith("%m"));
    if (!monthFirst || !shapes.every((s) => s.format === monthFirst || s.ambiguousOrder)) return undefined;
    const sep = monthFirst.charAt(2);
    if (shapes.some((s) => s.format && s.format.charAt(2) !== sep)) return undefined;
    return {
      kind: "typed",
      chain: withTrim({ type: kind, parse: { dateFormat: monthFirst }, format: monthFirst, trim }),
      note: "read month-first (some days are above 12)",
    };
  }
  const [format] = formats;
  if (format === undefined) {
    // ISO: a column mixing dates and datetimes is datetime; an offset anywhere makes it zoned
    const parse: FieldParse = shapes.some((s) => s.tz) ? { timezone: true } : {};
    return { kind: "typed", chain: withTrim({ type: kind, parse, trim }) };
  }
  if (kind === "datetime" && shapes.some((s) => s.kind === "date")) return undefined;
  const note = format.startsWith("%m") ? "read month-first (some days are above 12)" : undefined;
  const chain = withTrim({ type: kind, parse: { dateFormat: format }, format, trim });
  return note ? { kind: "typed", chain, note } : { kind: "typed", chain };
}

const ENGLISH_BOOLEANS = { trueValues: ["true", "yes"], falseValues: ["false", "no"] };

function classifyBooleans(values: string[], hasMissing: boolean, trim: boolean): Candidate[] | undefined {
  const seen = new Set(values.map((v) => v.toLowerCase()));
  const words: Candidate = {
    type: "boolean",
    parse: { trueValues: TRUE_WORDS, falseValues: FALSE_WORDS },
    trim: true,
  };
  if (!trim && [...seen].every((v) => ["true", "false", "yes", "no"].includes(v))) {
    // exact English words first: the CSV reader parses those itself, faster than a CASE
    return [{ type: "boolean", parse: ENGLISH_BOOLEANS, trim: false }, words];
  }
  if ([...seen].every((v) => TRUE_WORDS.includes(v) || FALSE_WORDS.includes(v))) return [words];
  for (const [t, f] of LETTER_PAIRS) {
    if (seen.size === 2 && seen.has(t) && seen.has(f)) {
      return [{ type: "boolean", parse: { trueValues: [t], falseValues: [f] }, trim: true }];
    }
  }
  // a checkbox column: x where ticked, blank elsewhere (three x's at least: one "x" is just a letter)
  if (seen.size === 1 && seen.has("x") && hasMissing && values.length >= 3) {
    return [{ type: "boolean", parse: { trueValues: ["x"], falseValues: [] }, trim: true }];
  }
  return undefined;
}

function classifyTimes(values: string[], trim: boolean): ColumnGuess | undefined {
  for (const v of values) {
    const m = TIME.exec(v);
    if (!m || !validClock(n(m[1]), n(m[2]), n(m[3]))) return undefined;
  }
  return { kind: "typed", chain: withTrim({ type: "time", parse: {}, trim }) };
}

function classifyNumbers(values: string[], trim: boolean): ColumnGuess | undefined {
  let conventions: NumberConvention[] = ["plain", "en", "vi"];
  let integers: NumberConvention[] = ["plain", "en", "vi"];
  let yearLike = true;
  for (const v of values) {
    yearLike &&= /^[12]\d{3}$/.test(v);
    if (LEADING_ZERO.test(v)) return { kind: "string" }; // a code: 01, 0912345678
    conventions = conventions.filter((c) => NUMBER[c].test(v));
    integers = integers.filter((c) => INTEGER[c].test(v));
    if (conventions.length === 0) return undefined;
  }
  integers = integers.filter((c) => conventions.includes(c));
  return { kind: "number", conventions, integers, yearLike, trim };
}

/** The candidate plus, when it is exact, its space-tolerant twin (the check tries it only on failures). */
export function withTrim(candidate: Candidate): Candidate[] {
  return candidate.trim ? [candidate] : [candidate, { ...candidate, trim: true }];
}

/**
 * Guesses a column's type from sample `values` (null = missing). Leading-zero numbers stay strings;
 * booleans need a coherent vocabulary; dates are day-first unless the data says otherwise.
 */
export function classifyColumn(values: readonly (string | null)[]): ColumnGuess {
  const present: string[] = [];
  let trim = false;
  let hasMissing = false;
  for (const raw of values) {
    const v = raw?.trim() ?? "";
    if (v === "") {
      hasMissing = true;
      if (raw) trim = true; // spaces only: blank
      continue;
    }
    if (v !== raw) trim = true;
    present.push(v);
  }
  if (present.length === 0) return { kind: "empty" };
  const bool = classifyBooleans(present, hasMissing, trim);
  if (bool) return { kind: "typed", chain: bool };
  return (
    classifyNumbers(present, trim) ??
    classifyDates(present, trim) ??
    classifyTimes(present, trim) ?? { kind: "string" }
  );
}
