/**
 * `datastore_search`: the rows of a dataset's current version as CKAN's DataStore answers them —
 * `{resource_id, fields, records, total, limit, offset, _links, …}`, with CKAN's `_id` (the row's 1-based
 * position in the version) first among the fields. The resource may be named by its id or, as aliases,
 * by the package's id or name; every resource of a dataset reads the same rows.
 */
import type { LoadedDataset } from "../../catalog/service.ts";
import { AppError } from "../../errors.ts";
import type { ActionContext } from "./action.ts";
import { readDatastoreQuery, resourceIdOf } from "./datastore-params.ts";
import { datastoreColumns, runDatastoreQuery } from "./datastore-rows.ts";
import { notFound, validationError } from "./errors.ts";
import { parseResourceId } from "./names.ts";
import { assertMayRead, findPackageIfAny } from "./packages.ts";
import type { DataDict } from "./params.ts";

/** The dataset a DataStore resource id (or alias) stands for. @throws CkanError `Not Found Error` */
export async function datastoreDataset(c: ActionContext, resourceId: string): Promise<LoadedDataset> {
  const ref = parseResourceId(resourceId)?.datasetId ?? resourceId;
  const ds = await findPackageIfAny(c, ref);
  if (!ds) throw notFound(`Resource "${resourceId}" was not found.`);
  assertMayRead(c.actor, ds);
  if (ds.row.currentVersion === null) throw notFound(`Resource "${resourceId}" was not found.`);
  return ds;
}

/** CKAN's `_links`: the same request from the start, and one page on (and back), by `offset`. */
export function datastoreLinks(currentUrl: string, limit: number, offset: number): Record<string, string> {
  const [path = "", query = ""] = currentUrl.split(/\?(.*)/s);
  const at = (params: URLSearchParams) => {
    const text = params.toString();
    return text ? `${path}?${text}` : path;
  };
  const start = new URLSearchParams(query);
  start.delete("offset");
  const next = new URLSearchParams(query);
  next.set("offset", String(offset + limit));
  const links: Record<string, string> = { start: at(start), next: at(next) };
  if (offset - limit > 0) {
    const prev = new URLSearchParams(query);
    prev.set("offset", String(offset - limit));
    links.prev = at(prev);
  }
  return links;
}

/** The data API's refusals of a query in CKAN's terms (ckanext/datastore/backend/postgres.py `search`). */
function fromQueryError(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  if (error.code === "query_timeout") return validationError({ query: ["Search took too long"] });
  if (error.code === "validation_failed") return validationError({ query: [error.message] });
  return error;
}

export async function datastoreSearch(c: ActionContext, data: DataDict): Promise<Record<string, unknown>> {
  const ds = await datastoreDataset(c, resourceIdOf(data));
  const rows = await runDatastoreQuery(c, ds, (columns) => readDatastoreQuery(data, columns)).catch(
    (error) => {
      throw fromQueryError(error);
    },
  );
  const types = new Map(datastoreColumns(rows.source).map((col) => [col.id, col.type]));
  return {
    ...rows.query.echo,
    fields: rows.names.map((id) => ({ id, type: types.get(id) ?? "text" })),
    records: rows.records,
    _links: datastoreLinks(c.currentUrl, rows.query.limit, rows.query.offset),
    ...(rows.total !== undefined ? { total: rows.total, total_was_estimated: false } : {}),
  };
}
