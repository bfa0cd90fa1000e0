/**
 * Reads the rows `datastore_search` asks for from a version's Parquet file with DuckDB: CKAN's `_id` (the
 * row's 1-based position in the file), filters as equality or IN over bound values, text search as every
 * word (folded: lower case, no diacritics, đ→d) appearing in the row or the named field, sorts, DISTINCT,
 * paging and the total. Identifiers are the table's own column names, quoted; every value is a parameter;
 * the file path comes from the blob store. The query is interrupted after a time limit, and each search is
 * audited against its dataset before its rows are answered.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { actorName } from "../../auth/actor.ts";
import type { LoadedDataset } from "../../catalog/service.ts";
import type { VersionRow } from "../../catalog/versions.ts";
import { SQL_LIMITS } from "../../data/sql.ts";
import {
  EngineQueryError,
  fromDuckDBError,
  queryConnection,
  type Row,
  type SqlValue,
} from "../../engine/index.ts";
import type { ActionContext } from "./action.ts";
import type { DatastoreQuery } from "./datastore-params.ts";
import { validationError } from "./errors.ts";

export interface DatastoreRows {
  query: DatastoreQuery;
  /** Returned fields with their DuckDB types, in order. */
  fields: { name: string; type: string }[];
  /** Objects or lists of values, or CSV/TSV text (no header), as `records_format` asks. */
  records: Row[] | SqlValue[][] | string;
  total?: number;
}

const quoteId = (name: string) => `"${name.replaceAll('"', '""')}"`;
const fold = (text: string) => `strip_accents(lower(replace(replace(${text}, 'đ', 'd'), 'Đ', 'D')))`;
const asText = (column: string) => `coalesce(CAST(${quoteId(column)} AS VARCHAR), '')`;
const words = (text: string) => text.split(/\s+/).filter(Boolean).slice(0, 32);

async function columnsOf(connection: DuckDBConnection, file: string) {
  const reader = await connection.runAndReadAll("SELECT * FROM read_parquet($file) LIMIT 0", { file });
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.toString());
  return names.map((name, i) => ({ name, type: types[i] ?? "VARCHAR" }));
}

interface Built {
  select: string;
  where: string;
  order: string;
  params: Record<string, unknown>;
}

function buildQuery(query: DatastoreQuery, columns: string[], textColumns: string[]): Built {
  const params: Record<string, unknown> = {};
  let n = 0;
  const bind = (value: unknown) => {
    const name = `p${n++}`;
    params[name] = value;
    return `$${name}`;
  };
  const conditions: string[] = [];
  for (const [field, values] of Object.entries(query.filters)) {
    const given = values.filter((v) => v !== null).map((v) => String(v));
    const alternatives = given.length > 0 ? [`${quoteId(field)} IN (${given.map(bind).join(", ")})`] : [];
    if (values.includes(null)) alternatives.push(`${quoteId(field)} IS NULL`);
    conditions.push(`(${alternatives.join(" OR ")})`);
  }
  if (typeof query.q === "string" && textColumns.length > 0) {
    const row = `concat_ws(' ', ${textColumns.map(asText).join(", ")})`;
    for (const word of words(query.q)) conditions.push(`contains(${fold(row)}, ${fold(bind(word))})`);
  } else if (query.q && typeof query.q === "object") {
    for (const [field, text] of Object.entries(query.q)) {
      for (const word of words(text))
        conditions.push(`contains(${fold(asText(field))}, ${fold(bind(word))})`);
    }
  }
  const selected = query.fields ?? columns;
  if (query.distinct) {
    const outside = query.sort.find((s) => !selected.includes(s.field));
    if (outside)
      throw validationError({ sort: [`field "${outside.field}" is not among the distinct fields`] });
  }
  const sort = query.sort.map((s) => `${quoteId(s.field)} ${s.desc ? "DESC" : "ASC"}`);
  if (sort.length === 0 && !query.distinct && columns.includes("_id")) sort.push(`"_id" ASC`);
  return {
    select: `${query.distinct ? "DISTINCT " : ""}${selected.map(quoteId).join(", ")}`,
    where: conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "",
    order: sort.length > 0 ? `ORDER BY ${sort.join(", ")}` : "",
    params,
  };
}

