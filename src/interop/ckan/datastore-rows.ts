/**
 * Reads the rows `datastore_search` asks for with the data API's own pieces (src/data): the version's
 * fields and FROM clause, values coerced to the field's type and bound, its Vietnamese-aware text search,
 * its prepared, time-limited statements and its read audit. What CKAN has and the rows API has not is
 * built here on the same pieces: `_id` (the row's 1-based position in the file, from the row id), `IN`
 * over a list of filter values, text search per field, DISTINCT, and records as lists or CSV/TSV.
 */
import type { LoadedDataset } from "../../catalog/service.ts";
import { auditRead } from "../../data/audit-reads.ts";
import { Bindings, quoteIdentifier } from "../../data/bindings.ts";
import { coerceValue, columnType } from "../../data/coerce.ts";
import { filterCondition } from "../../data/filters.ts";
import { MAX_SEARCH_WORDS, searchCondition, searchWords } from "../../data/search.ts";
import { type Selection, whereClause } from "../../data/selection.ts";
import { fromVersion, openVersion, ROW_ID, type VersionSource } from "../../data/source.ts";
import { selectRows } from "../../data/statements.ts";
import type { DataField } from "../../data/table-schema.ts";
import type { Row, SqlValue } from "../../engine/index.ts";
import { AppError } from "../../errors.ts";
import type { ActionContext } from "./action.ts";
import type { DatastoreQuery, FilterValue } from "./datastore-params.ts";
import { ckanFieldType } from "./datastore-types.ts";
import { validationError } from "./errors.ts";

/** CKAN's row id column, computed from the file's row number. */
export const CKAN_ROW_ID = "_id";

export interface DatastoreRows {
  source: VersionSource;
  query: DatastoreQuery;
  /** Names of the returned fields, in order. */
  names: string[];
  /** Objects or lists of values, or CSV/TSV text (no header), as `records_format` asks. */
  records: Row[] | SqlValue[][] | string;
  total?: number;
}

const column = (name: string) => (name === CKAN_ROW_ID ? `(${ROW_ID} + 1)` : quoteIdentifier(name));

function fieldNamed(source: VersionSource, name: string): DataField {
  const field = source.fields.find((f) => f.name === name);
  if (!field) throw validationError({ filters: [`invalid value "${name}"`] });
  return field;
}

/** One CKAN filter (a value or a list; null for "is empty") as a condition, values coerced and bound. */
function filterSql(source: VersionSource, name: string, values: FilterValue[], b: Bindings): string {
  const given = values.filter((v) => v !== null).map(String);
  const alternatives: string[] = [];
  try {
    if (name === CKAN_ROW_ID) {
      if (!given.every((v) => /^\d{1,15}$/.test(v)))
        throw validationError({ filters: ['"_id" takes row numbers'] });
      if (given.length > 0)
        alternatives.push(`${ROW_ID} IN (${given.map((v) => b.bind(BigInt(v) - 1n)).join(", ")})`);
    } else {
      const field = fieldNamed(source, name);
      const path = `/filters/${name}`;
      if (given.length > 0) {
        alternatives.push(
          filterCondition({ field, op: "in", values: given.map((v) => coerceValue(field, v, path)) }, b),
        );
      }
      if (values.includes(null)) alternatives.push(filterCondition({ field, op: "null", isNull: true }, b));
    }
  } catch (error) {
    if (error instanceof AppError && error.code === "validation_failed")
      throw validationError({ filters: [error.message] });
    throw error;
  }
  return alternatives.length === 1 ? (alternatives[0] as string) : `(${alternatives.join(" OR ")})`;
}

function wordsOf(text: string): string[] {
  const words = searchWords(text);
  if (words.length > MAX_SEARCH_WORDS) throw validationError({ q: [`at most ${MAX_SEARCH_WORDS} words`] });
  return words;
}

/** `WHERE …` for the filters and the text search, bound in `b`. */
function whereSql(source: VersionSource, query: DatastoreQuery, b: Bindings): string {
  const selection: Selection = {
    filters: [],
    words: typeof query.q === "string" ? wordsOf(query.q) : [],
    canonical: [],
  };
  const extra = Object.entries(query.filters).map(([name, values]) => filterSql(source, name, values, b));
  if (query.q && typeof query.q === "object") {
    for (const [name, text] of Object.entries(query.q)) {
      const words = wordsOf(text);
      if (words.length > 0) extra.push(searchCondition(words, [fieldNamed(source, name)], b));
    }
  }
  return whereClause(selection, source.fields, b, extra);
}

