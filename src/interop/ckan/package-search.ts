/**
 * `package_search` and `current_package_list_with_resources` on the catalog's search, answered as CKAN
 * answers them: `{count, facets, results, sort, search_facets}`, `rows` up to 1000 (larger asks are cut to
 * 1000, as CKAN's `limit_to_configured_maximum` does), facets only for the `facet.field`s asked for, their
 * items sorted by display name descending (CKAN sorts them so after Solr picks the top `facet.limit`).
 *
 * `include_private=false` (the default) searches as an anonymous caller, which sees exactly the datasets
 * CKAN calls public (visibility `open`); `include_private=true` searches as the caller, so private datasets
 * appear only where `can()` lets the caller read them.
 */
import { ANONYMOUS } from "../../auth/actor.ts";
import type { Actor } from "../../auth/permissions.ts";
import type { Dataset } from "../../catalog/schemas.ts";
import { type SearchParams, type SearchResult, searchDatasets } from "../../catalog/search.ts";
import { LICENCES } from "../../catalog/vocabularies.ts";
import { listOrganizations } from "../../orgs/service.ts";
import { type ActionContext, organizationOf } from "./action.ts";
import { pyRepr, searchQueryError } from "./errors.ts";
import type { CkanDict } from "./package-dict.ts";
import { findPackage, mayRead, packageOf, packagesOf } from "./packages.ts";
import { type DataDict, readBool, readInt, readList, readString } from "./params.ts";
import { FACET_FIELDS, type OrgDirectory, planSearch, type SearchPlan } from "./search-plan.ts";
import { parseSolrQuery, SolrSyntaxError } from "./solr-query.ts";

export const DEFAULT_SORT = "score desc, metadata_modified desc";
export const ROWS_MAX = 1000;
const DEFAULT_ROWS = 10;
const DEFAULT_FACET_LIMIT = 50;
/** What "unlimited" (`facet.limit=-1`) asks the catalog for. */
const ALL_FACET_VALUES = 10_000;
/** Page size when walking results by modification time. */
const SCAN_PAGE = 500;

/** Solr's parameters (ckan/lib/search/query.py `VALID_SOLR_PARAMETERS`) and the ones CKAN reads itself. */
const KNOWN_PARAMS = new Set([
  "q",
  "fl",
  "fq",
  "fq_list",
  "rows",
  "sort",
  "start",
  "wt",
  "qf",
  "bf",
  "boost",
  "facet",
  "facet.mincount",
  "facet.limit",
  "facet.field",
  "extras",
  "tie",
  "defType",
  "mm",
  "df",
  "include_private",
  "include_drafts",
  "include_deleted",
  "use_default_schema",
  "include_group_types",
]);

type Sort = NonNullable<SearchParams["sort"]>;

/**
 * CKAN sort strings onto the catalog's orders. Sorts by name or id (ckanext-harvest pages with `id asc`
 * only to get a stable order) are answered in title order, the catalog's stable alphabetical order.
 */
export function searchSort(sort: string): Sort {
  const clauses = sort
    .split(",")
    .map((s) => s.trim().split(/\s+/))
    .filter((parts) => parts[0]);
  const [field, direction = "asc", ...rest] = clauses[0] ?? [];
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
  return {
    all() {
      loaded ??= (async () => {
        const out: { id: string; name: string }[] = [];
        let cursor: string | undefined;
        do {
          const page = await listOrganizations(c.ctx.db, { limit: 500, cursor });
          out.push(...page.items.map((o) => ({ id: o.id, name: o.name })));
          cursor = page.nextCursor;
        } while (cursor);
        return out;
      })();
      return loaded;
    },
  };
}

interface Page {
  total: number;
  items: Dataset[];
  facets?: SearchResult["facets"];
}

/** Searches by modification time, newest first, keeping what falls inside the `metadata_modified` range. */
async function searchModified(
  c: ActionContext,
  actor: Actor,
  base: SearchParams,
  range: { from?: number; to?: number },
  window: { start: number; rows: number },
): Promise<Page> {
  const inside: Dataset[] = [];
  for (let offset = 0; ; offset += SCAN_PAGE) {
    const page = await searchDatasets(c.ctx.db, actor, { ...base, sort: "modified", limit: SCAN_PAGE, offset });
    let older = false;
    for (const item of page.items) {
      const at = Date.parse(item.updatedAt);
      if (range.from !== undefined && at < range.from) older = true;
      else if (range.to === undefined || at <= range.to) inside.push(item);
    }
    if (older || page.items.length < SCAN_PAGE) break;
  }
  return { total: inside.length, items: inside.slice(window.start, window.start + window.rows) };
}

async function exactMatch(c: ActionContext, actor: Actor, plan: SearchPlan) {
  const exact = plan.exact as NonNullable<SearchPlan["exact"]>;
  const ds = await findPackage(c, exact.value).catch(() => undefined);
  const visible = ds && mayRead(actor, { orgId: ds.org.id, visibility: ds.row.visibility });
  return ds && visible ? { total: 1, results: [await packageOf(c, ds)] } : { total: 0, results: [] };
}

