/** PLACEHOLDER — OpenID Connect login is being written. */
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.ts";

export function registerOidcRoutes(_app: FastifyInstance, _ctx: AppContext) {}
