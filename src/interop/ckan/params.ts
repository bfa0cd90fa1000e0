/**
 * Reading a CKAN `data_dict`: values arrive as strings from a query string or form (a repeated key as a
 * list) and as JSON values from a JSON body, so each reader accepts both, with CKAN's validators' messages
 * (`Missing value`, `Invalid integer`, `Must be a natural number`, …) in a `Validation Error`.
 */
import { validationError } from "./errors.ts";

export type DataDict = Record<string, unknown>;

const TRUE = new Set(["true", "yes", "on", "y", "t", "1"]);
const FALSE = new Set(["false", "no", "off", "n", "f", "0", ""]);

/** CKAN's `asbool`: true/false, yes/no, on/off, 1/0 and their one-letter forms. */
export function readBool(data: DataDict, key: string, fallback: boolean): boolean {
  const value = data[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === "boolean") return value;
  const text = String(value).trim().toLowerCase();
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw validationError({ [key]: ["Parameter is not an bool"] });
}

/** A whole number; with `natural`, not negative. Undefined when absent or empty. */
export function readInt(data: DataDict, key: string, opts: { natural?: boolean } = {}): number | undefined {
  const value = data[key];
  if (value === undefined || value === null || value === "") return undefined;
  const n = typeof value === "number" ? value : /^\s*[+-]?\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw validationError({ [key]: ["Invalid integer"] });
  if (opts.natural && n < 0) throw validationError({ [key]: ["Must be a natural number"] });
  return n;
}

/** A string value; a list or object is a validation error. */
export function readString(data: DataDict, key: string): string | undefined {
  const value = data[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw validationError({ [key]: ["Must be a string"] });
}

/** CKAN's `get_or_bust`: the value, or `{key: ["Missing value"]}`. */
export function requireString(data: DataDict, key: string): string {
  const value = readString(data, key);
  if (value === undefined || value === "") throw validationError({ [key]: ["Missing value"] });
  return value;
}

/** A list given as a JSON list, a list of strings, or one comma-separated string. */
export function readList(data: DataDict, key: string, opts: { json?: boolean } = {}): string[] | undefined {
  let value = data[key];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string" && opts.json) value = parseJson(key, value);
  if (typeof value === "string") {
    return value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  }
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  throw validationError({ [key]: ["Not a list of strings"] });
}

/** A JSON value given either as JSON text (query strings, forms) or already parsed (JSON bodies). */
export function readJson(data: DataDict, key: string): unknown {
  const value = data[key];
  if (typeof value !== "string") return value;
  return parseJson(key, value);
}

function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw validationError({ [key]: ["Could not parse as valid JSON"] });
  }
}
