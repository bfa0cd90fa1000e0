/**
 * `datastore_search`'s parameters, read and checked as CKAN's DataStore does (ckanext/datastore: the
 * search schema, then `datastore_validate` against the table's fields): an unknown field in `filters`,
 * `fields`, `sort` or `q` is `{<param>: ['invalid value "<it>"']}`, `limit` is cut to 32000.
 */
import { DATASTORE_ROWS_MAX } from "./datastore-types.ts";
import { validationError } from "./errors.ts";
import { type DataDict, readBool, readInt, readJson, readList, readString } from "./params.ts";

export const RECORDS_FORMATS = ["objects", "lists", "csv", "tsv"] as const;
export type RecordsFormat = (typeof RECORDS_FORMATS)[number];
export const DEFAULT_ROWS = 100;

export type FilterValue = string | number | boolean | null;

export interface DatastoreQuery {
  resourceId: string;
  filters: Record<string, FilterValue[]>;
  /** Text searched in every field, or per field. */
  q?: string | Record<string, string>;
  distinct: boolean;
  limit: number;
  offset: number;
  /** Fields to return, in order; undefined for all. */
  fields?: string[];
  sort: { field: string; desc: boolean }[];
  includeTotal: boolean;
  recordsFormat: RecordsFormat;
  /** What the answer echoes back, as CKAN returns its validated `data_dict`. */
  echo: Record<string, unknown>;
}

const invalid = (param: string, value: string) => validationError({ [param]: [`invalid value "${value}"`] });

const SORT_CLAUSE = /^(?:"((?:[^"]|"")+)"|(\S+))(?:\s+(asc|desc))?$/i;

/** CKAN's `_parse_sort_clause`: `field`, `field desc`, `"field with spaces" asc`. */
function parseSort(clause: string, columns: ReadonlySet<string>) {
  const match = SORT_CLAUSE.exec(clause.trim());
  const field = match?.[1]?.replaceAll('""', '"') ?? match?.[2];
  if (!field || !columns.has(field)) throw invalid("sort", clause.trim());
  return { field, desc: match?.[3]?.toLowerCase() === "desc" };
}

function readFilters(data: DataDict, columns: ReadonlySet<string>): Record<string, FilterValue[]> {
  const raw = readJson(data, "filters");
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw))
    throw validationError({ filters: ["Not a JSON object"] });
  const filters: Record<string, FilterValue[]> = {};
  for (const [field, value] of Object.entries(raw)) {
    if (!columns.has(field)) throw invalid("filters", field);
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => v !== null && typeof v === "object")) {
      throw validationError({ filters: [`invalid value for "${field}": use a value or a list of values`] });
    }
    filters[field] = values as FilterValue[];
  }
  return filters;
}

function readQ(data: DataDict, columns: ReadonlySet<string>): string | Record<string, string> | undefined {
  const raw = data.q;
  if (raw === undefined || raw === null || raw === "") return undefined;
  let value: unknown = raw;
  if (typeof raw === "string" && raw.trimStart().startsWith("{")) {
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
  }
  if (typeof value === "string") return value;
  if (typeof value === "object" && !Array.isArray(value)) {
    const perField: Record<string, string> = {};
    for (const [field, text] of Object.entries(value as object)) {
      if (!columns.has(field) || typeof text !== "string") throw invalid("q", field);
      perField[field] = text;
    }
    return perField;
  }
  return String(value);
}

/** The resource named by the request (`resource_id`, or its alias `id`). */
export function resourceIdOf(data: DataDict): string {
  const id = readString(data, "resource_id") || readString(data, "id");
  if (!id) throw validationError({ resource_id: ["Missing value"] });
  return id;
}

/** Reads the request against the table's columns (`_id` included). */
export function readDatastoreQuery(data: DataDict, columns: ReadonlySet<string>): DatastoreQuery {
  const recordsFormat = (readString(data, "records_format") || "objects") as RecordsFormat;
  if (!RECORDS_FORMATS.includes(recordsFormat)) {
    throw validationError({ records_format: [`Value must be one of ${RECORDS_FORMATS.join(", ")}`] });
  }
  const limit = Math.min(readInt(data, "limit", { natural: true }) ?? DEFAULT_ROWS, DATASTORE_ROWS_MAX);
  const offset = readInt(data, "offset", { natural: true }) ?? 0;
  const fields = readList(data, "fields");
  for (const f of fields ?? []) if (!columns.has(f)) throw invalid("fields", f);
  const sort = (readList(data, "sort") ?? []).map((clause) => parseSort(clause, columns));
  const fullText = readString(data, "full_text");
  const q = readQ(data, columns) ?? (fullText || undefined);
  readBool(data, "plain", true);
  const query: DatastoreQuery = {
    resourceId: resourceIdOf(data),
    filters: readFilters(data, columns),
    q,
    distinct: readBool(data, "distinct", false),
    limit,
    offset,
    fields,
    sort,
    includeTotal: readBool(data, "include_total", true),
    recordsFormat,
    echo: {},
  };
  query.echo = {
    include_total: query.includeTotal,
    limit,
    records_format: recordsFormat,
    resource_id: query.resourceId,
    total_estimation_threshold: null,
    ...(data.filters !== undefined ? { filters: readJson(data, "filters") } : {}),
    ...(q !== undefined ? { q } : {}),
    ...(data.sort !== undefined ? { sort: readList(data, "sort") } : {}),
    ...(data.distinct !== undefined ? { distinct: query.distinct } : {}),
    offset,
  };
  return query;
}
