/**
 * Verifying the audit chain: walks the stored log in seq order, in batches, recomputing every entry's
 * hash and link, and checks each signed checkpoint against the entry it vouches for. Any changed field,
 * deleted or reordered entry, forged checkpoint or tail cut below a checkpoint is reported as the first
 * break. Entries appended after the last checkpoint and then cut off leave no trace — checkpoints bound
 * that window (see `startCheckpointTimer`).
 */
import type { KeyObject } from "node:crypto";
import type { Queryable } from "../db/client.ts";
import { type InstanceKey, verifySignature } from "../keys/instance-key.ts";
import { checkpointMessage, GENESIS_HASH, hashEntry } from "./chain.ts";
import {
  type CheckpointRow,
  findEntryHash,
  firstCheckpointAfter,
  latestCheckpoint,
  readCheckpoints,
  readEntryBatch,
  readHeadSeq,
  type StoredEntry,
} from "./queries.ts";

export const BREAK_REASONS = [
  "hash-mismatch",
  "prev-hash-mismatch",
  "sequence-gap",
  "sequence-order",
  "checkpoint-signature",
  "checkpoint-mismatch",
  "checkpoint-beyond-head",
] as const;
export type BreakReason = (typeof BREAK_REASONS)[number];

export interface ChainBreak {
  /** The first entry that is wrong or missing (for a checkpoint: the seq it vouches for). */
  seq: number;
  reason: BreakReason;
  detail: string;
}

export type VerifyResult =
  | { ok: true; entries: number; checkpoints: number; headSeq: number; headHash: string }
  /** `entries` and `checkpoints` count what was checked and found intact before the break. */
  | { ok: false; entries: number; checkpoints: number; firstBroken: ChainBreak };

/** The key checkpoints are signed with, or a lookup by the key id stored beside each checkpoint. */
export type CheckpointKeys = KeyObject | ((keyId: string) => KeyObject | undefined);

const DEFAULT_BATCH = 5000;
const short = (hash: string) => hash.slice(0, 12);

/**
 * Checks the whole chain. Reads at most `batchSize` entries at a time, so memory stays flat however
 * long the log is. Entries appended while it runs are left for the next run: the walk stops at the head
 * seen when it started. Pass a REPEATABLE READ transaction as `q` for a single snapshot.
 */
export async function verifyAuditChain(
  q: Queryable,
  keys: CheckpointKeys,
  opts: { batchSize?: number } = {},
): Promise<VerifyResult> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const keyFor = typeof keys === "function" ? keys : () => keys;
  const bound = await readHeadSeq(q);
  let prev = { seq: 0, hash: GENESIS_HASH };
  let entries = 0;
  let checkpoints = 0;
  // Below every real seq, so rows or checkpoints at seq <= 0 are read and reported too.
  let after = Number.MIN_SAFE_INTEGER;
  const broken = (firstBroken: ChainBreak): VerifyResult => ({
    ok: false,
    entries,
    checkpoints,
    firstBroken,
  });

  for (;;) {
    const rows = await readEntryBatch(q, after, bound, batchSize);
    const last = rows.at(-1);
    if (!last) break;
    const cps = await readCheckpoints(q, after, last.seq);
    let next = 0;
    for (const row of rows) {
      const entryBreak = checkEntry(row, prev);
      if (entryBreak) return broken(entryBreak);
      entries++;
      prev = { seq: row.seq, hash: row.hash };
      for (let cp = cps[next]; cp && cp.seq <= row.seq; cp = cps[++next]) {
        const cpBreak = checkCheckpoint(cp, keyFor, cp.seq === row.seq ? row.hash : undefined);
        if (cpBreak) return broken(cpBreak);
        checkpoints++;
      }
    }
    after = last.seq;
    if (rows.length < batchSize) break;
  }

  const beyond = await checkCheckpointsBeyond(q, keyFor, after, bound);
  if (beyond) return broken(beyond);
  return { ok: true, entries, checkpoints, headSeq: prev.seq, headHash: prev.hash };
}

