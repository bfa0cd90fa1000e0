/**
 * Every `/api/v1` route declares what it needs in `config.access`: `"public"` or an action (with the
 * resource it acts on). Registration fails for a route without a declaration, so there is no unguarded
 * route; one preValidation hook resolves the actor and asks `can()`. `routeAccessTable` feeds the permission tests.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ANONYMOUS, resolveActor } from "../auth/actor.ts";
import { type Action, type Actor, can, denialCode, PLATFORM, type Resource } from "../auth/permissions.ts";
import type { Queryable } from "../db/client.ts";
import { AppError } from "../errors.ts";

export type AccessRule =
  | "public"
  | { action: Action; resource?: (req: FastifyRequest) => Promise<Resource> | Resource };

declare module "fastify" {
  interface FastifyContextConfig {
    access?: AccessRule;
  }
  interface FastifyRequest {
    actor: Actor;
  }
}

export interface RouteAccess {
  method: string;
  url: string;
  access: AccessRule;
}

export function installAccessControl(app: FastifyInstance, db: Queryable): RouteAccess[] {
  const table: RouteAccess[] = [];
  const slot = new WeakMap<FastifyRequest, Actor>();
  app.decorateRequest("actor", {
    getter(this: FastifyRequest) {
      return slot.get(this) ?? ANONYMOUS;
    },
    setter(this: FastifyRequest, actor: Actor) {
      slot.set(this, actor);
    },
  });

  app.addHook("onRoute", (route) => {
    const access = (route.config as { access?: AccessRule } | undefined)?.access;
    if (!route.url.startsWith("/api/v1")) return;
    if (!access) throw new Error(`route ${route.method} ${route.url} declares no access rule`);
    for (const method of [route.method].flat()) {
      if (method !== "HEAD") table.push({ method, url: route.url, access });
    }
  });

  app.addHook("preValidation", async (req) => {
    const access = req.routeOptions.config.access;
    if (!access) return;
    req.actor = await resolveActor(db, req);
    if (access === "public") return;
    const resource = access.resource ? await access.resource(req) : PLATFORM;
    if (!can(req.actor, access.action, resource)) throw new AppError(denialCode(req.actor, access.action));
  });

  return table;
}

/** The signed-in user behind a request whose route already required one. */
export function requireUser(req: FastifyRequest) {
  if (req.actor.kind !== "user") throw new AppError("unauthenticated");
  return req.actor;
}
