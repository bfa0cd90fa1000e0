/**
 * The OpenAPI 3.1 description of one dataset's rows API, written from the current version's Table
 * Schema: each column becomes typed filter parameters (`col`, `col[ne]`, `col[in]`, and `col[gt|gte|lt|lte]`
 * for ordered types) and a typed property of the records in the answer. Code generators and API
 * gateways can then treat a dataset as a typed API of its own.
 */
import type { z } from "zod";
import { type TableSchemaBody, TableSchemaField } from "../../catalog/table-schema.ts";

type Field = z.infer<typeof TableSchemaField>;
type JsonSchema = Record<string, unknown>;

export interface DatasetApiInput {
  /** Public base URL of the instance, no trailing slash. */
  base: string;
  org: string;
  name: string;
  title: string;
  description: string | null;
  /** Whether anonymous callers may read it (the dataset is `open`). */
  isPublic: boolean;
  version: number | null;
  /** The stored Table Schema (validated leniently: fields that do not parse are left out). */
  schema: unknown;
}

/** The rows API's own query parameters; a column of the same name gets no bare equality filter. */
export const CONTROL_PARAMETERS = [
  "fields",
  "q",
  "sort",
  "limit",
  "offset",
  "cursor",
  "total",
  "version",
] as const;
const ORDERED_TYPES = new Set<Field["type"]>(["integer", "number", "date", "datetime", "time", "year"]);
const RANGE_OPERATORS = [
  ["gt", "greater than"],
  ["gte", "greater than or equal to"],
  ["lt", "less than"],
  ["lte", "less than or equal to"],
] as const;

/** The fields of a stored Table Schema that are well-formed. */
export function fieldsOf(schema: unknown): Field[] {
  const fields = (schema as Partial<TableSchemaBody> | null)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((f) => {
    const parsed = TableSchemaField.safeParse(f);
    return parsed.success ? [parsed.data] : [];
  });
}

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of one value of the column, without null. */
export function valueSchema(field: Field): JsonSchema {
  const c = field.constraints ?? {};
  const numeric = field.type === "integer" || field.type === "number" || field.type === "year";
  const base: JsonSchema = {
    integer: { type: "integer" },
    number: { type: "number" },
    year: { type: "integer" },
    string: { type: "string" },
    boolean: { type: "boolean" },
    date: { type: "string", format: "date" },
    datetime: { type: "string", format: "date-time" },
    time: { type: "string", format: "time" },
  }[field.type];
  return {
    ...base,
    ...(numeric && typeof c.minimum === "number" ? { minimum: c.minimum } : {}),
    ...(numeric && typeof c.maximum === "number" ? { maximum: c.maximum } : {}),
    ...(field.type === "string" && c.minLength !== undefined ? { minLength: c.minLength } : {}),
    ...(field.type === "string" && c.maxLength !== undefined ? { maxLength: c.maxLength } : {}),
    ...(field.type === "string" && c.pattern ? { pattern: c.pattern } : {}),
    ...(c.enum ? { enum: c.enum } : {}),
  };
}

/** A column in an answer's records: its values, or null unless the column is required. */
function columnSchema(f: Field): JsonSchema {
  const { enum: allowed, ...value } = valueSchema(f);
  const nullable = !f.constraints?.required;
  return {
    ...value,
    ...(nullable ? { type: [value.type, "null"] } : {}),
    ...(Array.isArray(allowed) ? { enum: nullable ? [...allowed, null] : allowed } : {}),
    ...(f.title ? { title: f.title } : {}),
    ...(f.description ? { description: f.description } : {}),
  };
}

function recordSchema(fields: Field[]): JsonSchema {
  return {
    type: "object",
    additionalProperties: false,
    properties: Object.fromEntries(fields.map((f) => [f.name, columnSchema(f)])),
  };
}

function filterParameters(fields: Field[]): JsonSchema[] {
  return fields.flatMap((f) => {
    const value = valueSchema(f);
    const { enum: _allowed, ...bound } = value;
    const label = f.title ? `${f.name} (${f.title})` : f.name;
    const params: JsonSchema[] = [];
    if (!(CONTROL_PARAMETERS as readonly string[]).includes(f.name)) {
      params.push({
        name: f.name,
        in: "query",
        description: `Rows whose ${label} equals this value.`,
        schema: value,
      });
    }
    params.push(
      {
        name: `${f.name}[ne]`,
        in: "query",
        description: `Rows whose ${label} differs from this value.`,
        schema: value,
      },
      {
        name: `${f.name}[in]`,
        in: "query",
        description: `Rows whose ${label} is one of these comma-separated values.`,
        style: "form",
        explode: false,
        schema: { type: "array", items: value, minItems: 1 },
      },
    );
    if (ORDERED_TYPES.has(f.type)) {
      for (const [op, words] of RANGE_OPERATORS) {
        params.push({
          name: `${f.name}[${op}]`,
          in: "query",
          description: `Rows whose ${label} is ${words} this value.`,
          schema: bound,
        });
      }
    }
    return params;
  });
}

