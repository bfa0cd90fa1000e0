/**
 * `datastore_search_sql` on Mekong's read-only SQL (`runSql`, the engine behind `POST /api/v1/sql`), so
 * it refuses exactly what that endpoint refuses and audits what it runs. CKAN clients name tables by
 * resource id (`SELECT * FROM "<resource id>"`); those names — and package ids and `org__name` package
 * names — are rewritten to the dataset references the SQL endpoint reads (`"org/name"`), at the positions
 * DuckDB's parser reports, so the rest of the statement reaches the guard exactly as written.
 */
import { runSql, SQL_LIMITS } from "../../data/sql.ts";
import { AppError } from "../../errors.ts";
import type { ActionContext } from "./action.ts";
import { ckanFieldType, DATASTORE_ROWS_MAX } from "./datastore-types.ts";
import { fromAppError, notAuthorized, validationError } from "./errors.ts";
import { isUuid, parseCkanName, parseResourceId } from "./names.ts";
import { findPackageIfAny } from "./packages.ts";
import { type DataDict, requireString } from "./params.ts";

interface TableUse {
  name: string;
  /** UTF-8 byte offset of the table name in the SQL text. */
  at: number;
}

/** Names CKAN clients use for a table: resource ids, package ids and package names. */
const isCkanTableName = (name: string) =>
  parseResourceId(name) !== undefined || isUuid(name) || parseCkanName(name) !== undefined;

/** Unqualified table names in the statement that are CKAN names, with where they are written. */
async function ckanTableUses(c: ActionContext, sql: string): Promise<TableUse[]> {
  const [row] = await c.ctx.engine.query<{ tree: string }>("SELECT json_serialize_sql($1::VARCHAR) AS tree", [
    sql,
  ]);
  const tree = JSON.parse(String(row?.tree)) as { error?: boolean };
  if (tree.error) return []; // the SQL endpoint's guard answers syntax and statement errors itself
  const uses: TableUse[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      const node = value as Record<string, unknown>;
      const name = node.table_name;
      if (
        node.type === "BASE_TABLE" &&
        typeof name === "string" &&
        !node.schema_name &&
        !node.catalog_name &&
        typeof node.query_location === "number" &&
        isCkanTableName(name)
      ) {
        uses.push({ name, at: node.query_location });
      }
      Object.values(node).forEach(walk);
    }
  };
  walk(tree);
  return uses;
}

/** The SQL with each CKAN table name replaced by the quoted `org/name` of its dataset. */
async function rewriteTables(c: ActionContext, sql: string): Promise<string> {
  const uses = (await ckanTableUses(c, sql)).sort((a, b) => b.at - a.at);
  let bytes = Buffer.from(sql, "utf8");
  for (const use of uses) {
    const ref = parseResourceId(use.name)?.datasetId ?? use.name;
    const ds = await findPackageIfAny(c, ref);
    if (!ds) throw validationError({ query: [`relation "${use.name}" does not exist`] });
    const quoted = Buffer.from(`"${use.name.replaceAll('"', '""')}"`, "utf8");
    const bare = Buffer.from(use.name, "utf8");
    const written = bytes.subarray(use.at, use.at + quoted.length).equals(quoted) ? quoted : bare;
    if (!bytes.subarray(use.at, use.at + written.length).equals(written)) {
      throw validationError({ query: [`could not place table "${use.name}" in the statement`] });
    }
    const replacement = Buffer.from(`"${ds.org.name}/${ds.row.name}"`, "utf8");
    bytes = Buffer.concat([bytes.subarray(0, use.at), replacement, bytes.subarray(use.at + written.length)]);
  }
  return bytes.toString("utf8");
}

/** The SQL endpoint's refusals in CKAN's terms (ckanext/datastore/backend/postgres.py `search_sql`). */
function fromSqlError(error: AppError) {
  switch (error.code) {
    case "sql_not_allowed":
      return notAuthorized(error.message);
    case "sql_syntax_error":
    case "sql_error":
      return validationError({ query: [error.message] });
    case "sql_timeout":
      return validationError({ query: ["Query took too long"] });
    case "dataset_not_found":
    case "version_not_found":
      return validationError({ query: [error.message] });
    default:
      return fromAppError(error);
  }
}

export async function datastoreSearchSql(c: ActionContext, data: DataDict): Promise<Record<string, unknown>> {
  const sql = requireString(data, "sql");
  try {
    const rewritten = await rewriteTables(c, sql);
    const result = await runSql(c.ctx, c.actor, {
      sql: rewritten,
      limit: DATASTORE_ROWS_MAX,
      timeoutMs: SQL_LIMITS.defaultTimeoutMs,
    });
    return {
      sql,
      records: result.records,
      fields: result.fields.map((f) => ({ id: f.name, type: ckanFieldType(f.type) })),
      ...(result.truncated ? { records_truncated: true } : {}),
    };
  } catch (error) {
    if (error instanceof AppError) throw fromSqlError(error);
    throw error;
  }
}
