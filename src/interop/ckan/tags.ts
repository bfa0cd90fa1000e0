/**
 * `tag_list`: the keywords of the datasets the caller may see (CKAN's free tags), sorted by name, from the
 * catalog search's keyword facet. Mekong has no tag vocabularies, so naming one is `Not Found`.
 */
import { searchDatasets } from "../../catalog/search.ts";
import type { ActionContext } from "./action.ts";
import { notFound } from "./errors.ts";
import { tagDict } from "./package-dict.ts";
import { type DataDict, readBool, readString } from "./params.ts";

const ALL_KEYWORDS = 100_000;

export async function tagList(c: ActionContext, data: DataDict): Promise<unknown[]> {
  if (readString(data, "vocabulary_id")) throw notFound();
  const query = (readString(data, "query") || readString(data, "q") || "").trim().toLocaleLowerCase("vi");
  const result = await searchDatasets(c.ctx.db, c.actor, {
    limit: 0,
    includeFacets: true,
    facetLimit: ALL_KEYWORDS,
  });
  const names = (result.facets.keyword ?? [])
    .map((f) => f.value)
    .filter((name) => !query || name.toLocaleLowerCase("vi").includes(query))
    .sort();
  return readBool(data, "all_fields", false) ? names.map(tagDict) : names;
}
