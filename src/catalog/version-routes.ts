/** HTTP routes of a dataset's versions and of the instance's public signing key. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { datasetAccess } from "./routes.ts";
import { DatasetParams } from "./schemas.ts";
import { getVersion, listVersions, toVersion } from "./versions.ts";

const Version = z.object({
  n: z.number().int(),
  id: z.string(),
  rows: z.number().int(),
  bytes: z.number().int(),
  sha256: z.string(),
  schemaHash: z.string(),
  mode: z.enum(["replace", "append", "upsert", "schema"]),
  source: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  keyId: z.string(),
  signature: z.string(),
});

const Keys = z.object({
  keys: z.array(
    z.object({
      keyId: z.string(),
      algorithm: z.literal("Ed25519"),
      publicKeyPem: z.string(),
      jwk: z.record(z.string(), z.unknown()),
    }),
  ),
  versionMessage: z.string(),
});

export function registerVersionRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const access = datasetAccess(ctx);
  const tags = ["versions"];

  r.get(
    "/api/v1/datasets/:org/:name/versions",
    {
      schema: {
        tags,
        summary: "List a dataset's versions, newest first",
        params: DatasetParams,
        response: { 200: z.object({ items: z.array(Version) }) },
      },
      config: { access: { action: "dataset.read", resource: access.resource } },
    },
    async (req) => {
      const ds = access.datasetOf(req);
      const rows = await listVersions(ctx.db, ds.row.id);
      return { items: rows.map((v) => toVersion(v, { org: ds.org.name, name: ds.row.name })) };
    },
  );

  r.get(
    "/api/v1/datasets/:org/:name/versions/:n",
    {
      schema: {
        tags,
        summary: "Show one version: rows, bytes, SHA-256, schema hash, signature",
        params: DatasetParams.extend({ n: z.coerce.number().int().min(1).max(2_147_483_647) }),
        response: { 200: Version.extend({ schema: z.unknown() }) },
      },
      config: { access: { action: "dataset.read", resource: access.resource } },
    },
    async (req) => {
      const ds = access.datasetOf(req);
      const v = await getVersion(ctx.db, ds, req.params.n);
      return { ...toVersion(v, { org: ds.org.name, name: ds.row.name }), schema: v.tableSchema };
    },
  );

  r.get(
    "/api/v1/keys",
    {
      schema: { tags: ["keys"], summary: "The instance's public signing key", response: { 200: Keys } },
      config: { access: "public" },
    },
    async () => ({
      keys: [
        {
          keyId: ctx.key.keyId,
          algorithm: "Ed25519" as const,
          publicKeyPem: ctx.key.publicKeyPem,
          jwk: ctx.key.publicKey.export({ format: "jwk" }) as Record<string, unknown>,
        },
      ],
      versionMessage: "mekong-dataset-version:v1:<org>/<name>@<n>:<sha256 of the Parquet file, hex>",
    }),
  );
}
