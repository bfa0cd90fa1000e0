/**
 * A small quad builder for one RDF document: statements are collected per resource and handed out in
 * batches (one dataset at a time), and nodes shared by many datasets — publishers, licences, themes — are
 * described once per document however often they are referred to.
 */
import type { BlankNode, Literal, NamedNode, Quad } from "n3";
import { DataFactory } from "n3";
import { RDF_TYPE, xsd } from "./namespaces.ts";

const { namedNode, literal, quad } = DataFactory;

export type Subject = NamedNode | BlankNode;
export type Value = NamedNode | BlankNode | Literal;

export const iri = (value: string) => namedNode(value);
/**
 * A URL someone typed (a website, a landing page) as an IRI, normalised by the WHATWG URL parser so it
 * holds nothing a serialisation cannot carry; undefined when absent or not an absolute http(s) URL.
 */
export function webIri(value: string | null | undefined): NamedNode | undefined {
  if (!value || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.protocol === "http:" || url.protocol === "https:" ? namedNode(url.href) : undefined;
}

export const mailto = (email: string | null | undefined) =>
  email ? namedNode(`mailto:${encodeURI(email)}`) : undefined;

/** A language-tagged string. */
export const text = (value: string, lang: string) => literal(value, lang);
export const plain = (value: string) => literal(value);
export const date = (isoDate: string) => literal(isoDate, xsd("date"));
export const dateTime = (at: Date) => literal(at.toISOString(), xsd("dateTime"));
export const hexBinary = (hex: string) => literal(hex, xsd("hexBinary"));
export const nonNegativeInteger = (n: number) => literal(String(n), xsd("nonNegativeInteger"));

export class DocumentGraph {
  private pending: Quad[] = [];
  /** Descriptions of other nodes met while describing one, kept apart so each node reads as one block. */
  private asides: Quad[][] = [];
  private readonly described = new Set<string>();

  add(subject: Subject, predicate: NamedNode, object: Value | undefined | null): this {
    if (object) this.pending.push(quad(subject, predicate, object));
    return this;
  }

  /** `subject a type1, type2 …` */
  type(subject: Subject, ...types: NamedNode[]): this {
    for (const t of types) this.add(subject, RDF_TYPE, t);
    return this;
  }

  /**
   * Describes another node than the one being written: its statements are handed out after the
   * current ones, in the order the asides began.
   */
  aside<T>(describe: () => T): T {
    const outer = this.pending;
    const slot: Quad[] = [];
    this.asides.push(slot);
    this.pending = slot;
    try {
      return describe();
    } finally {
      this.pending = outer;
    }
  }

  /**
   * Describes `node` (as an aside) the first time it is met in this document only, so a publisher shared
   * by a thousand datasets is written once. Memory grows with the number of distinct shared nodes
   * (organizations, vocabulary terms), never with the number of datasets.
   */
  once(node: string, describe: () => void): this {
    if (!this.described.has(node)) {
      this.described.add(node);
      this.aside(describe);
    }
    return this;
  }

  /** The statements added since the last call. */
  take(): Quad[] {
    const out = [...this.pending, ...this.asides.flat()];
    this.pending = [];
    this.asides = [];
    return out;
  }
}
