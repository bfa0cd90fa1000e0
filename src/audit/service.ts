/**
 * Appending to the audit log. Every state change appends one entry inside the same transaction as the
 * change, so an entry exists exactly when its change committed. A transaction-scoped advisory lock
 * serialises appenders across all processes on one database: sequence numbers are gap-free and ordered.
 */
import { desc, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.ts";
import { auditCheckpoints, auditLog } from "../db/schema.ts";
import type { InstanceKey } from "../keys/instance-key.ts";
import { type AuditEntry, checkpointMessage, GENESIS_HASH, hashEntry } from "./chain.ts";

/** Advisory lock key held by whoever appends to the chain. */
const AUDIT_LOCK = 727_002;

export interface AuditEvent {
  /** `user:<id>`, `system`, `anonymous`, … */
  actor: string;
  /** `<domain>.<verb>`, e.g. `organization.create`. */
  action: string;
  /** `<kind>:<id or name>`, e.g. `organization:bo-cong-thuong`. */
  resource: string;
  details?: Record<string, unknown>;
}

export interface AuditLog {
  /** Appends one entry; call it inside the transaction that makes the change. */
  append(tx: Queryable, event: AuditEvent): Promise<AuditEntry>;
  /** Signs a checkpoint at the chain's head if entries were added since the last one. */
  checkpoint(q: Queryable): Promise<{ seq: number } | null>;
  readonly key: InstanceKey;
}

export function createAuditLog(opts: { key: InstanceKey; checkpointEvery: number }): AuditLog {
  const { key, checkpointEvery } = opts;

  async function writeCheckpoint(q: Queryable, seq: number, hash: string) {
    await q
      .insert(auditCheckpoints)
      .values({
        seq,
        hash,
        at: new Date(),
        keyId: key.keyId,
        signature: key.sign(checkpointMessage(seq, hash)),
      })
      .onConflictDoNothing();
  }

  return {
    key,
    async append(tx, event) {
      await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`);
      const [last] = await tx
        .select({ seq: auditLog.seq, hash: auditLog.hash })
        .from(auditLog)
        .orderBy(desc(auditLog.seq))
        .limit(1);
      const body = {
        seq: (last?.seq ?? 0) + 1,
        at: new Date().toISOString(),
        actor: event.actor,
        action: event.action,
        resource: event.resource,
        // Round-trip through JSON so what is hashed is exactly what jsonb gives back.
        details: JSON.parse(JSON.stringify(event.details ?? {})) as Record<string, unknown>,
      };
      const prevHash = last?.hash ?? GENESIS_HASH;
      const entry: AuditEntry = { ...body, prevHash, hash: hashEntry(body, prevHash) };
      await tx.insert(auditLog).values({ ...entry, at: new Date(entry.at) });
      if (entry.seq % checkpointEvery === 0) await writeCheckpoint(tx, entry.seq, entry.hash);
      return entry;
    },
    async checkpoint(q) {
      const [head] = await q
        .select({ seq: auditLog.seq, hash: auditLog.hash })
        .from(auditLog)
        .orderBy(desc(auditLog.seq))
        .limit(1);
      if (!head) return null;
      const [lastCp] = await q
        .select({ seq: auditCheckpoints.seq })
        .from(auditCheckpoints)
        .orderBy(desc(auditCheckpoints.seq))
        .limit(1);
      if (lastCp && lastCp.seq >= head.seq) return null;
      await writeCheckpoint(q, head.seq, head.hash);
      return { seq: head.seq };
    },
  };
}
