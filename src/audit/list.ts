/** Reading the audit log for people: filtered, newest first, in pages with an opaque cursor. */
import type { Queryable } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { findAuditEntries } from "./queries.ts";
import type { AuditList, AuditListQuery } from "./schemas.ts";

const CURSOR_PREFIX = "seq:";

const encodeCursor = (seq: number) => Buffer.from(`${CURSOR_PREFIX}${seq}`, "utf8").toString("base64url");

/** @throws AppError `validation_failed` for a cursor this API did not give out. */
function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const seq = /^seq:([1-9]\d{0,15})$/.test(text) ? Number(text.slice(CURSOR_PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(seq) || encodeCursor(seq) !== cursor) {
    throw new AppError("validation_failed", "cursor is not one this API gave out", {
      errors: [{ path: "/query/cursor", message: "invalid cursor" }],
    });
  }
  return seq;
}

export async function listAuditEntries(q: Queryable, query: AuditListQuery): Promise<AuditList> {
  const rows = await findAuditEntries(
    q,
    {
      actor: query.actor,
      action: query.action,
      resource: query.resource,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      beforeSeq: query.cursor ? decodeCursor(query.cursor) : undefined,
    },
    query.limit + 1,
  );
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.seq) : undefined };
}
