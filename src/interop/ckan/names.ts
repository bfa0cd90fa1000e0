/**
 * How Mekong's identities appear to CKAN clients. A CKAN package `name` is unique across the site while a
 * Mekong dataset name is unique per organization, so the CKAN name is `<org>__<name>`: organization names
 * never contain `_`, so the first `_` always starts the separator and the pair splits back unambiguously
 * (`--` would not: both halves may contain it). The package `id` is the dataset's uuid.
 *
 * Resources are the download formats of the dataset's current version. Their ids are
 * `<dataset uuid>-<format>`: stable across versions (a new version updates the resource, as a CKAN resource
 * update would), and decodable without a lookup table.
 */

import { CONTENT_TYPES, DOWNLOAD_FORMATS, type DownloadFormat } from "../../data/download.ts";

const ORG_NAME = /^[a-z0-9][a-z0-9-]{1,62}$/;
const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{1,99}$/;
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

export const CKAN_NAME_SEPARATOR = "__";

/** The formats the download routes serve each version in, in the order resources are listed. */
export { DOWNLOAD_FORMATS, type DownloadFormat };

/** Media types without parameters, as CKAN's `mimetype` holds them. */
export const MEDIA_TYPES = Object.fromEntries(
  DOWNLOAD_FORMATS.map((f) => [f, CONTENT_TYPES[f].split(";")[0] as string]),
) as Record<DownloadFormat, string>;

export interface DatasetRef {
  org: string;
  name: string;
}

export const ckanName = (org: string, name: string) => `${org}${CKAN_NAME_SEPARATOR}${name}`;

/** `org__name` back to its parts, or undefined when the text is not such a name. */
export function parseCkanName(text: string): DatasetRef | undefined {
  const at = text.indexOf(CKAN_NAME_SEPARATOR);
  if (at < 0) return undefined;
  const org = text.slice(0, at);
  const name = text.slice(at + CKAN_NAME_SEPARATOR.length);
  return ORG_NAME.test(org) && DATASET_NAME.test(name) ? { org, name } : undefined;
}

/** Mekong's own `org/name` spelling, which CKAN actions accept as well. */
export function parseMekongName(text: string): DatasetRef | undefined {
  const [org, name, ...rest] = text.split("/");
  return rest.length === 0 && org && name && ORG_NAME.test(org) && DATASET_NAME.test(name)
    ? { org, name }
    : undefined;
}

export const isUuid = (text: string) => new RegExp(`^${UUID}$`, "i").test(text);

export const resourceId = (datasetId: string, format: DownloadFormat) => `${datasetId}-${format}`;

const RESOURCE_ID = new RegExp(`^(${UUID})-(${DOWNLOAD_FORMATS.join("|")})$`, "i");

/** A resource id back to its dataset and format, or undefined when the text is not one. */
export function parseResourceId(text: string): { datasetId: string; format: DownloadFormat } | undefined {
  const match = RESOURCE_ID.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  return { datasetId: match[1].toLowerCase(), format: match[2].toLowerCase() as DownloadFormat };
}
