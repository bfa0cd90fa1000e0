/**
 * The three RDF serialisations the export speaks, each as a writer stream that takes quads and gives
 * text: Turtle (n3), JSON-LD (jsonld-streaming-serializer) and RDF/XML (our own streaming writer).
 */
import type { Transform } from "node:stream";
import { JsonLdSerializer } from "jsonld-streaming-serializer";
import { StreamWriter } from "n3";
import { PREFIXES } from "./namespaces.ts";
import { RdfXmlWriter } from "./rdfxml-writer.ts";

export interface RdfFormat {
  ext: "ttl" | "jsonld" | "rdf";
  mediaType: string;
  writer(): Transform;
}

export const RDF_FORMATS: readonly RdfFormat[] = [
  { ext: "ttl", mediaType: "text/turtle", writer: () => new StreamWriter({ prefixes: PREFIXES }) },
  {
    ext: "jsonld",
    mediaType: "application/ld+json",
    writer: () => new JsonLdSerializer({ context: { ...PREFIXES } }) as unknown as Transform,
  },
  { ext: "rdf", mediaType: "application/rdf+xml", writer: () => new RdfXmlWriter(PREFIXES) },
];

export const formatByExt = (ext: string) => RDF_FORMATS.find((f) => f.ext === ext);
