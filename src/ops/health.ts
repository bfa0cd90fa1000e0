/** `GET /api/v1/health`: is each part this process stands on answering? 503 when any is not. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../context.ts";

const Check = z.object({ status: z.enum(["ok", "fail"]), ms: z.number(), error: z.string().optional() });
const Health = z.object({
  status: z.enum(["ok", "fail"]),
  version: z.string(),
  checks: z.object({ database: Check, blobs: Check, engine: Check }),
});

async function timed(fn: () => Promise<unknown>): Promise<z.infer<typeof Check>> {
  const start = performance.now();
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timed out after 5 s")), 5000).unref()),
    ]);
    return { status: "ok", ms: Math.round(performance.now() - start) };
  } catch (err) {
    return { status: "fail", ms: Math.round(performance.now() - start), error: (err as Error).message };
  }
}

export function registerHealth(app: FastifyInstance, ctx: AppContext, version: string) {
  app.withTypeProvider<ZodTypeProvider>().get(
    "/api/v1/health",
    {
      schema: {
        tags: ["operations"],
        summary: "Health of the database, blob store and engine",
        response: { 200: Health, 503: Health },
      },
      config: { access: "public" },
    },
    async (_req, reply) => {
      const [database, blobs, engine] = await Promise.all([
        timed(() => ctx.database.ping()),
        timed(() => ctx.blobs.health()),
        timed(() => ctx.engine.health()),
      ]);
      const checks = { database, blobs, engine };
      const status = Object.values(checks).every((c) => c.status === "ok") ? "ok" : "fail";
      return reply.code(status === "ok" ? 200 : 503).send({ status, version, checks });
    },
  );
}
