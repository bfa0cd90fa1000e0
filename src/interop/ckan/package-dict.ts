/**
 * Mekong datasets as CKAN package dictionaries (the shape of `package_show`, ckan/lib/dictization/
 * model_dictize.py `package_dictize`): CKAN's field names and types, timestamps as CKAN writes them (UTC
 * without a zone, microseconds), keywords as tags, download formats of the current version as resources,
 * and Mekong's own metadata in `extras` as `{key, value}` string pairs sorted by key.
 */
import { createHash } from "node:crypto";
import type { Dataset } from "../../catalog/schemas.ts";
import type { VersionRow } from "../../catalog/versions.ts";
import { LICENCES } from "../../catalog/vocabularies.ts";
import type { organizations } from "../../db/schema.ts";
import { ckanName, DOWNLOAD_FORMATS, MEDIA_TYPES, resourceId } from "./names.ts";

export type OrgRow = typeof organizations.$inferSelect;
export type CkanDict = Record<string, unknown>;

/** CKAN's timestamps: ISO 8601 in UTC without a zone designator, to the microsecond. */
export function ckanTimestamp(at: Date | string): string {
  const iso = (typeof at === "string" ? new Date(at) : at).toISOString();
  return `${iso.slice(0, -1)}000`;
}

/** A stable uuid for a name (SHA-1 name-based, RFC 9562 version 5 layout), e.g. for tag ids. */
export function nameUuid(text: string): string {
  const hex = createHash("sha1").update(`mekong:${text}`).digest("hex");
  const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The organization as CKAN embeds it in a package (`package_dictize`'s `organization`). */
export function embeddedOrganization(org: OrgRow): CkanDict {
  return {
    id: org.id,
    name: org.name,
    title: org.title,
    type: "organization",
    description: org.description ?? "",
    image_url: "",
    created: ckanTimestamp(org.createdAt),
    is_organization: true,
    approval_status: "approved",
    state: "active",
  };
}

export function tagDict(keyword: string): CkanDict {
  return {
    display_name: keyword,
    id: nameUuid(`tag:${keyword}`),
    name: keyword,
    state: "active",
    vocabulary_id: null,
  };
}

function licenceFields(id: string | null | undefined): CkanDict {
  const licence = id ? LICENCES.find((l) => l.id === id) : undefined;
  if (!licence) return { license_id: id ?? null, license_title: id ?? null, isopen: false };
  return {
    license_id: licence.id,
    license_title: licence.title,
    ...(licence.url ? { license_url: licence.url } : {}),
    isopen: licence.isOpen,
  };
}

/** Mekong metadata with no CKAN core field, as `extras` (lists as JSON text, as ckanext-dcat writes them). */
export function extrasOf(dataset: Dataset): { key: string; value: string }[] {
  const m = dataset.metadata;
  const list = (values: string[] | undefined) =>
    values && values.length > 0 ? JSON.stringify(values) : undefined;
  const pairs: [string, string | null | undefined][] = [
    ["mekong_id", `${dataset.org}/${dataset.name}`],
    ["mekong_visibility", dataset.visibility],
    ["mekong_version", dataset.currentVersion === null ? undefined : String(dataset.currentVersion)],
    ["classification", m.classification],
    ["importance", m.importance],
    ["personal_data", m.personalData],
    ["access_rights", m.accessRights],
    ["frequency", m.frequency],
    ["theme", list(m.themes)],
    ["spatial", list(m.spatial)],
    ["temporal_start", m.temporal?.start],
    ["temporal_end", m.temporal?.end],
    ["issued", m.issued],
    ["title_en", m.titleEn],
    ["notes_en", m.descriptionEn],
    ["version_notes", m.versionNotes],
    ["contact_name", m.contactPoint?.name],
    ["contact_email", m.contactPoint?.email],
    ["contact_phone", m.contactPoint?.phone],
    ["contact_uri", m.contactPoint?.url],
  ];
  return pairs
    .filter((pair): pair is [string, string] => typeof pair[1] === "string" && pair[1] !== "")
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => ({ key, value }));
}

/** One resource per download format of the current version; none before the first upload. */
export function resourceDicts(
  dataset: Dataset,
  version: VersionRow | undefined,
  siteUrl: string,
): CkanDict[] {
  if (!version) return [];
  return DOWNLOAD_FORMATS.map((format, position) => {
    const exact = format === "parquet"; // the stored file itself: its hash and size are known
    return {
      cache_last_updated: null,
      cache_url: null,
      created: ckanTimestamp(dataset.createdAt),
      datastore_active: true,
      description: `Version ${version.n}: ${version.rows} rows`,
      format: format.toUpperCase(),
      hash: exact ? version.sha256 : "",
      id: resourceId(dataset.id, format),
      last_modified: ckanTimestamp(version.createdAt),
      metadata_modified: ckanTimestamp(version.createdAt),
      mimetype: MEDIA_TYPES[format],
      mimetype_inner: null,
      name: `${dataset.title} (${format.toUpperCase()})`,
      package_id: dataset.id,
      position,
      resource_type: null,
      size: exact ? version.bytes : null,
      state: "active",
      url: `${siteUrl}/api/v1/datasets/${encodeURIComponent(dataset.org)}/${encodeURIComponent(dataset.name)}/download.${format}`,
      url_type: null,
    };
  });
}

export interface PackageParts {
  dataset: Dataset;
  org: OrgRow;
  version: VersionRow | undefined;
  siteUrl: string;
}

/** The full package dictionary, as `package_show` and `package_search` answer it. */
export function packageDict({ dataset, org, version, siteUrl }: PackageParts): CkanDict {
  const m = dataset.metadata;
  const tags = (m.keywords ?? []).map(tagDict);
  const resources = resourceDicts(dataset, version, siteUrl);
  return {
    author: null,
    author_email: null,
    creator_user_id: null,
    extras: extrasOf(dataset),
    groups: [],
    id: dataset.id,
    ...licenceFields(m.licence),
    maintainer: m.contactPoint?.name ?? null,
    maintainer_email: m.contactPoint?.email ?? null,
    metadata_created: ckanTimestamp(dataset.createdAt),
    metadata_modified: ckanTimestamp(dataset.updatedAt),
    name: ckanName(dataset.org, dataset.name),
    notes: dataset.description,
    num_resources: resources.length,
    num_tags: tags.length,
    organization: embeddedOrganization(org),
    owner_org: org.id,
    private: dataset.visibility !== "open",
    relationships_as_object: [],
    relationships_as_subject: [],
    resources,
    state: "active",
    tags,
    title: dataset.title,
    type: "dataset",
    url: m.landingPage ?? "",
    version: dataset.currentVersion === null ? null : String(dataset.currentVersion),
  };
}
