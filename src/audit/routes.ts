/** HTTP routes of the audit log: the filtered listing and the chain's verification report. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../context.ts";
import { listAuditEntries } from "./list.ts";
import { AuditList, AuditListQuery, AuditVerifyReport } from "./schemas.ts";
import { reportAuditChain } from "./verify.ts";

const tags = ["audit"];

export function registerAuditRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/v1/audit",
    {
      schema: {
        tags,
        summary: "List audit entries, newest first",
        querystring: AuditListQuery,
        response: { 200: AuditList },
      },
      config: { access: { action: "audit.read" } },
    },
    async (req) => listAuditEntries(ctx.db, req.query),
  );

  r.get(
    "/api/v1/audit/verify",
    {
      schema: {
        tags,
        summary: "Verify the audit chain and its signed checkpoints",
        description:
          "Always 200: `ok` says whether the chain is intact, `firstBroken` where it is not. Walks the whole log.",
        response: { 200: AuditVerifyReport },
      },
      config: { access: { action: "audit.read" } },
    },
    async () => reportAuditChain(ctx.db, ctx.key),
  );
}
