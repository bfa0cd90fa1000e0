/**
 * Descriptions of the nodes datasets share — publishers, licences, themes, places, formats. DCAT-AP's
 * range shapes check each value's class (`sh:class`), and harvesters do not dereference the EU
 * vocabularies, so every referenced node carries its type (and, for SKOS concepts, a label) in the
 * document itself. Each is written once per document (`DocumentGraph.once`).
 */
import type { NamedNode } from "n3";
import type { ACCESS_RIGHTS, FREQUENCIES } from "../../catalog/vocabularies.ts";
import { EU_THEMES, LICENCES } from "../../catalog/vocabularies.ts";
import {
  accessRightIri,
  type DownloadFormat,
  frequencyIri,
  ianaMediaType,
  LICENCE_TYPES,
  languageIri,
  PUBLISHER_TYPES,
  SCHEMES,
  STABLE_AVAILABILITY_IRI,
  themeIri,
  VIETNAM_IRI,
} from "./eu-vocabularies.ts";
import { type DocumentGraph, iri, mailto, plain, text, webIri } from "./graph.ts";
import { dct, foaf, skos, vcard } from "./namespaces.ts";
import { PROVINCE_NAMES } from "./provinces.ts";
import type { ExportIris } from "./uris.ts";

export interface PublisherOrg {
  name: string;
  title: string;
  titleEn: string | null;
  kind: string;
  website: string | null;
  email: string | null;
}

function conceptScheme(g: DocumentGraph, scheme: string, title: string) {
  const node = iri(scheme);
  g.once(scheme, () => g.type(node, skos("ConceptScheme")).add(node, dct("title"), text(title, "en")));
  return node;
}

function concept(g: DocumentGraph, value: string, scheme: string, labels: { en: string; vi?: string }) {
  const node = iri(value);
  g.once(value, () => {
    g.type(node, skos("Concept"))
      .add(node, skos("prefLabel"), text(labels.en, "en"))
      .add(node, skos("prefLabel"), labels.vi ? text(labels.vi, "vi") : undefined)
      .add(node, skos("inScheme"), iri(scheme));
  });
  return node;
}

/** The EU data-theme scheme, the catalog's theme taxonomy. */
export const dataThemeScheme = (g: DocumentGraph) => conceptScheme(g, SCHEMES.dataTheme, "Data theme");

export function theme(g: DocumentGraph, euCode: string): NamedNode {
  const labels = EU_THEMES[euCode] ?? { en: euCode };
  return concept(g, themeIri(euCode), SCHEMES.dataTheme, labels);
}

/** A node of an EU authority table typed with the class DCAT-AP expects for the property using it. */
function authorityTerm(g: DocumentGraph, value: string, scheme: string, type: NamedNode) {
  const node = iri(value);
  g.once(value, () => g.type(node, type).add(node, skos("inScheme"), iri(scheme)));
  return node;
}

export const frequency = (g: DocumentGraph, code: (typeof FREQUENCIES)[number]) =>
  authorityTerm(g, frequencyIri(code), SCHEMES.frequency, dct("Frequency"));

export const accessRights = (g: DocumentGraph, code: (typeof ACCESS_RIGHTS)[number]) =>
  authorityTerm(g, accessRightIri(code), SCHEMES.accessRight, dct("RightsStatement"));

export const language = (g: DocumentGraph, code: "VIE" | "ENG") =>
  authorityTerm(g, languageIri(code), SCHEMES.language, dct("LinguisticSystem"));

export const vietnam = (g: DocumentGraph) => authorityTerm(g, VIETNAM_IRI, SCHEMES.country, dct("Location"));

export const fileType = (g: DocumentGraph, format: DownloadFormat) =>
  authorityTerm(g, `${SCHEMES.fileType}/${format.fileType}`, SCHEMES.fileType, dct("MediaTypeOrExtent"));

export function mediaType(g: DocumentGraph, format: DownloadFormat): NamedNode | undefined {
  if (!format.mediaType) return undefined;
  const value = ianaMediaType(format.mediaType);
  const node = iri(value);
  g.once(value, () => g.type(node, dct("MediaType")));
  return node;
}

export const stableAvailability = (g: DocumentGraph) =>
  concept(g, STABLE_AVAILABILITY_IRI, SCHEMES.plannedAvailability, { en: "stable" });

/** `VN` is the EU country Vietnam; a province code is the province Mekong mints (see uris.ts). */
export function place(g: DocumentGraph, iris: ExportIris, code: string): NamedNode {
  if (code === "VN") return vietnam(g);
  const value = iris.province(code);
  const node = iri(value);
  g.once(value, () => {
    g.type(node, dct("Location")).add(node, skos("notation"), plain(code));
    const name = PROVINCE_NAMES[code];
    if (name) g.add(node, skos("prefLabel"), text(name, "vi"));
  });
  return node;
}

/** The licence of the register as a dct:LicenseDocument: its public URL, or a minted IRI if it has none. */
export function licence(g: DocumentGraph, iris: ExportIris, id: string): NamedNode | undefined {
  const entry = LICENCES.find((l) => l.id === id);
  if (!entry) return undefined;
  const value = entry.url ?? iris.licence(entry.id);
  const node = iri(value);
  g.once(value, () => {
    g.type(node, dct("LicenseDocument")).add(node, dct("title"), plain(entry.title));
    conceptScheme(g, SCHEMES.licenceType, "Licence type");
    for (const t of LICENCE_TYPES[entry.id] ?? []) {
      g.add(node, dct("type"), concept(g, t.iri, SCHEMES.licenceType, { en: t.label }));
    }
  });
  return node;
}

/** The organization as the foaf:Agent that publishes its datasets. */
export function publisher(g: DocumentGraph, iris: ExportIris, org: PublisherOrg): NamedNode {
  const value = iris.publisher(org.name);
  const node = iri(value);
  g.once(value, () => {
    g.type(node, foaf("Agent"), foaf("Organization"))
      .add(node, foaf("name"), text(org.title, "vi"))
      .add(node, foaf("name"), org.titleEn ? text(org.titleEn, "en") : undefined)
      .add(node, foaf("homepage"), webIri(org.website))
      .add(node, foaf("mbox"), mailto(org.email));
    const type = PUBLISHER_TYPES[org.kind];
    if (type) {
      conceptScheme(g, SCHEMES.publisherType, "Publisher type");
      g.add(node, dct("type"), concept(g, type.iri, SCHEMES.publisherType, { en: type.label }));
    }
  });
  return node;
}

export interface Contact {
  name: string;
  email?: string;
  phone?: string;
  url?: string;
}

/** A vcard:Kind at `at` (a fragment of the dataset's IRI). */
export function contactPoint(g: DocumentGraph, at: string, contact: Contact): NamedNode {
  const node = iri(at);
  const phone = contact.phone?.replace(/[^\d+]/g, "");
  g.type(node, vcard("Kind"), vcard("Organization"))
    .add(node, vcard("fn"), plain(contact.name))
    .add(node, vcard("hasEmail"), mailto(contact.email))
    .add(node, vcard("hasTelephone"), phone ? iri(`tel:${phone}`) : undefined)
    .add(node, vcard("hasURL"), webIri(contact.url));
  return node;
}
