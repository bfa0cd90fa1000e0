/** `GET /api/v1/datasets/{org}/{name}/openapi.json`: the OpenAPI 3.1 document of a dataset's rows API. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { datasetAccess } from "../../catalog/routes.ts";
import { DatasetParams } from "../../catalog/schemas.ts";
import type { AppContext } from "../../context.ts";
import { AppError } from "../../errors.ts";
import { baseUrlOf } from "../dcat/uris.ts";
import { datasetOpenApi } from "./dataset-openapi.ts";

export function registerDatasetOpenApiRoute(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const access = datasetAccess(ctx);

  r.get(
    "/api/v1/datasets/:org/:name/openapi.json",
    {
      schema: {
        tags: ["datasets"],
        summary: "OpenAPI 3.1 document of the dataset's rows API, with its columns as typed parameters",
        params: DatasetParams,
      },
      config: { access: { action: "dataset.read", resource: access.resource } },
    },
    async (req) => {
      const ds = access.datasetOf(req);
      if (!ds.row.tableSchema) {
        throw new AppError("version_not_found", "the dataset has no schema before its first upload");
      }
      return datasetOpenApi({
        base: baseUrlOf(ctx.config, req),
        org: ds.org.name,
        name: ds.row.name,
        title: ds.row.title,
        description: ds.row.description,
        isPublic: ds.row.visibility === "open",
        version: ds.row.currentVersion,
        schema: ds.row.tableSchema,
      });
    },
  );
}
