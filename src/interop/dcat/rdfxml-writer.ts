/**
 * A streaming RDF/XML serialiser (no well-kept npm package writes RDF/XML from RDF/JS quads). Quads in,
 * text out: consecutive statements about one subject share an `rdf:Description`; nothing is buffered
 * beyond the current statement, so a catalog of any size streams through it.
 */
import { Transform, type TransformCallback } from "node:stream";
import type { Quad, Term } from "n3";

const RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const XSD_STRING = "http://www.w3.org/2001/XMLSchema#string";
const LANG_STRING = `${RDF_NS}langString`;
const NCNAME = /^[A-Za-z_][\w.-]*$/;
// Characters XML 1.0 cannot carry at all, escaped or not: control characters and lone surrogates.
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\r": "&#13;",
  "\n": "&#10;",
  "\t": "&#9;",
};
const xmlText = (s: string) => s.replace(NOT_XML, "\uFFFD").replace(/[&<>\r]/g, (c) => ESCAPES[c] ?? c);
const xmlAttr = (s: string) => s.replace(NOT_XML, "\uFFFD").replace(/[&<>"\r\n\t]/g, (c) => ESCAPES[c] ?? c);
const nodeId = (t: Term) => `b${t.value.replace(/[^\w.-]/g, "_")}`;

export class RdfXmlWriter extends Transform {
  private readonly namespaces: [prefix: string, ns: string][];
  private started = false;
  private subject: string | undefined;

  constructor(prefixes: Record<string, string>) {
    super({ writableObjectMode: true });
    this.namespaces = Object.entries({ rdf: RDF_NS, ...prefixes }).sort((a, b) => b[1].length - a[1].length);
  }

  private header(): string {
    if (this.started) return "";
    this.started = true;
    const xmlns = this.namespaces.map(([p, ns]) => `\n    xmlns:${p}="${xmlAttr(ns)}"`).join("");
    return `<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF${xmlns}>\n`;
  }

  /** The element name of a predicate, with a namespace declaration when no prefix covers it. */
  private elementName(iri: string): { name: string; declare: string } {
    for (const [prefix, ns] of this.namespaces) {
      if (iri.startsWith(ns) && NCNAME.test(iri.slice(ns.length))) {
        return { name: `${prefix}:${iri.slice(ns.length)}`, declare: "" };
      }
    }
    const match = /^(.*[#/])([A-Za-z_][\w.-]*)$/.exec(iri);
    if (!match?.[1] || !match[2]) throw new Error(`cannot write ${iri} as an RDF/XML property`);
    return { name: `ns0:${match[2]}`, declare: ` xmlns:ns0="${xmlAttr(match[1])}"` };
  }

  private property(q: Quad): string {
    const { name, declare } = this.elementName(q.predicate.value);
    const o = q.object;
    if (o.termType === "NamedNode") return `<${name}${declare} rdf:resource="${xmlAttr(o.value)}"/>`;
    if (o.termType === "BlankNode") return `<${name}${declare} rdf:nodeID="${nodeId(o)}"/>`;
    if (o.termType !== "Literal") throw new Error(`cannot write a ${o.termType} in RDF/XML`);
    let attrs = declare;
    if (o.language) attrs += ` xml:lang="${xmlAttr(o.language)}"`;
    else if (o.datatype.value !== XSD_STRING && o.datatype.value !== LANG_STRING) {
      attrs += ` rdf:datatype="${xmlAttr(o.datatype.value)}"`;
    }
    return `<${name}${attrs}>${xmlText(o.value)}</${name}>`;
  }

  override _transform(q: Quad, _encoding: BufferEncoding, done: TransformCallback) {
    try {
      let out = this.header();
      const s = q.subject;
      const key = `${s.termType}:${s.value}`;
      if (key !== this.subject) {
        if (this.subject) out += "  </rdf:Description>\n";
        const about =
          s.termType === "BlankNode" ? `rdf:nodeID="${nodeId(s)}"` : `rdf:about="${xmlAttr(s.value)}"`;
        out += `  <rdf:Description ${about}>\n`;
        this.subject = key;
      }
      done(null, `${out}    ${this.property(q)}\n`);
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback) {
    done(null, `${this.header()}${this.subject ? "  </rdf:Description>\n" : ""}</rdf:RDF>\n`);
  }
}
