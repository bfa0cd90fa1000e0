/**
 * `q=`: text search over a version's string fields, insensitive to case and to diacritics, so `ha noi`
 * finds "Hà Nội" and `da nang` finds "Đà Nẵng" (and `Hà Nội` finds "HA NOI"). Every word of `q` must
 * occur, as a substring, in at least one string field of the row (words may sit in different fields).
 *
 * Each word becomes one RE2 pattern in which every Latin letter is the class of all its accented forms
 * (`a` → `[aàáạảã…ăắ…âấ…]`, `d` → `[dđ]`), case-folded, optionally followed by combining marks (text
 * stored decomposed still matches). Matching the stored text this way needs no per-row normalisation
 * (`strip_accents` on every value), and on dictionary-encoded Parquet columns DuckDB evaluates it once
 * per distinct value. The pattern is a bound parameter; every other character of the word is escaped.
 */
import type { Bindings } from "./bindings.ts";
import { quoteIdentifier } from "./bindings.ts";
import type { DataField } from "./table-schema.ts";

/** Most words a `q` may hold. */
export const MAX_SEARCH_WORDS = 10;

const LATIN_RANGES: [number, number][] = [
  [0x00c0, 0x024f],
  [0x1e00, 0x1eff],
];

/** Each ASCII letter and every precomposed Latin letter that folds to it. */
const LETTER_CLASSES: ReadonlyMap<string, string> = (() => {
  const classes = new Map<string, Set<string>>();
  for (let c = 97; c <= 122; c++) {
    const letter = String.fromCharCode(c);
    classes.set(letter, new Set([letter, letter.toUpperCase()]));
  }
  for (const [from, to] of LATIN_RANGES) {
    for (let cp = from; cp <= to; cp++) {
      const ch = String.fromCodePoint(cp);
      const base = foldText(ch);
      classes.get(base)?.add(ch);
    }
  }
  return new Map([...classes].map(([letter, set]) => [letter, `[${[...set].join("")}]`]));
})();

/** Lower case, without diacritics, `đ` as `d`: the form search compares in. */
export function foldText(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase();
}

/** The distinct words of `q`, folded (empty when `q` is blank). */
export function searchWords(q: string | undefined): string[] {
  if (!q) return [];
  return [...new Set(foldText(q).split(/\s+/).filter(Boolean))];
}

/** One folded word as an RE2 pattern matching it with any accents and case. */
export function wordPattern(word: string): string {
  let pattern = "(?i)";
  for (const ch of word) {
    const letterClass = LETTER_CLASSES.get(ch);
    if (letterClass) pattern += `${letterClass}\\p{M}*`;
    else if (/[\p{L}\p{N}]/u.test(ch)) pattern += ch;
    else pattern += `\\x{${ch.codePointAt(0)?.toString(16)}}`;
  }
  return pattern;
}

/** The condition "every word occurs in some string field", or `false` when there is no string field. */
export function searchCondition(words: readonly string[], fields: readonly DataField[], b: Bindings): string {
  const columns = fields.filter((f) => f.type === "string").map((f) => quoteIdentifier(f.name));
  if (columns.length === 0) return "false";
  return words
    .map((word) => {
      const pattern = b.bind(wordPattern(word));
      return `(${columns.map((c) => `regexp_matches(${c}, ${pattern})`).join(" OR ")})`;
    })
    .join(" AND ");
}
