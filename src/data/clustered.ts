/**
 * Clustered copies: a large version filtered on one field again and again (`ma_tinh=01`; from the
 * `REQUESTS_BEFORE_COPY`th request on) is copied once, in the background, into a Parquet file sorted by that field in small row groups, keeping each row's
 * position as a column. A filter on the field then reads only the row groups whose statistics can hold
 * the value instead of decoding the whole file — the page, the count and the aggregate alike — much as
 * PostgreSQL reads through an index. Until a copy is ready (and for every other query) the version's own
 * file answers; both give the same rows in the same order.
 *
 * Copies are a per-process cache under the blob root's `.tmp` (cleared when the blob store opens): at
 * most `COPIES_PER_VERSION` per version, `CACHE_BYTES` in all (least recently used go first), built one at
 * a time on a pooled engine connection. A copy that fails to build is not tried again by this process.
 */
import { randomUUID } from "node:crypto";
import { rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { AppContext } from "../context.ts";
import { quoteIdentifier, quoteServerLiteral } from "./bindings.ts";
import type { Selection } from "./selection.ts";
import { COPY_ROW_ID, fromCopy, fromVersion, type VersionSource } from "./source.ts";

/** Versions smaller than this are scanned whole: fast enough, not worth a copy. */
export const CLUSTER_MIN_ROWS = 1_000_000;
/** A copy is made once a field's filter has been asked for this often: one-off queries make none. */
export const REQUESTS_BEFORE_COPY = 3;
export const COPIES_PER_VERSION = 2;
export const CACHE_BYTES = 8 * 1024 ** 3;
/** Rows per row group of a copy: small, so a selective filter decodes little beyond what it selects. */
const COPY_ROW_GROUP = 16_384;
/** A dropped copy's file is deleted this much later, so a query that already chose it can finish. */
const DELETE_GRACE_MS = 60_000;

interface Copy {
  file: string;
  bytes: number;
  usedAt: number;
}

const copies = new Map<string, Copy>();
const failed = new Set<string>();
const requests = new Map<string, number>();
const REQUEST_COUNTS_KEPT = 10_000;
const pending = new Map<string, Promise<void>>();
let buildQueue: Promise<unknown> = Promise.resolve();

/** Copies are per blob root (one process may serve several, as tests do), per version content, per field. */
const versionKey = (ctx: AppContext, source: VersionSource) =>
  `${ctx.blobs.root}\u0000${source.version.sha256}`;
const keyOf = (ctx: AppContext, source: VersionSource, field: string) =>
  `${versionKey(ctx, source)}\u0000${field}`;

/** Fields whose equality or `in` filters a clustered copy can serve (booleans split too coarsely). */
function candidateFields(source: VersionSource, selection: Selection): string[] {
  if (source.version.rows < CLUSTER_MIN_ROWS || source.fields.some((f) => f.name === COPY_ROW_ID)) return [];
  const fields = selection.filters
    .filter((f) => (f.op === "eq" || f.op === "in") && f.field.type !== "boolean")
    .map((f) => f.field.name);
  return [...new Set(fields)];
}

/**
 * The source to read `selection` from: a ready clustered copy sorted by one of its filtered fields, or
 * `source` itself (then a copy for the first such field is started in the background).
 */
export function clusteredSource(ctx: AppContext, source: VersionSource, selection: Selection): VersionSource {
  const fields = candidateFields(source, selection);
  for (const field of fields) {
    const copy = copies.get(keyOf(ctx, source, field));
    if (copy) {
      copy.usedAt = Date.now();
      return fromCopy(source, copy.file, field);
    }
  }
  const wanted = fields.find((field) => {
    const key = keyOf(ctx, source, field);
    return countRequest(key) >= REQUESTS_BEFORE_COPY && !failed.has(key) && !pending.has(key);
  });
  const prefix = `${versionKey(ctx, source)}\u0000`;
  const held = [...copies.keys(), ...pending.keys()].filter((k) => k.startsWith(prefix));
  if (wanted && held.length < COPIES_PER_VERSION) startCopy(ctx, source, wanted);
  return source;
}

/** Counts one more request for `key` and returns the count (the counts kept are bounded). */
function countRequest(key: string): number {
  const count = (requests.get(key) ?? 0) + 1;
  if (!requests.has(key) && requests.size >= REQUEST_COUNTS_KEPT) requests.clear();
  requests.set(key, count);
  return count;
}

function startCopy(ctx: AppContext, source: VersionSource, field: string): void {
  const key = keyOf(ctx, source, field);
  const built = buildQueue.then(() => buildCopy(ctx, source, field));
  buildQueue = built.catch(() => undefined);
  const settled = built
    .then((copy) => {
      copies.set(key, copy);
      return evictBeyond(CACHE_BYTES);
    })
    .catch(() => {
      failed.add(key);
    })
    .finally(() => pending.delete(key));
  pending.set(key, settled);
}

async function buildCopy(ctx: AppContext, source: VersionSource, field: string): Promise<Copy> {
  const dir = path.join(ctx.blobs.root, ".tmp");
  const file = path.join(dir, `cluster-${process.pid}-${randomUUID()}.parquet`);
  const partial = `${file}.part`;
  const column = quoteIdentifier(field);
  const sql =
    `COPY (SELECT *, file_row_number AS ${quoteIdentifier(COPY_ROW_ID)} FROM ${fromVersion(source)} ` +
    `ORDER BY ${column} NULLS LAST, file_row_number) ` +
    `TO ${quoteServerLiteral(partial)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${COPY_ROW_GROUP})`;
  try {
    await ctx.engine.withConnection((connection) => connection.run(sql));
    await rename(partial, file);
    return { file, bytes: (await stat(file)).size, usedAt: Date.now() };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Drops least recently used copies until they hold at most `budget` bytes. */
async function evictBeyond(budget: number): Promise<void> {
  const byAge = [...copies.entries()].sort(([, a], [, b]) => a.usedAt - b.usedAt);
  let total = byAge.reduce((sum, [, c]) => sum + c.bytes, 0);
  for (const [key, copy] of byAge) {
    if (total <= budget) break;
    copies.delete(key);
    total -= copy.bytes;
    setTimeout(() => void rm(copy.file, { force: true }), DELETE_GRACE_MS).unref();
  }
}

/**
 * Runs `read` on the clustered copy `clusteredSource` picks; if the copy's file is gone (another process
 * sharing the blob root cleared its `.tmp`), forgets it and reads the version's own file instead.
 */
export async function readPreferringCopy<T>(
  ctx: AppContext,
  source: VersionSource,
  selection: Selection,
  read: (source: VersionSource) => Promise<T>,
): Promise<T> {
  const chosen = clusteredSource(ctx, source, selection);
  if (!chosen.clusteredBy) return read(source);
  try {
    return await read(chosen);
  } catch (error) {
    if ((await stat(chosen.file).catch(() => null)) !== null) throw error;
    copies.delete(keyOf(ctx, source, chosen.clusteredBy));
    return read(source);
  }
}

/** Settles when every copy started so far is built (or failed); for tests and benchmarks. */
export async function copiesSettled(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending.values()]);
}
