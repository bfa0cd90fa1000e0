/**
 * Row order and keyset paging. `sort=-a,b` orders by the named fields (nulls last either way), then by
 * the row's position in the version's file, so the order is total and stable. Without `sort`, rows come
 * in file order, with no ORDER BY at all when reading the version's own file: DuckDB keeps a Parquet
 * scan's order (`preserve_insertion_order`), so a page can stop reading once it has its rows.
 *
 * A cursor holds the version, a fingerprint of the query it belongs to, and the last row's sort values and
 * row id; the next page is the rows strictly after that key. Its values are the client's, so they are
 * coerced and bound like any filter value.
 */
import { createHash } from "node:crypto";
import type { Bindings } from "./bindings.ts";
import { quoteIdentifier } from "./bindings.ts";
import { coerceValue } from "./coerce.ts";
import type { VersionSource } from "./source.ts";
import { type DataField, invalidParameter, requireField } from "./table-schema.ts";

export interface SortKey {
  field: DataField;
  descending: boolean;
}

export const MAX_SORT_KEYS = 5;

/** `-a,b` → sort keys. @throws `validation_failed` for unknown or repeated fields */
export function parseSort(fields: readonly DataField[], sort: string | undefined): SortKey[] {
  if (!sort) return [];
  const keys = sort.split(",").map((part) => {
    const descending = part.startsWith("-");
    const name = descending || part.startsWith("+") ? part.slice(1) : part;
    return { field: requireField(fields, name, "/querystring/sort"), descending };
  });
  if (keys.length > MAX_SORT_KEYS)
    throw invalidParameter("/querystring/sort", `sort by at most ${MAX_SORT_KEYS} fields`);
  if (new Set(keys.map((k) => k.field.name)).size !== keys.length) {
    throw invalidParameter("/querystring/sort", "a field appears twice in sort");
  }
  return keys;
}

/** The ORDER BY clause, or "" for the order of the version's own file. */
export function orderByClause(keys: readonly SortKey[], source: VersionSource): string {
  if (keys.length === 0 && !source.clusteredBy) return "";
  const terms = keys.map(
    (k) => `${quoteIdentifier(k.field.name)} ${k.descending ? "DESC" : "ASC"} NULLS LAST`,
  );
  return `ORDER BY ${[...terms, `${source.rowId} ASC`].join(", ")}`;
}

export interface Cursor {
  /** Version number the cursor pages through. */
  n: number;
  /** Fingerprint of the query (filters, q, sort) it belongs to. */
  f: string;
  /** Last row's sort values, in sort order. */
  k: unknown[];
  /** Last row's row id. */
  r: number;
}

/** A short hash of what decides a query's rows and order, so a cursor is not reused on another query. */
export function queryFingerprint(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 16);
}

export const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url");

const badCursor = (why: string) => invalidParameter("/querystring/cursor", `cursor ${why}`);

/** @throws `validation_failed` when the text is not a cursor this API gives out */
export function decodeCursor(text: string): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw badCursor("is not one this API gave out");
  }
  const c = value as Partial<Cursor> | null;
  if (
    !c ||
    typeof c !== "object" ||
    !Number.isSafeInteger(c.n) ||
    typeof c.f !== "string" ||
    !Array.isArray(c.k) ||
    !Number.isSafeInteger(c.r) ||
    (c.r as number) < 0
  ) {
    throw badCursor("is not one this API gave out");
  }
  return c as Cursor;
}

/** Checks the cursor belongs to this query. */
export function checkCursor(cursor: Cursor, keys: readonly SortKey[], fingerprint: string): void {
  if (cursor.f !== fingerprint || cursor.k.length !== keys.length) {
    throw badCursor("belongs to a different query: keep the filters, q and sort of the page that gave it");
  }
}

/**
 * "Strictly after the cursor's row" in the order of `keys` (then row id), as a condition with its values
 * bound. Null sort values (which sort last) are handled by the shape of the condition.
 */
export function afterCursorCondition(
  keys: readonly SortKey[],
  cursor: Cursor,
  b: Bindings,
  rowId: string,
): string {
  const equal: string[] = [];
  const alternatives: string[] = [];
  keys.forEach((key, i) => {
    const column = quoteIdentifier(key.field.name);
    const raw = cursor.k[i];
    if (raw === null) {
      // Nothing sorts after null on this key; equal means null too.
      equal.push(`${column} IS NULL`);
      return;
    }
    if (typeof raw === "object") throw badCursor("is not one this API gave out");
    const typed = coerceValue(key.field, String(raw), "/querystring/cursor");
    const value = `${b.bind(typed.value)}::${typed.cast}`;
    alternatives.push(
      [...equal, `(${column} ${key.descending ? "<" : ">"} ${value} OR ${column} IS NULL)`].join(" AND "),
    );
    equal.push(`${column} = ${value}`);
  });
  alternatives.push([...equal, `${rowId} > ${b.bind(BigInt(cursor.r))}`].join(" AND "));
  return alternatives.map((a) => `(${a})`).join(" OR ");
}
