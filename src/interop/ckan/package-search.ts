/**
 * `package_search` and `current_package_list_with_resources` on the catalog's search, answered as CKAN
 * answers them: `{count, facets, results, sort, search_facets}`, `rows` up to 1000 (larger asks are cut to
 * 1000, as CKAN's `limit_to_configured_maximum` does), facets only for the `facet.field`s asked for,
 * counted over the matching datasets (as Solr counts them), top `facet.limit` by count, then sorted by
 * display name descending as CKAN sorts them.
 *
 * `include_private=false` (the default) searches as an anonymous caller, which sees exactly the datasets
 * CKAN calls public (visibility `open`); `include_private=true` searches as the caller, so private datasets
 * appear only where `can()` lets the caller read them.
 *
 * Most searches are one catalog search. What the catalog cannot ask — a `metadata_modified` range, AND-ed
 * values of a many-valued field, facets of a many-valued field that is also filtered on (the catalog counts
 * a facet without its own filter) — walks all matches and filters and counts them here.
 */
import { ANONYMOUS } from "../../auth/actor.ts";
import type { Actor } from "../../auth/permissions.ts";
import type { Dataset } from "../../catalog/schemas.ts";
import { type Facet, type SearchParams, type SearchResult, searchDatasets } from "../../catalog/search.ts";
import { LICENCES } from "../../catalog/vocabularies.ts";
import { AppError } from "../../errors.ts";
import { listOrganizations } from "../../orgs/service.ts";
import { type ActionContext, organizationOf } from "./action.ts";
import { pyRepr, searchQueryError } from "./errors.ts";
import { DOWNLOAD_FORMATS } from "./names.ts";
import type { CkanDict } from "./package-dict.ts";
import { findPackageIfAny, mayRead, packageOf, packagesOf } from "./packages.ts";
import { type DataDict, readBool, readInt, readList, readString } from "./params.ts";
import {
  FACET_FIELDS,
  type OrgDirectory,
  planSearch,
  type SearchPlan,
  SINGLE_VALUED,
} from "./search-plan.ts";
import { parseSolrQuery, SolrSyntaxError } from "./solr-query.ts";

export const DEFAULT_SORT = "score desc, metadata_modified desc";
export const ROWS_MAX = 1000;
const DEFAULT_ROWS = 10;
const DEFAULT_FACET_LIMIT = 50;
/** What "unlimited" (`facet.limit=-1`) asks for. */
const ALL_FACET_VALUES = 10_000;
/** Page size when walking all matches. */
const WALK_PAGE = 500;

/** Solr's parameters (ckan/lib/search/query.py `VALID_SOLR_PARAMETERS`) and the ones CKAN reads itself. */
const KNOWN_PARAMS = new Set(
  (
    "q fl fq fq_list rows sort start wt qf bf boost facet facet.mincount facet.limit facet.field extras tie " +
    "defType mm df include_private include_drafts include_deleted use_default_schema include_group_types"
  ).split(" "),
);

type Sort = NonNullable<SearchParams["sort"]>;
type FacetCount = { value: string; count: number };

/**
 * CKAN sort strings onto the catalog's orders. Sorts by name or id (ckanext-harvest pages with `id asc`
 * only to get a stable order) are answered in title order, the catalog's stable alphabetical order.
 */
export function searchSort(sort: string): Sort {
  const [field, direction = "asc", ...rest] = sort.split(",")[0]?.trim().split(/\s+/) ?? [];
  const dir = direction.toLowerCase();
  if (!field || rest.length > 0 || (dir !== "asc" && dir !== "desc")) {
    throw searchQueryError('Invalid "sort" parameter');
  }
  const key = `${field} ${dir}`;
  if (key === "score desc" || key === "rank desc" || key === "relevance desc") return "relevance";
  if (key === "metadata_modified desc" || key === "metadata_created desc") return "modified";
  if (["title_string asc", "title asc", "name asc", "id asc"].includes(key)) return "title";
  throw searchQueryError('Invalid "sort" parameter');
}