/** PostgreSQL's `COPY … csv` text: quoted only where needed, NULL as an empty field, no header. */
function delimited(fields: string[], rows: Row[], delimiter: string): string {
  const cell = (value: SqlValue | undefined) => {
    if (value === null || value === undefined) return "";
    const text = typeof value === "object" ? JSON.stringify(value) : String(value);
    const quote = text === "" || text.includes(delimiter) || /["\r\n]/.test(text);
    return quote ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return rows.map((r) => `${fields.map((f) => cell(r[f])).join(delimiter)}\n`).join("");
}

async function withTimeLimit<T>(connection: DuckDBConnection, run: () => Promise<T>): Promise<T> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, SQL_LIMITS.defaultTimeoutMs);
  try {
    return await run();
  } catch (error) {
    if (timedOut) throw validationError({ query: ["Search took too long"] });
    const mapped = fromDuckDBError(error);
    // A filter value the column cannot hold (`"abc"` for an integer) is the caller's error, as in CKAN.
    if (
      mapped instanceof EngineQueryError &&
      ["conversion", "invalid_input", "binder"].includes(mapped.kind)
    ) {
      throw validationError({ query: ["Invalid query"], info: { orig: [mapped.message] } });
    }
    throw mapped;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the search on the dataset's version. `read` turns the request into a query once the table's
 * columns (with `_id`) are known, so unknown fields are refused with CKAN's messages.
 */
export async function runDatastoreQuery(
  c: ActionContext,
  ds: LoadedDataset,
  version: VersionRow,
  read: (columns: ReadonlySet<string>) => DatastoreQuery,
): Promise<DatastoreRows> {
  const file = c.ctx.blobs.pathOf(version.blobKey);
  const answer = await c.ctx.engine.withConnection(async (connection) => {
    const stored = await columnsOf(connection, file);
    const addId = !stored.some((s) => s.name === "_id" || s.name === "file_row_number");
    const all = addId ? [{ name: "_id", type: "BIGINT" }, ...stored] : stored;
    const query = read(new Set(all.map((col) => col.name)));
    const textColumns = stored.map((s) => s.name);
    const built = buildQuery(
      query,
      all.map((col) => col.name),
      textColumns,
    );
    const from = addId
      ? `(SELECT file_row_number + 1 AS "_id", * EXCLUDE (file_row_number) FROM read_parquet($file, file_row_number = true))`
      : "read_parquet($file)";
    const params = { ...built.params, file };
    const page = `SELECT ${built.select} FROM ${from} ${built.where} ${built.order} LIMIT ${query.limit} OFFSET ${query.offset}`;
    const count = `SELECT count(*) AS n FROM (SELECT ${built.select} FROM ${from} ${built.where})`;
    return withTimeLimit(connection, async () => {
      const rows = await queryConnection(connection, page, params, { readOnly: true });
      const total = query.includeTotal
        ? Number((await queryConnection(connection, count, params, { readOnly: true }))[0]?.n ?? 0)
        : undefined;
      const names = query.fields ?? all.map((col) => col.name);
      const types = new Map(all.map((col) => [col.name, col.type]));
      return {
        query,
        rows,
        total,
        fields: names.map((name) => ({ name, type: types.get(name) ?? "VARCHAR" })),
      };
    });
  });
  await c.ctx.db.transaction((tx) =>
    c.ctx.audit.append(tx, {
      actor: actorName(c.actor),
      action: "data.rows",
      resource: `dataset:${ds.org.name}/${ds.row.name}`,
      details: {
        via: "ckan.datastore_search",
        version: version.n,
        filters: answer.query.filters,
        ...(answer.query.q !== undefined ? { q: answer.query.q } : {}),
        rows: answer.rows.length,
      },
    }),
  );
  const names = answer.fields.map((f) => f.name);
  const { recordsFormat } = answer.query;
  const records =
    recordsFormat === "objects"
      ? answer.rows
      : recordsFormat === "lists"
        ? answer.rows.map((r) => names.map((name) => r[name] ?? null))
        : delimited(names, answer.rows, recordsFormat === "csv" ? "," : "\t");
  return { query: answer.query, fields: answer.fields, records, total: answer.total };
}
