/**
 * Datasets: creation, lookup, changes and soft deletion. A deleted dataset keeps its rows and files for
 * 30 days, during which a platform admin can restore it (if its name has not been taken again).
 */
import { and, asc, eq, gt, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import type { AuditLog } from "../audit/service.ts";
import type { Actor } from "../auth/permissions.ts";
import type { Db, Queryable } from "../db/client.ts";
import { datasets, organizations } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { decodeCursor, encodeCursor, getOrganization } from "../orgs/service.ts";
import { metadataStateOf, recordHistory } from "./history.ts";
import { type DatasetMetadata, DEFAULT_METADATA, mergeMetadata } from "./metadata.ts";
import type { Dataset, DatasetCreate, DatasetUpdate } from "./schemas.ts";

export type DatasetRow = typeof datasets.$inferSelect;
export const RESTORE_WINDOW_DAYS = 30;

export function toDataset(d: DatasetRow, orgName: string): Dataset {
  return {
    id: d.id,
    org: orgName,
    name: d.name,
    title: d.title,
    description: d.description,
    visibility: d.visibility,
    schema: d.tableSchema ?? null,
    currentVersion: d.currentVersion,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    deletedAt: d.deletedAt?.toISOString() ?? null,
    metadata: d.metadata as DatasetMetadata,
  };
}

/** Splits a create/update body into the dataset's core columns and its catalog metadata. */
function splitMetadata<
  T extends { title?: string; description?: string | null; visibility?: DatasetRow["visibility"] },
>(body: T) {
  const { title, description, visibility, ...rest } = body as T & Record<string, unknown>;
  const { org: _org, name: _name, ...metadata } = rest;
  return { core: { title, description, visibility }, metadata: metadata as DatasetMetadata };
}

export interface LoadedDataset {
  row: DatasetRow;
  org: { id: string; name: string };
}

/**
 * The live dataset `org/name` (or, with `includeDeleted`, the most recently deleted one of that name).
 * @throws AppError `dataset_not_found`
 */
export async function getDataset(
  q: Queryable,
  orgName: string,
  name: string,
  opts: { includeDeleted?: boolean } = {},
): Promise<LoadedDataset> {
  const [hit] = await q
    .select({ row: datasets, orgName: organizations.name })
    .from(datasets)
    .innerJoin(organizations, eq(organizations.id, datasets.orgId))
    .where(
      and(
        eq(organizations.name, orgName),
        eq(datasets.name, name),
        opts.includeDeleted ? undefined : isNull(datasets.deletedAt),
      ),
    )
    .orderBy(sql`${datasets.deletedAt} desc nulls first`)
    .limit(1);
  if (!hit) throw new AppError("dataset_not_found", `no dataset ${orgName}/${name}`);
  return { row: hit.row, org: { id: hit.row.orgId, name: hit.orgName } };
}

/** @throws `organization_not_found`, `dataset_exists` */
export async function createDataset(
  db: Db,
  audit: AuditLog,
  actor: { id: string; name: string },
  input: DatasetCreate,
) {
  return db.transaction(async (tx) => {
    const org = await getOrganization(tx, input.org);
    const [taken] = await tx
      .select({ id: datasets.id })
      .from(datasets)
      .where(and(eq(datasets.orgId, org.id), eq(datasets.name, input.name), isNull(datasets.deletedAt)));
    if (taken) throw new AppError("dataset_exists", `${input.org}/${input.name} exists`);
    const { metadata } = splitMetadata(input);
    const [row] = await tx
      .insert(datasets)
      .values({
        orgId: org.id,
        name: input.name,
        title: input.title,
        description: input.description,
        visibility: input.visibility,
        metadata: mergeMetadata(DEFAULT_METADATA, metadata),
        createdBy: actor.id,
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    await recordHistory(tx, { row, actor: actor.name, action: "create" });
    await audit.append(tx, {
      actor: actor.name,
      action: "dataset.create",
      resource: `dataset:${org.name}/${row.name}`,
      details: { title: row.title, visibility: row.visibility },
    });
    return toDataset(row, org.name);
  });
}

export async function updateDataset(
  db: Db,
  audit: AuditLog,
  actor: string,
  ds: LoadedDataset,
  patch: DatasetUpdate,
) {
  return db.transaction(async (tx) => {
    const { core, metadata } = splitMetadata(patch);
    const [row] = await tx
      .update(datasets)
      .set({
        ...Object.fromEntries(Object.entries(core).filter(([, v]) => v !== undefined)),
        metadata: mergeMetadata(ds.row.metadata as DatasetMetadata, metadata),
        updatedAt: new Date(),
      })
      .where(and(eq(datasets.id, ds.row.id), isNull(datasets.deletedAt)))
      .returning();
    if (!row) throw new AppError("dataset_not_found");
    await recordHistory(tx, { row, actor, action: "update", before: metadataStateOf(ds.row) });
    await audit.append(tx, {
      actor,
      action: "dataset.update",
      resource: `dataset:${ds.org.name}/${row.name}`,
      details: patch,
    });
    return toDataset(row, ds.org.name);
  });
}

export async function deleteDataset(
  db: Db,
  audit: AuditLog,
  actor: { id: string; name: string },
  ds: LoadedDataset,
) {
  await db.transaction(async (tx) => {
    await tx
      .update(datasets)
      .set({ deletedAt: new Date(), deletedBy: actor.id })
      .where(and(eq(datasets.id, ds.row.id), isNull(datasets.deletedAt)));
    await audit.append(tx, {
      actor: actor.name,
      action: "dataset.delete",
      resource: `dataset:${ds.org.name}/${ds.row.name}`,
      details: { id: ds.row.id },
    });
  });
}

/** @throws `dataset_not_found` (not deleted, or deleted too long ago), `dataset_exists` (name taken again) */
export async function restoreDataset(db: Db, audit: AuditLog, actor: string, ds: LoadedDataset) {
  const deletedAt = ds.row.deletedAt;
  if (!deletedAt) throw new AppError("dataset_not_found", "the dataset is not deleted");
  if (Date.now() - deletedAt.getTime() > RESTORE_WINDOW_DAYS * 86_400_000) {
    throw new AppError("dataset_not_found", `deleted more than ${RESTORE_WINDOW_DAYS} days ago`);
  }
  return db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: datasets.id })
      .from(datasets)
      .where(and(eq(datasets.orgId, ds.org.id), eq(datasets.name, ds.row.name), isNull(datasets.deletedAt)));
    if (taken) throw new AppError("dataset_exists", "a live dataset has taken this name");
    const [row] = await tx
      .update(datasets)
      .set({ deletedAt: null, deletedBy: null, updatedAt: new Date() })
      .where(eq(datasets.id, ds.row.id))
      .returning();
    if (!row) throw new AppError("dataset_not_found");
    await audit.append(tx, {
      actor,
      action: "dataset.restore",
      resource: `dataset:${ds.org.name}/${row.name}`,
      details: { id: row.id },
    });
    return toDataset(row, ds.org.name);
  });
}