function parseQuery(field: string, text: string) {
  try {
    return parseSolrQuery(text);
  } catch (error) {
    if (error instanceof SolrSyntaxError) throw searchQueryError(`${field}: ${error.message}`);
    throw error;
  }
}

function orgDirectory(c: ActionContext): OrgDirectory {
  let loaded: Promise<{ id: string; name: string }[]> | undefined;
  const load = async () => {
    const out: { id: string; name: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await listOrganizations(c.ctx.db, { limit: 500, cursor });
      out.push(...page.items.map((o) => ({ id: o.id, name: o.name })));
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  };
  return { all: () => (loaded ??= load()) };
}

/** A dataset's values of a facet, as the catalog indexes them. */
function facetValues(d: Dataset, facet: Facet): string[] {
  const m = d.metadata;
  const one = (v: string | null | undefined) => (v ? [v] : []);
  switch (facet) {
    case "org":
      return [d.org];
    case "keyword":
      return m.keywords ?? [];
    case "theme":
      return m.themes ?? [];
    case "province":
      return m.spatial ?? [];
    case "licence":
      return one(m.licence);
    case "classification":
      return one(m.classification);
    case "personalData":
      return one(m.personalData);
    case "frequency":
      return one(m.frequency);
    case "format":
      return [];
  }
}

function countLocally(items: Dataset[], valuesOf: (d: Dataset) => string[], limit: number): FacetCount[] {
  const counts = new Map<string, number>();
  for (const d of items) for (const v of new Set(valuesOf(d))) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
    .slice(0, limit);
}

const downloadFacet = (withData: number): FacetCount[] =>
  withData > 0 ? DOWNLOAD_FORMATS.map((f) => ({ value: f.toUpperCase(), count: withData })) : [];

interface Answer {
  total: number;
  items: Dataset[];
  /** CKAN facet field → counted values (top `facet.limit`, by count). */
  facets: Record<string, FacetCount[]>;
}

interface SearchJob {
  c: ActionContext;
  actor: Actor;
  plan: SearchPlan;
  params: SearchParams;
  facetFields: string[];
  facetLimit: number;
}

/** Every match of the catalog search in its order; by modification time it stops below the range. */
async function walkMatches({ c, actor, plan, params }: SearchJob): Promise<Dataset[]> {
  const all: Dataset[] = [];
  const from = plan.modified?.from;
  for (let offset = 0; ; offset += WALK_PAGE) {
    const page = await searchDatasets(c.ctx.db, actor, {
      ...params,
      limit: WALK_PAGE,
      offset,
      includeFacets: false,
    });
    all.push(...page.items);
    const last = page.items.at(-1);
    const olderThanRange = from !== undefined && last !== undefined && Date.parse(last.updatedAt) < from;
    if (page.items.length < WALK_PAGE || olderThanRange) return all;
  }
}

/** Walks all matches, keeps those passing what the catalog could not filter, and counts facets here. */
async function walkAndFilter(job: SearchJob, window: { start: number; rows: number }): Promise<Answer> {
  const { plan, facetFields, facetLimit } = job;
  const { from, to } = plan.modified ?? {};
  const inside = (await walkMatches(job)).filter((d) => {
    const at = Date.parse(d.updatedAt);
    if ((from !== undefined && at < from) || (to !== undefined && at > to)) return false;
    if (plan.hasData && d.currentVersion === null) return false;
    return plan.alsoRequired.every((r) => facetValues(d, r.facet).some((v) => r.anyOf.includes(v)));
  });
  const facets: Answer["facets"] = {};
  for (const field of facetFields) {
    const facet = FACET_FIELDS[field];
    if (field === "res_format")
      facets[field] = downloadFacet(inside.filter((d) => d.currentVersion !== null).length);
    else facets[field] = facet ? countLocally(inside, (d) => facetValues(d, facet), facetLimit) : [];
  }
  return { total: inside.length, items: inside.slice(window.start, window.start + window.rows), facets };
}

/** Source formats present in the catalog: a dataset has data exactly when it has one of them. */
async function allSourceFormats(c: ActionContext, actor: Actor): Promise<string[]> {
  const r = await searchDatasets(c.ctx.db, actor, {
    limit: 0,
    includeFacets: true,
    facetLimit: ALL_FACET_VALUES,
  });
  return (r.facets.format ?? []).filter((f) => f.count > 0).map((f) => f.value);
}

/** One catalog search; facets of filtered single-valued fields keep only the chosen values, as Solr's would. */
async function searchOnce(job: SearchJob): Promise<Answer> {
  const { c, actor, plan, facetFields } = job;
  let params = job.params;
  let formats: string[] | undefined;
  if (plan.hasData || facetFields.includes("res_format")) formats = await allSourceFormats(c, actor);
  if (plan.hasData) {
    if (formats?.length === 0)
      return { total: 0, items: [], facets: Object.fromEntries(facetFields.map((f) => [f, []])) };
    params = { ...params, format: formats };
  }
  const result: SearchResult = await searchDatasets(c.ctx.db, actor, params);
  const facets: Answer["facets"] = {};
  for (const field of facetFields) {
    const facet = FACET_FIELDS[field];
    if (field === "res_format") {
      const withData = plan.hasData
        ? result.total
        : (
            await searchDatasets(c.ctx.db, actor, {
              ...params,
              format: formats,
              limit: 0,
              includeFacets: false,
            })
          ).total;
      facets[field] = formats?.length ? downloadFacet(withData) : [];
    } else if (facet) {
      const chosen = plan.filters[facet];
      facets[field] = (result.facets[facet] ?? []).filter(
        (v) => v.count > 0 && (!chosen || chosen.includes(v.value)),
      );
    } else facets[field] = [];
  }
  return { total: result.total, items: result.items, facets };
}

async function exactMatch(c: ActionContext, actor: Actor, plan: SearchPlan) {
  const exact = plan.exact as NonNullable<SearchPlan["exact"]>;
  const ds = await findPackageIfAny(c, exact.value);
  const visible = ds && mayRead(actor, { orgId: ds.org.id, visibility: ds.row.visibility });
  return ds && visible ? { total: 1, results: [await packageOf(c, ds)] } : { total: 0, results: [] };
}

async function facetDisplayName(c: ActionContext, field: string, value: string): Promise<string> {
  if (field === "organization") {
    const org = await organizationOf(c, value).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "organization_not_found") return undefined;
      throw error;
    });
    return org?.title.trim() ? org.title : value;
  }
  if (field === "license_id") return LICENCES.find((l) => l.id === value)?.title ?? value;
  return value;
}

