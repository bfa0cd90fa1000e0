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
  fromDuckDBError,
  StatementNotAllowedError,
} from "./errors.ts";
export { convertValue, type QueryParams, type Row, type SqlValue } from "./values.ts";
