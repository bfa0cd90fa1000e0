/**
 * For tests: reads each serialisation the export writes back into an n3 Store, with a parser from npm
 * that did not write it (n3 for Turtle, jsonld-streaming-parser, rdfxml-streaming-parser).
 */
import { Readable } from "node:stream";
import { JsonLdParser } from "jsonld-streaming-parser";
import { Parser, type Quad, Store } from "n3";
import { RdfXmlParser } from "rdfxml-streaming-parser";

function collect(parser: NodeJS.ReadWriteStream, text: string): Promise<Store> {
  const store = new Store();
  return new Promise((resolve, reject) => {
    parser.on("data", (q: Quad) => store.addQuad(q));
    parser.on("error", reject);
    parser.on("end", () => resolve(store));
    Readable.from([text]).pipe(parser as unknown as NodeJS.WritableStream);
  });
}

export async function parseRdf(text: string, ext: "ttl" | "jsonld" | "rdf"): Promise<Store> {
  if (ext === "ttl") return new Store(new Parser({ format: "text/turtle" }).parse(text));
  if (ext === "jsonld") return collect(new JsonLdParser() as unknown as NodeJS.ReadWriteStream, text);
  return collect(new RdfXmlParser() as unknown as NodeJS.ReadWriteStream, text);
}

/** The graph as sorted N-Triples-like lines, to compare graphs without blank nodes. */
export function canonicalLines(store: Store): string[] {
  return store
    .getQuads(null, null, null, null)
    .map((q) => `${q.subject.id} ${q.predicate.id} ${q.object.id}`)
    .sort();
}
