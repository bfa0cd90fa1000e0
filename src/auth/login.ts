/**
 * Password login with brute-force protection: at most N attempts per IP and M failures per account in
 * a window, counted in the database so every process shares them. Answers do not reveal whether an
 * email has an account.
 */
import { eq } from "drizzle-orm";
import type { AuditLog } from "../audit/service.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { verifyPassword } from "./passwords.ts";
import { clearRateLimit, hitRateLimit, peekRateLimit } from "./rate-limit.ts";
import { createSession } from "./sessions.ts";
import { findUserByEmail, type User } from "./users.ts";

const tooMany = (resetIn: number) =>
  new AppError("rate_limited", `too many sign-in attempts; try again in ${resetIn} s`, {
    headers: { "retry-after": String(resetIn) },
    retryAfter: resetIn,
  });

export async function loginWithPassword(
  db: Db,
  audit: AuditLog,
  config: Config,
  input: { email: string; password: string; ip: string; userAgent?: string },
): Promise<{ user: User; secret: string; expiresAt: Date }> {
  const { windowSeconds, maxAttemptsPerIp, maxFailuresPerAccount } = config.login;
  const ipKey = `login-ip:${input.ip}`;
  const accountKey = `login-account:${input.email.toLowerCase()}`;

  const perIp = await hitRateLimit(db, ipKey, windowSeconds);
  if (perIp.count > maxAttemptsPerIp) throw tooMany(perIp.resetIn);
  const perAccount = await peekRateLimit(db, accountKey, windowSeconds);
  if (perAccount.count >= maxFailuresPerAccount) throw tooMany(perAccount.resetIn);

  const user = await findUserByEmail(db, input.email);
  const ok = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !ok || user.disabled) {
    await db.transaction(async (tx) => {
      await hitRateLimit(tx, accountKey, windowSeconds);
      await audit.append(tx, {
        actor: "anonymous",
        action: "auth.login_failed",
        resource: user ? `user:${user.id}` : "user:unknown",
        details: { email: input.email, ip: input.ip },
      });
    });
    throw new AppError("invalid_credentials");
  }

  return db.transaction(async (tx) => {
    await clearRateLimit(tx, accountKey);
    await tx.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
    const session = await createSession(tx, user.id, {
      ttlHours: config.sessionTtlHours,
      ip: input.ip,
      userAgent: input.userAgent,
    });
    await audit.append(tx, {
      actor: `user:${user.id}`,
      action: "auth.login",
      resource: `user:${user.id}`,
      details: { method: "password", ip: input.ip },
    });
    return { user, ...session };
  });
}