function orderSql(query: DatastoreQuery): string {
  if (query.sort.length === 0) return ""; // file order, which is `_id` order
  const terms = query.sort.map((s) =>
    s.field === CKAN_ROW_ID
      ? `${ROW_ID} ${s.desc ? "DESC" : "ASC"}`
      : `${quoteIdentifier(s.field)} ${s.desc ? "DESC" : "ASC"} NULLS LAST`,
  );
  if (!query.distinct) terms.push(`${ROW_ID} ASC`);
  return `ORDER BY ${terms.join(", ")}`;
}

/** PostgreSQL's `COPY … csv` text: quoted only where needed, NULL as an empty field, no header. */
function delimited(rows: SqlValue[][], delimiter: string): string {
  const cell = (value: SqlValue | undefined) => {
    if (value === null || value === undefined) return "";
    const text = typeof value === "object" ? JSON.stringify(value) : String(value);
    const quote = text === "" || text.includes(delimiter) || /["\r\n]/.test(text);
    return quote ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return rows.map((r) => `${r.map(cell).join(delimiter)}\n`).join("");
}

/** The columns of the version, `_id` first, with their types as the CKAN DataStore names them. */
export function datastoreColumns(source: VersionSource): { id: string; type: string }[] {
  return [
    { id: CKAN_ROW_ID, type: "int" },
    ...source.fields.map((f) => ({ id: f.name, type: ckanFieldType(columnType(f)) })),
  ];
}

/**
 * Runs the search on the dataset's current version. `read` turns the request into a query once the
 * table's columns are known, so unknown fields are refused with CKAN's messages.
 * @throws CkanError `Validation Error`; AppError `query_timeout`
 */
export async function runDatastoreQuery(
  c: ActionContext,
  ds: LoadedDataset,
  read: (columns: ReadonlySet<string>) => DatastoreQuery,
): Promise<DatastoreRows> {
  const source = await openVersion(c.ctx, ds);
  const query = read(new Set(datastoreColumns(source).map((col) => col.id)));
  const names = query.fields ?? datastoreColumns(source).map((col) => col.id);
  if (query.distinct) {
    const outside = query.sort.find((s) => !names.includes(s.field));
    if (outside)
      throw validationError({ sort: [`field "${outside.field}" is not among the distinct fields`] });
  }
  const select = `${query.distinct ? "DISTINCT " : ""}${names.map((n) => `${column(n)} AS ${quoteIdentifier(n)}`).join(", ")}`;
  const page = new Bindings();
  const pageSql = `SELECT ${select} FROM ${fromVersion(source)} ${whereSql(source, query, page)} ${orderSql(query)} LIMIT ${page.bind(BigInt(query.limit))} OFFSET ${page.bind(BigInt(query.offset))}`;
  const count = new Bindings();
  const countWhere = whereSql(source, query, count);
  const everything = countWhere === "" && !query.distinct;
  const countSql = `SELECT count(*) FROM (SELECT ${select} FROM ${fromVersion(source)} ${countWhere})`;

  const blobRoot = c.ctx.blobs.root;
  const [rows, total] = await Promise.all([
    c.ctx.engine.withConnection((conn) => selectRows(conn, blobRoot, pageSql, page.values)),
    !query.includeTotal
      ? undefined
      : everything
        ? source.version.rows
        : c.ctx.engine
            .withConnection((conn) => selectRows(conn, blobRoot, countSql, count.values))
            .then((r) => Number(r.rows[0]?.[0] ?? 0)),
  ]);
  await auditRead(c.ctx, c.actor, source, "data.rows", {
    via: "ckan.datastore_search",
    rows: rows.rows.length,
  });
  const records =
    query.recordsFormat === "objects"
      ? rows.rows.map((values) => Object.fromEntries(names.map((n, i) => [n, values[i] ?? null])))
      : query.recordsFormat === "lists"
        ? rows.rows
        : delimited(rows.rows, query.recordsFormat === "csv" ? "," : "\t");
  return { source, query, names, records, total };
}
