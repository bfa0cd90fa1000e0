/** PLACEHOLDER — the job routes are being written. */
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.ts";

export function registerJobRoutes(_app: FastifyInstance, _ctx: AppContext) {}
