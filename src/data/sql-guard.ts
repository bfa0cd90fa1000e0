/**
 * Decides whether a user's SQL may run, on DuckDB's own parse tree (`json_serialize_sql`), never on the
 * text: exactly one SELECT statement, whose FROM items are only datasets (`"org/name"`, `"org/name@n"`)
 * and names its own WITH clauses define in scope, and whose functions are on the allow-list in
 * `sql-functions.ts`.
 *
 * The walk is generic: it recurses through every object and array of the tree and judges each node by
 * what it is — an expression (has `class`), a FROM item (has `type`, `alias` and `sample`) or a query
 * node (has `cte_map`) — so a clause this file does not name (QUALIFY, a lambda inside a window, a
 * subquery in LIMIT…) is still inspected. Expression classes, FROM item types and query node types it
 * does not know are refused rather than skipped, so a DuckDB upgrade adding node shapes fails closed.
 */
import type { Engine } from "../engine/index.ts";
import { AppError } from "../errors.ts";
import { ALLOWED_FUNCTIONS, ALLOWED_TABLE_FUNCTIONS } from "./sql-functions.ts";

/** `org/name` or `org/name@n`, with the organization and dataset name rules of the catalog. */
const DATASET_REFERENCE = /^([a-z0-9][a-z0-9-]{1,62})\/([a-z0-9][a-z0-9_-]{1,99})(?:@(\d{1,9}))?$/;

export interface DatasetReference {
  /** The table name exactly as written in the query, e.g. `mof/budget@3`. */
  table: string;
  org: string;
  name: string;
  /** The version asked for, or undefined for the current one. */
  version?: number;
}

/** Parses a table name as a dataset reference, or returns undefined. */
export function parseDatasetReference(table: string): DatasetReference | undefined {
  const match = DATASET_REFERENCE.exec(table);
  if (!match?.[1] || !match[2]) return undefined;
  return {
    table,
    org: match[1],
    name: match[2],
    version: match[3] === undefined ? undefined : Number(match[3]),
  };
}

const EXPRESSION_CLASSES = new Set([
  "BETWEEN",
  "CASE",
  "CAST",
  "COLLATE",
  "COLUMN_REF",
  "COMPARISON",
  "CONJUNCTION",
  "CONSTANT",
  "FUNCTION",
  "LAMBDA",
  "LAMBDA_REF",
  "OPERATOR",
  "POSITIONAL_REFERENCE",
  "STAR",
  "SUBQUERY",
  "WINDOW",
]);
const PASS_THROUGH_TABLE_REFS = new Set(["JOIN", "SUBQUERY", "EMPTY", "EXPRESSION_LIST", "PIVOT"]);
const QUERY_NODES = new Set(["SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE"]);
/** Statement keywords named in the refusal of a non-SELECT statement (for the message only). */
const STATEMENT_KEYWORDS = new Set(
  "ALTER ANALYZE ATTACH BEGIN CALL CHECKPOINT COMMENT COMMIT COPY CREATE DEALLOCATE DELETE DETACH DROP EXECUTE EXPLAIN EXPORT FORCE IMPORT INSERT INSTALL LOAD MERGE PRAGMA PREPARE RESET ROLLBACK SET TRUNCATE UPDATE USE VACUUM".split(
    " ",
  ),
);

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function refuse(reason: string, position?: unknown): never {
  const at = typeof position === "number" && position < Number.MAX_SAFE_INTEGER ? { position } : {};
  throw new AppError("sql_not_allowed", reason, at);
}

/** CTE names visible at a point of the tree (lower case: DuckDB matches identifiers case-insensitively). */
class Scope {
  constructor(
    private readonly names: ReadonlySet<string> = new Set(),
    private readonly parent?: Scope,
  ) {}
  has(name: string): boolean {
    return this.names.has(name.toLowerCase()) || (this.parent?.has(name) ?? false);
  }
  with(names: Iterable<string>): Scope {
    return new Scope(new Set([...names].map((n) => n.toLowerCase())), this);
  }
}

