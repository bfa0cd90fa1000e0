/** HTTP routes of sign-in, the current user, API tokens and (for platform admins) user accounts. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { requireUser } from "../http/access.ts";
import { decodeCursor, encodeCursor, listUserMemberships } from "../orgs/service.ts";
import { actorName } from "./actor.ts";
import { loginWithPassword } from "./login.ts";
import {
  LoginBody,
  Me,
  Providers,
  Token,
  TokenCreate,
  TokenCreated,
  TokenParams,
  User,
  UserCreate,
  UserListQuery,
} from "./schemas.ts";
import { deleteSession, SESSION_COOKIE } from "./sessions.ts";
import { createToken, listTokens, publicToken, revokeToken } from "./tokens.ts";
import { createUser, findUserById, listUsers, publicUser } from "./users.ts";

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, secret: string, expiresAt: Date) {
  reply.setCookie(SESSION_COOKIE, secret, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: req.protocol === "https",
    expires: expiresAt,
  });
}

export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["auth"];

  r.post(
    "/api/v1/auth/login",
    {
      schema: { tags, summary: "Sign in with email and password", body: LoginBody, response: { 200: Me } },
      config: { access: "public" },
    },
    async (req, reply) => {
      const { user, secret, expiresAt } = await loginWithPassword(ctx.db, ctx.audit, ctx.config, {
        ...req.body,
        ip: req.ip,
        userAgent: req.headers["user-agent"],
      });
      setSessionCookie(req, reply, secret, expiresAt);
      return {
        user: publicUser(user),
        via: "session" as const,
        scopes: ["read", "write", "admin"] as ("read" | "write" | "admin")[],
        memberships: await membershipsOf(user.id),
      };
    },
  );

  r.post(
    "/api/v1/auth/logout",
    { schema: { tags, summary: "Sign out (ends the session)" }, config: { access: "public" } },
    async (req, reply) => {
      const secret = req.cookies[SESSION_COOKIE];
      if (secret) await deleteSession(ctx.db, secret);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.code(204).send();
    },
  );

  r.get(
    "/api/v1/auth/providers",
    {
      schema: { tags, summary: "Sign-in methods on offer", response: { 200: Providers } },
      config: { access: "public" },
    },
    async () => ({
      password: true,
      oidc: ctx.config.oidc ? { enabled: true, label: ctx.config.oidc.label } : { enabled: false },
    }),
  );

  const membershipsOf = (userId: string) => listUserMemberships(ctx.db, userId);

  r.get(
    "/api/v1/auth/me",
    {
      schema: { tags, summary: "The signed-in user and their memberships", response: { 200: Me } },
      config: { access: { action: "self.read" } },
    },
    async (req) => {
      const actor = requireUser(req);
      const user = await findUserById(ctx.db, actor.id);
      if (!user) throw new Error("actor without user row");
      return {
        user: publicUser(user),
        via: actor.via,
        scopes: [...actor.scopes],
        memberships: await membershipsOf(actor.id),
      };
    },
  );

  r.post(
    "/api/v1/tokens",
    {
      schema: {
        tags: ["tokens"],
        summary: "Create an API token (the secret is shown once)",
        body: TokenCreate,
        response: { 201: TokenCreated },
      },
      config: { access: { action: "token.manage" } },
    },
    async (req, reply) => {
      const actor = requireUser(req);
      const { token, secret } = await createToken(ctx.db, ctx.audit, actor.id, {
        name: req.body.name,
        expiresAt: req.body.expiresAt ? new Date(req.body.expiresAt) : undefined,
        scopes: req.body.scopes,
      });
      return reply.code(201).send({ ...token, secret });
    },
  );

  r.get(
    "/api/v1/tokens",
    {
      schema: {
        tags: ["tokens"],
        summary: "List your API tokens",
        response: { 200: z.object({ items: z.array(Token) }) },
      },
      config: { access: { action: "token.manage" } },
    },
    async (req) => ({ items: (await listTokens(ctx.db, requireUser(req).id)).map(publicToken) }),
  );

  r.delete(
    "/api/v1/tokens/:id",
    {
      schema: { tags: ["tokens"], summary: "Revoke an API token", params: TokenParams },
      config: { access: { action: "token.manage" } },
    },
    async (req, reply) => {
      const id = req.params.id;
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("token_not_found");
      await revokeToken(ctx.db, ctx.audit, requireUser(req).id, id);
      return reply.code(204).send();
    },
  );

  r.get(
    "/api/v1/users",
    {
      schema: {
        tags: ["users"],
        summary: "List user accounts (platform admin)",
        querystring: UserListQuery,
        response: { 200: z.object({ items: z.array(User), nextCursor: z.string().optional() }) },
      },
      config: { access: { action: "user.list" } },
    },
    async (req) => {
      const { q, limit, cursor } = req.query;
      const rows = await listUsers(ctx.db, {
        q,
        limit: limit + 1,
        after: cursor ? decodeCursor(cursor) : undefined,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(publicUser),
        nextCursor: rows.length > limit && last ? encodeCursor(last.email) : undefined,
      };
    },
  );

  r.post(
    "/api/v1/users",
    {
      schema: {
        tags: ["users"],
        summary: "Create a user account (platform admin)",
        body: UserCreate,
        response: { 201: User },
      },
      config: { access: { action: "user.create" } },
    },
    async (req, reply) =>
      reply.code(201).send(publicUser(await createUser(ctx.db, ctx.audit, actorName(req.actor), req.body))),
  );
}