function checkEntry(row: StoredEntry, prev: { seq: number; hash: string }): ChainBreak | undefined {
  const expected = prev.seq + 1;
  if (row.seq < expected) {
    return {
      seq: row.seq,
      reason: "sequence-order",
      detail: `expected entry #${expected} but found #${row.seq}; the log starts at #1`,
    };
  }
  if (row.seq > expected) {
    const missing =
      row.seq === expected + 1
        ? `entry #${expected} is missing`
        : `entries #${expected}–#${row.seq - 1} are missing`;
    return { seq: expected, reason: "sequence-gap", detail: `${missing} (the next one is #${row.seq})` };
  }
  if (row.prevHash !== prev.hash) {
    const previous = prev.seq === 0 ? "the genesis hash" : `entry #${prev.seq}'s hash ${short(prev.hash)}`;
    return {
      seq: row.seq,
      reason: "prev-hash-mismatch",
      detail: `entry #${row.seq} links to ${short(row.prevHash)}, not to ${previous}`,
    };
  }
  const at = isoFromMicros(row.atMicros);
  const details = parseJson(row.detailsText);
  if (at === undefined || details === undefined) {
    return {
      seq: row.seq,
      reason: "hash-mismatch",
      detail: `entry #${row.seq} holds a ${at === undefined ? "time" : "details value"} that append never writes`,
    };
  }
  const body = { seq: row.seq, at, actor: row.actor, action: row.action, resource: row.resource, details };
  const recomputed = hashEntry(body as Parameters<typeof hashEntry>[0], row.prevHash);
  if (recomputed !== row.hash) {
    return {
      seq: row.seq,
      reason: "hash-mismatch",
      detail: `entry #${row.seq}'s contents hash to ${short(recomputed)}, but ${short(row.hash)} is stored`,
    };
  }
  return undefined;
}

function checkCheckpoint(
  cp: CheckpointRow,
  keyFor: (keyId: string) => KeyObject | undefined,
  entryHash: string | undefined,
): ChainBreak | undefined {
  const key = keyFor(cp.keyId);
  if (!key) {
    return {
      seq: cp.seq,
      reason: "checkpoint-signature",
      detail: `checkpoint #${cp.seq} names unknown key ${cp.keyId}`,
    };
  }
  if (!verifySignature(key, checkpointMessage(cp.seq, cp.hash), cp.signature)) {
    return {
      seq: cp.seq,
      reason: "checkpoint-signature",
      detail: `checkpoint #${cp.seq}'s signature does not verify with key ${cp.keyId}`,
    };
  }
  if (entryHash !== cp.hash) {
    return {
      seq: cp.seq,
      reason: "checkpoint-mismatch",
      detail:
        entryHash === undefined
          ? `checkpoint #${cp.seq} vouches for an entry that does not exist`
          : `checkpoint #${cp.seq} signed hash ${short(cp.hash)}, but the entry hashes to ${short(entryHash)}`,
    };
  }
  return undefined;
}

/**
 * A signed checkpoint past the walked head means entries it vouched for are gone — unless they were
 * appended after the walk began, which a fresh look at the entry tells apart.
 */
async function checkCheckpointsBeyond(
  q: Queryable,
  keyFor: (keyId: string) => KeyObject | undefined,
  after: number,
  headSeq: number,
): Promise<ChainBreak | undefined> {
  const cp = await firstCheckpointAfter(q, after);
  if (!cp) return undefined;
  const entryHash = await findEntryHash(q, cp.seq);
  if (entryHash === undefined && cp.seq > headSeq) {
    const signed = checkCheckpoint(cp, keyFor, cp.hash);
    if (signed) return signed;
    const missing = cp.seq === headSeq + 1 ? `entry #${cp.seq} is` : `entries #${headSeq + 1}–#${cp.seq} are`;
    return {
      seq: headSeq + 1,
      reason: "checkpoint-beyond-head",
      detail: `checkpoint #${cp.seq} was signed but the log ends at #${headSeq}: ${missing} missing`,
    };
  }
  return checkCheckpoint(cp, keyFor, entryHash);
}

/** The `at` text append hashed: ISO 8601 with milliseconds; undefined when no append could have written it. */
function isoFromMicros(micros: string | null): string | undefined {
  if (micros === null) return undefined;
  const us = BigInt(micros);
  if (us % 1000n !== 0n) return undefined;
  const date = new Date(Number(us / 1000n));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The verification report the API and the CLI give: the result plus the latest checkpoint. */
export type AuditChainReport = VerifyResult & {
  checkpoint: { seq: number; at: string; keyId: string } | null;
};

/** Verifies the chain with this instance's key and adds the latest checkpoint. */
export async function reportAuditChain(q: Queryable, key: InstanceKey): Promise<AuditChainReport> {
  const result = await verifyAuditChain(q, (keyId) => (keyId === key.keyId ? key.publicKey : undefined));
  const last = await latestCheckpoint(q);
  return {
    ...result,
    checkpoint: last ? { seq: last.seq, at: last.at.toISOString(), keyId: last.keyId } : null,
  };
}
