/**
 * The IRIs Mekong mints for what it publishes in DCAT-AP, all under the instance's public base URL, so
 * they stay the same from one harvest to the next (see docs/interoperability.md, "DCAT-AP"):
 *
 * - the catalog `{base}/catalog`, a dataset `{base}/dataset/{org}/{name}` (its RDF documents add
 *   `.ttl`, `.jsonld` or `.rdf`), and the nodes that only exist inside a dataset's description as
 *   fragments of it (`#distribution-csv`, `#rows-api`, `#contact`, `#temporal`, `#checksum-parquet`);
 * - publishers `{base}/id/organization/{org}` and provinces `{base}/id/province/{code}`;
 * - what the HTTP API serves: downloads, the rows endpoint, the Table Schema and the OpenAPI document.
 */
import type { FastifyRequest } from "fastify";
import type { Config } from "../../config.ts";

/** The public base URL: `MEKONG_PUBLIC_URL`, or the origin the request came to. No trailing slash. */
export function baseUrlOf(config: Pick<Config, "publicUrl">, req: FastifyRequest): string {
  return config.publicUrl ?? `${req.protocol}://${req.host}`;
}

const seg = encodeURIComponent;

export function exportIris(base: string) {
  const dataset = (org: string, name: string) => `${base}/dataset/${seg(org)}/${seg(name)}`;
  const api = (org: string, name: string) => `${base}/api/v1/datasets/${seg(org)}/${seg(name)}`;
  return {
    base,
    catalog: `${base}/catalog`,
    catalogPublisher: `${base}/catalog#publisher`,
    homepage: `${base}/`,
    dataset,
    /** Where a person reads about the dataset: the portal's page for it. */
    portalPage: (org: string, name: string) => `${base}/datasets/${seg(org)}/${seg(name)}`,
    distribution: (org: string, name: string, ext: string) => `${dataset(org, name)}#distribution-${ext}`,
    checksum: (org: string, name: string, ext: string) => `${dataset(org, name)}#checksum-${ext}`,
    dataService: (org: string, name: string) => `${dataset(org, name)}#rows-api`,
    contactPoint: (org: string, name: string) => `${dataset(org, name)}#contact`,
    temporal: (org: string, name: string) => `${dataset(org, name)}#temporal`,
    publisher: (org: string) => `${base}/id/organization/${seg(org)}`,
    province: (code: string) => `${base}/id/province/${seg(code)}`,
    licence: (id: string) => `${base}/id/licence/${seg(id)}`,
    download: (org: string, name: string, ext: string) => `${api(org, name)}/download.${ext}`,
    rowsEndpoint: (org: string, name: string) => `${api(org, name)}/rows`,
    tableSchema: (org: string, name: string) => `${api(org, name)}/schema`,
    openApi: (org: string, name: string) => `${api(org, name)}/openapi.json`,
  };
}
export type ExportIris = ReturnType<typeof exportIris>;