/** Walks one statement's tree, refusing what is not allowed and collecting the datasets it reads. */
class TreeChecker {
  readonly references = new Map<string, DatasetReference>();

  walk(value: unknown, scope: Scope): void {
    if (Array.isArray(value)) {
      for (const item of value) this.walk(item, scope);
      return;
    }
    if (!isObject(value)) return;
    if (typeof value.class === "string") this.expression(value, scope);
    else if (typeof value.type === "string" && "alias" in value && "sample" in value)
      this.tableRef(value, scope);
    else if ("cte_map" in value) this.queryNode(value, scope);
    else this.children(value, scope);
  }

  private children(node: JsonObject, scope: Scope, skip?: string): void {
    for (const [key, child] of Object.entries(node)) if (key !== skip) this.walk(child, scope);
  }

  private expression(node: JsonObject, scope: Scope): void {
    const kind = String(node.class);
    if (kind === "CONSTANT") return; // a literal value: data, not tree
    if (kind === "PARAMETER")
      refuse("query parameters ($1, ?, $name) are not supported: write values inline", node.query_location);
    if (!EXPRESSION_CLASSES.has(kind))
      refuse(`${kind.toLowerCase()} expressions are not supported`, node.query_location);
    if (kind === "FUNCTION" || kind === "WINDOW") this.function(node);
    this.children(node, scope);
  }

  private function(node: JsonObject): void {
    const name = String(node.function_name ?? "").toLowerCase();
    const schema = String(node.schema ?? "");
    const catalog = String(node.catalog ?? "");
    // The parser itself qualifies some built-ins with `main` (list_value, struct_pack, date_part…).
    if ((schema !== "" && schema !== "main") || catalog !== "") {
      refuse(
        `function ${[catalog, schema, name].filter(Boolean).join(".")}: qualified function names are not allowed`,
        node.query_location,
      );
    }
    if (!ALLOWED_FUNCTIONS.has(name)) {
      refuse(
        `function ${name} is not allowed: only built-in functions that compute on their arguments may be called (no file, setting, variable or catalog access)`,
        node.query_location,
      );
    }
  }

  private tableRef(node: JsonObject, scope: Scope): void {
    switch (node.type) {
      case "BASE_TABLE":
        this.baseTable(node, scope);
        this.children(node, scope);
        return;
      case "TABLE_FUNCTION":
        this.tableFunction(node, scope);
        return;
      case "SHOW_REF":
        refuse("DESCRIBE, SUMMARIZE and SHOW are not supported here", node.query_location);
        return;
      default:
        if (!PASS_THROUGH_TABLE_REFS.has(String(node.type))) {
          refuse(
            `FROM items of type ${String(node.type).toLowerCase()} are not supported`,
            node.query_location,
          );
        }
        this.children(node, scope);
    }
  }

  private baseTable(node: JsonObject, scope: Scope): void {
    const table = String(node.table_name ?? "");
    if (node.schema_name || node.catalog_name) {
      refuse(
        `table ${[node.catalog_name, node.schema_name, table].filter(Boolean).join(".")}: only datasets may be queried, by "org/name"`,
        node.query_location,
      );
    }
    if (node.at_clause !== null && node.at_clause !== undefined) {
      refuse(
        `table "${table}": AT (…) is not supported; ask for a version with "org/name@n"`,
        node.query_location,
      );
    }
    if (scope.has(table)) return;
    const reference = parseDatasetReference(table);
    if (!reference) {
      refuse(
        `FROM "${table}": tables must be datasets written as quoted "org/name" or "org/name@n" (lower case), or names defined by WITH; files, URLs and catalog tables cannot be read`,
        node.query_location,
      );
    }
    this.references.set(table, reference);
  }

