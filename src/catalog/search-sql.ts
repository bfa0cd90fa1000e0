/**
 * The SQL of catalog search, over `dataset_search` (one document per live dataset, kept by a trigger) and
 * `dataset_facet_counts` (facet counts per organization and openness, kept by the same trigger).
 * Values are always parameters; the only SQL put together here is fixed text.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Facet, SearchSort } from "./search-params.ts";

/** Which datasets a caller may see: every one, or (some of) the open ones plus those of some organizations. */
export type VisibilityScope = { all: true } | { all: false; open: boolean; orgIds: string[] };

/** A filter on one facet: a dataset passes when it has any of the terms (`theme:AGRI`, …). */
export interface FacetFilter {
  facet: Facet;
  terms: string[];
}

/** How the text of a query is matched: words as full-text (the last as a prefix), or titles by trigrams. */
export type TextMatch =
  | { kind: "none" }
  | { kind: "words"; words: string[] }
  | { kind: "typo"; text: string; threshold: number };

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
  if (text.kind === "words") {
    return sql`dataset_search s cross join mekong_search_query(${textArray(text.words)}) as tsq`;
  }
  if (text.kind === "typo") return sql`dataset_search s cross join mekong_fold(${text.text}) as typed`;
  return sql`dataset_search s`;
}

function matchSql(text: TextMatch): SQL {
  if (text.kind === "words") return sql`s.document @@ tsq`;
  // `%>` is word similarity (the best-matching stretch of the title), served by the trigram index.
  if (text.kind === "typo") return sql`s.title_folded %> typed`;
  return sql`true`;
}

/**
 * Relevance: ts_rank with weights D 0.1 (column names), C 0.2 (description), B 0.4 (keywords), A 1.0
 * (title); a title match always outranks any number of description or column matches. Typo matches rank
 * by how well the title's best stretch matches what was typed.
 */
function scoreSql(text: TextMatch): SQL {
  if (text.kind === "words") return sql`ts_rank('{0.1, 0.2, 0.4, 1.0}', s.document, tsq)::float8`;
  if (text.kind === "typo") return sql`word_similarity(typed, s.title_folded)::float8`;
  return sql`0::float8`;
}

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
        order: sql`r.score desc, r.updated_at desc, r.id desc`,
        after:
          after &&
          sql`(r.score, r.updated_at, r.id) < (${key(0)}::float8, ${key(1)}::timestamptz, ${key(2)}::uuid)`,
      };
    case "modified":
      return {
        order: sql`r.updated_at desc, r.id desc`,
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

/** How many datasets match. */
export function countQuery(plan: SearchPlan): SQL {
  return sql`select count(*)::int as n from ${fromSql(plan.text)}
    where ${and([visibleSql(plan.scope), matchSql(plan.text), ...plan.filters.map(filterSql)])}`;
}

export interface FacetRow {
  facet: string;
  value: string;
  n: number;
}

/**
 * Counts of the given facets' values over the matching datasets, each facet counted under every filter
 * but its own (so choosing a theme still shows how many datasets the other themes have), and the total
 * under all filters as the row with facet `''`. One pass: each row notes how many filters it misses and,
 * if exactly one, which; a value counts where the row misses nothing or only the value's own facet.
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
      ? sql`null::text`
      : sql`case ${sql.join(
          plan.filters.map((f) => sql`when not (${filterSql(f)}) then ${f.facet}`),
          sql` `,
        )} end`;
  // Rows worth reading: those passing every filter, or every filter but one whose facet is counted here.
  const rowsWanted = sql.join(
    [
      and(plan.filters.map(filterSql)),
      ...countedActive.map((skip) => and(plan.filters.filter((f) => f !== skip).map(filterSql))),
    ].map((c) => sql`(${c})`),
    sql` or `,
  );
  return sql`with m as materialized (
      select s.terms, ${misses} as misses, ${missed} as missed
      from ${fromSql(plan.text)}
      where ${visibleSql(plan.scope)} and ${matchSql(plan.text)} and (${rowsWanted})
    ), counted as (
      select t.term, count(*)::int as n
      from m cross join lateral unnest(m.terms) as t(term)
      where split_part(t.term, ':', 1) = any(${textArray(facets)})
        and (m.misses = 0 or split_part(t.term, ':', 1) = m.missed)
      group by t.term
    )
    ${rankedFacets(sql`counted`, topN, selected)}
    union all
    select '' as facet, '' as value, (select count(*)::int from m where misses = 0) as n`;
}

/**
 * Counts of the given facets' values from the kept counts (no text, filters on organizations only).
 * The total is the sum of the organizations' counts, the row with facet `''`.
 */
export function keptFacetQuery(
  scope: VisibilityScope,
  orgNames: string[] | undefined,
  facets: Facet[],
  topN: number,
  selected: string[],
): SQL {
  const inOrgs = orgNames
    ? sql`c.org_id in (select id from organizations where name = any(${textArray(orgNames)}))`
    : sql`true`;
  // The org facet is counted over every organization (its own filter does not apply to it).
  const orgFacet = facets.includes("org");
  const others = facets.filter((f) => f !== "org");
  return sql`with counted as (
      select c.term, sum(c.n)::int as n from dataset_facet_counts c
      where c.n > 0 and ${visibleSql(scope, sql`c`)}
        and ((${inOrgs} and split_part(c.term, ':', 1) = any(${textArray(others)}))
          or (${orgFacet ? sql`true` : sql`false`} and c.term like 'org:%'))
      group by c.term
    )
    ${rankedFacets(sql`counted`, topN, selected)}
    union all
    select '' as facet, '' as value, coalesce((select sum(c.n)::int from dataset_facet_counts c
      where c.n > 0 and c.term like 'org:%' and ${visibleSql(scope, sql`c`)} and ${inOrgs}), 0) as n`;
}

/** The first `topN` values of each facet by count (then value), plus the selected ones wherever they rank. */
function rankedFacets(counted: SQL, topN: number, selected: string[]): SQL {
  return sql`select facet, value, n from (
      select split_part(term, ':', 1) as facet, substr(term, strpos(term, ':') + 1) as value, n, term,
        row_number() over (partition by split_part(term, ':', 1) order by n desc, term) as rank
      from ${counted}
    ) r
    where rank <= ${topN} or term = any(${textArray(selected)})`;
}
