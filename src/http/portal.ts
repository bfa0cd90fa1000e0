/**
 * Serves the built portal (`web/dist`) at `/`. Paths that are not files fall back to `index.html` so the
 * client-side router can answer them; `/api/*` never falls back (unknown API routes stay problem+json).
 * Returns that fallback for the not-found handler, or undefined when the portal is not built.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export const PORTAL_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../web/dist");

export async function registerPortal(app: FastifyInstance, dist = PORTAL_DIST) {
  const index = path.join(dist, "index.html");
  if (!existsSync(index)) {
    app.log.warn(`portal not built (${index} missing): run \`npm run build:web\``);
    return;
  }
  await app.register(fastifyStatic, {
    root: dist,
    prefix: "/",
    wildcard: false,
    index: false,
    setHeaders: (res, file) => {
      // Vite fingerprints everything under assets/, so those can be cached forever.
      if (file.includes(`${path.sep}assets${path.sep}`))
        res.setHeader("cache-control", "public, max-age=31536000, immutable");
    },
  });
  app.get("/", { schema: { hide: true } }, (_req, reply) =>
    reply.header("cache-control", "no-cache").sendFile("index.html"),
  );
  return (req: FastifyRequest, reply: FastifyReply) => {
    const isPage = req.method === "GET" && !req.url.startsWith("/api/") && !req.url.startsWith("/metrics");
    if (isPage && !path.extname(req.url.split("?")[0] ?? "")) {
      return reply.header("cache-control", "no-cache").sendFile("index.html");
    }
    return undefined;
  };
}
