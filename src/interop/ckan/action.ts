/** What every CKAN action gets: the app, who is asking, the site's URLs, and a per-request org cache. */
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import { getOrganization } from "../../orgs/service.ts";
import type { OrgRow } from "./package-dict.ts";
import type { DataDict } from "./params.ts";

export interface ActionContext {
  ctx: AppContext;
  actor: Actor;
  /** Absolute URL of the site, without a trailing slash. */
  siteUrl: string;
  /** Path and query string of the request (CKAN's `CKAN_CURRENT_URL`), for `_links`. */
  currentUrl: string;
  orgCache: Map<string, Promise<OrgRow>>;
}

export interface CkanAction {
  /** What `help_show` answers for the action. */
  doc: string;
  run(c: ActionContext, data: DataDict): Promise<unknown>;
}

/** An organization by name, loaded once per request. @throws AppError `organization_not_found` */
export function organizationOf(c: ActionContext, name: string): Promise<OrgRow> {
  let hit = c.orgCache.get(name);
  if (!hit) {
    hit = getOrganization(c.ctx.db, name);
    c.orgCache.set(name, hit);
  }
  return hit;
}
