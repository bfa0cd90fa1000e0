/**
 * The dcat:Catalog itself and its Hydra paging. A page is described as both a
 * `hydra:PartialCollectionView` (Hydra Core today: first/previous/next/last) and a
 * `hydra:PagedCollection` (the older terms firstPage/nextPage/… that CKAN's DCAT harvester and piveau,
 * the data.europa.eu harvester, still look for), so every harvester finds its next page.
 */
import type { NamedNode } from "n3";
import type { DescribedDataset } from "./dataset-graph.ts";
import { type DocumentGraph, dateTime, iri, nonNegativeInteger, text } from "./graph.ts";
import { dcat, dct, foaf, hydra } from "./namespaces.ts";
import { dataThemeScheme, language, vietnam } from "./resources.ts";
import type { ExportIris } from "./uris.ts";

export interface CatalogFacts {
  /** Host name shown in the catalog's title (from the base URL). */
  host: string;
  /** When the oldest open dataset was created and the newest changed, if there are any. */
  issued: Date | null;
  modified: Date | null;
}

export function describeCatalog(g: DocumentGraph, iris: ExportIris, facts: CatalogFacts): NamedNode {
  const node = iri(iris.catalog);
  const publisher = iri(iris.catalogPublisher);
  const homepage = iri(iris.homepage);
  g.type(node, dcat("Catalog"))
    .add(node, dct("title"), text(`Danh mục dữ liệu mở Mekong — ${facts.host}`, "vi"))
    .add(node, dct("title"), text(`Mekong open data catalogue — ${facts.host}`, "en"))
    .add(
      node,
      dct("description"),
      text(`Các bộ dữ liệu mở do các cơ quan, tổ chức công bố trên ${facts.host}.`, "vi"),
    )
    .add(
      node,
      dct("description"),
      text(`Open datasets published by the organizations on ${facts.host}.`, "en"),
    )
    .add(node, dct("publisher"), publisher)
    .add(node, foaf("homepage"), homepage)
    .add(node, dct("language"), language(g, "VIE"))
    .add(node, dct("language"), language(g, "ENG"))
    .add(node, dct("spatial"), vietnam(g))
    .add(node, dcat("themeTaxonomy"), dataThemeScheme(g))
    .add(node, dct("issued"), facts.issued ? dateTime(facts.issued) : undefined)
    .add(node, dct("modified"), facts.modified ? dateTime(facts.modified) : undefined)
    .aside(() =>
      g
        .type(homepage, foaf("Document"))
        .type(publisher, foaf("Agent"))
        .add(publisher, foaf("name"), text(`Mekong — ${facts.host}`, "vi")),
    );
  return node;
}

/** Lists a described dataset (and its data service) as members of the catalog. */
export function addToCatalog(g: DocumentGraph, catalog: NamedNode, entry: DescribedDataset) {
  g.add(catalog, dcat("dataset"), entry.dataset).add(catalog, dcat("service"), entry.dataService);
}

export interface Paging {
  page: number;
  pageSize: number;
  totalItems: number;
  /** The URL of page `n` of this same listing (format and filters kept). */
  pageUrl: (n: number) => string;
}

export const lastPageOf = (p: Pick<Paging, "totalItems" | "pageSize">) =>
  Math.max(1, Math.ceil(p.totalItems / p.pageSize));

export function describePage(g: DocumentGraph, catalog: NamedNode, p: Paging) {
  const view = iri(p.pageUrl(p.page));
  const last = lastPageOf(p);
  const link = (current: string, legacy: string, n: number) =>
    g.add(view, hydra(current), iri(p.pageUrl(n))).add(view, hydra(legacy), iri(p.pageUrl(n)));
  g.add(catalog, hydra("totalItems"), nonNegativeInteger(p.totalItems))
    .add(catalog, hydra("view"), view)
    .type(view, hydra("PartialCollectionView"), hydra("PagedCollection"))
    .add(view, hydra("totalItems"), nonNegativeInteger(p.totalItems))
    .add(view, hydra("itemsPerPage"), nonNegativeInteger(p.pageSize));
  link("first", "firstPage", 1);
  link("last", "lastPage", last);
  if (p.page > 1) link("previous", "previousPage", Math.min(p.page - 1, last));
  if (p.page < last) link("next", "nextPage", p.page + 1);
}
