/**
 * DCAT-AP 3.0.1 over HTTP: `/catalog.{ttl,jsonld,rdf}` (and `/catalog` by `Accept`), paged with Hydra
 * (`?page=`, `?page_size=` up to 1000 or `all`, `?modified_since=`), and one dataset at
 * `/dataset/{org}/{name}.{ttl,jsonld,rdf}`. The export is what an anonymous caller may read — live,
 * `open` datasets — whoever asks, so these routes need no access rule beyond that filter. Documents are
 * streamed: datasets are read a batch at a time and written a dataset at a time.
 */
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Quad } from "n3";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { AppError } from "../../errors.ts";
import { addToCatalog, describeCatalog, describePage, lastPageOf } from "./catalog-graph.ts";
import { describeDataset } from "./dataset-graph.ts";
import { formatByExt, RDF_FORMATS, type RdfFormat } from "./formats.ts";
import { DocumentGraph } from "./graph.ts";
import { negotiate } from "./negotiation.ts";
import { exportedDatasets, exportTotals, findExportedDataset } from "./queries.ts";
import { baseUrlOf, exportIris } from "./uris.ts";

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export const CatalogQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000_000).default(1),
  page_size: z
    .union([z.literal("all"), z.coerce.number().int().min(1).max(MAX_PAGE_SIZE)])
    .default(DEFAULT_PAGE_SIZE)
    .describe(`datasets per page (1–${MAX_PAGE_SIZE}), or \`all\` for the whole catalog unpaged`),
  modified_since: z
    .union([z.iso.datetime({ offset: true }), z.iso.date()])
    .optional()
    .describe("only datasets changed at or after this date or date-time"),
});
export type CatalogQuery = z.infer<typeof CatalogQuery>;

const DatasetDocumentParams = z.object({ org: z.string().max(100), file: z.string().max(110) });

const HTML = "text/html";
const tags = ["DCAT-AP"];

/**
 * Gathers the writers' many small strings (one per statement) into chunks of about 64 KiB: written to
 * the socket one by one they cost a system call each, which made streaming three times slower.
 */
class Chunker extends Transform {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly chunkSize = 64 * 1024) {
    super({ decodeStrings: false, encoding: "utf8" });
  }

  override _transform(chunk: string | Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.chunkSize) this.release();
    done();
  }

  override _flush(done: TransformCallback) {
    this.release();
    done();
  }

  private release() {
    if (this.size > 0) this.push(this.parts.join(""));
    this.parts = [];
    this.size = 0;
  }
}

/** Streams `quads` through the format's writer as the reply body. */
function sendRdf(
  req: FastifyRequest,
  reply: FastifyReply,
  format: RdfFormat,
  quads: AsyncIterable<Quad> | Iterable<Quad>,
) {
  const body = new Chunker();
  pipeline(Readable.from(quads), format.writer(), body).catch((err: Error) => {
    // Once streaming has begun the status is sent; a failure can only cut the document short.
    if (!reply.raw.destroyed) req.log.error({ err }, "DCAT-AP export failed while streaming");
  });
  return reply.type(`${format.mediaType}; charset=utf-8`).send(body);
}

/** The format asked for by `Accept`, `"html"` for a browser (the portal answers), or 406. */
function negotiated(req: FastifyRequest): RdfFormat | "html" {
  const offers = [...RDF_FORMATS.map((f) => f.mediaType), HTML];
  const chosen = negotiate(req.headers.accept, offers);
  if (chosen === HTML) return "html";
  const format = RDF_FORMATS.find((f) => f.mediaType === chosen);
  if (!format) throw new AppError("not_acceptable", `offered: ${offers.join(", ")}`);
  return format;
}

