/** Who is asking: resolves a request's session cookie or bearer token into an `Actor`. */
import type { FastifyRequest } from "fastify";
import type { Queryable } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { type Actor, ALL_SCOPES, type Scope } from "./permissions.ts";
import { findSessionUser, SESSION_COOKIE } from "./sessions.ts";
import { findLiveToken } from "./tokens.ts";
import { findMemberships, findUserById } from "./users.ts";

export const ANONYMOUS: Actor = { kind: "anonymous" };

/**
 * A bearer token that is wrong is an error (the caller meant to authenticate); a stale session cookie
 * is not (the browser simply carries on anonymously).
 * @throws AppError `invalid_token` for an unknown, expired or revoked bearer token.
 */
export async function resolveActor(q: Queryable, req: FastifyRequest): Promise<Actor> {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(auth);
    const token = match?.[1] ? await findLiveToken(q, match[1]) : undefined;
    if (!token) throw new AppError("invalid_token", undefined, { headers: { "www-authenticate": "Bearer" } });
    const actor = await actorFor(q, token.userId, "token", token.scopes as Scope[]);
    if (!actor) throw new AppError("invalid_token");
    return { ...actor, tokenId: token.id };
  }
  const cookie = req.cookies?.[SESSION_COOKIE];
  if (cookie) {
    const userId = await findSessionUser(q, cookie);
    if (userId) return (await actorFor(q, userId, "session", ALL_SCOPES)) ?? ANONYMOUS;
  }
  return ANONYMOUS;
}

async function actorFor(
  q: Queryable,
  userId: string,
  via: "session" | "token",
  scopes: readonly Scope[],
): Promise<Extract<Actor, { kind: "user" }> | undefined> {
  const user = await findUserById(q, userId);
  if (!user || user.disabled) return undefined;
  return {
    kind: "user",
    id: user.id,
    email: user.email,
    name: user.name,
    isPlatformAdmin: user.isPlatformAdmin,
    platformRoles: user.platformRoles,
    memberships: await findMemberships(q, user.id),
    via,
    scopes,
  };
}

/** The audit log's name for an actor. */
export const actorName = (a: Actor) => (a.kind === "user" ? `user:${a.id}` : "anonymous");
