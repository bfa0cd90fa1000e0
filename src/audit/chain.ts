/**
 * The audit chain's pure parts: canonical JSON and entry hashes.
 * `hash = SHA-256(canonicalJson(entry without hash) + prevHash)`; the first entry's prevHash is GENESIS.
 */
import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

export interface AuditEntryBody {
  seq: number;
  /** ISO 8601 with milliseconds, UTC. */
  at: string;
  actor: string;
  action: string;
  resource: string;
  details: Record<string, unknown>;
}

export interface AuditEntry extends AuditEntryBody {
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every depth, no whitespace: one byte string per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function hashEntry(body: AuditEntryBody, prevHash: string): string {
  const { seq, at, actor, action, resource, details } = body;
  const canonical = canonicalJson({ seq, at, actor, action, resource, details });
  return createHash("sha256").update(canonical).update(prevHash).digest("hex");
}

export const checkpointMessage = (seq: number, hash: string) => `mekong-audit-checkpoint:${seq}:${hash}`;
