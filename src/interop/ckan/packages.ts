/**
 * `package_show`, `resource_show` and `package_list`: finding a dataset by any name a CKAN client may hold
 * (uuid, `org__name`, or Mekong's `org/name`), checking the caller may read it, and answering its package.
 */
import { and, eq, isNull } from "drizzle-orm";
import { ANONYMOUS } from "../../auth/actor.ts";
import { type Actor, can } from "../../auth/permissions.ts";
import type { Dataset } from "../../catalog/schemas.ts";
import { getDataset, type LoadedDataset, listDatasets, toDataset } from "../../catalog/service.ts";
import { getVersion, type VersionRow } from "../../catalog/versions.ts";
import type { Queryable } from "../../db/client.ts";
import { datasets, organizations } from "../../db/schema.ts";
import { AppError } from "../../errors.ts";
import { type ActionContext, organizationOf } from "./action.ts";
import { CkanError, notAuthorized, notFound } from "./errors.ts";
import {
  ckanName,
  type DatasetRef,
  isUuid,
  parseCkanName,
  parseMekongName,
  parseResourceId,
} from "./names.ts";
import { type CkanDict, packageDict } from "./package-dict.ts";
import { type DataDict, readInt, requireString } from "./params.ts";

/**
 * The live dataset with this uuid. The catalog's service looks datasets up by `org/name` only, so this one
 * query reads its tables directly; it should move to `catalog/service.ts` as `getDatasetById`.
 */
async function findDatasetRefById(q: Queryable, id: string): Promise<DatasetRef | undefined> {
  const [hit] = await q
    .select({ org: organizations.name, name: datasets.name })
    .from(datasets)
    .innerJoin(organizations, eq(organizations.id, datasets.orgId))
    .where(and(eq(datasets.id, id), isNull(datasets.deletedAt)));
  return hit;
}

/** A dataset by uuid, CKAN name or `org/name`. @throws CkanError `Not Found Error` */
export async function findPackage(c: ActionContext, idOrName: string): Promise<LoadedDataset> {
  const ref = isUuid(idOrName)
    ? await findDatasetRefById(c.ctx.db, idOrName.toLowerCase())
    : (parseCkanName(idOrName) ?? parseMekongName(idOrName));
  if (!ref) throw notFound();
  try {
    return await getDataset(c.ctx.db, ref.org, ref.name);
  } catch (error) {
    if (error instanceof AppError && error.code === "dataset_not_found") throw notFound();
    throw error;
  }
}

/** Like `findPackage`, but undefined when there is no such dataset (other errors still throw). */
export async function findPackageIfAny(
  c: ActionContext,
  idOrName: string,
): Promise<LoadedDataset | undefined> {
  try {
    return await findPackage(c, idOrName);
  } catch (error) {
    if (error instanceof CkanError && error.type === "Not Found Error") return undefined;
    throw error;
  }
}

export function mayRead(actor: Actor, ds: { orgId: string; visibility: Dataset["visibility"] }): boolean {
  return can(actor, "dataset.read", { kind: "dataset", orgId: ds.orgId, visibility: ds.visibility });
}

const actorLabel = (actor: Actor) => (actor.kind === "user" ? actor.name : "");

/** @throws CkanError `Authorization Error`, worded as CKAN's `package_show` auth function words it. */
export function assertMayRead(actor: Actor, ds: LoadedDataset): void {
  if (!mayRead(actor, { orgId: ds.org.id, visibility: ds.row.visibility })) {
    throw notAuthorized(`User ${actorLabel(actor)} not authorized to read package ${ds.row.id}`);
  }
}

async function currentVersion(c: ActionContext, ds: LoadedDataset): Promise<VersionRow | undefined> {
  if (ds.row.currentVersion === null) return undefined;
  return getVersion(c.ctx.db, ds, ds.row.currentVersion);
}

/** The package dictionary of a dataset the caller was already allowed to read. */
export async function packageOf(c: ActionContext, ds: LoadedDataset): Promise<CkanDict> {
  const [org, version] = await Promise.all([organizationOf(c, ds.org.name), currentVersion(c, ds)]);
  return packageDict({ dataset: toDataset(ds.row, ds.org.name), org, version, siteUrl: c.siteUrl });
}

/** How many search results are turned into packages at once (their lookups overlap on a pooled database). */
const PACKAGES_AT_ONCE = 16;

/** Package dictionaries for search results, in order (each dataset is reloaded for its version). */
export async function packagesOf(c: ActionContext, items: Dataset[]): Promise<CkanDict[]> {
  const out: (CkanDict | undefined)[] = [];
  for (let i = 0; i < items.length; i += PACKAGES_AT_ONCE) {
    const batch = items.slice(i, i + PACKAGES_AT_ONCE).map(async (item) => {
      const ds = await getDataset(c.ctx.db, item.org, item.name).catch((error: unknown) => {
        if (error instanceof AppError && error.code === "dataset_not_found") return undefined;
        throw error;
      });
      return ds ? packageOf(c, ds) : undefined; // a dataset deleted since the search is left out
    });
    out.push(...(await Promise.all(batch)));
  }
  return out.filter((p): p is CkanDict => p !== undefined);
}

export async function packageShow(c: ActionContext, data: DataDict): Promise<CkanDict> {
  const id = typeof data.id === "string" && data.id ? data.id : requireString(data, "name_or_id");
  const ds = await findPackage(c, id);
  assertMayRead(c.actor, ds);
  return packageOf(c, ds);
}

export async function resourceShow(c: ActionContext, data: DataDict): Promise<CkanDict> {
  const id = requireString(data, "id");
  const parsed = parseResourceId(id);
  if (!parsed) throw notFound();
  const ds = await findPackage(c, parsed.datasetId);
  assertMayRead(c.actor, ds);
  const pkg = await packageOf(c, ds);
  const resource = (pkg.resources as CkanDict[]).find((r) => r.id === id.toLowerCase());
  if (!resource) throw notFound("Resource was not found.");
  return resource;
}

/**
 * Names of the public datasets (visibility `open`), sorted by name, as CKAN's `package_list` lists only
 * non-private ones whoever asks. CKAN has no upper limit here; neither has this (names only).
 */
export async function packageList(c: ActionContext, data: DataDict): Promise<string[]> {
  const limit = readInt(data, "limit", { natural: true });
  const offset = readInt(data, "offset", { natural: true }) ?? 0;
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listDatasets(c.ctx.db, ANONYMOUS, { limit: 1000, cursor });
    for (const d of page.items) names.push(ckanName(d.org, d.name));
    cursor = page.nextCursor;
  } while (cursor);
  names.sort();
  // CKAN applies `limit` only when it is truthy: `limit=0` lists everything.
  return names.slice(offset, limit ? offset + limit : undefined);
}
