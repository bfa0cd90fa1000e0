/**
 * The SQL of catalog search, over `dataset_search` (one document per live dataset, kept by a trigger) and
 * `dataset_facet_counts` (facet counts per organization and openness, kept by the same trigger).
 * Values are always parameters; the only SQL put together here is fixed text.
 */
import { type SQL, sql } from "drizzle-orm";
import { FACETS, type Facet, type SearchSort } from "./search-params.ts";

/** Which datasets a caller may see: every one, or (some of) the open ones plus those of some organizations. */
export type VisibilityScope = { all: true } | { all: false; open: boolean; orgIds: string[] };

/** A filter on one facet: a dataset passes when it has any of the terms (`theme:AGRI`, …). */
export interface FacetFilter {
  facet: Facet;
  terms: string[];
}

/**
 * How the text of a query is matched: its words as full text (every word, the last as a prefix), or —
 * forgiving typos — each word as itself or one of its closest title words, in titles only.
 */
export type TextMatch = { kind: "none" } | { kind: "words" | "typo"; words: string[] };

export interface SearchPlan {
  scope: VisibilityScope;
  text: TextMatch;
  filters: FacetFilter[];
}

const param = (v: unknown) => sql.param(v);
const textArray = (v: string[]) => sql`${param(v)}::text[]`;

export function visibleSql(scope: VisibilityScope, alias: SQL = sql`s`): SQL {
  if (scope.all) return sql`true`;
  const inOrgs = sql`${alias}.org_id = any(${param(scope.orgIds)}::uuid[])`;
  if (scope.orgIds.length === 0) return scope.open ? sql`${alias}.is_open` : sql`false`;
  return scope.open ? sql`(${alias}.is_open or ${inOrgs})` : inOrgs;
}

/** The FROM clause: the documents, and the query computed once (not per row). */
function fromSql(text: TextMatch): SQL {
  if (text.kind === "none") return sql`dataset_search s`;
  const query = text.kind === "words" ? sql`mekong_search_query` : sql`mekong_typo_query`;
  return sql`dataset_search s cross join ${query}(${textArray(text.words)}) as tsq`;
}

const matchSql = (text: TextMatch): SQL => (text.kind === "none" ? sql`true` : sql`s.document @@ tsq`);

/**
 * Relevance: ts_rank with weights D 0.1 (column names), C 0.2 (description), B 0.4 (keywords), A 1.0
 * (title); a title match always outranks any number of description or column matches.
 */
const scoreSql = (text: TextMatch): SQL =>
  text.kind === "none" ? sql`0::float8` : sql`ts_rank('{0.1, 0.2, 0.4, 1.0}', s.document, tsq)::float8`;

const filterSql = (f: FacetFilter) => sql`s.terms && ${textArray(f.terms)}`;

const and = (parts: SQL[]) => (parts.length === 0 ? sql`true` : sql.join(parts, sql` and `));

export interface PageRequest {
  sort: SearchSort;
  limit: number;
  offset: number;
  after?: (string | number)[];
}

export interface PageRow {
  id: string;
  score: number;
  updated: string;
  title: string;
}

/** The keyset order of each sort over the page query's columns, and the condition for "after this key". */
function orderOf(sort: SearchSort, after?: (string | number)[]): { order: SQL; after?: SQL } {
  const key = (i: number) => param(after?.[i]);
  switch (sort) {
    case "relevance":
      return {
        order: sql`r.score desc, r.updated_at desc nulls last, r.id desc nulls last`,
        after:
          after &&
          sql`(r.score, r.updated_at, r.id) < (${key(0)}::float8, ${key(1)}::timestamptz, ${key(2)}::uuid)`,
      };
    case "modified":
      return {
        // "nulls last" as the index has it (both are not null, but the planner matches the words).
        order: sql`r.updated_at desc nulls last, r.id desc nulls last`,
        after: after && sql`(r.updated_at, r.id) < (${key(0)}::timestamptz, ${key(1)}::uuid)`,
      };
    case "title":
      return {
        order: sql`r.title asc, r.id asc`,
        after: after && sql`(r.title, r.id) > (${key(0)}::text, ${key(1)}::uuid)`,
      };
  }
}

/** One page of matching dataset ids in the requested order (one row more than asked, to know if more follow). */
export function pageQuery(plan: SearchPlan, page: PageRequest): SQL {
  const { order, after } = orderOf(page.sort, page.after);
  return sql`select r.id, r.score, r.updated_at::text as updated, r.title from (
      select s.dataset_id as id, ${scoreSql(plan.text)} as score, s.updated_at, s.title_folded as title
      from ${fromSql(plan.text)}
      where ${and([visibleSql(plan.scope), matchSql(plan.text), ...plan.filters.map(filterSql)])}
    ) r
    ${after ? sql`where ${after}` : sql``}
    order by ${order}
    limit ${page.limit + 1} offset ${page.offset}`;
}

/** How many datasets match, as the total row of the facet queries (facet `''`). */
export function countQuery(plan: SearchPlan): SQL {
  return sql`select '' as facet, '' as value, count(*)::int as n from ${fromSql(plan.text)}
    where ${and([visibleSql(plan.scope), matchSql(plan.text), ...plan.filters.map(filterSql)])}`;
}

export interface FacetRow {
  facet: string;
  value: string;
  n: number;
}

/** A facet's number, the high part of its values' codes in `search_terms` (code = number × 2²⁴ + n). */
const facetNumber = (facet: Facet) => FACETS.indexOf(facet) + 1;
const CODE_BASE = 16_777_216;

