/**
 * One dataset as DCAT-AP 3.0.1: the dcat:Dataset with its catalog metadata, one dcat:Distribution per
 * download format of its current version, and a dcat:DataService for its rows API. Pure: it turns an
 * `ExportedDataset` into statements and touches no database.
 */
import type { NamedNode } from "n3";
import type { DatasetMetadata } from "../../catalog/metadata.ts";
import { DOWNLOAD_FORMATS, type DownloadFormat, euThemesOf } from "./eu-vocabularies.ts";
import {
  type DocumentGraph,
  date,
  dateTime,
  hexBinary,
  iri,
  nonNegativeInteger,
  plain,
  text,
  webIri,
} from "./graph.ts";
import { adms, dcat, dcatap, dct, foaf, owl, spdx } from "./namespaces.ts";
import {
  accessRights,
  type Contact,
  contactPoint,
  fileType,
  frequency,
  language,
  licence,
  mediaType,
  type PublisherOrg,
  place,
  publisher,
  stableAvailability,
  theme,
} from "./resources.ts";
import type { ExportIris } from "./uris.ts";

/** What the export needs to know of a dataset, its organization and its current version. */
export interface ExportedDataset {
  org: PublisherOrg;
  name: string;
  title: string;
  description: string | null;
  metadata: DatasetMetadata;
  createdAt: Date;
  updatedAt: Date;
  hasSchema: boolean;
  version: { n: number; rows: number; bytes: number; sha256: string; createdAt: Date } | null;
}

export interface DescribedDataset {
  dataset: NamedNode;
  dataService?: NamedNode;
}

/** The shared bits each distribution and the data service repeat from their dataset. */
interface Context {
  g: DocumentGraph;
  iris: ExportIris;
  d: ExportedDataset;
  dataset: NamedNode;
  publisher: NamedNode;
  contact?: NamedNode;
  licence?: NamedNode;
  accessRights: NamedNode;
  schema?: NamedNode;
  themes: NamedNode[];
}

export function describeDataset(g: DocumentGraph, iris: ExportIris, d: ExportedDataset): DescribedDataset {
  const m = d.metadata;
  const node = iri(iris.dataset(d.org.name, d.name));
  const c: Context = {
    g,
    iris,
    d,
    dataset: node,
    publisher: publisher(g, iris, d.org),
    contact: describeContact(g, iris, d),
    licence: m.licence ? licence(g, iris, m.licence) : undefined,
    accessRights: accessRights(g, m.accessRights ?? "PUBLIC"),
    schema: d.hasSchema ? tableSchema(g, iris, d) : undefined,
    themes: euThemesOf(m.themes ?? []).map((code) => theme(g, code)),
  };

  g.type(node, dcat("Dataset"))
    .add(node, dct("identifier"), plain(`${d.org.name}/${d.name}`))
    .add(node, dct("title"), text(d.title, "vi"))
    .add(node, dct("title"), m.titleEn ? text(m.titleEn, "en") : undefined)
    // DCAT-AP requires a description: a dataset without one is described by its title.
    .add(node, dct("description"), text(d.description?.trim() || d.title, "vi"));
  const descriptionEn = m.descriptionEn?.trim() || m.titleEn;
  if (descriptionEn) g.add(node, dct("description"), text(descriptionEn, "en"));
  for (const keyword of m.keywords ?? []) g.add(node, dcat("keyword"), plain(keyword));
  for (const t of c.themes) g.add(node, dcat("theme"), t);
  g.add(node, dct("publisher"), c.publisher)
    .add(node, dcat("contactPoint"), c.contact)
    .add(node, dct("accessRights"), c.accessRights)
    .add(node, dct("accrualPeriodicity"), m.frequency ? frequency(g, m.frequency) : undefined)
    .add(node, dct("temporal"), temporal(g, iris, d))
    .add(node, dct("language"), language(g, "VIE"))
    .add(node, dcat("landingPage"), landingPage(g, iris, d))
    .add(node, dct("issued"), m.issued ? date(m.issued) : dateTime(d.createdAt))
    .add(node, dct("modified"), dateTime(d.updatedAt))
    .add(node, dct("conformsTo"), c.schema)
    .add(node, adms("versionNotes"), m.versionNotes ? plain(m.versionNotes) : undefined);
  for (const code of m.spatial ?? []) g.add(node, dct("spatial"), place(g, iris, code));

  if (!d.version) return { dataset: node };
  const version = plain(String(d.version.n));
  g.add(node, owl("versionInfo"), version).add(node, dcat("version"), version);
  for (const format of DOWNLOAD_FORMATS) {
    g.add(
      node,
      dcat("distribution"),
      g.aside(() => distribution(c, format)),
    );
  }
  return { dataset: node, dataService: g.aside(() => dataService(c)) };
}

/** The dataset's own contact point, or else its organization's address. */
function describeContact(g: DocumentGraph, iris: ExportIris, d: ExportedDataset) {
  const given = d.metadata.contactPoint;
  const contact: Contact | undefined = given
    ? given
    : d.org.email || d.org.website
      ? { name: d.org.title, email: d.org.email ?? undefined, url: d.org.website ?? undefined }
      : undefined;
  return contact ? g.aside(() => contactPoint(g, iris.contactPoint(d.org.name, d.name), contact)) : undefined;
}

