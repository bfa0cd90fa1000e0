// Public face of the ingest library: what other modules may import from src/ingest. A pure pipeline from a
// local file to a typed, content-addressed Parquet blob plus its Frictionless Table Schema; the catalog,
// versions, uploads and jobs live with their callers.

export { type DetectedSource, type DetectOptions, detectSource } from "./detect.ts";
export { normalizeEncoding } from "./encoding.ts";
export {
  type CastFailure,
  type CastFailureExample,
  IngestError,
  type IngestErrorCode,
  type IngestErrorDetails,
  type RaggedLine,
} from "./errors.ts";
export { fieldNames, foldDiacritics, toIdentifier } from "./names.ts";
export { type InferredSchema, inferSchema, ingestFile } from "./pipeline.ts";
export {
  DEFAULT_MISSING_VALUES,
  FIELD_TYPES,
  type FieldConstraints,
  type FieldParse,
  type FieldType,
  type IngestOptions,
  type IngestProgress,
  type IngestResult,
  type IngestStage,
  type SourceFormat,
  type SourceInfo,
  type TableSchema,
  type TableSchemaField,
} from "./types.ts";
