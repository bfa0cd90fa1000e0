/**
 * Catalog search: free text (Vietnamese-aware: no diacritics needed, prefix while typing, typos in titles
 * forgiven), facet filters, facet counts, sorts and keyset pages — over only the datasets the caller may
 * see. How it works is written up in docs/search.md; the SQL is in `search-sql.ts`.
 */
import { eq, inArray } from "drizzle-orm";
import type { Actor } from "../auth/permissions.ts";
import { execute, type Queryable } from "../db/client.ts";
import { datasets, organizations } from "../db/schema.ts";
import type { Dataset } from "./schemas.ts";
import {
  DEFAULT_FACET_LIMIT,
  decodeSearchCursor,
  emptyFacets,
  encodeSearchCursor,
  FACETS,
  type Facet,
  type FacetCounts,
  queryWords,
  type SearchParams,
  type SearchResult,
  type SearchSort,
} from "./search-params.ts";
import {
  countQuery,
  type FacetFilter,
  type FacetRow,
  facetQuery,
  keptFacetQuery,
  type PageRow,
  pageQuery,
  type SearchPlan,
  type VisibilityScope,
} from "./search-sql.ts";
import { toDataset } from "./service.ts";

export type { Facet, SearchParams, SearchResult, SearchSort } from "./search-params.ts";

/** Typo matching starts at this many letters: shorter input is still being typed, and prefixes cover it. */
const TYPO_MIN_LETTERS = 4;

/**
 * The datasets matching `params` that `actor` may see, one page of them, how many there are and — unless
 * `includeFacets` is false — the counts of each facet's values (top `facetLimit` per facet, plus any value
 * filtered on), each facet counted under every other filter. Free text matches whole words, the last as a
 * prefix; only if that finds nothing is each word also tried as its closest title words (typos), in titles.
 * Sort defaults to relevance with text and to last modified without.
 * @throws AppError `validation_failed` for a cursor not given out for this sort.
 */
export async function searchDatasets(
  q: Queryable,
  actor: Actor,
  params: SearchParams,
): Promise<SearchResult> {
  const words = queryWords(params.q);
  const asked = params.sort ?? (words.length > 0 ? "relevance" : "modified");
  const sort: SearchSort = asked === "relevance" && words.length === 0 ? "modified" : asked;
  const request: SearchRequest = {
    sort,
    limit: Math.max(0, Math.floor(params.limit)),
    offset: Math.max(0, Math.floor(params.offset ?? 0)),
    after: params.cursor ? decodeSearchCursor(params.cursor, sort) : undefined,
    includeFacets: params.includeFacets ?? true,
    facetLimit: Math.max(1, Math.floor(params.facetLimit ?? DEFAULT_FACET_LIMIT)),
  };
  const plan: SearchPlan = {
    scope: visibilityScope(actor),
    text: words.length > 0 ? { kind: "words", words } : { kind: "none" },
    filters: facetFilters(params),
  };
  const exact = await runSearch(q, plan, request);
  if (exact.total > 0 || !mayBeTypo(words)) return exact;
  return runSearch(q, { ...plan, text: { kind: "typo", words } }, request);
}

/** Who sees what, as `can(actor, "dataset.read", …)` decides it for live datasets (checked by the tests). */
export function visibilityScope(actor: Actor): VisibilityScope {
  if (actor.kind === "anonymous") return { all: false, open: true, orgIds: [] };
  if (!actor.scopes.includes("read")) return { all: false, open: false, orgIds: [] };
  if (actor.isPlatformAdmin) return { all: true };
  return { all: false, open: true, orgIds: [...actor.memberships.keys()] };
}

interface SearchRequest {
  sort: SearchSort;
  limit: number;
  offset: number;
  after?: (string | number)[];
  includeFacets: boolean;
  facetLimit: number;
}

/** The filters asked for, as facet terms; formats are matched in lower case, as they are stored. */
function facetFilters(params: SearchParams): FacetFilter[] {
  const filters: FacetFilter[] = [];
  for (const facet of FACETS) {
    const values = [...new Set(params[facet]?.map((v) => v.trim()).filter((v) => v.length > 0) ?? [])];
    if (values.length === 0) continue;
    filters.push({
      facet,
      terms: values.map((v) => `${facet}:${facet === "format" ? v.toLowerCase() : v}`),
    });
  }
  return filters;
}

