/** PLACEHOLDER — the audit routes are being written. */
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.ts";

export function registerAuditRoutes(_app: FastifyInstance, _ctx: AppContext) {}
