/**
 * How Vietnamese files write values: `1.234.567.000` numbers, `12,5` decimals, day-first dates, 10-digit
 * tax codes with their check digit, CSV quoting, and text in the Windows-1258 code page (which has no
 * precomposed letters for most tone marks, so they are written as combining marks the way Windows does).
 */
import iconv from "iconv-lite";
import type { Random } from "./random.ts";

/** 1234567000 → "1.234.567.000". */
export function vnInteger(n: number): string {
  const sign = n < 0 ? "-" : "";
  return (
    sign +
    Math.abs(Math.round(n))
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, ".")
  );
}

/** 12345.67 with 2 places → "12.345,67". */
export function vnDecimal(n: number, places: number): string {
  const [whole = "0", fraction] = Math.abs(n).toFixed(places).split(".");
  const sign = n < 0 ? "-" : "";
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return fraction ? `${sign}${grouped},${fraction}` : `${sign}${grouped}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** → "31/12/2024". */
export function dayFirst(d: Date): string {
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

/** → "2024-12-31". */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** → "2024-12-31 08:15:00". */
export function isoDateTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace("T", " ");
}

/** A day drawn uniformly from [from, to]. */
export function randomDay(rng: Random, from: string, to: string): Date {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return new Date(a + rng.int(0, Math.round((b - a) / 86_400_000)) * 86_400_000);
}

/** The last day of a month (1-based). */
export function monthEnd(year: number, month: number): Date {
  return new Date(Date.UTC(year, month, 0));
}

const TAX_CODE_WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/** The check digit of a 9-digit tax code body, or undefined when no code with that body is issued. */
export function taxCodeCheckDigit(body: string): number | undefined {
  const sum = [...body].reduce((s, digit, i) => s + Number(digit) * (TAX_CODE_WEIGHTS[i] ?? 0), 0);
  const check = 10 - (sum % 11);
  return check === 10 ? undefined : check;
}

/** A well-formed 10-digit enterprise tax code (mã số thuế) starting with the given 2-digit prefix. */
export function taxCode(rng: Random, prefix: string): string {
  for (;;) {
    const body = prefix + String(rng.int(0, 9_999_999)).padStart(7, "0");
    const check = taxCodeCheckDigit(body);
    if (check !== undefined) return `${body}${check}`;
  }
}

/** One CSV record: fields quoted when they hold the delimiter, a quote or a line break. */
export function csvLine(fields: readonly (string | number | null | undefined)[], delimiter = ","): string {
  return fields
    .map((value) => {
      const text = value === null || value === undefined ? "" : String(value);
      return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(delimiter);
}

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;

/**
 * Text as Windows-1258 bytes. Letters the code page lacks precomposed ("ố", "ệ") are written as the base
 * letter it has ("ô", "ê") plus a combining tone mark; anything it cannot hold at all is an error, not "?".
 */
export function encodeWindows1258(text: string): Buffer {
  const chunks: string[] = [];
  for (const char of text.normalize("NFC")) {
    if (roundTrips(char)) {
      chunks.push(char);
      continue;
    }
    const decomposed = char.normalize("NFD");
    const tones = decomposed.match(TONE_MARKS)?.join("") ?? "";
    const base = decomposed.replace(TONE_MARKS, "").normalize("NFC");
    const written = base + tones;
    if (!roundTrips(written)) throw new Error(`Windows-1258 cannot hold ${JSON.stringify(char)}`);
    chunks.push(written);
  }
  return iconv.encode(chunks.join(""), "windows1258");
}

function roundTrips(text: string): boolean {
  return iconv.decode(iconv.encode(text, "windows1258"), "windows1258") === text;
}