/**
 * Counts of the given facets' values over the matching datasets, each facet counted under every filter
 * but its own (so choosing a theme still shows how many datasets the other themes have), and the total
 * under all filters as the row with facet `''`. One pass over integer codes: each dataset notes how many
 * filters it misses and, if exactly one, which facet's; a value counts where its dataset misses nothing or
 * only the value's own facet, and code 0, which every dataset carries here, counts the ones missing nothing.
 */
export function facetQuery(plan: SearchPlan, facets: Facet[], topN: number, selected: string[]): SQL {
  const countedActive = plan.filters.filter((f) => facets.includes(f.facet));
  const misses =
    plan.filters.length === 0
      ? sql`0`
      : sql.join(
          plan.filters.map((f) => sql`(case when ${filterSql(f)} then 0 else 1 end)`),
          sql` + `,
        );
  const missed =
    plan.filters.length === 0
      ? sql`0`
      : sql`case ${sql.join(
          plan.filters.map(
            (f) => sql`when not (${filterSql(f)}) then ${sql.raw(String(facetNumber(f.facet)))}`,
          ),
          sql` `,
        )} else 0 end`;
  // Rows worth reading: those passing every filter, or every filter but one whose facet is counted here.
  const rowsWanted = sql.join(
    [
      and(plan.filters.map(filterSql)),
      ...countedActive.map((skip) => and(plan.filters.filter((f) => f !== skip).map(filterSql))),
    ].map((c) => sql`(${c})`),
    sql` or `,
  );
  const facetOf = sql`code / ${sql.raw(String(CODE_BASE))}`;
  const onlyThese =
    facets.length === FACETS.length
      ? sql``
      : sql`and (code = 0 or ${facetOf} = any(${param(facets.map(facetNumber))}::int[]))`;
  // count(*) FILTER rather than WHERE: PostgreSQL then hashes the groups instead of sorting every code.
  return sql`with coded as (
      select code, count(*) filter (where (misses = 0 or ${facetOf} = missed) ${onlyThese})::int as n
      from (
        select unnest(m.codes || 0) as code, m.misses, m.missed
        from (
          select s.codes, ${misses} as misses, ${missed} as missed
          from ${fromSql(plan.text)}
          where ${visibleSql(plan.scope)} and ${matchSql(plan.text)} and (${rowsWanted})
          offset 0 -- computes misses once per dataset, not once per code (the planner would inline them)
        ) as m
      ) as u
      group by code
    ), counted as (
      select coalesce(t.term, '') as term, c.n from coded c left join search_terms t on t.code = c.code
    )
    ${rankedFacets(sql`counted`, topN, selected)}`;
}

/** The row of `dataset_facet_counts` that counts every organization's datasets together. */
const ALL_ORGS = sql`'00000000-0000-0000-0000-000000000000'::uuid`;

/** Counter rows that together count what the caller may see: all organizations', or per organization. */
function keptRowsVisible(scope: VisibilityScope, perOrganization: boolean): SQL {
  if (scope.all) return perOrganization ? sql`c.org_id <> ${ALL_ORGS}` : sql`c.org_id = ${ALL_ORGS}`;
  const parts: SQL[] = [];
  if (scope.open)
    parts.push(
      perOrganization
        ? sql`c.is_open and c.org_id <> ${ALL_ORGS}`
        : sql`c.is_open and c.org_id = ${ALL_ORGS}`,
    );
  if (scope.orgIds.length > 0)
    parts.push(sql`not c.is_open and c.org_id = any(${param(scope.orgIds)}::uuid[])`);
  return parts.length === 0
    ? sql`false`
    : sql`(${sql.join(
        parts.map((p) => sql`(${p})`),
        sql` or `,
      )})`;
}

/**
 * Counts of the given facets' values, and the total (facet `''`), from the kept counts: for searches
 * without text whose only filter is on organizations. The organization facet ignores that filter.
 */
export function keptFacetQuery(
  scope: VisibilityScope,
  orgNames: string[] | undefined,
  facets: Facet[],
  topN: number,
  selected: string[],
): SQL {
  const everything = keptRowsVisible(scope, false);
  const others = facets.filter((f) => f !== "org");
  const orgTerms = orgNames?.map((n) => `org:${n}`);
  const otherFacets = orgNames
    ? sql`select c.term, c.n from dataset_facet_counts c
        where ${keptRowsVisible(scope, true)} and c.org_id in (select id from organizations where name = any(${textArray(orgNames)}))
          and split_part(c.term, ':', 1) = any(${textArray(others)})`
    : sql`select c.term, c.n from dataset_facet_counts c
        where ${everything} and split_part(c.term, ':', 1) = any(${textArray(others)})`;
  const orgFacetAndTotal = sql`select c.term, c.n from dataset_facet_counts c where ${everything} and c.term like 'org:%'`;
  return sql`with kept as (${otherFacets} union all ${orgFacetAndTotal}),
    counted as (
      select term, sum(n)::int as n from kept where n > 0 and (term not like 'org:%' or ${facets.includes("org") ? sql`true` : sql`false`}) group by term
      union all
      select '' as term, coalesce(sum(n), 0)::int as n from kept
      where term like 'org:%' ${orgTerms ? sql`and term = any(${textArray(orgTerms)})` : sql``}
    )
    ${rankedFacets(sql`counted`, topN, selected)}`;
}

/**
 * The first `topN` values of each facet by count (then value), plus the selected ones wherever they rank,
 * and the total (the empty term) as facet `''`.
 */
function rankedFacets(counted: SQL, topN: number, selected: string[]): SQL {
  return sql`select facet, value, n from (
      select split_part(term, ':', 1) as facet, substr(term, strpos(term, ':') + 1) as value, n, term,
        row_number() over (partition by split_part(term, ':', 1) order by n desc, term) as rank
      from ${counted}
      where n > 0 or term = ''
    ) r
    where rank <= ${topN} or term = any(${textArray(selected)}) or term = ''`;
}
