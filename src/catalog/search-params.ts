/**
 * What a catalog search asks for: the service's parameter and result types, the HTTP query string that
 * maps onto them, the words of a free-text query and the opaque keyset cursors of a result list.
 */
import { z } from "zod";
import { AppError } from "../errors.ts";
import type { Dataset } from "./schemas.ts";

export const FACETS = [
  "org",
  "theme",
  "format",
  "licence",
  "classification",
  "personalData",
  "frequency",
  "province",
  "keyword",
] as const;
export type Facet = (typeof FACETS)[number];

export const SORTS = ["relevance", "modified", "title"] as const;
export type SearchSort = (typeof SORTS)[number];

export type SearchParams = {
  q?: string;
  org?: string[];
  theme?: string[];
  format?: string[];
  licence?: string[];
  classification?: string[];
  personalData?: string[];
  frequency?: string[];
  province?: string[];
  keyword?: string[];
  sort?: SearchSort;
  limit: number;
  offset?: number;
  cursor?: string;
  includeFacets?: boolean;
  facetLimit?: number;
};

export type FacetCounts = Record<Facet, { value: string; count: number }[]>;

export type SearchResult = {
  total: number;
  items: Dataset[];
  facets: FacetCounts;
  nextCursor?: string;
};

export const DEFAULT_FACET_LIMIT = 20;
/** Words of a query beyond this are ignored: a search box is not a document. */
export const MAX_QUERY_WORDS = 16;

/** One filter value or several, as repeated parameters (`theme=A&theme=B`) or a comma list (`theme=A,B`). */
const FilterValues = z
  .union([z.string().max(2000), z.array(z.string().max(2000)).max(50)])
  .transform((v) =>
    [v]
      .flat()
      .flatMap((s) => s.split(","))
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  )
  .refine((v) => v.length <= 50, "at most 50 values per filter")
  .refine((v) => v.every((s) => s.length <= 200), "a value is at most 200 characters")
  .optional();

/** `GET /api/v1/datasets` query string. */
export const DatasetSearchQuery = z.strictObject({
  q: z.string().max(500).optional(),
  org: FilterValues,
  theme: FilterValues,
  format: FilterValues,
  licence: FilterValues,
  classification: FilterValues,
  personalData: FilterValues,
  frequency: FilterValues,
  province: FilterValues,
  keyword: FilterValues,
  sort: z.enum(SORTS).optional(),
  limit: z.coerce.number().int().min(0).max(500).default(50),
  cursor: z.string().max(1000).optional(),
  facetLimit: z.coerce.number().int().min(1).max(1000).default(DEFAULT_FACET_LIMIT),
  /** Platform admins list the deleted, restorable datasets with `deleted=true` (no search then). */
  deleted: z.enum(["true", "false"]).optional(),
});
export type DatasetSearchQuery = z.infer<typeof DatasetSearchQuery>;

const FacetValues = z.array(z.object({ value: z.string(), count: z.number().int() }));
export const FacetCountsSchema = z.object({
  org: FacetValues,
  theme: FacetValues,
  format: FacetValues,
  licence: FacetValues,
  classification: FacetValues,
  personalData: FacetValues,
  frequency: FacetValues,
  province: FacetValues,
  keyword: FacetValues,
});

export const emptyFacets = (): FacetCounts =>
  Object.fromEntries(FACETS.map((f) => [f, []])) as unknown as FacetCounts;

/**
 * The words of a free-text query: runs of letters and digits (with their combining marks), NFC, at most
 * `MAX_QUERY_WORDS`. Folding (case, diacritics, đ) happens in the database with the same function that
 * built the documents, so a query and a document can never be folded differently.
 */
export function queryWords(q: string | undefined): string[] {
  if (!q) return [];
  const words = q.normalize("NFC").match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu) ?? [];
  return words.slice(0, MAX_QUERY_WORDS).map((w) => w.slice(0, 100));
}

/** Where the previous page stopped: the sort it was in and that sort's key of its last item. */
export type CursorKey = { sort: SearchSort; key: (string | number)[] };

export const encodeSearchCursor = (c: CursorKey) =>
  Buffer.from(JSON.stringify([c.sort, ...c.key]), "utf8").toString("base64url");

/** @throws AppError `validation_failed` for a cursor this API did not give out for this sort. */
export function decodeSearchCursor(cursor: string, sort: SearchSort): CursorKey["key"] {
  const invalid = () =>
    new AppError("validation_failed", "cursor is not one this API gave out for this sort", {
      errors: [{ path: "/query/cursor", message: "invalid cursor" }],
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const lengths: Record<SearchSort, number> = { relevance: 4, modified: 3, title: 3 };
  if (
    !Array.isArray(parsed) ||
    parsed[0] !== sort ||
    parsed.length !== lengths[sort] ||
    !parsed.slice(1).every((v) => typeof v === "string" || (typeof v === "number" && Number.isFinite(v)))
  ) {
    throw invalid();
  }
  return parsed.slice(1) as CursorKey["key"];
}
