/** Browser sessions: an opaque random cookie whose SHA-256 is the row's key. */
import { and, eq, gt, lt } from "drizzle-orm";
import type { Queryable } from "../db/client.ts";
import { sessions } from "../db/schema.ts";
import { newSecret, sha256Hex } from "./secrets.ts";

export const SESSION_COOKIE = "mekong_session";

export async function createSession(
  q: Queryable,
  userId: string,
  opts: { ttlHours: number; ip?: string; userAgent?: string },
): Promise<{ secret: string; expiresAt: Date }> {
  const secret = newSecret();
  const expiresAt = new Date(Date.now() + opts.ttlHours * 3600_000);
  await q.insert(sessions).values({
    idHash: sha256Hex(secret),
    userId,
    expiresAt,
    ip: opts.ip,
    userAgent: opts.userAgent?.slice(0, 512),
  });
  // Expired sessions are of no use to anyone; sweep them while we are here.
  await q.delete(sessions).where(lt(sessions.expiresAt, new Date()));
  return { secret, expiresAt };
}

/** The user id behind a live session cookie, or undefined. */
export async function findSessionUser(q: Queryable, secret: string): Promise<string | undefined> {
  const [row] = await q
    .select({ userId: sessions.userId })
    .from(sessions)
    .where(and(eq(sessions.idHash, sha256Hex(secret)), gt(sessions.expiresAt, new Date())));
  return row?.userId;
}

export async function deleteSession(q: Queryable, secret: string): Promise<void> {
  await q.delete(sessions).where(eq(sessions.idHash, sha256Hex(secret)));
}
