/** Request and response shapes of the auth API. */
import { z } from "zod";
import { ALL_SCOPES } from "./permissions.ts";

export const LoginBody = z.strictObject({
  email: z.email().max(320),
  password: z.string().min(1).max(1024),
});

export const User = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  isPlatformAdmin: z.boolean(),
  platformRoles: z.array(z.string()),
  createdAt: z.string(),
});

export const Me = z.object({
  user: User,
  via: z.enum(["session", "token"]),
  scopes: z.array(z.enum(ALL_SCOPES as ["read", "write", "admin"])),
  memberships: z.array(
    z.object({ org: z.string(), orgId: z.uuid(), role: z.enum(["admin", "editor", "member"]) }),
  ),
});

export const Providers = z.object({
  password: z.boolean(),
  oidc: z.object({ enabled: z.boolean(), label: z.string().optional() }),
});

const Scopes = z.array(z.enum(ALL_SCOPES as ["read", "write", "admin"])).min(1);

export const TokenCreate = z.strictObject({
  name: z.string().trim().min(1).max(100),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  scopes: Scopes.optional(),
});

export const Token = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  createdAt: z.string(),
});

export const TokenCreated = Token.extend({ secret: z.string() });
export const TokenParams = z.strictObject({ id: z.string().max(100) });

export const UserCreate = z.strictObject({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  password: z.string().min(10).max(1024).optional(),
  isPlatformAdmin: z.boolean().default(false),
});

export const UserListQuery = z.strictObject({
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
