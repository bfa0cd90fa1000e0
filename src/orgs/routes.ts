/** HTTP routes of organizations and their members: parse, declare access, call the service, shape. */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorName } from "../auth/actor.ts";
import type { Resource } from "../auth/permissions.ts";
import type { AppContext } from "../context.ts";
import {
  ListQuery,
  Member,
  MemberParams,
  MemberPut,
  Organization,
  OrgCreate,
  OrgList,
  OrgParams,
  OrgUpdate,
} from "./schemas.ts";
import {
  createOrganization,
  getMember,
  getOrganization,
  listMembers,
  listOrganizations,
  putMember,
  removeMember,
  toOrganization,
  updateOrganization,
} from "./service.ts";

type OrgRow = Awaited<ReturnType<typeof getOrganization>>;
const tags = ["organizations"];

export function registerOrgRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const loaded = new WeakMap<FastifyRequest, OrgRow>();

  /** The organization named in the path, as the resource a permission is checked on (404 if none). */
  const orgResource = async (req: FastifyRequest): Promise<Resource> => {
    const org = await getOrganization(ctx.db, String((req.params as { name?: unknown }).name ?? ""));
    loaded.set(req, org);
    return { kind: "organization", orgId: org.id };
  };
  const orgOf = (req: FastifyRequest) => {
    const org = loaded.get(req);
    if (!org) throw new Error("organization was not loaded by the access rule");
    return org;
  };

  r.get(
    "/api/v1/organizations",
    {
      schema: { tags, summary: "List organizations", querystring: ListQuery, response: { 200: OrgList } },
      config: { access: { action: "organization.list" } },
    },
    async (req) => listOrganizations(ctx.db, req.query),
  );

  r.post(
    "/api/v1/organizations",
    {
      schema: { tags, summary: "Create an organization", body: OrgCreate, response: { 201: Organization } },
      config: { access: { action: "organization.create" } },
    },
    async (req, reply) =>
      reply.code(201).send(await createOrganization(ctx.db, ctx.audit, actorName(req.actor), req.body)),
  );

  r.get(
    "/api/v1/organizations/:name",
    {
      schema: { tags, summary: "Show an organization", params: OrgParams, response: { 200: Organization } },
      config: { access: { action: "organization.read", resource: orgResource } },
    },
    async (req) => toOrganization(orgOf(req)),
  );

  r.patch(
    "/api/v1/organizations/:name",
    {
      schema: {
        tags,
        summary: "Change an organization",
        params: OrgParams,
        body: OrgUpdate,
        response: { 200: Organization },
      },
      config: { access: { action: "organization.update", resource: orgResource } },
    },
    async (req) => updateOrganization(ctx.db, ctx.audit, actorName(req.actor), orgOf(req).name, req.body),
  );

  r.get(
    "/api/v1/organizations/:name/members",
    {
      schema: {
        tags,
        summary: "List members",
        params: OrgParams,
        response: { 200: z.object({ items: z.array(Member) }) },
      },
      config: { access: { action: "organization.members.read", resource: orgResource } },
    },
    async (req) => ({ items: await listMembers(ctx.db, orgOf(req).id) }),
  );

  r.get(
    "/api/v1/organizations/:name/members/:userId",
    {
      schema: { tags, summary: "Show one member", params: MemberParams, response: { 200: Member } },
      config: { access: { action: "organization.members.read", resource: orgResource } },
    },
    async (req) => getMember(ctx.db, orgOf(req).id, req.params.userId),
  );

  r.put(
    "/api/v1/organizations/:name/members/:userId",
    {
      schema: {
        tags,
        summary: "Add a member or change their role",
        params: MemberParams,
        body: MemberPut,
        response: { 200: Member, 201: Member },
      },
      config: { access: { action: "organization.members.write", resource: orgResource } },
    },
    async (req, reply) => {
      const { member, created } = await putMember(
        ctx.db,
        ctx.audit,
        actorName(req.actor),
        orgOf(req),
        req.params.userId,
        req.body.role,
      );
      return reply.code(created ? 201 : 200).send(member);
    },
  );

  r.delete(
    "/api/v1/organizations/:name/members/:userId",
    {
      schema: { tags, summary: "Remove a member", params: MemberParams },
      config: { access: { action: "organization.members.write", resource: orgResource } },
    },
    async (req, reply) => {
      await removeMember(ctx.db, ctx.audit, actorName(req.actor), orgOf(req), req.params.userId);
      return reply.code(204).send();
    },
  );
}
