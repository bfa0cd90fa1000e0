/** HTTP routes of a dataset's data: rows, aggregates and downloads. Each reads with `dataset.read`. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { datasetAccess } from "../catalog/routes.ts";
import { DatasetParams } from "../catalog/schemas.ts";
import type { AppContext } from "../context.ts";
import { aggregateRows } from "./aggregate.ts";
import { auditRead } from "./audit-reads.ts";
import { DOWNLOAD_FORMATS, type DownloadFormat, prepareDownload } from "./download.ts";
import { readRows } from "./rows.ts";
import {
  AggregateAnswer,
  AggregateQuery,
  DESCRIPTIONS,
  DownloadQuery,
  RowsAnswer,
  RowsQuery,
} from "./schemas.ts";
import { recordsToCsv } from "./spreadsheet-safety.ts";

const tags = ["data"];
const base = "/api/v1/datasets/:org/:name";

/** Whether the client asked for CSV ahead of (or instead of) JSON. */
function wantsCsv(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? "";
  const csv = accept.indexOf("text/csv");
  const json = accept.indexOf("application/json");
  return csv !== -1 && (json === -1 || csv < json);
}

/** The query string as given (for the audit log), cut at 2,000 characters. */
const queryText = (req: FastifyRequest) => (req.url.split("?")[1] ?? "").slice(0, 2_000);

/** JSON already serialised: the answer's shape is documented by its schema, not re-checked on the way out. */
const sendJson = (reply: FastifyReply, body: unknown) =>
  reply.type("application/json; charset=utf-8").send(JSON.stringify(body));

export function registerDataRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const access = datasetAccess(ctx);
  const readAccess = { action: "dataset.read" as const, resource: access.resource };

  r.get(
    `${base}/rows`,
    {
      schema: {
        tags,
        summary: "Read a page of a dataset's rows",
        description: DESCRIPTIONS.rows,
        params: DatasetParams,
        querystring: RowsQuery,
        response: {
          200: {
            content: {
              "application/json": { schema: RowsAnswer },
              "text/csv": { schema: z.string().describe("a header line, then one line per record") },
            },
          },
        },
      },
      config: { access: readAccess },
    },
    async (req, reply) => {
      const { fields, q, sort, limit, offset, cursor, total, version } = req.query;
      const page = await readRows(ctx, access.datasetOf(req), {
        fields,
        q,
        sort,
        limit,
        offset,
        cursor,
        total,
        version,
        query: req.query,
      });
      await auditRead(ctx, req.actor, page.source, "data.rows", {
        rows: page.records.length,
        query: queryText(req),
      });
      reply.header("x-mekong-version", page.source.label);
      if (wantsCsv(req)) {
        if (page.total !== undefined) reply.header("x-mekong-total", String(page.total));
        if (page.totalEstimated) reply.header("x-mekong-total-estimated", "true");
        if (page.nextCursor) reply.header("x-mekong-next-cursor", page.nextCursor);
        return reply.type("text/csv; charset=utf-8").send(recordsToCsv(page.fields, page.records));
      }
      const { source: _source, ...answer } = page;
      return sendJson(reply, answer);
    },
  );

  r.get(
    `${base}/aggregate`,
    {
      schema: {
        tags,
        summary: "Aggregate a dataset's rows",
        description: DESCRIPTIONS.aggregate,
        params: DatasetParams,
        querystring: AggregateQuery,
        response: { 200: AggregateAnswer },
      },
      config: { access: readAccess },
    },
    async (req, reply) => {
      const { groupBy, metrics, sort, limit, version } = req.query;
      const result = await aggregateRows(ctx, access.datasetOf(req), {
        groupBy,
        metrics,
        sort,
        limit,
        version,
        query: req.query,
      });
      await auditRead(ctx, req.actor, result.source, "data.aggregate", {
        groups: result.records.length,
        query: queryText(req),
      });
      reply.header("x-mekong-version", result.source.label);
      const { source: _source, ...answer } = result;
      return sendJson(reply, answer);
    },
  );

  for (const format of DOWNLOAD_FORMATS) registerDownload(format);

  function registerDownload(format: DownloadFormat) {
    r.get(
      `${base}/download.${format}`,
      {
        schema: {
          tags,
          summary: `Download a dataset's version as ${format.toUpperCase()}`,
          description: DESCRIPTIONS.download,
          params: DatasetParams,
          querystring: DownloadQuery,
        },
        config: { access: readAccess },
      },
      async (req, reply) => {
        const { fields, q, sort, version } = req.query;
        const download = await prepareDownload(ctx, access.datasetOf(req), {
          format,
          fields,
          q,
          sort,
          version,
          query: req.query,
          range: req.headers.range,
          ifRange: typeof req.headers["if-range"] === "string" ? req.headers["if-range"] : undefined,
        });
        try {
          await auditRead(ctx, req.actor, download.source, "data.download", {
            format,
            whole: download.whole,
            query: queryText(req),
          });
        } catch (error) {
          download.body.destroy();
          throw error;
        }
        return reply.code(download.status).headers(download.headers).send(download.body);
      },
    );
  }
}
