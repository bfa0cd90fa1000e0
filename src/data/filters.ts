/**
 * Row filters from the query string: `col=v` (equals), `col[op]=v` with op one of eq, ne, gt, gte, lt,
 * lte, in (comma-separated, `\,` for a comma inside a value), like (SQL LIKE on text fields, `%` and `_`
 * as given) and null (true | false). A column whose name is also a parameter of the route (`limit`,
 * `sort`…) is filtered with the explicit form `limit[eq]=…`.
 *
 * Field names are checked against the version's schema; values are coerced to the field's type and bound.
 */
import { type Bindings, quoteIdentifier } from "./bindings.ts";
import { coerceValue, type TypedValue } from "./coerce.ts";
import { type DataField, invalidParameter, requireField } from "./table-schema.ts";

export const FILTER_OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "like", "null"] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export type Filter =
  | { field: DataField; op: "eq" | "ne" | "gt" | "gte" | "lt" | "lte"; value: TypedValue }
  | { field: DataField; op: "in"; values: TypedValue[] }
  | { field: DataField; op: "like"; pattern: string }
  | { field: DataField; op: "null"; isNull: boolean };

/** Most values one `in` filter may list. */
export const MAX_IN_VALUES = 1000;
/** Most filters one request may carry. */
export const MAX_FILTERS = 50;

const KEY = /^(.+)\[([a-z]+)\]$/;
const COMPARISON: Record<string, string> = { eq: "=", ne: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" };

/** Splits an `in` list on commas not preceded by a backslash, then unescapes `\,` and `\\`. */
export function splitList(text: string): string[] {
  const out: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\" && (text[i + 1] === "," || text[i + 1] === "\\")) {
      current += text[i + 1];
      i++;
    } else if (ch === ",") {
      out.push(current);
      current = "";
    } else current += ch;
  }
  out.push(current);
  return out;
}

function single(value: unknown, path: string): string {
  if (typeof value === "string") return value;
  throw invalidParameter(path, "give this filter once (use [in] for several values)");
}

function parseOne(fields: readonly DataField[], key: string, raw: unknown): Filter {
  const path = `/querystring/${key}`;
  const match = KEY.exec(key);
  const name = match?.[1] ?? key;
  const op = match?.[2] ?? "eq";
  if (!(FILTER_OPERATORS as readonly string[]).includes(op)) {
    throw invalidParameter(
      path,
      `unknown filter operator "${op}"; use one of ${FILTER_OPERATORS.join(", ")}`,
    );
  }
  const field = requireField(fields, name, path);
  switch (op) {
    case "in": {
      const items = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => splitList(String(v)));
      if (items.length > MAX_IN_VALUES) throw invalidParameter(path, `at most ${MAX_IN_VALUES} values`);
      return { field, op, values: items.map((v) => coerceValue(field, v, path)) };
    }
    case "like":
      if (field.type !== "string")
        throw invalidParameter(path, `[like] works on text fields; "${name}" is ${field.type}`);
      return { field, op, pattern: single(raw, path) };
    case "null": {
      const text = single(raw, path);
      if (text !== "true" && text !== "false") throw invalidParameter(path, "[null] takes true or false");
      return { field, op, isNull: text === "true" };
    }
    default:
      return { field, op: op as "eq", value: coerceValue(field, single(raw, path), path) };
  }
}

/**
 * The filters in `query`, skipping the route's own parameters (`reserved`).
 * @throws `validation_failed` naming the parameter for an unknown field, operator or a bad value
 */
export function parseFilters(
  fields: readonly DataField[],
  query: Readonly<Record<string, unknown>>,
  reserved: ReadonlySet<string>,
): Filter[] {
  const filters: Filter[] = [];
  for (const [key, raw] of Object.entries(query)) {
    if (reserved.has(key) || raw === undefined) continue;
    filters.push(parseOne(fields, key, raw));
  }
  if (filters.length > MAX_FILTERS) throw invalidParameter("/querystring", `at most ${MAX_FILTERS} filters`);
  return filters;
}

const placeholder = (b: Bindings, v: TypedValue) => `${b.bind(v.value)}::${v.cast}`;

/** One filter as a SQL condition, its values bound in `b`. */
export function filterCondition(filter: Filter, b: Bindings): string {
  const column = quoteIdentifier(filter.field.name);
  switch (filter.op) {
    case "in":
      return filter.values.length === 0
        ? "false"
        : `${column} IN (${filter.values.map((v) => placeholder(b, v)).join(", ")})`;
    case "like":
      return `${column} LIKE ${b.bind(filter.pattern)}`;
    case "null":
      return `${column} IS ${filter.isNull ? "" : "NOT "}NULL`;
    default:
      return `${column} ${COMPARISON[filter.op]} ${placeholder(b, filter.value)}`;
  }
}
