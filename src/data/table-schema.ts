/**
 * The fields of a version as the data API sees them: its Frictionless Table Schema, read defensively
 * (the column is stored as JSON), with the one check every user-named field goes through.
 */
import { AppError } from "../errors.ts";

export type FieldType = "integer" | "number" | "string" | "boolean" | "date" | "datetime" | "time" | "year";

/** One field of a version's Table Schema, as stored (extra keys such as `title` kept for the answer). */
export interface DataField {
  name: string;
  type: FieldType;
  title?: string;
  [key: string]: unknown;
}

const KNOWN_TYPES = new Set<string>([
  "integer",
  "number",
  "string",
  "boolean",
  "date",
  "datetime",
  "time",
  "year",
]);

/**
 * The version's fields. A type the API does not know is read as `string` (filters compare text), so an
 * older or hand-written schema still serves.
 */
export function fieldsOf(tableSchema: unknown): DataField[] {
  const fields = (tableSchema as { fields?: unknown } | null)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields
    .filter(
      (f): f is Record<string, unknown> => typeof f === "object" && f !== null && typeof f.name === "string",
    )
    .map((f) => ({
      ...f,
      name: f.name as string,
      type: (KNOWN_TYPES.has(String(f.type)) ? f.type : "string") as FieldType,
    }));
}

export const isNumeric = (field: DataField) =>
  field.type === "integer" || field.type === "number" || field.type === "year";

/** The field called `name`, or `validation_failed` naming where the request used it. */
export function requireField(fields: readonly DataField[], name: string, path: string): DataField {
  const field = fields.find((f) => f.name === name);
  if (!field) {
    throw new AppError("validation_failed", `the dataset has no field "${name}"`, {
      errors: [{ path, message: `unknown field "${name}"` }],
    });
  }
  return field;
}

/** `validation_failed` for one query parameter. */
export function invalidParameter(path: string, message: string): AppError {
  return new AppError("validation_failed", message, { errors: [{ path, message }] });
}
