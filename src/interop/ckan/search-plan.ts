/**
 * Turns CKAN's `q` and `fq` into Mekong search parameters. CKAN's Solr fields map onto the catalog's
 * facets: `organization`/`owner_org` → org, `tags` → keyword, `res_format` → format, `license_id` →
 * licence, `groups` → theme, and the Mekong extras (`classification`, `personal_data`, `frequency`,
 * `spatial`) to theirs. `capacity:public`, `state:active` and `dataset_type:dataset` are what every
 * answer already is; `metadata_modified:[from TO to]` (incremental harvesting) and `id:`/`name:` are
 * carried out by the caller. Anything the catalog search cannot express is a `Search Query Error`, never
 * silently ignored: a harvester must not mistake a partial answer for the whole.
 */
import type { SearchParams } from "../../catalog/search.ts";
import { searchQueryError } from "./errors.ts";
import type { SolrClause, SolrQuery } from "./solr-query.ts";

export type FilterParams = Omit<
  SearchParams,
  "q" | "sort" | "limit" | "offset" | "cursor" | "includeFacets" | "facetLimit"
>;

/** Single-valued search parameters and the CKAN field names that feed them. */
const SINGLE_FIELDS: Record<string, keyof FilterParams> = {
  res_format: "format",
  format: "format",
  license_id: "licence",
  license: "licence",
  groups: "theme",
  theme: "theme",
  extras_theme: "theme",
  classification: "classification",
  extras_classification: "classification",
  personal_data: "personalData",
  extras_personal_data: "personalData",
  frequency: "frequency",
  extras_frequency: "frequency",
  spatial: "province",
  extras_spatial: "province",
  province: "province",
};

/** Fields whose value a dataset has at most one of: two different values AND-ed match nothing. */
const ONE_PER_DATASET = new Set<keyof FilterParams>(["licence", "classification", "personalData", "frequency"]);

/** CKAN facet fields → the catalog's facet keys. */
export const FACET_FIELDS: Record<string, string> = {
  organization: "org",
  tags: "keyword",
  res_format: "format",
  license_id: "licence",
  groups: "theme",
  classification: "classification",
  personal_data: "personalData",
  frequency: "frequency",
  spatial: "province",
};

const TEXT_FIELDS = new Set(["text", "title", "notes", "description"]);

export interface SearchPlan {
  text: string[];
  filters: FilterParams;
  /** False when a `capacity:public` clause asked for public datasets only. */
  allowPrivate: boolean;
  /** True when the filters contradict each other: the answer is empty without searching. */
  matchesNothing: boolean;
  /** `metadata_modified` bounds, as epoch milliseconds. */
  modified?: { from?: number; to?: number };
  /** `id:<uuid>` or `name:<package name>`: one dataset, looked up directly. */
  exact?: { field: "id" | "name"; value: string };
}

export interface OrgDirectory {
  /** Every organization, loaded when a clause needs it (owner_org ids, negated organizations). */
  all(): Promise<{ id: string; name: string }[]>;
}

function parseSolrDate(field: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text.replace(/(\.\d{3})\d+/, "$1"));
  if (Number.isNaN(ms)) throw searchQueryError(`${field}: ${text} is not an ISO 8601 date`);
  return ms;
}

/** Values of a positive clause on a field that admits no OR. */
function single(clause: SolrClause): string {
  if (clause.values.length !== 1) {
    throw searchQueryError(`${clause.field}: OR between values is supported for organization only`);
  }
  return clause.values[0] as string;
}

export async function planSearch(queries: SolrQuery[], orgs: OrgDirectory): Promise<SearchPlan> {
  const plan: SearchPlan = { text: [], filters: {}, allowPrivate: true, matchesNothing: false };
  let orgAllowed: Set<string> | undefined;
  const orgDenied = new Set<string>();
  const keywords: string[] = [];
  const clauses = queries.flatMap((q) => q.clauses);
  for (const q of queries) plan.text.push(...q.text);

  const narrowOrgs = (names: string[]) => {
    const next = new Set(names);
    orgAllowed = orgAllowed ? new Set([...orgAllowed].filter((n) => next.has(n))) : next;
  };

  for (const clause of clauses) {
    const { field, negate } = clause;
    if (clause.range) {
      if (field !== "metadata_modified" || negate) throw searchQueryError(`${field}: ranges are not supported`);
      plan.modified = {
        from: parseSolrDate(field, clause.range.from),
        to: parseSolrDate(field, clause.range.to),
      };
      continue;
    }
    if (field === "organization" || field === "owner_org") {
      let names = clause.values;
      if (field === "owner_org") {
        const byId = new Map((await orgs.all()).map((o) => [o.id, o.name]));
        names = clause.values.map((id) => byId.get(id.toLowerCase()) ?? `\u0000${id}`);
      }
      if (negate) for (const n of names) orgDenied.add(n);
      else narrowOrgs(names);
      continue;
    }
    if (negate) throw searchQueryError(`${field}: negated filters are supported for organization only`);
    if (field === "tags" || field === "tag") keywords.push(single(clause));
    else if (TEXT_FIELDS.has(field)) plan.text.push(...clause.values);
    else if (field === "capacity") {
      const value = single(clause);
      if (value !== "public") throw searchQueryError(`capacity:${value} is not supported; use include_private`);
      plan.allowPrivate = false;
    } else if (field === "state") {
      if (!clause.values.includes("active")) plan.matchesNothing = true;
    } else if (field === "dataset_type" || field === "type") {
      if (!clause.values.includes("dataset")) plan.matchesNothing = true;
    } else if (field === "site_id") {
      // CKAN adds its own site id to every query; there is one site here.
    } else if (field === "id" || field === "name") {
      if (plan.exact && plan.exact.value !== single(clause)) plan.matchesNothing = true;
      plan.exact = { field, value: single(clause) };
    } else if (SINGLE_FIELDS[field]) {
      const key = SINGLE_FIELDS[field] as keyof FilterParams;
      const value = key === "format" ? single(clause).toLowerCase() : single(clause);
      const current = plan.filters[key];
      if (current !== undefined && current !== value) {
        if (ONE_PER_DATASET.has(key)) plan.matchesNothing = true;
        else throw searchQueryError(`${field}: one value per field is supported`);
      }
      (plan.filters as Record<string, unknown>)[key] = value;
    } else throw searchQueryError(`field ${field} is not supported`);
  }

  if (orgDenied.size > 0) {
    const all = orgAllowed ? [...orgAllowed] : (await orgs.all()).map((o) => o.name);
    orgAllowed = new Set(all.filter((n) => !orgDenied.has(n)));
  }
  if (orgAllowed) {
    if (orgAllowed.size === 0) plan.matchesNothing = true;
    plan.filters.org = [...orgAllowed].sort();
  }
  if (keywords.length > 0) plan.filters.keyword = keywords;
  if (plan.exact && Object.keys(plan.filters).length + plan.text.length > 0) {
    throw searchQueryError(`${plan.exact.field}: cannot be combined with other filters`);
  }
  return plan;
}
