// Public face of the query engine: what other modules may import from src/engine.

export {
  createEngine,
  type Engine,
  type EngineOptions,
  type QueryOptions,
  queryConnection,
} from "./engine.ts";
export {
  EngineClosedError,
  EngineError,
  EngineParameterError,
  EngineQueryError,
  StatementNotAllowedError,
} from "./errors.ts";
export type { QueryParams, Row, SqlValue } from "./values.ts";
