/**
 * The OpenAPI 3.1 description of one dataset's rows API (`GET …/rows`), written from the current
 * version's Table Schema: each column becomes typed filter parameters and a typed property of the
 * records in the answer, so code generators and API gateways can treat a dataset as an API of its own.
 *
 * The route's own parameters come from the rows API's zod schema (`data/schemas.ts`), so their bounds
 * cannot drift; the filter forms follow `data/filters.ts` (a test checks every operator is described).
 */
import { z } from "zod";
import { RowsQuery } from "../../data/schemas.ts";
import {
  type Column,
  columnsOf,
  filterValueSchema,
  type JsonSchema,
  recordValueSchema,
} from "./column-schemas.ts";

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
  /** The stored Table Schema. */
  schema: unknown;
}

type Parameter = { name: string; in: "query"; description: string; schema: JsonSchema } & JsonSchema;

const ROWS_QUERY = z.toJSONSchema(RowsQuery, { io: "input", unrepresentable: "any" }) as {
  properties: Record<string, JsonSchema>;
};
/** The rows API's own query parameters; a column named like one is filtered with `col[eq]`. */
export const CONTROL_PARAMETERS = Object.keys(ROWS_QUERY.properties);

/** Words for the parameters the rows API's schema leaves undescribed. */
const CONTROL_HELP: Record<string, string> = {
  limit: "Rows per page",
  offset: "Rows to skip (prefer `cursor` for deep paging)",
};

const COMPARISONS = [
  ["ne", "differs from"],
  ["gt", "is greater than"],
  ["gte", "is greater than or equal to"],
  ["lt", "is less than"],
  ["lte", "is less than or equal to"],
] as const;

const query = (name: string, description: string, schema: JsonSchema, extra: JsonSchema = {}): Parameter => ({
  name,
  in: "query",
  description,
  schema,
  ...extra,
});
const csvList = (items: JsonSchema) => ({ type: "array", items, minItems: 1 });

function controlParameters(columns: Column[]): Parameter[] {
  const names = columns.map((c) => c.name);
  const enumerated = (values: string[]) =>
    values.length > 0 ? { type: "string", enum: values } : { type: "string" };
  return Object.entries(ROWS_QUERY.properties).map(([name, { description, ...schema }]) => {
    const text = String(description ?? CONTROL_HELP[name] ?? name);
    // `fields` and `sort` are comma-separated lists of this dataset's columns: say which.
    if (name === "fields")
      return query(name, text, csvList(enumerated(names)), { style: "form", explode: false });
    if (name === "sort") {
      const keys = names.flatMap((n) => [n, `-${n}`]);
      return query(name, text, csvList(enumerated(keys)), { style: "form", explode: false });
    }
    return query(name, text, schema);
  });
}

function filterParameters(columns: Column[]): Parameter[] {
  return columns.flatMap((c) => {
    const value = filterValueSchema(c);
    const { enum: _allowed, ...comparable } = value;
    const label = c.title ? `${c.name} (${c.title})` : c.name;
    const equals = CONTROL_PARAMETERS.includes(c.name) ? `${c.name}[eq]` : c.name;
    const params = [query(equals, `Rows whose ${label} equals this value.`, value)];
    for (const [op, words] of COMPARISONS) {
      if (op !== "ne" && c.type === "boolean") continue;
      params.push(
        query(
          `${c.name}[${op}]`,
          `Rows whose ${label} ${words} this value.`,
          op === "ne" ? value : comparable,
        ),
      );
    }
    params.push(
      query(
        `${c.name}[in]`,
        `Rows whose ${label} is one of these comma-separated values (\`\\,\` for a comma inside a value).`,
        csvList(value),
        { style: "form", explode: false },
      ),
    );
    if (c.type === "string") {
      params.push(
        query(
          `${c.name}[like]`,
          `Rows whose ${label} matches this SQL LIKE pattern (\`%\` any run, \`_\` one character).`,
          {
            type: "string",
          },
        ),
      );
    }
    params.push(
      query(`${c.name}[null]`, `Rows whose ${label} is (true) or is not (false) empty.`, { type: "boolean" }),
    );
    return params;
  });
}

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

/** The OpenAPI 3.1 document of the dataset's rows API. */
export function datasetOpenApi(input: DatasetApiInput) {
  const columns = columnsOf(input.schema);
  const path = `/api/v1/datasets/${encodeURIComponent(input.org)}/${encodeURIComponent(input.name)}`;
  const id = `${input.org}/${input.name}`;
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    info: {
      title: `${input.title} — rows API`,
      version: String(input.version ?? 0),
      description: [
        input.description?.trim(),
        `The rows of ${id}${input.version ? ` (version ${input.version} is current)` : ""}, filtered by column ` +
          "with typed parameters; types follow the dataset's Table Schema. `version` reads an older version, " +
          "whose columns may differ.",
      ]
        .filter(Boolean)
        .join("\n\n"),
    },
    externalDocs: { description: "The dataset's Table Schema", url: `${input.base}${path}/schema` },
    servers: [{ url: input.base }],
    // An open dataset may be read anonymously: the empty requirement is one of the alternatives.
    security: input.isPublic ? [{}, { bearer: [] }, { session: [] }] : [{ bearer: [] }, { session: [] }],
    paths: {
      [`${path}/rows`]: {
        get: {
          operationId: "listRows",
          summary: `Rows of ${input.title}`,
          parameters: [...controlParameters(columns), ...filterParameters(columns)],
          responses: {
            "200": {
              description: "A page of rows",
              content: {
                "application/json": { schema: { $ref: "#/components/schemas/RowsPage" } },
                "text/csv": {
                  schema: {
                    type: "string",
                    description: "With `Accept: text/csv`: a header line, then one line per row",
                  },
                },
              },
            },
            "400": problem(
              "A parameter is not valid (unknown column or operator, a value of the wrong type)",
            ),
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
        Record: {
          type: "object",
          description: "One row: the selected columns (all by default)",
          additionalProperties: false,
          properties: Object.fromEntries(columns.map((c) => [c.name, recordValueSchema(c)])),
        },
        Field: {
          type: "object",
          description: "A Table Schema field of the answer",
          required: ["name", "type"],
          properties: { name: { type: "string" }, type: { type: "string" } },
        },
        RowsPage: {
          type: "object",
          required: ["fields", "records"],
          properties: {
            fields: { type: "array", items: { $ref: "#/components/schemas/Field" } },
            records: { type: "array", items: { $ref: "#/components/schemas/Record" } },
            total: { type: "integer", minimum: 0, description: "Matching rows (see the `total` parameter)" },
            totalEstimated: { type: "boolean", description: "Present (true) when `total` is an estimate" },
            nextCursor: {
              type: "string",
              description: "Give as `cursor` for the next page; absent on the last",
            },
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
            errors: {
              type: "array",
              items: {
                type: "object",
                properties: { path: { type: "string" }, message: { type: "string" } },
              },
            },
          },
        },
      },
    },
  };
}

export type DatasetOpenApi = ReturnType<typeof datasetOpenApi>;
