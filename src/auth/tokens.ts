/**
 * Personal API tokens. The secret (`mkg_<random>`) is shown once at creation; only its SHA-256 is kept
 * (a 256-bit random secret needs no slow hash). Tokens carry scopes that narrow what their user may do.
 */
import { and, desc, eq, gt, isNull, or } from "drizzle-orm";
import type { AuditLog } from "../audit/service.ts";
import type { Db, Queryable } from "../db/client.ts";
import { apiTokens } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { ALL_SCOPES, type Scope } from "./permissions.ts";
import { newSecret, sha256Hex } from "./secrets.ts";

export const TOKEN_PREFIX = "mkg_";

type TokenRow = typeof apiTokens.$inferSelect;

export function publicToken(t: TokenRow) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: t.scopes as Scope[],
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
  };
}

export async function createToken(
  db: Db,
  audit: AuditLog,
  userId: string,
  input: { name: string; expiresAt?: Date; scopes?: Scope[] },
) {
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
    throw new AppError("validation_failed", "expiresAt must be in the future", {
      errors: [{ path: "/expiresAt", message: "must be in the future" }],
    });
  }
  const secret = `${TOKEN_PREFIX}${newSecret()}`;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({
        userId,
        name: input.name,
        prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
        secretHash: sha256Hex(secret),
        scopes: [...new Set(input.scopes ?? ALL_SCOPES)],
        expiresAt: input.expiresAt,
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    await audit.append(tx, {
      actor: `user:${userId}`,
      action: "token.create",
      resource: `token:${row.id}`,
      details: { name: row.name, scopes: row.scopes, expiresAt: row.expiresAt?.toISOString() ?? null },
    });
    return { token: publicToken(row), secret };
  });
}

export const listTokens = (q: Queryable, userId: string) =>
  q.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));

/** @throws AppError `token_not_found` when the token is not the user's. */
export async function revokeToken(db: Db, audit: AuditLog, userId: string, tokenId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const deleted = await tx
      .delete(apiTokens)
      .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)))
      .returning({ id: apiTokens.id });
    if (deleted.length === 0) throw new AppError("token_not_found");
    await audit.append(tx, { actor: `user:${userId}`, action: "token.revoke", resource: `token:${tokenId}` });
  });
}

/** The live token behind a bearer secret, or undefined; records when it was last used. */
export async function findLiveToken(q: Queryable, secret: string): Promise<TokenRow | undefined> {
  if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
  const [row] = await q
    .select()
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.secretHash, sha256Hex(secret)),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, new Date())),
      ),
    );
  if (row && (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000)) {
    await q.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.id));
  }
  return row;
}
