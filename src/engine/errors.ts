// Errors the query engine throws itself (DuckDB's own errors pass through unchanged). Each carries a stable
// snake_case `code` for the HTTP layer to map.

export class EngineError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The engine was closed; no more connections are handed out. */
export class EngineClosedError extends EngineError {
  constructor() {
    super("engine_closed", "The query engine is closed");
  }
}

/** A query parameter has a JavaScript type that cannot be bound to DuckDB. */
export class EngineParameterError extends EngineError {
  constructor(name: string, detail: string) {
    super("invalid_query_parameter", `Query parameter ${name}: ${detail}`);
  }
}

/** A read-only query was given a statement other than SELECT. */
export class StatementNotAllowedError extends EngineError {
  readonly statementType: string;

  constructor(statementType: string) {
    super("statement_not_allowed", `Only SELECT statements are allowed here, got ${statementType}`);
    this.statementType = statementType;
  }
}

/**
 * DuckDB refused or failed a statement. `kind` is DuckDB's error class in snake_case — `parser`, `binder`,
 * `catalog`, `conversion`, `permission` (the sandbox said no), `invalid_input`, `io`, `out_of_memory`,
 * `interrupt`… — so callers can tell a user's bad SQL from a refused file access from a server fault.
 */
export class EngineQueryError extends EngineError {
  readonly kind: string;

  constructor(kind: string, message: string, options?: ErrorOptions) {
    super("query_failed", message, options);
    this.kind = kind;
  }
}

const DUCKDB_ERROR_PREFIX = /^([A-Z][A-Za-z]*(?: [A-Za-z]+)*) Error: /;

/** Wraps an error DuckDB threw in `EngineQueryError`; anything else is returned unchanged. */
export function fromDuckDBError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof EngineError) return error;
  const match = DUCKDB_ERROR_PREFIX.exec(error.message);
  if (!match?.[1]) return error;
  const kind = match[1].toLowerCase().replaceAll(" ", "_");
  return new EngineQueryError(kind, error.message, { cause: error });
}