  private tableFunction(node: JsonObject, scope: Scope): void {
    const fn = node.function;
    const name = isObject(fn) ? String(fn.function_name ?? "").toLowerCase() : "";
    const qualified = isObject(fn) && ((fn.schema !== "" && fn.schema !== "main") || fn.catalog !== "");
    if (!isObject(fn) || fn.class !== "FUNCTION" || qualified || !ALLOWED_TABLE_FUNCTIONS.has(name)) {
      refuse(
        `table function ${name || "(unknown)"} is not allowed: read datasets by name ("org/name"); only range, generate_series and unnest may appear in FROM`,
        node.query_location,
      );
    }
    this.children(fn, scope); // the arguments, which may hold subqueries
    this.children(node, scope, "function");
  }

  private queryNode(node: JsonObject, scope: Scope): void {
    if (!QUERY_NODES.has(String(node.type)))
      refuse(`query nodes of type ${String(node.type).toLowerCase()} are not supported`);
    const entries = isObject(node.cte_map) && Array.isArray(node.cte_map.map) ? node.cte_map.map : [];
    const names: string[] = [];
    for (const entry of entries) {
      const name = isObject(entry) ? String(entry.key ?? "") : "";
      if (parseDatasetReference(name.toLowerCase()))
        refuse(`WITH "${name}": a CTE may not be named like a dataset`);
      // Each CTE sees only the ones before it; itself only if recursive (a RECURSIVE_CTE_NODE below).
      this.walk(isObject(entry) ? entry.value : undefined, scope.with(names));
      names.push(name);
    }
    if (node.type === "RECURSIVE_CTE_NODE") names.push(String(node.cte_name ?? ""));
    this.children(node, scope.with(names), "cte_map");
  }
}

/**
 * Checks a parse tree from `json_serialize_sql` (already known to hold exactly one statement) and returns
 * the datasets it reads, one per distinct table name. @throws AppError `sql_not_allowed`
 */
export function checkStatement(statement: unknown): DatasetReference[] {
  const checker = new TreeChecker();
  checker.walk(statement, new Scope());
  return [...checker.references.values()];
}

interface SerializedSql {
  error?: boolean;
  error_type?: string;
  error_message?: string;
  position?: string;
  statements?: unknown[];
}

function leadingKeyword(sql: string): string | undefined {
  const text = sql.replace(/^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/, "");
  const word = /^[A-Za-z]+/.exec(text)?.[0]?.toUpperCase();
  return word && STATEMENT_KEYWORDS.has(word) ? word : undefined;
}

/**
 * Parses `sql` with DuckDB (nothing is bound or run) and checks it; returns the datasets it reads.
 * @throws AppError `sql_syntax_error` (DuckDB's parser message), `sql_not_allowed` (with the reason)
 */
export async function guardSql(engine: Engine, sql: string): Promise<DatasetReference[]> {
  const [row] = await engine.query<{ tree: string }>("SELECT json_serialize_sql($1::VARCHAR) AS tree", [sql]);
  const parsed = JSON.parse(String(row?.tree)) as SerializedSql;
  if (parsed.error) {
    if (parsed.error_type === "parser") {
      const position = Number(parsed.position);
      throw new AppError(
        "sql_syntax_error",
        parsed.error_message ?? "syntax error",
        Number.isFinite(position) ? { position } : {},
      );
    }
    // json_serialize_sql serialises SELECT only; it says "not implemented" for any other statement.
    const count = await engine
      .withConnection(async (c) => (await c.extractStatements(sql)).count)
      .catch(() => 1);
    if (count > 1) refuse(`the SQL holds ${count} statements; send exactly one SELECT`);
    const keyword = leadingKeyword(sql);
    refuse(`only SELECT queries may run here${keyword ? `; ${keyword} statements are refused` : ""}`);
  }
  const statements = parsed.statements ?? [];
  if (statements.length === 0) refuse("the SQL holds no statement");
  if (statements.length > 1) refuse(`the SQL holds ${statements.length} statements; send exactly one SELECT`);
  return checkStatement(statements[0]);
}