async function ckanFacets(c: ActionContext, fields: string[], counted: Answer["facets"]) {
  const facets: Record<string, Record<string, number>> = {};
  const searchFacets: Record<string, { title: string; items: CkanDict[] }> = {};
  for (const field of fields) {
    const values = counted[field] ?? [];
    const items: CkanDict[] = [];
    for (const { value, count } of values) {
      items.push({ name: value, display_name: await facetDisplayName(c, field, value), count });
    }
    items.sort((a, b) => (String(a.display_name) < String(b.display_name) ? 1 : -1));
    facets[field] = Object.fromEntries(values.map((v) => [v.value, v.count]));
    searchFacets[field] = { title: field, items };
  }
  return { facets, search_facets: searchFacets };
}

/** Keeps only the `fl` fields of each result, as Solr's field list does. */
const pickFields = (pkgs: CkanDict[], fl: string[] | undefined) =>
  fl ? pkgs.map((p) => Object.fromEntries(fl.filter((f) => f in p).map((f) => [f, p[f]]))) : pkgs;

/** Whether one catalog search can answer the plan with CKAN's facet counts. */
function needsWalk(plan: SearchPlan, facetFields: string[]): boolean {
  if (plan.modified || plan.alsoRequired.length > 0) return true;
  return facetFields.some((field) => {
    const facet = FACET_FIELDS[field];
    return facet !== undefined && !SINGLE_VALUED.has(facet) && plan.filters[facet] !== undefined;
  });
}

