/**
 * The audit tables' queries. Each takes the database or a transaction first. The chain reads used by
 * verification return raw stored values (`at` as epoch microseconds, `details` as jsonb text) so that a
 * verifier sees exactly what is stored, not what a driver's type parsers make of it.
 */
import { and, asc, desc, eq, gt, gte, like, lt, lte, type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.ts";
import { auditCheckpoints, auditLog } from "../db/schema.ts";
import type { AuditEntry } from "./chain.ts";

export type CheckpointRow = typeof auditCheckpoints.$inferSelect;

/** One stored entry as verification needs it. */
export interface StoredEntry {
  seq: number;
  /** Microseconds since the epoch as a decimal string; null for ±infinity. */
  atMicros: string | null;
  actor: string;
  action: string;
  resource: string;
  /** The jsonb value's text. */
  detailsText: string;
  prevHash: string;
  hash: string;
}

/** The highest sequence number in the log, 0 when it is empty. */
export async function readHeadSeq(q: Queryable): Promise<number> {
  const [row] = await q.select({ seq: auditLog.seq }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
  return row?.seq ?? 0;
}

/** Up to `limit` entries with `after < seq <= upTo`, in seq order (keyset pagination). */
export function readEntryBatch(q: Queryable, after: number, upTo: number, limit: number) {
  return q
    .select({
      seq: auditLog.seq,
      // extract(epoch …) is exact numeric since PostgreSQL 14: no sub-millisecond change goes unseen.
      atMicros: sql<
        string | null
      >`case when isfinite(${auditLog.at}) then trunc(extract(epoch from ${auditLog.at}) * 1000000)::text end`,
      actor: auditLog.actor,
      action: auditLog.action,
      resource: auditLog.resource,
      detailsText: sql<string>`${auditLog.details}::text`,
      prevHash: auditLog.prevHash,
      hash: auditLog.hash,
    })
    .from(auditLog)
    .where(and(gt(auditLog.seq, after), lte(auditLog.seq, upTo)))
    .orderBy(asc(auditLog.seq))
    .limit(limit) as Promise<StoredEntry[]>;
}

/** Checkpoints with `after < seq <= upTo`, in seq order. */
export function readCheckpoints(q: Queryable, after: number, upTo: number): Promise<CheckpointRow[]> {
  return q
    .select()
    .from(auditCheckpoints)
    .where(and(gt(auditCheckpoints.seq, after), lte(auditCheckpoints.seq, upTo)))
    .orderBy(asc(auditCheckpoints.seq));
}

export async function firstCheckpointAfter(q: Queryable, seq: number): Promise<CheckpointRow | undefined> {
  const [row] = await q
    .select()
    .from(auditCheckpoints)
    .where(gt(auditCheckpoints.seq, seq))
    .orderBy(asc(auditCheckpoints.seq))
    .limit(1);
  return row;
}

export async function latestCheckpoint(q: Queryable): Promise<CheckpointRow | undefined> {
  const [row] = await q.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.seq)).limit(1);
  return row;
}

export async function findEntryHash(q: Queryable, seq: number): Promise<string | undefined> {
  const [row] = await q.select({ hash: auditLog.hash }).from(auditLog).where(eq(auditLog.seq, seq));
  return row?.hash;
}

export interface AuditFilter {
  actor?: string;
  /** Exact action, or a prefix ending in `*` (`organization.*`). */
  action?: string;
  resource?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** Only entries with a lower seq than this (the previous page's last). */
  beforeSeq?: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function actionCondition(action: string): SQL {
  return action.endsWith("*")
    ? like(auditLog.action, `${escapeLike(action.slice(0, -1))}%`)
    : eq(auditLog.action, action);
}

/** Entries matching `filter`, newest first, at most `limit`. */
export async function findAuditEntries(
  q: Queryable,
  filter: AuditFilter,
  limit: number,
): Promise<AuditEntry[]> {
  const rows = await q
    .select()
    .from(auditLog)
    .where(
      and(
        filter.actor !== undefined ? eq(auditLog.actor, filter.actor) : undefined,
        filter.action !== undefined ? actionCondition(filter.action) : undefined,
        filter.resource !== undefined ? eq(auditLog.resource, filter.resource) : undefined,
        filter.from ? gte(auditLog.at, filter.from) : undefined,
        filter.to ? lt(auditLog.at, filter.to) : undefined,
        filter.beforeSeq !== undefined ? lt(auditLog.seq, filter.beforeSeq) : undefined,
      ),
    )
    .orderBy(desc(auditLog.seq))
    .limit(limit);
  return rows.map((r) => ({ ...r, at: isoTime(r.at), details: r.details as AuditEntry["details"] }));
}

/** A tampered row may hold a time no Date can represent (`infinity`); the listing must still show it. */
const isoTime = (d: Date) => (Number.isNaN(d.getTime()) ? "invalid" : d.toISOString());
