/** HTTP routes of datasets: create, list, show, change, delete (soft) and restore. */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorName } from "../auth/actor.ts";
import type { Resource } from "../auth/permissions.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { requireUser } from "../http/access.ts";
import { getOrganization } from "../orgs/service.ts";
import { Dataset, DatasetCreate, DatasetParams, DatasetUpdate } from "./schemas.ts";
import { searchDatasets } from "./search.ts";
import { DatasetSearchQuery, FacetCountsSchema } from "./search-params.ts";
import {
  createDataset,
  deleteDataset,
  getDataset,
  type LoadedDataset,
  listDatasets,
  restoreDataset,
  toDataset,
  updateDataset,
} from "./service.ts";

const tags = ["datasets"];

/** Resolvers that load the dataset named in the path as the resource an access rule checks. */
export function datasetAccess(ctx: AppContext) {
  const loaded = new WeakMap<FastifyRequest, LoadedDataset>();
  const load =
    (includeDeleted: boolean) =>
    async (req: FastifyRequest): Promise<Resource> => {
      const { org, name } = req.params as { org?: string; name?: string };
      const ds = await getDataset(ctx.db, String(org ?? ""), String(name ?? ""), { includeDeleted });
      loaded.set(req, ds);
      return {
        kind: "dataset",
        orgId: ds.org.id,
        visibility: ds.row.visibility,
        deleted: ds.row.deletedAt !== null,
      };
    };
  return {
    resource: load(false),
    resourceIncludingDeleted: load(true),
    datasetOf(req: FastifyRequest): LoadedDataset {
      const ds = loaded.get(req);
      if (!ds) throw new Error("dataset was not loaded by the access rule");
      return ds;
    },
  };
}

export function registerDatasetRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const access = datasetAccess(ctx);

  r.get(
    "/api/v1/datasets",
    {
      schema: {
        tags,
        summary: "Search the datasets you may see, with facet counts",
        description:
          "Free text (`q`: diacritics optional, the last word matches as a prefix, typos in titles forgiven " +
          "when nothing matches exactly) and filters, each repeated or comma-separated (any of a filter's " +
          "values, all filters together). Facets count only datasets you may see, each facet under every " +
          "other filter. `deleted=true` (platform admins) lists restorable datasets instead.",
        querystring: DatasetSearchQuery,
        response: {
          200: z.object({
            total: z.number().int().optional(),
            items: z.array(Dataset),
            facets: FacetCountsSchema.optional(),
            nextCursor: z.string().optional(),
          }),
        },
      },
      config: { access: { action: "dataset.list" } },
    },
    async (req) => {
      const { deleted, q, sort, limit, cursor, facetLimit, ...filters } = req.query;
      if (deleted === "true") {
        if (!(req.actor.kind === "user" && req.actor.isPlatformAdmin)) {
          throw new AppError(
            req.actor.kind === "user" ? "forbidden" : "unauthenticated",
            "only platform admins list deleted datasets",
          );
        }
        return listDatasets(ctx.db, req.actor, {
          org: filters.org?.[0],
          limit: Math.max(limit, 1),
          cursor,
          deleted: true,
        });
      }
      return searchDatasets(ctx.db, req.actor, { ...filters, q, sort, limit, cursor, facetLimit });
    },
  );

  r.post(
    "/api/v1/datasets",
    {
      schema: {
        tags,
        summary: "Create a dataset in an organization",
        body: DatasetCreate,
        response: { 201: Dataset },
      },
      config: {
        access: {
          action: "dataset.create",
          resource: async (req) => {
            const org = await getOrganization(ctx.db, String((req.body as { org?: unknown })?.org ?? ""));
            return { kind: "organization", orgId: org.id };
          },
        },
      },
    },
    async (req, reply) => {
      const user = requireUser(req);
      const created = await createDataset(
        ctx.db,
        ctx.audit,
        { id: user.id, name: actorName(user) },
        req.body,
      );
      return reply.code(201).send(created);
    },
  );

  r.get(
    "/api/v1/datasets/:org/:name",
    {
      schema: { tags, summary: "Show a dataset", params: DatasetParams, response: { 200: Dataset } },
      config: { access: { action: "dataset.read", resource: access.resource } },
    },
    async (req) => {
      const ds = access.datasetOf(req);
      return toDataset(ds.row, ds.org.name);
    },
  );

  r.patch(
    "/api/v1/datasets/:org/:name",
    {
      schema: {
        tags,
        summary: "Change a dataset",
        params: DatasetParams,
        body: DatasetUpdate,
        response: { 200: Dataset },
      },
      config: { access: { action: "dataset.write", resource: access.resource } },
    },
    async (req) => updateDataset(ctx.db, ctx.audit, actorName(req.actor), access.datasetOf(req), req.body),
  );

  r.delete(
    "/api/v1/datasets/:org/:name",
    {
      schema: { tags, summary: "Delete a dataset (restorable for 30 days)", params: DatasetParams },
      config: { access: { action: "dataset.delete", resource: access.resource } },
    },
    async (req, reply) => {
      const user = requireUser(req);
      await deleteDataset(ctx.db, ctx.audit, { id: user.id, name: actorName(user) }, access.datasetOf(req));
      return reply.code(204).send();
    },
  );

  r.post(
    "/api/v1/datasets/:org/:name/restore",
    {
      schema: {
        tags,
        summary: "Restore a deleted dataset (platform admin)",
        params: DatasetParams,
        response: { 200: Dataset },
      },
      config: { access: { action: "dataset.restore", resource: access.resourceIncludingDeleted } },
    },
    async (req) => restoreDataset(ctx.db, ctx.audit, actorName(req.actor), access.datasetOf(req)),
  );
}
