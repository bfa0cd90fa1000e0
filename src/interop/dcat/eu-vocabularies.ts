/**
 * Where the catalog's codes live as IRIs: the EU Publications Office authority tables (themes,
 * frequencies, access rights, languages, countries, file types, planned availability), IANA media types
 * and the ADMS licence and publisher types. Codes come from `catalog/vocabularies.ts`; this file only
 * says which IRI each one is.
 */
import type { ACCESS_RIGHTS, FREQUENCIES } from "../../catalog/vocabularies.ts";
import { EU_THEMES, VN_SECTORS } from "../../catalog/vocabularies.ts";

const AUTHORITY = "http://publications.europa.eu/resource/authority";

export const SCHEMES = {
  dataTheme: `${AUTHORITY}/data-theme`,
  frequency: `${AUTHORITY}/frequency`,
  accessRight: `${AUTHORITY}/access-right`,
  language: `${AUTHORITY}/language`,
  country: `${AUTHORITY}/country`,
  fileType: `${AUTHORITY}/file-type`,
  plannedAvailability: `${AUTHORITY}/planned-availability`,
  licenceType: "http://purl.org/adms/licencetype/1.0",
  publisherType: "http://purl.org/adms/publishertype/1.0",
} as const;

export const themeIri = (euCode: string) => `${SCHEMES.dataTheme}/${euCode}`;
export const frequencyIri = (code: (typeof FREQUENCIES)[number]) => `${SCHEMES.frequency}/${code}`;
export const accessRightIri = (code: (typeof ACCESS_RIGHTS)[number]) => `${SCHEMES.accessRight}/${code}`;
export const languageIri = (code: "VIE" | "ENG") => `${SCHEMES.language}/${code}`;
export const VIETNAM_IRI = `${SCHEMES.country}/VNM`;
export const STABLE_AVAILABILITY_IRI = `${SCHEMES.plannedAvailability}/STABLE`;
export const ianaMediaType = (type: string) => `https://www.iana.org/assignments/media-types/${type}`;

/** The EU theme codes a dataset's themes stand for: EU codes as they are, `vn:*` sectors via their `eu`. */
export function euThemesOf(themes: readonly string[]): string[] {
  const codes = themes.map((t) => (t in EU_THEMES ? t : VN_SECTORS[t]?.eu)).filter((c) => c !== undefined);
  return [...new Set(codes)];
}

/** A format the download routes serve, and how DCAT-AP names it. */
export interface DownloadFormat {
  ext: "csv" | "json" | "ndjson" | "parquet" | "xlsx";
  label: string;
  /** Code in the EU file-type table. */
  fileType: string;
  /** IANA media type, or null where none is registered (NDJSON). */
  mediaType: string | null;
}

export const DOWNLOAD_FORMATS: readonly DownloadFormat[] = [
  { ext: "csv", label: "CSV", fileType: "CSV", mediaType: "text/csv" },
  { ext: "json", label: "JSON", fileType: "JSON", mediaType: "application/json" },
  // The EU file-type table has no NDJSON entry and IANA registers no media type for it: JSON is the
  // nearest file type, and no dcat:mediaType is claimed rather than an unregistered one.
  { ext: "ndjson", label: "NDJSON", fileType: "JSON", mediaType: null },
  {
    ext: "parquet",
    label: "Apache Parquet",
    fileType: "PARQUET",
    mediaType: "application/vnd.apache.parquet",
  },
  {
    ext: "xlsx",
    label: "Excel XLSX",
    fileType: "XLSX",
    mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  },
];

/** ADMS licence type of each licence in the register (`dct:type` of a dct:LicenseDocument). */
export const LICENCE_TYPES: Record<string, { iri: string; label: string }[]> = {
  "CC-BY-4.0": [{ iri: "http://purl.org/adms/licencetype/Attribution", label: "Attribution" }],
  "ODC-BY-1.0": [{ iri: "http://purl.org/adms/licencetype/Attribution", label: "Attribution" }],
  "ODbL-1.0": [
    { iri: "http://purl.org/adms/licencetype/Attribution", label: "Attribution" },
    {
      iri: "http://purl.org/adms/licencetype/ViralEffect-ShareAlike",
      label: "Viral effect (a.k.a. Share-alike)",
    },
  ],
  "CC0-1.0": [{ iri: "http://purl.org/adms/licencetype/PublicDomain", label: "Public domain" }],
  restricted: [
    { iri: "http://purl.org/adms/licencetype/OtherRestrictiveClauses", label: "Other restrictive clauses" },
  ],
};

/** ADMS publisher type of each organization kind (`dct:type` of the publishing foaf:Agent). */
export const PUBLISHER_TYPES: Record<string, { iri: string; label: string } | undefined> = {
  ministry: { iri: "http://purl.org/adms/publishertype/NationalAuthority", label: "National authority" },
  agency: { iri: "http://purl.org/adms/publishertype/NationalAuthority", label: "National authority" },
  province: { iri: "http://purl.org/adms/publishertype/RegionalAuthority", label: "Regional authority" },
  company: { iri: "http://purl.org/adms/publishertype/Company", label: "Company" },
  research: {
    iri: "http://purl.org/adms/publishertype/Academia-ScientificOrganisation",
    label: "Academia/Scientific organisation",
  },
};
