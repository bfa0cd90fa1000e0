/**
 * Turns CKAN's `q` and `fq` into catalog search filters. CKAN's Solr fields map onto the catalog's facets:
 * `organization`/`owner_org` → org, `tags` → keyword, `license_id` → licence, `groups` → theme, and the
 * Mekong extras (`classification`, `personal_data`, `frequency`, `spatial`) to theirs. `res_format` asks
 * for datasets that have data, since every version downloads in every format. `capacity:public`,
 * `state:active` and `dataset_type:dataset` are what every answer already is; `metadata_modified:[from TO
 * to]` (incremental harvesting), `id:`/`name:` and AND-ed values of a many-valued field are carried out by
 * the caller. Anything the catalog cannot answer is a `Search Query Error`, never silently ignored: a
 * harvester must not mistake a partial answer for the whole.
 */
import type { Facet } from "../../catalog/search.ts";
import { searchQueryError } from "./errors.ts";
import { DOWNLOAD_FORMATS } from "./names.ts";
import type { SolrClause, SolrQuery } from "./solr-query.ts";

/** CKAN field names (and their `extras_` forms) → catalog facets. */
const FIELD_FACETS: Record<string, Facet> = {
  organization: "org",
  tags: "keyword",
  tag: "keyword",
  license_id: "licence",
  license: "licence",
  groups: "theme",
  theme: "theme",
  classification: "classification",
  personal_data: "personalData",
  frequency: "frequency",
  spatial: "province",
  province: "province",
};

/** Facets a dataset has at most one value of: AND-ed values intersect. */
export const SINGLE_VALUED = new Set<Facet>([
  "org",
  "licence",
  "classification",
  "personalData",
  "frequency",
]);

/** CKAN `facet.field` names → catalog facets (`res_format` is answered from whether datasets have data). */
export const FACET_FIELDS: Record<string, Facet> = {
  organization: "org",
  tags: "keyword",
  license_id: "licence",
  groups: "theme",
  classification: "classification",
  personal_data: "personalData",
  frequency: "frequency",
  spatial: "province",
};

const TEXT_FIELDS = new Set(["text", "title", "notes", "description"]);

export type Filters = Partial<Record<Facet, string[]>>;

export interface SearchPlan {
  text: string[];
  /** Values OR-ed within a facet, facets AND-ed: what the catalog search takes. */
  filters: Filters;
  /** Further AND-ed value sets of many-valued facets, which the catalog search cannot take. */
  alsoRequired: { facet: Facet; anyOf: string[] }[];
  /** `res_format:<a download format>`: only datasets with a version. */
  hasData: boolean;
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

function single(clause: SolrClause): string {
  if (clause.values.length !== 1) throw searchQueryError(`${clause.field}: give one value`);
  return clause.values[0] as string;
}

const facetOf = (field: string): Facet | undefined =>
  FIELD_FACETS[field] ?? FIELD_FACETS[field.replace(/^extras_/, "")];

function addValues(plan: SearchPlan, facet: Facet, values: string[]): void {
  const current = plan.filters[facet];
  if (!current) plan.filters[facet] = [...new Set(values)];
  else if (SINGLE_VALUED.has(facet)) {
    plan.filters[facet] = current.filter((v) => values.includes(v));
    if (plan.filters[facet]?.length === 0) plan.matchesNothing = true;
  } else plan.alsoRequired.push({ facet, anyOf: values });
}

function handleClause(plan: SearchPlan, clause: SolrClause): void {
  const { field } = clause;
  if (clause.negate) throw searchQueryError(`${field}: negated filters are supported for organization only`);
  const facet = facetOf(field);
  if (facet) addValues(plan, facet, clause.values);
  else if (TEXT_FIELDS.has(field)) plan.text.push(...clause.values);
  else if (field === "res_format" || field === "format") {
    const known: readonly string[] = DOWNLOAD_FORMATS;
    if (clause.values.some((v) => known.includes(v.toLowerCase()))) plan.hasData = true;
    else plan.matchesNothing = true;
  } else if (field === "capacity") {
    const value = single(clause);
    if (value !== "public") throw searchQueryError(`capacity:${value} is not supported; use include_private`);
    plan.allowPrivate = false;
  } else if (field === "state") {
    if (!clause.values.includes("active")) plan.matchesNothing = true;
  } else if (field === "dataset_type" || field === "type") {
    if (!clause.values.includes("dataset")) plan.matchesNothing = true;
  } else if (field === "site_id") {
    // CKAN adds its own site id to queries; there is one site here.
  } else if (field === "id" || field === "name") {
    const value = single(clause);
    if (plan.exact && plan.exact.value !== value) plan.matchesNothing = true;
    plan.exact = { field, value };
  } else throw searchQueryError(`field ${field} is not supported`);
}

export async function planSearch(queries: SolrQuery[], orgs: OrgDirectory): Promise<SearchPlan> {
  const plan: SearchPlan = {
    text: queries.flatMap((q) => q.text),
    filters: {},
    alsoRequired: [],
    hasData: false,
    allowPrivate: true,
    matchesNothing: false,
  };
  const orgDenied = new Set<string>();
  for (const clause of queries.flatMap((q) => q.clauses)) {
    if (clause.range) {
      if (clause.field !== "metadata_modified" || clause.negate) {
        throw searchQueryError(`${clause.field}: ranges are supported for metadata_modified only`);
      }
      plan.modified = {
        from: parseSolrDate(clause.field, clause.range.from),
        to: parseSolrDate(clause.field, clause.range.to),
      };
    } else if (clause.field === "organization" || clause.field === "owner_org") {
      let names = clause.values;
      if (clause.field === "owner_org") {
        const byId = new Map((await orgs.all()).map((o) => [o.id, o.name]));
        names = clause.values.map((id) => byId.get(id.toLowerCase()) ?? `(no organization ${id})`);
      }
      if (clause.negate) for (const n of names) orgDenied.add(n);
      else addValues(plan, "org", names);
    } else handleClause(plan, clause);
  }
  if (orgDenied.size > 0) {
    const all = plan.filters.org ?? (await orgs.all()).map((o) => o.name);
    plan.filters.org = all.filter((n) => !orgDenied.has(n));
  }
  if (plan.filters.org?.length === 0) plan.matchesNothing = true;
  const filtered = Object.keys(plan.filters).length + plan.alsoRequired.length + plan.text.length;
  if (plan.exact && (filtered > 0 || plan.hasData || plan.modified)) {
    throw searchQueryError(`${plan.exact.field}: cannot be combined with other filters`);
  }
  return plan;
}
