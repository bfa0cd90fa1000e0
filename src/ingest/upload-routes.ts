/**
 * `POST /api/v1/datasets/{org}/{name}/versions`: a multipart upload streamed into the blob store (never
 * held in memory, limited to MEKONG_UPLOAD_LIMIT_BYTES). Small files are ingested at once and answer
 * 201 with the version; larger ones answer 202 with the job that ingests them.
 */
import { randomUUID } from "node:crypto";
import multipart from "@fastify/multipart";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorName } from "../auth/actor.ts";
import { BlobTooLargeError } from "../blobs/index.ts";
import { datasetAccess } from "../catalog/routes.ts";
import { DatasetParams } from "../catalog/schemas.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { enqueueJob } from "../jobs/queue.ts";
import { toJobView } from "../jobs/routes.ts";
import { INGEST_JOB } from "./ingest-job.ts";
import { ingestUpload, type UploadOptions } from "./upload.ts";

export const UploadQuery = z.strictObject({
  mode: z.enum(["replace", "append", "upsert"]).default("replace"),
  format: z.enum(["csv", "tsv", "xlsx", "json", "ndjson", "parquet"]).optional(),
  encoding: z.string().max(40).optional(),
  sheet: z.string().max(200).optional(),
  delimiter: z.string().min(1).max(1).optional(),
  header: z.enum(["true", "false"]).optional(),
  inferSchema: z.enum(["true", "false"]).optional(),
});

export function registerUploadRoutes(app: FastifyInstance, ctx: AppContext) {
  const access = datasetAccess(ctx);
  app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: ctx.config.uploadLimitBytes, files: 1, fields: 0, parts: 2 },
    });
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.post(
      "/api/v1/datasets/:org/:name/versions",
      {
        schema: {
          tags: ["versions"],
          summary: "Upload a file as the next version (multipart field `file`)",
          consumes: ["multipart/form-data"],
          params: DatasetParams,
          querystring: UploadQuery,
        },
        config: { access: { action: "dataset.write", resource: access.resource } },
      },
      async (req, reply) => {
        if (!req.isMultipart())
          throw new AppError("unsupported_media_type", "send the file as multipart/form-data");
        const part = await req.file();
        if (!part) throw new AppError("upload_missing_file", "add the file as a multipart part named `file`");
        const uploadKey = `uploads/${randomUUID()}`;
        let stored: { bytes: number };
        try {
          stored = await ctx.blobs.put(uploadKey, part.file, { maxBytes: ctx.config.uploadLimitBytes });
        } catch (err) {
          await ctx.blobs.delete(uploadKey).catch(() => {});
          if (
            err instanceof BlobTooLargeError ||
            (err as { code?: string }).code === "FST_REQ_FILE_TOO_LARGE"
          ) {
            throw new AppError(
              "payload_too_large",
              `files may have at most ${ctx.config.uploadLimitBytes} bytes`,
            );
          }
          throw err;
        }
        if (part.file.truncated) {
          await ctx.blobs.delete(uploadKey).catch(() => {});
          throw new AppError(
            "payload_too_large",
            `files may have at most ${ctx.config.uploadLimitBytes} bytes`,
          );
        }
        const q = req.query;
        const options: UploadOptions = {
          mode: q.mode,
          filename: part.filename || "upload",
          format: q.format,
          encoding: q.encoding,
          sheet: q.sheet,
          delimiter: q.delimiter,
          header: q.header === undefined ? undefined : q.header === "true",
          inferSchema: q.inferSchema === "true",
        };
        const ds = access.datasetOf(req);
        const userId = req.actor.kind === "user" ? req.actor.id : null;
        if (stored.bytes <= ctx.config.ingestSyncMaxBytes) {
          const version = await ingestUpload(ctx, {
            ds,
            uploadKey,
            options,
            actor: actorName(req.actor),
            userId,
          });
          return reply.code(201).send(version);
        }
        const job = await enqueueJob(ctx.db, {
          type: INGEST_JOB,
          payload: {
            datasetId: ds.row.id,
            org: ds.org.name,
            name: ds.row.name,
            uploadKey,
            options: { ...options },
            userId,
          },
          createdBy: userId,
          orgId: ds.org.id,
          maxAttempts: 1,
        });
        return reply
          .code(202)
          .header("location", `/api/v1/jobs/${job.id}`)
          .send({ job: toJobView(job), links: { job: `/api/v1/jobs/${job.id}` } });
      },
    );
  });
}
