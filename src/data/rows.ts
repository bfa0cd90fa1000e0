/**
 * A page of a version's rows: the selection (filters, `q`), the order (`sort`, then file order), the page
 * (`limit` with `offset` or a keyset `cursor`) and the total the caller asked for. The page and the count
 * run at the same time on two pooled connections, each on a clustered copy when one serves the filters
 * (clustered.ts). One row more than `limit` is read to know whether a next page exists; `nextCursor` is
 * given only then.
 *
 * A filtered page in file order over a large version is read in growing windows of row positions
 * (16 Ki rows, then four times more each time): DuckDB decodes whole row groups on as many threads as it
 * has, so one query would decode several row groups before the first matches come back, where the first
 * small window often holds the page already.
 */
import type { LoadedDataset } from "../catalog/service.ts";
import type { AppContext } from "../context.ts";
import type { Row, SqlValue } from "../engine/index.ts";
import { Bindings, quoteIdentifier } from "./bindings.ts";
import { readPreferringCopy } from "./clustered.ts";
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
import { fromVersion, openVersion, type VersionSource } from "./source.ts";
import { type Rows, selectRows } from "./statements.ts";
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

/** Versions from this many rows on are read in windows when filtered in file order. */
export const WINDOWED_MIN_ROWS = 1_000_000;
const FIRST_WINDOW = 16_384;

function pageSql(
  q: PageQuery,
  rows: number,
  offset: number,
  window?: { start: number; end?: number },
): { sql: string; params: unknown[] } {
  const b = new Bindings();
  const extra: string[] = [];
  if (window) {
    extra.push(`${q.source.rowId} >= ${b.bind(BigInt(window.start))}`);
    if (window.end !== undefined) extra.push(`${q.source.rowId} < ${b.bind(BigInt(window.end))}`);
  } else if (q.cursor) extra.push(afterCursorCondition(q.sortKeys, q.cursor, b, q.source.rowId));
  const columns = [...q.fields, ...q.sortKeys.map((k) => k.field)].map((f) => quoteIdentifier(f.name));
  const where = whereClause(q.selection, q.source.fields, b, extra);
  const page = `LIMIT ${b.bind(BigInt(rows))}${offset > 0 ? ` OFFSET ${b.bind(BigInt(offset))}` : ""}`;
  const sql = `SELECT ${[...columns, q.source.rowId].join(", ")} FROM ${fromVersion(q.source)} ${where} ${orderByClause(q.sortKeys, q.source)} ${page}`;
  return { sql, params: b.values };
}

const windowed = (q: PageQuery, offset: number) =>
  q.sortKeys.length === 0 &&
  !q.source.clusteredBy &&
  offset === 0 &&
  q.source.version.rows >= WINDOWED_MIN_ROWS &&
  !isEverything(q.selection);

/** `rows` rows of the page (one query, or windows of growing size; see the module's note). */
async function readPage(ctx: AppContext, q: PageQuery, rows: number, offset: number): Promise<Rows["rows"]> {
  const blobRoot = ctx.blobs.root;
  if (!windowed(q, offset)) {
    const { sql, params } = pageSql(q, rows, offset);
    return (await ctx.engine.withConnection((c) => selectRows(c, blobRoot, sql, params))).rows;
  }
  return ctx.engine.withConnection(async (c) => {
    const found: Rows["rows"] = [];
    let start = q.cursor ? q.cursor.r + 1 : 0;
    for (let size = FIRST_WINDOW; found.length < rows; size *= 4) {
      // The last window is open-ended, so no row is missed whatever the recorded row count says.
      const end = start + size < q.source.version.rows ? start + size : undefined;
      const { sql, params } = pageSql(q, rows - found.length, 0, { start, end });
      found.push(...(await selectRows(c, blobRoot, sql, params)).rows);
      if (end === undefined) break;
      start = end;
    }
    return found;
  });
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

  const everything = isEverything(selection);
  const [page, total] = await readPreferringCopy(ctx, source, selection, (s) =>
    Promise.all([
      readPage(ctx, { ...q, source: s }, request.limit + 1, request.offset),
      totalFor(ctx.engine, ctx.blobs.root, s, selection, request.total, everything),
    ]),
  );
  const more = page.length > request.limit;
  const rows = more ? page.slice(0, request.limit) : page;
  return {
    source,
    fields,
    records: rows.map((values) => Object.fromEntries(fields.map((f, i) => [f.name, values[i] ?? null]))),
    ...(total ? { total: total.total, ...(total.estimated ? { totalEstimated: true } : {}) } : {}),
    ...(more ? { nextCursor: nextCursorOf(q, rows[rows.length - 1]) } : {}),
  };
}