/** Datasets the actor may see, ordered by org then name; `deleted` lists the restorable ones (admins). */
export async function listDatasets(
  q: Queryable,
  actor: Actor,
  opts: { org?: string; limit: number; cursor?: string; deleted?: boolean },
) {
  const filters = [opts.deleted ? isNotNull(datasets.deletedAt) : isNull(datasets.deletedAt)];
  if (opts.org) filters.push(eq(organizations.name, opts.org));
  if (!(actor.kind === "user" && actor.isPlatformAdmin)) {
    const memberOf = actor.kind === "user" ? [...actor.memberships.keys()] : [];
    filters.push(
      memberOf.length > 0
        ? (or(eq(datasets.visibility, "open"), inArray(datasets.orgId, memberOf)) as ReturnType<typeof eq>)
        : eq(datasets.visibility, "open"),
    );
  }
  if (opts.cursor) {
    const key = decodeCursor(opts.cursor);
    filters.push(gt(sql`${organizations.name} || '/' || ${datasets.name}`, key));
  }
  const rows = await q
    .select({ row: datasets, orgName: organizations.name })
    .from(datasets)
    .innerJoin(organizations, eq(organizations.id, datasets.orgId))
    .where(and(...filters))
    .orderBy(asc(sql`${organizations.name} || '/' || ${datasets.name}`))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => toDataset(r.row, r.orgName)),
    nextCursor:
      rows.length > opts.limit && last ? encodeCursor(`${last.orgName}/${last.row.name}`) : undefined,
  };
}
