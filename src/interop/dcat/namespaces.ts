/**
 * The RDF vocabularies the DCAT-AP export speaks, with the prefixes every serialisation declares, and
 * term builders (`dcat("Dataset")`) so no IRI is spelled twice.
 */
import { DataFactory } from "n3";

const { namedNode } = DataFactory;

export const PREFIXES = {
  rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  rdfs: "http://www.w3.org/2000/01/rdf-schema#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
  owl: "http://www.w3.org/2002/07/owl#",
  dcat: "http://www.w3.org/ns/dcat#",
  dct: "http://purl.org/dc/terms/",
  dcatap: "http://data.europa.eu/r5r/",
  adms: "http://www.w3.org/ns/adms#",
  foaf: "http://xmlns.com/foaf/0.1/",
  vcard: "http://www.w3.org/2006/vcard/ns#",
  skos: "http://www.w3.org/2004/02/skos/core#",
  spdx: "http://spdx.org/rdf/terms#",
  hydra: "http://www.w3.org/ns/hydra/core#",
} as const;

export type Prefix = keyof typeof PREFIXES;

const vocabulary = (prefix: Prefix) => (local: string) => namedNode(`${PREFIXES[prefix]}${local}`);

export const rdf = vocabulary("rdf");
export const xsd = vocabulary("xsd");
export const owl = vocabulary("owl");
export const dcat = vocabulary("dcat");
export const dct = vocabulary("dct");
export const dcatap = vocabulary("dcatap");
export const adms = vocabulary("adms");
export const foaf = vocabulary("foaf");
export const vcard = vocabulary("vcard");
export const skos = vocabulary("skos");
export const spdx = vocabulary("spdx");
export const hydra = vocabulary("hydra");

export const RDF_TYPE = rdf("type");
