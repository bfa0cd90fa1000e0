/** Accounts: creation, lookup, and the memberships that make an `Actor`. */
import { and, asc, eq, gt, ilike, or, sql } from "drizzle-orm";
import type { AuditLog } from "../audit/service.ts";
import type { Db, Queryable } from "../db/client.ts";
import { memberships, users } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { hashPassword, MIN_PASSWORD_LENGTH } from "./passwords.ts";
import type { OrgRole } from "./permissions.ts";

export type User = typeof users.$inferSelect;

/** What the API shows of a user: never the password hash. */
export function publicUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    isPlatformAdmin: u.isPlatformAdmin,
    platformRoles: u.platformRoles,
    createdAt: u.createdAt.toISOString(),
  };
}

export const findUserByEmail = async (q: Queryable, email: string) =>
  (await q.select().from(users).where(sql`lower(${users.email}) = lower(${email})`))[0];

export const findUserById = async (q: Queryable, id: string) =>
  (await q.select().from(users).where(eq(users.id, id)))[0];

export async function findMemberships(q: Queryable, userId: string): Promise<Map<string, OrgRole>> {
  const rows = await q
    .select({ orgId: memberships.orgId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, userId));
  return new Map(rows.map((r) => [r.orgId, r.role]));
}

export interface NewUser {
  email: string;
  name: string;
  password?: string;
  isPlatformAdmin?: boolean;
  oidcIssuer?: string;
  oidcSubject?: string;
}

/**
 * Creates an account and audits it.
 * @throws AppError `user_exists` for a taken email, `validation_failed` for a short password.
 */
export async function createUser(db: Db, audit: AuditLog, actor: string, input: NewUser): Promise<User> {
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError("validation_failed", `password must have at least ${MIN_PASSWORD_LENGTH} characters`, {
      errors: [{ path: "/password", message: `at least ${MIN_PASSWORD_LENGTH} characters` }],
    });
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return db.transaction(async (tx) => {
    if (await findUserByEmail(tx, input.email))
      throw new AppError("user_exists", `${input.email} has an account`);
    const [user] = await tx
      .insert(users)
      .values({
        email: input.email.trim(),
        name: input.name.trim(),
        passwordHash,
        isPlatformAdmin: input.isPlatformAdmin ?? false,
        oidcIssuer: input.oidcIssuer,
        oidcSubject: input.oidcSubject,
      })
      .returning();
    if (!user) throw new Error("insert returned no row");
    await audit.append(tx, {
      actor,
      action: "user.create",
      resource: `user:${user.id}`,
      details: { email: user.email, name: user.name, isPlatformAdmin: user.isPlatformAdmin },
    });
    return user;
  });
}

/** Users ordered by email, optionally matching `q` in email or name; keyset-paginated by email. */
export async function listUsers(q: Queryable, opts: { q?: string; limit: number; after?: string }) {
  const filters = [];
  if (opts.q) {
    const pattern = `%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(or(ilike(users.email, pattern), ilike(users.name, pattern)));
  }
  if (opts.after) filters.push(gt(users.email, opts.after));
  return q
    .select()
    .from(users)
    .where(and(...filters))
    .orderBy(asc(users.email))
    .limit(opts.limit);
}
