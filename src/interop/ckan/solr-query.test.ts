import { describe, expect, it } from "vitest";
import { parseSolrQuery, SolrSyntaxError } from "./solr-query.ts";

const clause = (field: string, values: string[], negate = false) => ({ field, values, negate });

describe("parseSolrQuery", () => {
  it("reads field clauses, AND-ed by space, + or AND", () => {
    for (const fq of [
      "organization:bo-tai-chinh tags:economy",
      "+organization:bo-tai-chinh +tags:economy",
      "organization:bo-tai-chinh AND tags:economy",
      "organization:bo-tai-chinh && +tags:economy",
    ]) {
      expect(parseSolrQuery(fq)).toEqual({
        text: [],
        clauses: [clause("organization", ["bo-tai-chinh"]), clause("tags", ["economy"])],
      });
    }
  });

  it("reads quoted values with spaces, escapes and Vietnamese text", () => {
    expect(parseSolrQuery('tags:"giá lúa" res_format:"CSV" license_id:CC\\-BY\\-4.0').clauses).toEqual([
      clause("tags", ["giá lúa"]),
      clause("res_format", ["CSV"]),
      clause("license_id", ["CC-BY-4.0"]),
    ]);
    expect(parseSolrQuery('tags:"say \\"hi\\""').clauses).toEqual([clause("tags", ['say "hi"'])]);
  });

  it("joins values of one field with OR, written either way", () => {
    const expected = [clause("organization", ["a-org", "b-org", "c-org"])];
    expect(parseSolrQuery("organization:a-org OR organization:b-org OR organization:c-org").clauses).toEqual(
      expected,
    );
    expect(parseSolrQuery("organization:(a-org OR b-org OR c-org)").clauses).toEqual(expected);
    expect(
      parseSolrQuery("(organization:a-org OR organization:b-org || organization:c-org)").clauses,
    ).toEqual(expected);
  });

  it("reads negation by - and NOT", () => {
    expect(parseSolrQuery("-organization:a-org NOT organization:b-org").clauses).toEqual([
      clause("organization", ["a-org"], true),
      clause("organization", ["b-org"], true),
    ]);
  });

  it("reads ranges with open ends, and ignores *:*", () => {
    expect(parseSolrQuery("*:* metadata_modified:[2024-05-01T10:00:00.123456Z TO *]").clauses).toEqual([
      {
        field: "metadata_modified",
        values: [],
        range: { from: "2024-05-01T10:00:00.123456Z" },
        negate: false,
      },
    ]);
    expect(parseSolrQuery("metadata_modified:[* TO NOW]").clauses[0]?.range).toEqual({ to: "NOW" });
  });

  it("keeps free text apart from clauses", () => {
    expect(parseSolrQuery('dân số "Hà Nội" organization:gso')).toEqual({
      text: ["dân", "số", "Hà Nội"],
      clauses: [clause("organization", ["gso"])],
    });
  });

  it("lower-cases field names", () => {
    expect(parseSolrQuery("Tags:Economy").clauses).toEqual([clause("tags", ["Economy"])]);
  });

  it.each([
    ["OR across fields", "organization:a OR tags:b"],
    ["AND inside a value group", "tags:(a AND b)"],
    ["an unbalanced bracket", "metadata_modified:[2024 TO *"],
    ["an unterminated quote", 'tags:"abc'],
    ["a trailing operator", "tags:a OR"],
    ["a leading OR", "OR tags:a"],
    ["an empty value", "tags:"],
    ["a malformed range", "metadata_modified:[2024 2025]"],
    ["a group of different clauses", "(tags:a organization:b)"],
  ])("refuses %s", (_why, fq) => {
    expect(() => parseSolrQuery(fq)).toThrow(SolrSyntaxError);
  });
});