async function facetDisplayName(c: ActionContext, field: string, value: string): Promise<string> {
  if (field === "organization") {
    const org = await organizationOf(c, value).catch(() => undefined);
    return org?.title.trim() ? org.title : value;
  }
  if (field === "license_id") return LICENCES.find((l) => l.id === value)?.title ?? value;
  return value;
}

async function ckanFacets(c: ActionContext, fields: string[], facets: SearchResult["facets"] | undefined) {
  const plain: Record<string, Record<string, number>> = {};
  const structured: Record<string, { title: string; items: CkanDict[] }> = {};
  for (const field of fields) {
    const key = FACET_FIELDS[field] as keyof SearchResult["facets"] | undefined;
    const values = (key && facets?.[key]) || [];
    const items: CkanDict[] = [];
    for (const { value, count } of values) {
      items.push({ name: value, display_name: await facetDisplayName(c, field, value), count });
    }
    items.sort((a, b) => (String(a.display_name) < String(b.display_name) ? 1 : -1));
    plain[field] = Object.fromEntries(values.map((v) => [v.value, v.count]));
    structured[field] = { title: field, items };
  }
  return { facets: plain, search_facets: structured };
}

/** Keeps only the `fl` fields of each result, as Solr's field list does. */
const pickFields = (pkgs: CkanDict[], fl: string[] | undefined) =>
  fl ? pkgs.map((p) => Object.fromEntries(fl.filter((f) => f in p).map((f) => [f, p[f]]))) : pkgs;

export async function packageSearch(c: ActionContext, data: DataDict): Promise<CkanDict> {
  const rows = Math.min(readInt(data, "rows", { natural: true }) ?? DEFAULT_ROWS, ROWS_MAX);
  const start = readInt(data, "start", { natural: true }) ?? 0;
  const facetFields = readBool(data, "facet", true) ? (readList(data, "facet.field", { json: true }) ?? []) : [];
  const facetLimitAsked = readInt(data, "facet.limit") ?? DEFAULT_FACET_LIMIT;
  const includePrivate = readBool(data, "include_private", false);
  readBool(data, "include_drafts", false);
  const sortText = readString(data, "sort") || DEFAULT_SORT;
  const fl = readList(data, "fl")?.flatMap((f) => f.split(/\s+/).filter(Boolean));
  const unknown = Object.keys(data).filter((k) => !KNOWN_PARAMS.has(k) && !k.startsWith("ext_"));
  if (unknown.length > 0) {
    throw searchQueryError(`Invalid search parameters: [${unknown.map(pyRepr).join(", ")}]`);
  }

  const sort = searchSort(sortText === "rank" ? DEFAULT_SORT : sortText);
  const queries = [parseQuery("q", readString(data, "q") ?? "")];
  const fq = readString(data, "fq");
  if (fq) queries.push(parseQuery("fq", fq));
  for (const extra of readList(data, "fq_list") ?? []) queries.push(parseQuery("fq_list", extra));
  const plan = await planSearch(queries, orgDirectory(c));
  const actor = includePrivate && plan.allowPrivate ? c.actor : ANONYMOUS;
  const params: SearchParams = {
    ...plan.filters,
    q: plan.text.join(" ") || undefined,
    sort,
    limit: rows,
    offset: start,
    includeFacets: facetFields.length > 0,
    facetLimit: facetLimitAsked < 0 ? ALL_FACET_VALUES : facetLimitAsked,
  };

  let total = 0;
  let results: CkanDict[] = [];
  let facets: SearchResult["facets"] | undefined;
  if (plan.matchesNothing) total = 0;
  else if (plan.exact) ({ total, results } = await exactMatch(c, actor, plan));
  else {
    const page = plan.modified
      ? await searchModified(c, actor, params, plan.modified, { start, rows })
      : await searchDatasets(c.ctx.db, actor, params);
    total = page.total;
    facets = page.facets;
    results = await packagesOf(c, page.items);
  }

  return {
    count: total,
    ...(await ckanFacets(c, facetFields, facets)),
    results: pickFields(results.slice(0, rows), fl),
    sort: sortText,
  };
}

/** CKAN 2.9+: `package_search(q='', rows=limit, start=offset)`, newest changes first. */
export async function currentPackageListWithResources(c: ActionContext, data: DataDict): Promise<CkanDict[]> {
  const limit = readInt(data, "limit", { natural: true });
  let offset = readInt(data, "offset", { natural: true });
  const page = readInt(data, "page", { natural: true });
  if (offset === undefined && page !== undefined && limit) offset = (page - 1) * limit;
  const includePrivate = c.actor.kind === "user" && c.actor.isPlatformAdmin;
  const result = await packageSearch(c, {
    rows: limit ?? DEFAULT_ROWS,
    start: Math.max(offset ?? 0, 0),
    sort: "metadata_modified desc",
    include_private: includePrivate,
  });
  return result.results as CkanDict[];
}
