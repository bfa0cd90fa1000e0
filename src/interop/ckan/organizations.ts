/**
 * `organization_list` and `organization_show` in CKAN's group shape (`group_dictize`). Dataset counts are
 * what the caller may see; members are listed only to callers `can()` lets read them (CKAN lists them to
 * everyone by default, but Mekong keeps its member lists to the organization).
 */
import { can } from "../../auth/permissions.ts";
import { searchDatasets } from "../../catalog/search.ts";
import { AppError } from "../../errors.ts";
import { listMembers, listOrganizations } from "../../orgs/service.ts";
import { type ActionContext, organizationOf } from "./action.ts";
import { notFound, validationError } from "./errors.ts";
import { type CkanDict, ckanTimestamp, type OrgRow } from "./package-dict.ts";
import { packagesOf } from "./packages.ts";
import { type DataDict, readBool, readInt, readList, readString, requireString } from "./params.ts";

/** CKAN's `ckan.group_and_organization_list_max` and `…_all_fields_max` defaults. */
export const ORG_LIST_MAX = 1000;
export const ORG_LIST_ALL_FIELDS_MAX = 25;
const INCLUDED_DATASETS_MAX = 1000;

type SortKey = "name" | "title" | "package_count";

/** CKAN's `_unpick_search` over the fields organization_list sorts by. */
function parseOrgSort(text: string): { key: SortKey; desc: boolean } {
  const trimmed = text.trim();
  if (trimmed === "packages" || trimmed === "package_count") return { key: "package_count", desc: true };
  const [field = "", direction = "asc", ...rest] = trimmed.split(/\s+/);
  const key = field === "packages" ? "package_count" : field;
  if (rest.length > 0 || !["name", "title", "package_count"].includes(key)) {
    throw validationError({ message: `Cannot sort by field \`${field}\`` });
  }
  if (direction !== "asc" && direction !== "desc") {
    throw validationError({ message: `Invalid sort direction \`${direction}\`` });
  }
  return { key: key as SortKey, desc: direction === "desc" };
}

/** Dataset counts per organization name, over what the caller may see. */
async function datasetCounts(c: ActionContext): Promise<Map<string, number>> {
  const result = await searchDatasets(c.ctx.db, c.actor, {
    limit: 0,
    includeFacets: true,
    facetLimit: 100_000,
  });
  return new Map((result.facets.org ?? []).map((f) => [f.value, f.count]));
}

function extrasOf(org: OrgRow): { key: string; value: string }[] {
  const pairs: [string, string | null][] = [
    ["country", org.country],
    ["email", org.email],
    ["kind", org.kind],
    ["title_en", org.titleEn],
    ["website", org.website],
  ];
  return pairs.filter((p): p is [string, string] => Boolean(p[1])).map(([key, value]) => ({ key, value }));
}

async function usersOf(c: ActionContext, org: OrgRow): Promise<CkanDict[]> {
  if (!can(c.actor, "organization.members.read", { kind: "organization", orgId: org.id })) return [];
  const members = await listMembers(c.ctx.db, org.id);
  return members.map((m) => ({
    capacity: m.role,
    created: ckanTimestamp(m.since),
    display_name: m.name,
    fullname: m.name,
    id: m.userId,
    name: m.userId,
    state: "active",
    sysadmin: false,
  }));
}

interface ShowOptions {
  packageCount?: number;
  extras: boolean;
  users: boolean;
  tags: boolean;
  groups: boolean;
}

async function organizationDict(c: ActionContext, org: OrgRow, opts: ShowOptions): Promise<CkanDict> {
  return {
    approval_status: "approved",
    created: ckanTimestamp(org.createdAt),
    description: org.description ?? "",
    display_name: org.title || org.name,
    ...(opts.extras ? { extras: extrasOf(org) } : {}),
    ...(opts.groups ? { groups: [] } : {}),
    id: org.id,
    image_display_url: "",
    image_url: "",
    is_organization: true,
    name: org.name,
    num_followers: 0,
    ...(opts.packageCount !== undefined ? { package_count: opts.packageCount } : {}),
    state: "active",
    ...(opts.tags ? { tags: [] } : {}),
    title: org.title,
    type: "organization",
    ...(opts.users ? { users: await usersOf(c, org) } : {}),
  };
}

async function allOrganizations(c: ActionContext, q: string | undefined): Promise<OrgRow[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listOrganizations(c.ctx.db, { limit: 500, cursor, q });
    names.push(...page.items.map((o) => o.name));
    cursor = page.nextCursor;
  } while (cursor);
  return Promise.all(names.map((n) => organizationOf(c, n)));
}

export async function organizationList(c: ActionContext, data: DataDict): Promise<unknown[]> {
  const allFields = readBool(data, "all_fields", false);
  const max = allFields ? ORG_LIST_ALL_FIELDS_MAX : ORG_LIST_MAX;
  const asked = readInt(data, "limit", { natural: true });
  const limit = asked === undefined || asked > max ? max : asked;
  const offset = readInt(data, "offset", { natural: true }) ?? 0;
  const sort = parseOrgSort(readString(data, "sort") || readString(data, "order_by") || "title");
  const only = readList(data, "organizations");
  let orgs = await allOrganizations(c, readString(data, "q") || undefined);
  if (only) orgs = orgs.filter((o) => only.includes(o.name));

  const wantCounts =
    sort.key === "package_count" || (allFields && readBool(data, "include_dataset_count", true));
  const counts = wantCounts ? await datasetCounts(c) : new Map<string, number>();
  const value = (o: OrgRow) => (sort.key === "package_count" ? (counts.get(o.name) ?? 0) : o[sort.key]);
  orgs.sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    const order = x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : 1;
    return sort.desc ? -order : order;
  });
  // CKAN applies a limit of 0 as "no limit given", i.e. the maximum.
  const page = orgs.slice(offset, offset + (limit || max));
  if (!allFields) return page.map((o) => o.name);
  const opts = {
    extras: readBool(data, "include_extras", false),
    users: readBool(data, "include_users", false),
    tags: readBool(data, "include_tags", false),
    groups: readBool(data, "include_groups", false),
  };
  return Promise.all(
    page.map((o) =>
      organizationDict(c, o, { ...opts, packageCount: wantCounts ? (counts.get(o.name) ?? 0) : undefined }),
    ),
  );
}

export async function organizationShow(c: ActionContext, data: DataDict): Promise<CkanDict> {
  const id = requireString(data, "id");
  const org = await organizationOf(c, id).catch(async (error: unknown) => {
    if (!(error instanceof AppError) || error.code !== "organization_not_found") throw error;
    // CKAN accepts the id as well as the name.
    const all = await allOrganizations(c, undefined);
    const byId = all.find((o) => o.id === id.toLowerCase());
    if (!byId) throw notFound();
    return byId;
  });
  const includeDatasets = readBool(data, "include_datasets", false);
  const search = await searchDatasets(c.ctx.db, c.actor, {
    org: [org.name],
    sort: "modified",
    limit: includeDatasets ? INCLUDED_DATASETS_MAX : 0,
  });
  const dict = await organizationDict(c, org, {
    packageCount: readBool(data, "include_dataset_count", true) ? search.total : undefined,
    extras: readBool(data, "include_extras", true),
    users: readBool(data, "include_users", true),
    tags: readBool(data, "include_tags", true),
    groups: readBool(data, "include_groups", true),
  });
  if (includeDatasets) dict.packages = await packagesOf(c, search.items);
  return dict;
}