const mayBeTypo = (words: string[]) => words.join("").length >= TYPO_MIN_LETTERS;

async function runSearch(q: Queryable, plan: SearchPlan, request: SearchRequest): Promise<SearchResult> {
  const [counts, page] = await Promise.all([
    countAndFacets(q, plan, request),
    request.limit > 0 ? execute<PageRow>(q, pageQuery(plan, request)) : Promise.resolve([]),
  ]);
  const more = page.length > request.limit;
  const shown = page.slice(0, request.limit);
  const last = shown.at(-1);
  return {
    total: counts.total,
    items: await loadDatasets(
      q,
      shown.map((r) => r.id),
    ),
    facets: counts.facets,
    ...(more && last
      ? { nextCursor: encodeSearchCursor({ sort: request.sort, key: cursorKey(request.sort, last) }) }
      : {}),
  };
}

function cursorKey(sort: SearchSort, row: PageRow): (string | number)[] {
  if (sort === "relevance") return [Number(row.score), row.updated, row.id];
  if (sort === "modified") return [row.updated, row.id];
  return [row.title, row.id];
}

/**
 * The total and the facet counts. Facets whose counting ignores every filter but organizations, with no
 * text, come from the kept counts (`dataset_facet_counts`); the rest from one pass over the matches.
 */
async function countAndFacets(
  q: Queryable,
  plan: SearchPlan,
  request: SearchRequest,
): Promise<{ total: number; facets: FacetCounts }> {
  const noText = plan.text.kind === "none";
  const nonOrg = plan.filters.filter((f) => f.facet !== "org");
  const kept = (facet: Facet) => noText && nonOrg.every((f) => f.facet === facet);
  const counted = request.includeFacets ? [...FACETS] : [];
  const fromKept = counted.filter(kept);
  const fromMatches = counted.filter((f) => !kept(f));
  const totalKept = noText && nonOrg.length === 0;
  const selected = plan.filters.flatMap((f) => f.terms);
  const orgNames = plan.filters.find((f) => f.facet === "org")?.terms.map((t) => t.slice("org:".length));

  const none = Promise.resolve<FacetRow[]>([]);
  const [keptRows, matchRows] = await Promise.all([
    fromKept.length > 0 || totalKept
      ? execute<FacetRow>(q, keptFacetQuery(plan.scope, orgNames, fromKept, request.facetLimit, selected))
      : none,
    fromMatches.length > 0
      ? execute<FacetRow>(q, facetQuery(plan, fromMatches, request.facetLimit, selected))
      : totalKept
        ? none
        : execute<FacetRow>(q, countQuery(plan)),
  ]);
  const facets = emptyFacets();
  let total = 0;
  for (const [rows, totalHere] of [
    [keptRows, totalKept],
    [matchRows, !totalKept],
  ] as const) {
    for (const row of rows) {
      if (row.facet !== "") facets[row.facet as Facet]?.push({ value: row.value, count: Number(row.n) });
      else if (totalHere) total = Number(row.n);
    }
  }
  if (request.includeFacets) addSelectedValues(facets, plan.filters);
  for (const facet of FACETS) facets[facet].sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
  return { total, facets };
}

/** A value filtered on is always listed, with 0 when nothing has it, so a UI can show and clear it. */
function addSelectedValues(facets: FacetCounts, filters: FacetFilter[]) {
  for (const filter of filters) {
    for (const term of filter.terms) {
      const value = term.slice(filter.facet.length + 1);
      if (!facets[filter.facet].some((v) => v.value === value))
        facets[filter.facet].push({ value, count: 0 });
    }
  }
}

/** The datasets with these ids, in this order (one deleted since the search is left out). */
async function loadDatasets(q: Queryable, ids: string[]): Promise<Dataset[]> {
  if (ids.length === 0) return [];
  const rows = await q
    .select({ row: datasets, orgName: organizations.name })
    .from(datasets)
    .innerJoin(organizations, eq(organizations.id, datasets.orgId))
    .where(inArray(datasets.id, ids));
  const byId = new Map(rows.map((r) => [r.row.id, r]));
  return ids.flatMap((id) => {
    const hit = byId.get(id);
    return hit && hit.row.deletedAt === null ? [toDataset(hit.row, hit.orgName)] : [];
  });
}
