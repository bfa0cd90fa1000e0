/**
 * JSON Schemas (2020-12, the dialect of OpenAPI 3.1) for one column of a dataset: what a filter on it
 * accepts (as the rows API reads query values, `data/coerce.ts`) and what the rows API answers for it
 * (as the engine writes values, `engine/values.ts`). The two differ: integers beyond 2^53 come back as
 * decimal text, and date-times without a zone are not RFC 3339, so they get a pattern, not a `format`.
 */
import type { z } from "zod";
import { FIELD_TYPES, TableSchemaField } from "../../catalog/table-schema.ts";

type FieldType = (typeof FIELD_TYPES)[number];
type Constraints = NonNullable<z.infer<typeof TableSchemaField>["constraints"]>;
export type JsonSchema = Record<string, unknown>;

export interface Column {
  name: string;
  type: FieldType;
  title?: string;
  description?: string;
  constraints?: Constraints;
}

/**
 * The columns of a stored Table Schema, read as leniently as the rows API reads them: a field with a
 * name is kept, an unknown type is `string`, and constraints count only where the field is well-formed.
 */
export function columnsOf(schema: unknown): Column[] {
  const fields = (schema as { fields?: unknown } | null)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((f): Column[] => {
    if (typeof f !== "object" || f === null || typeof (f as { name?: unknown }).name !== "string") return [];
    const parsed = TableSchemaField.safeParse(f);
    if (parsed.success) return [parsed.data];
    const { name, type } = f as { name: string; type?: unknown };
    return [
      { name, type: (FIELD_TYPES as readonly unknown[]).includes(type) ? (type as FieldType) : "string" },
    ];
  });
}

const DATE_TIME_IN =
  "^\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?)?(?:Z|[+-]\\d{2}(?::?\\d{2})?)?$";
const DATE_TIME_OUT = "^-?\\d{4,}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z?$";
const TIME = "^\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?$";

/** What a filter on the column accepts: its type, and its list of allowed values if it has one. */
export function filterValueSchema(c: Column): JsonSchema {
  const base: Record<FieldType, JsonSchema> = {
    integer: { type: "integer" },
    year: { type: "integer" },
    number: { type: "number" },
    string: { type: "string" },
    boolean: { type: "boolean" },
    date: { type: "string", format: "date" },
    datetime: { type: "string", pattern: DATE_TIME_IN, description: "ISO 8601 date or date-time" },
    time: { type: "string", pattern: TIME },
  };
  const allowed = c.constraints?.enum;
  return { ...base[c.type], ...(allowed ? { enum: allowed } : {}) };
}

function valueOut(c: Column): JsonSchema {
  const k = c.constraints ?? {};
  const bounds = {
    ...(typeof k.minimum === "number" ? { minimum: k.minimum } : {}),
    ...(typeof k.maximum === "number" ? { maximum: k.maximum } : {}),
  };
  switch (c.type) {
    case "integer":
      return {
        anyOf: [
          { type: "integer", ...bounds },
          { type: "string", pattern: "^-?\\d+$", description: "an integer beyond ±2^53, as decimal text" },
        ],
      };
    case "year":
      return { type: "integer", ...bounds };
    case "number":
      return { type: "number", ...bounds };
    case "boolean":
      return { type: "boolean" };
    case "date":
      return { type: "string", format: "date" };
    case "datetime":
      return {
        type: "string",
        pattern: DATE_TIME_OUT,
        description: "ISO 8601; `Z` when the column keeps time zones",
      };
    case "time":
      return { type: "string", pattern: TIME };
    case "string":
      return {
        type: "string",
        ...(k.minLength !== undefined ? { minLength: k.minLength } : {}),
        ...(k.maxLength !== undefined ? { maxLength: k.maxLength } : {}),
        ...(k.pattern ? { pattern: k.pattern } : {}),
      };
  }
}

/** The column in an answer's records: its values, or null unless the column is required. */
export function recordValueSchema(c: Column): JsonSchema {
  const nullable = !c.constraints?.required;
  const value = valueOut(c);
  const allowed = c.constraints?.enum;
  const labels = {
    ...(c.title ? { title: c.title } : {}),
    ...(c.description ? { description: c.description } : {}),
  };
  if (allowed) return { enum: nullable ? [...allowed, null] : allowed, ...labels };
  if (!nullable) return { ...value, ...labels };
  if (typeof value.type === "string") return { ...value, type: [value.type, "null"], ...labels };
  return { anyOf: [...(value.anyOf as JsonSchema[]), { type: "null" }], ...labels };
}
