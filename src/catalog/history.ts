/**
 * Metadata history: every state a dataset's metadata has had, who changed it and when, written in the
 * same transaction as the change. Each entry keeps the RFC 6902 patch from the state before it *and* the
 * full state after it: metadata is a few kilobytes, so a full copy per change costs little and makes any
 * past state one row read and any two states one diff, with nothing to replay and no chain to break.
 * State 0 is the empty document `{}`, the state before a dataset existed.
 */
import { and, desc, eq, lt } from "drizzle-orm";
import type { Queryable } from "../db/client.ts";
import { datasetHistory } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { decodeCursor, encodeCursor } from "../orgs/service.ts";
import { diffJson, type JsonPatchOperation } from "./history-patch.ts";
import type { DatasetRow } from "./service.ts";

/** The metadata a history entry keeps: what a publisher edits (not versions, schema or deletion). */
export interface MetadataState {
  title: string;
  description: string | null;
  visibility: DatasetRow["visibility"];
  metadata: Record<string, unknown>;
}

export type HistoryAction = (typeof datasetHistory.$inferSelect)["action"];

export const metadataStateOf = (row: DatasetRow): MetadataState => ({
  title: row.title,
  description: row.description,
  visibility: row.visibility,
  metadata: row.metadata as Record<string, unknown>,
});

/**
 * Records `row`'s current metadata as the dataset's next history entry, inside the caller's transaction
 * (which must hold the dataset row locked, as an UPDATE or INSERT of it does, so entries are numbered
 * without gaps or races). `before` is the state the change started from, used only when the dataset has
 * no history yet (it predates history, or was written directly): it is then kept as a `baseline` entry.
 * A change that leaves the metadata as it was records nothing.
 */
export async function recordHistory(
  tx: Queryable,
  entry: { row: DatasetRow; actor: string; action: "create" | "update"; before?: MetadataState },
): Promise<void> {
  const state = metadataStateOf(entry.row);
  let [latest] = await tx
    .select({ seq: datasetHistory.seq, state: datasetHistory.state })
    .from(datasetHistory)
    .where(eq(datasetHistory.datasetId, entry.row.id))
    .orderBy(desc(datasetHistory.seq))
    .limit(1);
  if (!latest && entry.action === "update" && entry.before) {
    await insertEntry(tx, entry.row.id, 1, "system:history-baseline", "baseline", {}, entry.before);
    latest = { seq: 1, state: entry.before };
  }
  const previous = latest?.state ?? {};
  if (latest && diffJson(previous, state).length === 0) return;
  await insertEntry(tx, entry.row.id, (latest?.seq ?? 0) + 1, entry.actor, entry.action, previous, state);
}

async function insertEntry(
  tx: Queryable,
  datasetId: string,
  seq: number,
  actor: string,
  action: HistoryAction,
  previous: unknown,
  state: MetadataState,
) {
  await tx
    .insert(datasetHistory)
    .values({ datasetId, seq, actor, action, patch: diffJson(previous, state), state });
}

export interface HistoryEntry {
  seq: number;
  at: string;
  actor: string;
  action: HistoryAction;
  patch: JsonPatchOperation[];
}

/** A dataset's history, newest first, `limit` entries after `cursor`. */
export async function listHistory(
  q: Queryable,
  datasetId: string,
  opts: { limit: number; cursor?: string },
): Promise<{ items: HistoryEntry[]; nextCursor?: string }> {
  const before = opts.cursor ? Number(decodeCursor(opts.cursor)) : undefined;
  if (before !== undefined && !Number.isInteger(before)) {
    throw new AppError("validation_failed", "cursor is not one this API gave out");
  }
  const rows = await q
    .select({
      seq: datasetHistory.seq,
      at: datasetHistory.at,
      actor: datasetHistory.actor,
      action: datasetHistory.action,
      patch: datasetHistory.patch,
    })
    .from(datasetHistory)
    .where(
      and(
        eq(datasetHistory.datasetId, datasetId),
        before !== undefined ? lt(datasetHistory.seq, before) : undefined,
      ),
    )
    .orderBy(desc(datasetHistory.seq))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ ...r, at: r.at.toISOString(), patch: r.patch as JsonPatchOperation[] })),
    nextCursor: rows.length > opts.limit && last ? encodeCursor(String(last.seq)) : undefined,
  };
}

/** The state after entry `seq` (`{}` for 0). @throws AppError `history_not_found` */
export async function historyState(
  q: Queryable,
  datasetId: string,
  seq: number,
): Promise<{
  seq: number;
  at: string | null;
  actor: string | null;
  action: HistoryAction | null;
  state: unknown;
}> {
  if (seq === 0) return { seq: 0, at: null, actor: null, action: null, state: {} };
  const [row] = await q
    .select()
    .from(datasetHistory)
    .where(and(eq(datasetHistory.datasetId, datasetId), eq(datasetHistory.seq, seq)));
  if (!row) throw new AppError("history_not_found", `the dataset has no history entry ${seq}`);
  return { seq, at: row.at.toISOString(), actor: row.actor, action: row.action, state: row.state };
}

/** The JSON patch that turns the state after entry `from` into the state after entry `to` (either way round). */
export async function diffHistory(q: Queryable, datasetId: string, from: number, to: number) {
  const [a, b] = await Promise.all([historyState(q, datasetId, from), historyState(q, datasetId, to)]);
  return { from, to, patch: diffJson(a.state, b.state) };
}
