/**
 * Which data reads go into the audit log: every download, and every rows or aggregate read of a dataset
 * that is not open. Reads of open data through the rows and aggregate API are not logged one by one: the
 * log is one serialised chain, and a public page read must not wait on it.
 */
import { actorName } from "../auth/actor.ts";
import type { Actor } from "../auth/permissions.ts";
import type { AppContext } from "../context.ts";
import type { VersionSource } from "./source.ts";

export type DataReadAction = "data.rows" | "data.aggregate" | "data.download";

export async function auditRead(
  ctx: AppContext,
  actor: Actor,
  source: VersionSource,
  action: DataReadAction,
  details: Record<string, unknown>,
): Promise<void> {
  if (action !== "data.download" && source.dataset.row.visibility === "open") return;
  await ctx.db.transaction((tx) =>
    ctx.audit.append(tx, {
      actor: actorName(actor),
      action,
      resource: `dataset:${source.dataset.org.name}/${source.dataset.row.name}`,
      details: { version: source.version.n, ...details },
    }),
  );
}
