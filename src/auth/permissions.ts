/**
 * Every permission decision in Mekong is made here, by `can(actor, action, resource)`.
 * Routes declare the action they need (see `http/access.ts`); nothing else decides who may do what.
 */
export type OrgRole = "admin" | "editor" | "member";
export type Scope = "read" | "write" | "admin";
export const ALL_SCOPES: readonly Scope[] = ["read", "write", "admin"];

export type Actor =
  | { kind: "anonymous" }
  | {
      kind: "user";
      id: string;
      email: string;
      name: string;
      isPlatformAdmin: boolean;
      platformRoles: string[];
      /** orgId → role */
      memberships: ReadonlyMap<string, OrgRole>;
      via: "session" | "token";
      /** What a token may do; a session may do everything its user may. */
      scopes: readonly Scope[];
      tokenId?: string;
    };

export type UserActor = Extract<Actor, { kind: "user" }>;

export type Resource =
  | { kind: "platform" }
  | { kind: "organization"; orgId: string }
  | { kind: "user"; userId: string }
  | { kind: "job"; createdBy: string | null; orgId: string | null }
  | { kind: "dataset"; orgId: string; visibility: Visibility; deleted?: boolean };

export type Visibility = "draft" | "private" | "shared" | "open";

export const PLATFORM: Resource = { kind: "platform" };

/** Each action and the token scope it needs. */
export const ACTIONS = {
  "organization.list": "read",
  "organization.read": "read",
  "organization.create": "admin",
  "organization.update": "write",
  "organization.members.read": "read",
  "organization.members.write": "write",
  "user.list": "admin",
  "user.create": "admin",
  "self.read": "read",
  "token.manage": "write",
  "audit.read": "admin",
  "job.read": "read",
  "job.cancel": "write",
  "dataset.list": "read",
  "dataset.read": "read",
  "dataset.create": "write",
  "dataset.write": "write",
  "dataset.delete": "write",
  "dataset.restore": "admin",
  "sql.query": "read",
} as const satisfies Record<string, Scope>;

export type Action = keyof typeof ACTIONS;

const roleRank: Record<OrgRole, number> = { member: 1, editor: 2, admin: 3 };

function hasOrgRole(actor: UserActor, orgId: string | null, least: OrgRole): boolean {
  if (!orgId) return false;
  const role = actor.memberships.get(orgId);
  return role !== undefined && roleRank[role] >= roleRank[least];
}

/** Whether the user behind `actor` may do `action` on `resource`, ignoring token scopes. */
function userMay(actor: UserActor, action: Action, resource: Resource): boolean {
  if (actor.isPlatformAdmin) return true;
  const orgId =
    resource.kind === "organization" || resource.kind === "job" || resource.kind === "dataset"
      ? resource.orgId
      : null;
  switch (action) {
    case "organization.list":
    case "organization.read":
    case "self.read":
    case "token.manage":
    case "dataset.list":
    case "sql.query":
      return true;
    case "dataset.read":
      if (resource.kind !== "dataset" || resource.deleted) return false;
      return resource.visibility === "open" || hasOrgRole(actor, orgId, "member");
    case "dataset.create":
    case "dataset.write":
    case "dataset.delete":
      return resource.kind !== "dataset" || !resource.deleted ? hasOrgRole(actor, orgId, "editor") : false;
    case "dataset.restore":
      return false;
    case "organization.update":
    case "organization.members.write":
      return hasOrgRole(actor, orgId, "admin");
    case "organization.members.read":
      return hasOrgRole(actor, orgId, "member");
    case "job.read":
    case "job.cancel":
      return (
        (resource.kind === "job" && resource.createdBy === actor.id) || hasOrgRole(actor, orgId, "editor")
      );
    case "organization.create":
    case "user.list":
    case "user.create":
    case "audit.read":
      return false;
  }
}

const PUBLIC_ACTIONS: ReadonlySet<Action> = new Set([
  "organization.list",
  "organization.read",
  "dataset.list",
]);

/** What a stranger may do: read the public directory and open, live datasets. */
function anonymousMay(action: Action, resource: Resource): boolean {
  if (action === "dataset.read" || action === "sql.query") {
    return (
      action === "sql.query" ||
      (resource.kind === "dataset" && resource.visibility === "open" && !resource.deleted)
    );
  }
  return PUBLIC_ACTIONS.has(action);
}

export function can(actor: Actor, action: Action, resource: Resource = PLATFORM): boolean {
  if (actor.kind === "anonymous") return anonymousMay(action, resource);
  if (!actor.scopes.includes(ACTIONS[action])) return false;
  return userMay(actor, action, resource);
}

/** Why `can` said no, for the answer's code: 401 for strangers, 403 for a token's scope or a user's role. */
export function denialCode(
  actor: Actor,
  action: Action,
): "unauthenticated" | "insufficient_scope" | "forbidden" {
  if (actor.kind === "anonymous") return "unauthenticated";
  return actor.scopes.includes(ACTIONS[action]) ? "forbidden" : "insufficient_scope";
}
