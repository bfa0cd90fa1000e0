/**
 * A page of a version's rows: the selection (filters, `q`), the order (`sort`, then file order), the page
 * (`limit` with `offset` or a keyset `cursor`) and the total the caller asked for. The page and the count
 * run at the same time on two pooled connections. One row more than `limit` is read to know whether a
 * next page exists; `nextCursor` is given only then.
 */
import type { LoadedDataset } from "../catalog/service.ts";
import type { AppContext } from "../context.ts";
import type { Row, SqlValue } from "../engine/index.ts";
import { Bindings, quoteIdentifier } from "./bindings.ts";
import {
  afterCursorCondition,
  type Cursor,
  checkCursor,
  decodeCursor,
  encodeCursor,
  orderByClause,
  parseSort,
  queryFingerprint,
} from "./ordering.ts";
import { isEverything, parseSelection, pickFields, type Selection, whereClause } from "./selection.ts";
import { fromVersion, openVersion, ROW_ID, type VersionSource } from "./source.ts";
import { selectRows } from "./statements.ts";
import { type DataField, invalidParameter } from "./table-schema.ts";
import { type TotalMode, totalFor } from "./totals.ts";

/** Query parameters of the rows route that are not filters. */
export const ROWS_PARAMETERS = new Set([
  "fields",
  "q",
  "sort",
  "limit",
  "offset",
  "cursor",
  "total",
  "version",
]);

export interface RowsRequest {
  fields?: string;
  q?: string;
  sort?: string;
  limit: number;
  offset: number;
  cursor?: string;
  total?: TotalMode;
  version?: number;
  /** The whole query string: every key that is not a parameter above is a filter. */
  query: Readonly<Record<string, unknown>>;
}

export interface RowsPage {
  source: VersionSource;
  fields: DataField[];
  records: Row[];
  total?: number;
  totalEstimated?: boolean;
  nextCursor?: string;
}

function cursorVersion(cursor: Cursor | undefined, version: number | undefined): number | undefined {
  if (cursor && version !== undefined && cursor.n !== version) {
    throw invalidParameter(
      "/querystring/cursor",
      `the cursor pages through version ${cursor.n}, not ${version}`,
    );
  }
  return version ?? cursor?.n;
}

interface PageQuery {
  source: VersionSource;
  fields: DataField[];
  selection: Selection;
  sortKeys: ReturnType<typeof parseSort>;
  cursor?: Cursor;
  fingerprint: string;
}

function pageSql(q: PageQuery, limit: number, offset: number): { sql: string; params: unknown[] } {
  const b = new Bindings();
  const extra = q.cursor ? [afterCursorCondition(q.sortKeys, q.cursor, b)] : [];
  const columns = [...q.fields, ...q.sortKeys.map((k) => k.field)].map((f) => quoteIdentifier(f.name));
  const where = whereClause(q.selection, q.source.fields, b, extra);
  const page = `LIMIT ${b.bind(BigInt(limit + 1))}${offset > 0 ? ` OFFSET ${b.bind(BigInt(offset))}` : ""}`;
  const sql = `SELECT ${[...columns, ROW_ID].join(", ")} FROM ${fromVersion(q.source)} ${where} ${orderByClause(q.sortKeys)} ${page}`;
  return { sql, params: b.values };
}

function nextCursorOf(q: PageQuery, last: SqlValue[] | undefined): string | undefined {
  if (!last) return undefined;
  const width = q.fields.length;
  return encodeCursor({
    n: q.source.version.n,
    f: q.fingerprint,
    k: q.sortKeys.map((_, i) => last[width + i] ?? null),
    r: Number(last[last.length - 1]),
  });
}

/**
 * One page of `dataset`'s rows.
 * @throws `version_not_found`, `validation_failed` (naming the parameter), `query_timeout`
 */
export async function readRows(
  ctx: AppContext,
  dataset: LoadedDataset,
  request: RowsRequest,
): Promise<RowsPage> {
  const cursor = request.cursor ? decodeCursor(request.cursor) : undefined;
  if (cursor && request.offset > 0)
    throw invalidParameter("/querystring/offset", "give either offset or cursor");
  const source = await openVersion(ctx, dataset, cursorVersion(cursor, request.version));
  const fields = pickFields(source.fields, request.fields);
  const selection = parseSelection(source.fields, request.query, ROWS_PARAMETERS);
  const sortKeys = parseSort(source.fields, request.sort);
  const fingerprint = queryFingerprint([selection.canonical, request.sort ?? ""]);
  if (cursor) checkCursor(cursor, sortKeys, fingerprint);
  const q: PageQuery = { source, fields, selection, sortKeys, cursor, fingerprint };

  const { sql, params } = pageSql(q, request.limit, request.offset);
  const blobRoot = ctx.blobs.root;
  const [page, total] = await Promise.all([
    ctx.engine.withConnection((c) => selectRows(c, blobRoot, sql, params)),
    totalFor(ctx.engine, blobRoot, source, selection, request.total, isEverything(selection)),
  ]);
  const more = page.rows.length > request.limit;
  const rows = more ? page.rows.slice(0, request.limit) : page.rows;
  return {
    source,
    fields,
    records: rows.map((values) => Object.fromEntries(fields.map((f, i) => [f.name, values[i] ?? null]))),
    ...(total ? { total: total.total, ...(total.estimated ? { totalEstimated: true } : {}) } : {}),
    ...(more ? { nextCursor: nextCursorOf(q, rows[rows.length - 1]) } : {}),
  };
}