function temporal(g: DocumentGraph, iris: ExportIris, d: ExportedDataset) {
  const t = d.metadata.temporal;
  if (!t || (!t.start && !t.end)) return undefined;
  const node = iri(iris.temporal(d.org.name, d.name));
  g.aside(() =>
    g
      .type(node, dct("PeriodOfTime"))
      .add(node, dcat("startDate"), t.start ? date(t.start) : undefined)
      .add(node, dcat("endDate"), t.end ? date(t.end) : undefined),
  );
  return node;
}

function landingPage(g: DocumentGraph, iris: ExportIris, d: ExportedDataset) {
  const node = webIri(d.metadata.landingPage) ?? iri(iris.portalPage(d.org.name, d.name));
  g.aside(() => g.type(node, foaf("Document")));
  return node;
}

/** The current version's Table Schema, as the standard the dataset and its distributions conform to. */
function tableSchema(g: DocumentGraph, iris: ExportIris, d: ExportedDataset) {
  const node = iri(iris.tableSchema(d.org.name, d.name));
  g.aside(() =>
    g
      .type(node, dct("Standard"))
      .add(node, dct("title"), plain(`Table Schema: ${d.org.name}/${d.name}`))
      .add(node, dct("conformsTo"), iri("https://specs.frictionlessdata.io/table-schema/")),
  );
  return node;
}

function distribution(c: Context, format: DownloadFormat): NamedNode {
  const { g, iris, d } = c;
  const version = d.version;
  if (!version) throw new Error("a distribution needs a version");
  const node = iri(iris.distribution(d.org.name, d.name, format.ext));
  const url = iri(iris.download(d.org.name, d.name, format.ext));
  g.type(node, dcat("Distribution"))
    .add(node, dct("title"), text(`${d.title} (${format.label})`, "vi"))
    .add(
      node,
      dct("description"),
      text(`Phiên bản ${version.n}: ${version.rows} dòng, ${format.label}.`, "vi"),
    )
    .add(node, dct("description"), text(`Version ${version.n}: ${version.rows} rows, ${format.label}.`, "en"))
    .add(node, dcat("accessURL"), url)
    .add(node, dcat("downloadURL"), url)
    .add(node, dct("format"), fileType(g, format))
    .add(node, dcat("mediaType"), mediaType(g, format))
    .add(node, dct("license"), c.licence)
    .add(node, dct("conformsTo"), c.schema)
    .add(node, dct("modified"), dateTime(version.createdAt))
    .add(node, dcatap("availability"), stableAvailability(g));
  if (format.ext === "parquet") {
    // The Parquet file is the version itself: its size and SHA-256 are known exactly (and signed).
    const checksum = iri(iris.checksum(d.org.name, d.name, format.ext));
    g.add(node, dcat("byteSize"), nonNegativeInteger(version.bytes)).add(node, spdx("checksum"), checksum);
    g.aside(() =>
      g
        .type(checksum, spdx("Checksum"))
        .add(checksum, spdx("algorithm"), sha256Algorithm(g))
        .add(checksum, spdx("checksumValue"), hexBinary(version.sha256)),
    );
  }
  return node;
}

function sha256Algorithm(g: DocumentGraph) {
  const node = spdx("checksumAlgorithm_sha256");
  g.once(node.value, () => g.type(node, spdx("ChecksumAlgorithm")));
  return node;
}

function dataService(c: Context): NamedNode {
  const { g, iris, d } = c;
  const m = d.metadata;
  const node = iri(iris.dataService(d.org.name, d.name));
  const description = iri(iris.openApi(d.org.name, d.name));
  g.aside(() =>
    g
      .type(description, dct("Standard"))
      .add(description, dct("title"), plain(`OpenAPI: ${d.org.name}/${d.name}`)),
  );
  g.type(node, dcat("DataService"))
    .add(node, dct("title"), text(`API dòng dữ liệu: ${d.title}`, "vi"))
    .add(node, dct("title"), text(`Rows API: ${m.titleEn ?? d.title}`, "en"))
    .add(node, dct("description"), text("Lọc, sắp xếp và phân trang các dòng của phiên bản hiện hành.", "vi"))
    .add(
      node,
      dct("description"),
      text("Filter, sort and page through the rows of the current version.", "en"),
    )
    .add(node, dcat("endpointURL"), iri(iris.rowsEndpoint(d.org.name, d.name)))
    .add(node, dcat("endpointDescription"), description)
    .add(node, dct("conformsTo"), description)
    .add(node, dcat("servesDataset"), c.dataset)
    .add(node, dct("publisher"), c.publisher)
    .add(node, dcat("contactPoint"), c.contact)
    .add(node, dct("license"), c.licence)
    .add(node, dct("accessRights"), c.accessRights);
  for (const t of c.themes) g.add(node, dcat("theme"), t);
  for (const keyword of m.keywords ?? []) g.add(node, dcat("keyword"), plain(keyword));
  return node;
}
