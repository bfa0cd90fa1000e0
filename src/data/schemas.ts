/** Request and response shapes of the rows, aggregate and download routes. */
import { z } from "zod";

const FILTER_HELP =
  "Any other parameter filters on a field: `col=v` (equals), `col[op]=v` with op eq, ne, gt, gte, lt, lte, " +
  "in (comma-separated; `\\,` for a comma in a value), like (SQL LIKE on text: `%` any run, `_` one character) " +
  "or null (true|false). Values are read as the field's type. Use `col[eq]=v` for a field named like a parameter.";

const version = z.coerce
  .number()
  .int()
  .min(1)
  .max(2_147_483_647)
  .optional()
  .describe("Version number; the current one when absent");
const q = z
  .string()
  .max(500)
  .optional()
  .describe(
    "Words that must each occur in some text field, ignoring case and diacritics (`ha noi` finds `Hà Nội`)",
  );

export const RowsQuery = z.looseObject({
  fields: z.string().max(10_000).optional().describe("Fields to return, comma-separated; all when absent"),
  q,
  sort: z
    .string()
    .max(2_000)
    .optional()
    .describe("Fields to order by, comma-separated; `-` before a field for descending"),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  cursor: z.string().max(20_000).optional().describe("`nextCursor` of the previous page (keyset paging)"),
  total: z
    .enum(["exact", "estimate", "none"])
    .optional()
    .describe(
      "exact: count the selected rows. estimate: the version's row count when nothing is filtered, else a count over an even sample of the file's row groups scaled up (exact for versions up to 1M rows). none: no total. Absent: the total only when nothing is filtered (it is free then).",
    ),
  version,
});
export type RowsQuery = z.infer<typeof RowsQuery>;

/** A Table Schema field as stored: name, type, and whatever else the schema says about it. */
const SchemaField = z.looseObject({ name: z.string(), type: z.string() });

export const RowsAnswer = z.object({
  fields: z.array(SchemaField),
  records: z.array(z.record(z.string(), z.unknown())),
  total: z.number().int().optional(),
  totalEstimated: z.boolean().optional().describe("Present (true) when `total` is an estimate"),
  nextCursor: z.string().optional().describe("Give as `cursor` for the next page; absent on the last page"),
});
export type RowsAnswer = z.infer<typeof RowsAnswer>;

export const AggregateQuery = z.looseObject({
  groupBy: z.string().max(2_000).optional().describe("Fields to group by, comma-separated"),
  metrics: z
    .string()
    .max(2_000)
    .optional()
    .describe(
      "count, count:x, sum:x, avg:x, min:x, max:x, count_distinct:x (comma-separated; default count). Aliases: count, sum_x, …",
    ),
  q,
  sort: z
    .string()
    .max(2_000)
    .optional()
    .describe("A groupBy field or metric alias, `-` for descending (e.g. `-sum_doanh_thu`)"),
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
  version,
});
export type AggregateQuery = z.infer<typeof AggregateQuery>;

export const AggregateAnswer = z.object({
  fields: z.array(SchemaField),
  records: z.array(z.record(z.string(), z.unknown())),
  truncated: z.boolean().describe("True when there were more groups than `limit`"),
});
export type AggregateAnswer = z.infer<typeof AggregateAnswer>;

export const DownloadQuery = z.looseObject({
  fields: z.string().max(10_000).optional(),
  q,
  sort: z.string().max(2_000).optional(),
  version,
});
export type DownloadQuery = z.infer<typeof DownloadQuery>;

export const DESCRIPTIONS = {
  rows: `A page of the version's rows as JSON, or CSV with \`Accept: text/csv\` (total and next cursor then in the \`x-mekong-total\` and \`x-mekong-next-cursor\` headers). Without \`sort\`, rows come in file order. ${FILTER_HELP}`,
  aggregate: `Groups and metrics over the version's rows, with the same filters and \`q\` as the rows API. ${FILTER_HELP}`,
  download: `The version as a file: whole, or narrowed by fields, filters, \`q\` and sort. Headers give the version (\`x-mekong-version\`), its Parquet file's SHA-256 and the instance's Ed25519 signature over both (\`x-mekong-sha256\`, \`x-mekong-signature\`, \`x-mekong-key-id\`). CSV is UTF-8 with a byte-order mark; CSV and XLSX text cells that would start a formula get a leading \`'\`. The whole version as Parquet supports byte ranges. ${FILTER_HELP}`,
} as const;
