/** `POST /api/v1/sql`: read-only SQL over the datasets the caller may read, answered as JSON or CSV. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { runSql, SQL_LIMITS } from "./sql.ts";
import { sqlResultToCsv } from "./sql-csv.ts";

export const SqlQuery = z.strictObject({
  sql: z
    .string()
    .min(1)
    .max(100_000)
    .describe('One SELECT; datasets are quoted names: "org/name" or "org/name@n"'),
  limit: z.int().min(0).max(SQL_LIMITS.maxRows).default(SQL_LIMITS.defaultRows),
  timeoutMs: z.int().min(1).max(SQL_LIMITS.maxTimeoutMs).default(SQL_LIMITS.defaultTimeoutMs),
});
export type SqlQuery = z.infer<typeof SqlQuery>;

export const SqlAnswer = z.object({
  fields: z.array(z.object({ name: z.string(), type: z.string() })),
  records: z.array(z.record(z.string(), z.unknown())),
  truncated: z.boolean(),
  elapsedMs: z.number(),
});
export type SqlAnswer = z.infer<typeof SqlAnswer>;

export function registerSqlRoutes(app: FastifyInstance, ctx: AppContext) {
  app.withTypeProvider<ZodTypeProvider>().post(
    "/api/v1/sql",
    {
      schema: {
        tags: ["data"],
        summary: "Run a read-only SQL query over datasets",
        description:
          'One SELECT statement over datasets named "org/name" (current version) or "org/name@n". Send `Accept: text/csv` for CSV; then the header `x-mekong-truncated` says whether rows were cut at `limit`.',
        body: SqlQuery,
        response: {
          200: {
            content: {
              "application/json": { schema: SqlAnswer },
              "text/csv": { schema: z.string().describe("header line, then one line per record") },
            },
          },
        },
      },
      config: { access: { action: "sql.query" } },
    },
    async (req, reply) => {
      const result = await runSql(ctx, req.actor, req.body);
      if (!req.headers.accept?.includes("text/csv")) return result;
      return reply
        .type("text/csv; charset=utf-8")
        .header("x-mekong-truncated", String(result.truncated))
        .send(sqlResultToCsv(result.fields, result.records));
    },
  );
}
