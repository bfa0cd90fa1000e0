/**
 * `GET/PUT /api/v1/datasets/{org}/{name}/schema`: the dataset's Table Schema, and the publisher's
 * corrections to it (titles, descriptions, types, constraints, primary key), which re-cast the data
 * into a new version or are refused with what does not fit.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorName } from "../auth/actor.ts";
import { datasetAccess } from "../catalog/routes.ts";
import { DatasetParams } from "../catalog/schemas.ts";
import { TableSchemaBody } from "../catalog/table-schema.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { changeSchema } from "./recast.ts";

export function registerSchemaRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const access = datasetAccess(ctx);
  const tags = ["versions"];

  r.get(
    "/api/v1/datasets/:org/:name/schema",
    {
      schema: {
        tags,
        summary: "The dataset's current Table Schema",
        params: DatasetParams,
        response: { 200: z.unknown() },
      },
      config: { access: { action: "dataset.read", resource: access.resource } },
    },
    async (req) => {
      const ds = access.datasetOf(req);
      if (!ds.row.tableSchema)
        throw new AppError("version_not_found", "the dataset has no schema before its first upload");
      return ds.row.tableSchema;
    },
  );

  r.put(
    "/api/v1/datasets/:org/:name/schema",
    {
      schema: {
        tags,
        summary: "Correct the Table Schema; the data is re-cast into a new version",
        params: DatasetParams,
        body: TableSchemaBody,
      },
      config: { access: { action: "dataset.write", resource: access.resource } },
    },
    async (req, reply) => {
      const userId = req.actor.kind === "user" ? req.actor.id : null;
      const version = await changeSchema(ctx, access.datasetOf(req), req.body, actorName(req.actor), userId);
      return reply.code(201).send({ ...version, schema: req.body });
    },
  );
}
