import { Readable } from "node:stream";
import { text as readText } from "node:stream/consumers";
import { DataFactory, Store } from "n3";
import { describe, expect, it } from "vitest";
import { negotiate } from "./negotiation.ts";
import { canonicalLines, parseRdf } from "./rdf-parsing.ts";
import { RdfXmlWriter } from "./rdfxml-writer.ts";

const { namedNode, literal, blankNode, quad } = DataFactory;
const ex = (s: string) => namedNode(`http://example.vn/${s}`);
const xsd = (s: string) => namedNode(`http://www.w3.org/2001/XMLSchema#${s}`);

const write = (quads: ReturnType<typeof quad>[]) =>
  readText(Readable.from(quads).pipe(new RdfXmlWriter({ ex: "http://example.vn/" })));

describe("RdfXmlWriter", () => {
  it("writes what an RDF/XML parser reads back as the same graph", async () => {
    const b = blankNode("x:1");
    const quads = [
      quad(ex("ds"), ex("title"), literal('Giá <xăng> & "dầu"\r\n\ttab', "vi")),
      quad(ex("ds"), ex("title"), literal("Fuel prices", "en")),
      quad(ex("ds"), ex("size"), literal("42", xsd("nonNegativeInteger"))),
      quad(ex("ds"), ex("plain"), literal("chuỗi thường")),
      quad(ex("ds"), namedNode("http://other.example/vocab#prop"), ex("o?a=1&b=2")),
      quad(ex("ds"), ex("node"), b),
      quad(b, ex("label"), literal("nút trống")),
      quad(ex("other"), ex("emoji"), literal("dữ liệu 🇻🇳")),
    ];
    const xml = await write(quads);
    expect(xml).toContain('xmlns:ns0="http://other.example/vocab#"');
    const back = await parseRdf(xml, "rdf");
    expect(back.size).toBe(quads.length);
    // Blank node labels differ between writer and parser: compare the rest exactly.
    const named = (s: Store) => canonicalLines(s).filter((l) => !l.includes("_:"));
    expect(named(back)).toEqual(named(new Store(quads)));
    expect(back.getObjects(null, ex("label"), null).map((o) => o.value)).toEqual(["nút trống"]);
  });

  it("replaces characters XML cannot carry instead of writing a broken document", async () => {
    const xml = await write([quad(ex("ds"), ex("note"), literal("a\u0001b\u0000c\uD800d"))]);
    const back = await parseRdf(xml, "rdf");
    expect(back.getObjects(ex("ds"), ex("note"), null)[0]?.value).toBe("a\uFFFDb\uFFFDc\uFFFDd");
  });

  it("writes an empty but well-formed document for no statements", async () => {
    expect((await parseRdf(await write([]), "rdf")).size).toBe(0);
  });
});

describe("negotiate", () => {
  const offers = ["text/turtle", "application/ld+json", "application/rdf+xml", "text/html"];
  it.each([
    [undefined, "text/turtle"],
    ["*/*", "text/turtle"],
    ["application/ld+json", "application/ld+json"],
    ["text/*;q=0.9, application/rdf+xml", "application/rdf+xml"],
    ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"],
    ["application/rdf+xml;q=0.2, */*;q=0.1", "application/rdf+xml"],
    ["text/turtle;q=0, */*", "application/ld+json"],
    ["image/png", undefined],
  ])("Accept %s → %s", (accept, expected) => {
    expect(negotiate(accept, offers)).toBe(expected);
  });
});
