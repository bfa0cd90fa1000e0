/**
 * DuckDB column types as the CKAN DataStore names them (PostgreSQL `typname`s: `int8`, `float8`, `text`,
 * `timestamp`, arrays as `_<type>`, structures as `nested`), so clients that branch on field types keep
 * working.
 */
/** CKAN's `ckan.datastore.search.rows_max` default: the most records one answer carries. */
export const DATASTORE_ROWS_MAX = 32_000;

const SCALARS: Record<string, string> = {
  BIGINT: "int8",
  INTEGER: "int4",
  SMALLINT: "int2",
  TINYINT: "int2",
  UBIGINT: "numeric",
  UINTEGER: "int8",
  USMALLINT: "int4",
  UTINYINT: "int2",
  HUGEINT: "numeric",
  UHUGEINT: "numeric",
  DOUBLE: "float8",
  FLOAT: "float4",
  VARCHAR: "text",
  BOOLEAN: "bool",
  DATE: "date",
  TIME: "time",
  TIMESTAMP: "timestamp",
  TIMESTAMP_S: "timestamp",
  TIMESTAMP_MS: "timestamp",
  TIMESTAMP_NS: "timestamp",
  "TIMESTAMP WITH TIME ZONE": "timestamptz",
  INTERVAL: "interval",
  BLOB: "bytea",
  UUID: "uuid",
  JSON: "json",
};

export function ckanFieldType(duckType: string): string {
  const type = duckType.trim().toUpperCase();
  if (type.endsWith("[]")) return `_${ckanFieldType(type.slice(0, -2))}`;
  if (type.startsWith("DECIMAL")) return "numeric";
  if (type.startsWith("STRUCT") || type.startsWith("MAP") || type.startsWith("UNION")) return "nested";
  return SCALARS[type] ?? "text";
}
