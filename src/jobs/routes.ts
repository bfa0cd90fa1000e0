/** HTTP routes of jobs: a job's owner follows its state and progress, and may cancel it. */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { actorName } from "../auth/actor.ts";
import type { Resource } from "../auth/permissions.ts";
import type { AppContext } from "../context.ts";
import { cancelJob, getJob, type Job } from "./queue.ts";
import { JobParams, JobView } from "./schemas.ts";

const tags = ["jobs"];

export function toJobView(job: Job): JobView {
  return {
    id: job.id,
    type: job.type,
    state: job.state,
    progress: job.progress,
    message: job.message,
    result: job.result ?? null,
    error: job.error ?? null,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export function registerJobRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const loaded = new WeakMap<FastifyRequest, Job>();

  /** The job named in the path, as the resource a permission is checked on (404 if none). */
  const jobResource = async (req: FastifyRequest): Promise<Resource> => {
    const job = await getJob(ctx.db, String((req.params as { id?: unknown }).id ?? ""));
    loaded.set(req, job);
    return { kind: "job", createdBy: job.createdBy, orgId: job.orgId };
  };
  const jobOf = (req: FastifyRequest) => {
    const job = loaded.get(req);
    if (!job) throw new Error("job was not loaded by the access rule");
    return job;
  };

  r.get(
    "/api/v1/jobs/:id",
    {
      schema: {
        tags,
        summary: "Show a job's state and progress",
        params: JobParams,
        response: { 200: JobView },
      },
      config: { access: { action: "job.read", resource: jobResource } },
    },
    async (req, reply) => {
      // Clients poll this while the job runs; a cached answer would freeze the progress bar.
      reply.header("cache-control", "no-store");
      return toJobView(jobOf(req));
    },
  );

  r.post(
    "/api/v1/jobs/:id/cancel",
    {
      schema: {
        tags,
        summary: "Cancel a queued or running job",
        params: JobParams,
        response: { 200: JobView },
      },
      config: { access: { action: "job.cancel", resource: jobResource } },
    },
    async (req) => {
      const job = jobOf(req);
      await cancelJob(ctx.db, job.id);
      await ctx.db.transaction((tx) =>
        ctx.audit.append(tx, {
          actor: actorName(req.actor),
          action: "job.cancel",
          resource: `job:${job.id}`,
          details: { type: job.type },
        }),
      );
      return toJobView(await getJob(ctx.db, job.id));
    },
  );
}