export function registerDcatRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  async function catalog(req: FastifyRequest, reply: FastifyReply, format: RdfFormat, query: CatalogQuery) {
    const base = baseUrlOf(ctx.config, req);
    const iris = exportIris(base);
    const modifiedSince = query.modified_since ? new Date(query.modified_since) : undefined;
    const totals = await exportTotals(ctx.db, { modifiedSince });
    const g = new DocumentGraph();
    const node = describeCatalog(g, iris, { host: new URL(base).host, ...totals });
    const pageSize = query.page_size === "all" ? undefined : query.page_size;
    if (pageSize) {
      const path = req.url.split("?")[0] ?? "/catalog";
      const pageUrl = (n: number) => {
        const params = new URLSearchParams({ page: String(n) });
        if (pageSize !== DEFAULT_PAGE_SIZE) params.set("page_size", String(pageSize));
        if (query.modified_since) params.set("modified_since", query.modified_since);
        return `${base}${path}?${params}`;
      };
      const paging = { page: query.page, pageSize, totalItems: totals.matching, pageUrl };
      describePage(g, node, paging);
      const last = lastPageOf(paging);
      const links = [`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(last)}>; rel="last"`];
      if (query.page < last) links.push(`<${pageUrl(query.page + 1)}>; rel="next"`);
      if (query.page > 1) links.push(`<${pageUrl(Math.min(query.page - 1, last))}>; rel="prev"`);
      reply.header("link", links.join(", "));
    }
    async function* quads() {
      yield* g.take();
      const listing = exportedDatasets(ctx.db, {
        modifiedSince,
        offset: pageSize ? (query.page - 1) * pageSize : 0,
        limit: pageSize,
      });
      for await (const d of listing) {
        addToCatalog(g, node, describeDataset(g, iris, d));
        yield* g.take();
      }
    }
    return sendRdf(req, reply, format, quads());
  }

  for (const format of RDF_FORMATS) {
    r.get(
      `/catalog.${format.ext}`,
      {
        schema: {
          tags,
          summary: `The open-data catalog as DCAT-AP 3.0.1 (${format.mediaType}), paged with Hydra`,
          querystring: CatalogQuery,
          produces: [format.mediaType],
        },
      },
      (req, reply) => catalog(req, reply, format, req.query),
    );
  }

  r.get(
    "/catalog",
    {
      schema: {
        tags,
        summary: "The catalog in the RDF serialisation the Accept header prefers (Turtle by default)",
        querystring: CatalogQuery,
        produces: RDF_FORMATS.map((f) => f.mediaType),
      },
    },
    async (req, reply) => {
      const format = negotiated(req);
      reply.header("vary", "accept");
      if (format === "html") return reply.callNotFound();
      return catalog(req, reply, format, req.query);
    },
  );

  r.get(
    "/dataset/:org/:file",
    {
      schema: {
        tags,
        summary:
          "One open dataset as DCAT-AP 3.0.1: `{name}.ttl`, `{name}.jsonld`, `{name}.rdf`, or by Accept",
        params: DatasetDocumentParams,
        produces: RDF_FORMATS.map((f) => f.mediaType),
      },
    },
    async (req, reply) => {
      const match = /^([a-z0-9][a-z0-9_-]{1,99})(?:\.(ttl|jsonld|rdf))?$/.exec(req.params.file);
      if (!match?.[1]) return reply.callNotFound();
      const [, name, ext] = match;
      let format = ext ? formatByExt(ext) : undefined;
      if (!ext) {
        const chosen = negotiated(req);
        reply.header("vary", "accept");
        // A browser asking for the dataset's IRI gets the portal (or its not-found page).
        if (chosen === "html") return reply.callNotFound();
        format = chosen;
        reply.header("content-location", `${req.url.split("?")[0]}.${chosen.ext}`);
      }
      if (!format) return reply.callNotFound();
      const d = await findExportedDataset(ctx.db, req.params.org, name);
      // Datasets that are not open are answered exactly like missing ones: the export reveals nothing.
      if (!d) throw new AppError("dataset_not_found", `no open dataset ${req.params.org}/${name}`);
      const g = new DocumentGraph();
      describeDataset(g, exportIris(baseUrlOf(ctx.config, req)), d);
      return sendRdf(req, reply, format, g.take());
    },
  );
}
