/** Organizations (publishers and consumers) and their members: the service functions other modules call. */
import { and, asc, eq, gt, ilike, ne, or, sql } from "drizzle-orm";
import type { AuditLog } from "../audit/service.ts";
import type { Db, Queryable } from "../db/client.ts";
import { memberships, organizations, users } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import type { Member, Organization, OrgCreate, OrgUpdate } from "./schemas.ts";

type OrgRow = typeof organizations.$inferSelect;
type Role = Member["role"];

export function toOrganization(o: OrgRow): Organization {
  return {
    id: o.id,
    name: o.name,
    title: o.title,
    titleEn: o.titleEn,
    kind: o.kind,
    description: o.description,
    country: o.country,
    website: o.website,
    email: o.email,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

export const encodeCursor = (s: string) => Buffer.from(s, "utf8").toString("base64url");
export function decodeCursor(cursor: string): string {
  const s = Buffer.from(cursor, "base64url").toString("utf8");
  if (!s || encodeCursor(s) !== cursor) {
    throw new AppError("validation_failed", "cursor is not one this API gave out", {
      errors: [{ path: "/query/cursor", message: "invalid cursor" }],
    });
  }
  return s;
}

export async function listOrganizations(
  q: Queryable,
  opts: { limit: number; cursor?: string; q?: string; kind?: OrgRow["kind"] },
) {
  const filters = [];
  if (opts.cursor) filters.push(gt(organizations.name, decodeCursor(opts.cursor)));
  if (opts.kind) filters.push(eq(organizations.kind, opts.kind));
  if (opts.q) {
    const pattern = `%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(
      or(
        ilike(organizations.name, pattern),
        ilike(organizations.title, pattern),
        ilike(organizations.titleEn, pattern),
      ),
    );
  }
  const rows = await q
    .select()
    .from(organizations)
    .where(and(...filters))
    .orderBy(asc(organizations.name))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    items: page.map(toOrganization),
    nextCursor: rows.length > opts.limit && last ? encodeCursor(last.name) : undefined,
  };
}

export async function findOrganization(q: Queryable, name: string): Promise<OrgRow | undefined> {
  return (await q.select().from(organizations).where(eq(organizations.name, name)))[0];
}

/** @throws AppError `organization_not_found` */
export async function getOrganization(q: Queryable, name: string): Promise<OrgRow> {
  const org = await findOrganization(q, name);
  if (!org) throw new AppError("organization_not_found", `no organization named ${JSON.stringify(name)}`);
  return org;
}

/** @throws AppError `organization_exists` when the name is taken. */
export async function createOrganization(db: Db, audit: AuditLog, actor: string, input: OrgCreate) {
  return db.transaction(async (tx) => {
    if (await findOrganization(tx, input.name)) {
      throw new AppError("organization_exists", `${input.name} is taken`);
    }
    const [row] = await tx.insert(organizations).values(input).returning();
    if (!row) throw new Error("insert returned no row");
    await audit.append(tx, {
      actor,
      action: "organization.create",
      resource: `organization:${row.name}`,
      details: input,
    });
    return toOrganization(row);
  });
}

export async function updateOrganization(
  db: Db,
  audit: AuditLog,
  actor: string,
  name: string,
  patch: OrgUpdate,
) {
  return db.transaction(async (tx) => {
    const before = await getOrganization(tx, name);
    const [row] = await tx
      .update(organizations)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(organizations.id, before.id))
      .returning();
    if (!row) throw new AppError("organization_not_found");
    await audit.append(tx, {
      actor,
      action: "organization.update",
      resource: `organization:${name}`,
      details: patch,
    });
    return toOrganization(row);
  });
}

export async function listMembers(q: Queryable, orgId: string, userId?: string): Promise<Member[]> {
  const rows = await q
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      since: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), userId ? eq(memberships.userId, userId) : undefined))
    .orderBy(asc(users.email));
  return rows.map((r) => ({ ...r, since: r.since.toISOString() }));
}

/** @throws AppError `member_not_found` */
export async function getMember(q: Queryable, orgId: string, userId: string): Promise<Member> {
  const [member] = isUuid(userId) ? await listMembers(q, orgId, userId) : [];
  if (!member) throw new AppError("member_not_found");
  return member;
}

/** Fails when the change would leave an organization that has admins with none. */
async function assertKeepsAnAdmin(tx: Queryable, orgId: string, userId: string) {
  const [row] = await tx
    .select({ others: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "admin"), ne(memberships.userId, userId)));
  if ((row?.others ?? 0) === 0) throw new AppError("last_org_admin");
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** Adds a member or changes their role. @throws `user_not_found`, `last_org_admin` */
export async function putMember(
  db: Db,
  audit: AuditLog,
  actor: string,
  org: OrgRow,
  userId: string,
  role: Role,
): Promise<{ member: Member; created: boolean }> {
  return db.transaction(async (tx) => {
    const [user] = isUuid(userId) ? await tx.select().from(users).where(eq(users.id, userId)) : [];
    if (!user) throw new AppError("user_not_found", `no user with id ${JSON.stringify(userId)}`);
    const [existing] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.orgId, org.id), eq(memberships.userId, userId)));
    if (existing?.role === "admin" && role !== "admin") await assertKeepsAnAdmin(tx, org.id, userId);
    const [row] = await tx
      .insert(memberships)
      .values({ orgId: org.id, userId, role })
      .onConflictDoUpdate({ target: [memberships.orgId, memberships.userId], set: { role } })
      .returning();
    if (!row) throw new Error("upsert returned no row");
    await audit.append(tx, {
      actor,
      action: existing ? "organization.member.update" : "organization.member.add",
      resource: `organization:${org.name}`,
      details: { userId, role, previousRole: existing?.role ?? null },
    });
    return {
      member: {
        userId,
        email: user.email,
        name: user.name,
        role: row.role,
        since: row.createdAt.toISOString(),
      },
      created: !existing,
    };
  });
}

/** @throws `member_not_found`, `last_org_admin` */
export async function removeMember(db: Db, audit: AuditLog, actor: string, org: OrgRow, userId: string) {
  await db.transaction(async (tx) => {
    const [existing] = isUuid(userId)
      ? await tx
          .select()
          .from(memberships)
          .where(and(eq(memberships.orgId, org.id), eq(memberships.userId, userId)))
      : [];
    if (!existing) throw new AppError("member_not_found");
    if (existing.role === "admin") await assertKeepsAnAdmin(tx, org.id, userId);
    await tx.delete(memberships).where(and(eq(memberships.orgId, org.id), eq(memberships.userId, userId)));
    await audit.append(tx, {
      actor,
      action: "organization.member.remove",
      resource: `organization:${org.name}`,
      details: { userId, role: existing.role },
    });
  });
}

/** The organizations a user belongs to, with their role in each. */
export async function listUserMemberships(q: Queryable, userId: string) {
  return q
    .select({ org: organizations.name, orgId: organizations.id, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organizations.name));
}
