/**
 * Which rows a request selects — its field filters and its `q` words — shared by rows, aggregates and
 * downloads, and the WHERE clause that says so with every value bound.
 */
import type { Bindings } from "./bindings.ts";
import { type Filter, filterCondition, parseFilters } from "./filters.ts";
import { MAX_SEARCH_WORDS, searchCondition, searchWords } from "./search.ts";
import { type DataField, invalidParameter, requireField } from "./table-schema.ts";

export interface Selection {
  filters: Filter[];
  words: string[];
  /** What decides the selected rows, in a canonical form (for cursor fingerprints). */
  canonical: [string, unknown][];
}

export const isEverything = (s: Selection) => s.filters.length === 0 && s.words.length === 0;

/**
 * The selection a query string makes: `q`, plus a filter for every key not in `reserved`.
 * @throws `validation_failed` naming the parameter
 */
export function parseSelection(
  fields: readonly DataField[],
  query: Readonly<Record<string, unknown>>,
  reserved: ReadonlySet<string>,
): Selection {
  const words = searchWords(typeof query.q === "string" ? query.q : undefined);
  if (words.length > MAX_SEARCH_WORDS)
    throw invalidParameter("/querystring/q", `q may hold at most ${MAX_SEARCH_WORDS} words`);
  const filters = parseFilters(fields, query, new Set([...reserved, "q"]));
  const canonical = Object.entries(query)
    .filter(([key]) => !reserved.has(key) && key !== "q")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  canonical.push(["q", words]);
  return { filters, words, canonical };
}

/** `WHERE …` for the selection and any `extra` conditions, or "" when nothing is filtered. */
export function whereClause(
  selection: Selection,
  fields: readonly DataField[],
  b: Bindings,
  extra: readonly string[] = [],
): string {
  const conditions = selection.filters.map((f) => filterCondition(f, b));
  if (selection.words.length > 0) conditions.push(searchCondition(selection.words, fields, b));
  conditions.push(...extra);
  return conditions.length === 0 ? "" : `WHERE ${conditions.map((c) => `(${c})`).join(" AND ")}`;
}

/** The fields `fields=a,b` names (all of them when absent), in the order given. */
export function pickFields(all: readonly DataField[], list: string | undefined): DataField[] {
  if (list === undefined || list === "") return [...all];
  const names = list.split(",");
  if (new Set(names).size !== names.length)
    throw invalidParameter("/querystring/fields", "a field is named twice");
  return names.map((name) => requireField(all, name, "/querystring/fields"));
}