export async function packageSearch(c: ActionContext, data: DataDict): Promise<CkanDict> {
  const rows = Math.min(readInt(data, "rows", { natural: true }) ?? DEFAULT_ROWS, ROWS_MAX);
  const start = readInt(data, "start", { natural: true }) ?? 0;
  const facetFields = readBool(data, "facet", true)
    ? (readList(data, "facet.field", { json: true }) ?? [])
    : [];
  const facetLimitAsked = readInt(data, "facet.limit") ?? DEFAULT_FACET_LIMIT;
  const facetLimit = facetLimitAsked < 0 ? ALL_FACET_VALUES : facetLimitAsked;
  const includePrivate = readBool(data, "include_private", false);
  const sortText = readString(data, "sort") || DEFAULT_SORT;
  const fl = readList(data, "fl")?.flatMap((f) => f.split(/\s+/).filter(Boolean));
  const unknown = Object.keys(data).filter((k) => !KNOWN_PARAMS.has(k) && !k.startsWith("ext_"));
  if (unknown.length > 0) {
    throw searchQueryError(`Invalid search parameters: [${unknown.map(pyRepr).join(", ")}]`);
  }

  const queries = [parseQuery("q", readString(data, "q") ?? "")];
  const fq = readString(data, "fq");
  if (fq) queries.push(parseQuery("fq", fq));
  for (const extra of readList(data, "fq_list") ?? []) queries.push(parseQuery("fq_list", extra));
  const sort = searchSort(sortText === "rank" ? DEFAULT_SORT : sortText);
  const plan = await planSearch(queries, orgDirectory(c));
  const actor = includePrivate && plan.allowPrivate ? c.actor : ANONYMOUS;
  const job: SearchJob = {
    c,
    actor,
    plan,
    facetFields,
    facetLimit,
    params: {
      ...plan.filters,
      q: plan.text.join(" ") || undefined,
      sort: plan.modified ? "modified" : sort,
      limit: rows,
      offset: start,
      includeFacets: facetFields.some((f) => FACET_FIELDS[f] !== undefined),
      facetLimit,
    },
  };

  let total = 0;
  let results: CkanDict[] = [];
  let counted: Answer["facets"] = {};
  if (plan.matchesNothing) total = 0;
  else if (plan.exact) ({ total, results } = await exactMatch(c, actor, plan));
  else {
    const answer = needsWalk(plan, facetFields)
      ? await walkAndFilter(job, { start, rows })
      : await searchOnce(job);
    total = answer.total;
    counted = answer.facets;
    results = await packagesOf(c, answer.items);
  }
  const limited = Object.fromEntries(Object.entries(counted).map(([k, v]) => [k, v.slice(0, facetLimit)]));
  return {
    count: total,
    ...(await ckanFacets(c, facetFields, limited)),
    results: pickFields(results, fl),
    sort: sortText,
  };
}

/** CKAN 2.9+: `package_search(q='', rows=limit, start=offset)`, newest changes first. */
export async function currentPackageListWithResources(c: ActionContext, data: DataDict): Promise<CkanDict[]> {
  const limit = readInt(data, "limit", { natural: true });
  let offset = readInt(data, "offset", { natural: true });
  const page = readInt(data, "page", { natural: true });
  if (offset === undefined && page !== undefined && limit) offset = Math.max(0, (page - 1) * limit);
  const result = await packageSearch(c, {
    rows: limit ?? DEFAULT_ROWS,
    start: offset ?? 0,
    sort: "metadata_modified desc",
    // CKAN includes private datasets here for sysadmins only.
    include_private: c.actor.kind === "user" && c.actor.isPlatformAdmin,
  });
  return result.results as CkanDict[];
}