function controlParameters(fields: Field[]): JsonSchema[] {
  const names = fields.map((f) => f.name);
  const list = (values: string[]) => ({
    type: "array",
    items: values.length > 0 ? { type: "string", enum: values } : { type: "string" },
    minItems: 1,
    uniqueItems: true,
  });
  return [
    {
      name: "fields",
      in: "query",
      description: "The columns to answer, comma-separated (all by default).",
      style: "form",
      explode: false,
      schema: list(names),
    },
    {
      name: "q",
      in: "query",
      description: "Full-text search over the text columns.",
      schema: { type: "string" },
    },
    {
      name: "sort",
      in: "query",
      description: "Columns to order by, comma-separated; `-column` orders descending.",
      style: "form",
      explode: false,
      schema: list(names.flatMap((n) => [n, `-${n}`])),
    },
    { name: "limit", in: "query", description: "Rows per page.", schema: { type: "integer", minimum: 1 } },
    { name: "offset", in: "query", description: "Rows to skip.", schema: { type: "integer", minimum: 0 } },
    {
      name: "cursor",
      in: "query",
      description: "The `nextCursor` of the previous page, to continue from there.",
      schema: { type: "string" },
    },
    {
      name: "total",
      in: "query",
      description: "Also count every matching row (`total` in the answer).",
      schema: { type: "boolean" },
    },
    {
      name: "version",
      in: "query",
      description: "The dataset version to read (the current one by default).",
      schema: { type: "integer", minimum: 1 },
    },
  ];
}

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

/** The OpenAPI 3.1 document of the dataset's rows API. */
export function datasetOpenApi(input: DatasetApiInput) {
  const fields = fieldsOf(input.schema);
  const path = `/api/v1/datasets/${encodeURIComponent(input.org)}/${encodeURIComponent(input.name)}`;
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    info: {
      title: `${input.title} — rows API`,
      version: input.version === null ? "0" : String(input.version),
      description: [
        input.description?.trim(),
        `Rows of the dataset ${input.org}/${input.name}${input.version ? ` (current version ${input.version})` : ""}, ` +
          "filtered by column with typed parameters. Column types follow the dataset's Table Schema.",
      ]
        .filter(Boolean)
        .join("\n\n"),
    },
    externalDocs: { description: "Table Schema of the dataset", url: `${input.base}${path}/schema` },
    servers: [{ url: input.base }],
    security: input.isPublic ? [{}, { bearer: [] }, { session: [] }] : [{ bearer: [] }, { session: [] }],
    paths: {
      [`${path}/rows`]: {
        get: {
          operationId: "listRows",
          summary: `Rows of ${input.title}`,
          parameters: [...controlParameters(fields), ...filterParameters(fields)],
          responses: {
            "200": {
              description: "A page of rows",
              content: { "application/json": { schema: { $ref: "#/components/schemas/RowsPage" } } },
            },
            "400": problem("A parameter is not valid"),
            "401": problem("The dataset is not open: sign in or send a token"),
            "403": problem("You may not read this dataset"),
            "404": problem("No such dataset or version"),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An API token (`mkg_…`)" },
        session: { type: "apiKey", in: "cookie", name: "mekong_session" },
      },
      schemas: {
        Record: recordSchema(fields),
        Field: {
          type: "object",
          required: ["name", "type"],
          properties: {
            name: { type: "string" },
            type: { type: "string" },
            title: { type: "string" },
            description: { type: "string" },
          },
        },
        RowsPage: {
          type: "object",
          required: ["fields", "records"],
          properties: {
            fields: { type: "array", items: { $ref: "#/components/schemas/Field" } },
            records: { type: "array", items: { $ref: "#/components/schemas/Record" } },
            total: { type: "integer", minimum: 0, description: "Matching rows, when `total=true`" },
            nextCursor: { type: ["string", "null"], description: "Pass as `cursor` for the next page" },
          },
        },
        Problem: {
          type: "object",
          description: "RFC 9457 problem details",
          required: ["type", "title", "status", "code"],
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            code: { type: "string" },
            instance: { type: "string" },
            requestId: { type: "string" },
          },
        },
      },
    },
  };
}

export type DatasetOpenApi = ReturnType<typeof datasetOpenApi>;
