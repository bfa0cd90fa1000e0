/** HTTP routes of a dataset's metadata history: the list of changes, any past state, a diff of two. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { diffHistory, historyState, listHistory } from "./history.ts";
import { datasetAccess } from "./routes.ts";
import { DatasetParams } from "./schemas.ts";

const PatchOperation = z.object({
  op: z.enum(["add", "remove", "replace"]),
  path: z.string(),
  value: z.unknown().optional(),
});
const Action = z.enum(["create", "update", "baseline"]);
const Seq = z.coerce.number().int().min(0).max(2_147_483_647);

const HistoryEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: Action,
  patch: z.array(PatchOperation),
});

export function registerHistoryRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const access = datasetAccess(ctx);
  const tags = ["history"];
  const read = { access: { action: "dataset.read" as const, resource: access.resource } };

  r.get(
    "/api/v1/datasets/:org/:name/history",
    {
      schema: {
        tags,
        summary:
          "A dataset's metadata changes, newest first: who, when, and the JSON patch (RFC 6902) of each",
        params: DatasetParams,
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: z.string().max(100).optional(),
        }),
        response: { 200: z.object({ items: z.array(HistoryEntry), nextCursor: z.string().optional() }) },
      },
      config: read,
    },
    async (req) => listHistory(ctx.db, access.datasetOf(req).row.id, req.query),
  );

  r.get(
    "/api/v1/datasets/:org/:name/history/:n",
    {
      schema: {
        tags,
        summary: "The dataset's metadata as it was after change n (0: before it existed)",
        params: DatasetParams.extend({ n: Seq }),
        response: {
          200: z.object({
            seq: z.number().int(),
            at: z.string().nullable(),
            actor: z.string().nullable(),
            action: Action.nullable(),
            state: z.unknown(),
          }),
        },
      },
      config: read,
    },
    async (req) => historyState(ctx.db, access.datasetOf(req).row.id, req.params.n),
  );

  r.get(
    "/api/v1/datasets/:org/:name/history/:a/diff/:b",
    {
      schema: {
        tags,
        summary: "The JSON patch (RFC 6902) from the metadata after change a to that after change b",
        params: DatasetParams.extend({ a: Seq, b: Seq }),
        response: {
          200: z.object({ from: z.number().int(), to: z.number().int(), patch: z.array(PatchOperation) }),
        },
      },
      config: read,
    },
    async (req) => diffHistory(ctx.db, access.datasetOf(req).row.id, req.params.a, req.params.b),
  );
}
