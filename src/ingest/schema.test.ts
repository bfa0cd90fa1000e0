import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { literal } from "./sql.ts";
import { createIngestHarness, type IngestHarness } from "./testing.ts";
import type { TableSchema } from "./types.ts";

let h: IngestHarness;
beforeAll(async () => {
  h = await createIngestHarness();
});
afterEach(async () => {
  expect(await h.leftovers()).toEqual([]);
});
afterAll(async () => {
  await h.close();
});

function makeSchema(overrides: Partial<TableSchema> = {}): TableSchema {
  return {
    fields: [
      { name: "ma", type: "string", title: "Mã" },
      { name: "ngay", type: "date", "mekong:parse": { dateFormat: "%d/%m/%Y" } },
      { name: "so_tien", type: "number", "mekong:parse": { decimalChar: ",", groupChar: "." } },
      { name: "dat", type: "boolean", "mekong:parse": { trueValues: ["Có"], falseValues: ["Không"] } },
      { name: "so_luong", type: "integer" },
    ],
    missingValues: ["", "-"],
    ...overrides,
  };
}

describe("casting to a given schema", () => {
  it("casts by the schema's conventions, matching columns by name or title in any order", async () => {
    const csv = "so_luong;Mã;dat;ngay;so_tien\n007;01;Có;31/12/2024;1.234,5\n-;02;không; 01/02/2024 ;-\n";
    const schema = makeSchema();
    const result = await h.ingest(await h.file("cast.csv", csv), { schema });
    expect(result.schema).toEqual(schema);
    expect(await h.types(result)).toEqual({
      ma: "VARCHAR",
      ngay: "DATE",
      so_tien: "DOUBLE",
      dat: "BOOLEAN",
      so_luong: "BIGINT",
    });
    expect(await h.rows(result)).toEqual([
      { ma: "01", ngay: "2024-12-31", so_tien: 1234.5, dat: true, so_luong: 7 },
      { ma: "02", ngay: "2024-02-01", so_tien: null, dat: false, so_luong: null },
    ]);
  });

  it("schema_mismatch names the missing fields and the extra columns", async () => {
    const error = await h
      .ingest(await h.file("mismatch.csv", "ma,ngay,so_tien,ghi_chu\n1,2,3,4\n"), { schema: makeSchema() })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "schema_mismatch",
      details: { missing: ["dat", "so_luong"], extra: ["ghi_chu"] },
    });
  });

  it("cast_failed names the column, how many values failed and on which rows", async () => {
    const csv =
      "ma,ngay,so_tien,dat,so_luong\n1,31/12/2024,1,Có,1\n2,32/12/2024,2,Có,x\n3,01/01/2024,3,Không,y\n";
    const error = await h
      .ingest(await h.file("bad-values.csv", csv), { schema: makeSchema() })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "cast_failed",
      details: {
        failures: [
          { field: "ngay", type: "date", count: 1, examples: [{ row: 2, value: "32/12/2024" }] },
          {
            field: "so_luong",
            type: "integer",
            count: 2,
            examples: [
              { row: 2, value: "x" },
              { row: 3, value: "y" },
            ],
          },
        ],
      },
    });
  });

  it("casts by position in a file without a header", async () => {
    const schema: TableSchema = {
      fields: [
        { name: "id", type: "integer" },
        { name: "ten", type: "string" },
      ],
      missingValues: [""],
    };
    const result = await h.ingest(await h.file("noheader.csv", "1,An\n2,Bình\n"), { schema, header: false });
    expect(await h.rows(result)).toEqual([
      { id: 1, ten: "An" },
      { id: 2, ten: "Bình" },
    ]);
    await expect(
      h.ingest(await h.file("wide.csv", "1,An,x\n"), { schema, header: false }),
    ).rejects.toMatchObject({
      code: "schema_mismatch",
      details: { missing: [], extra: ["column_3"] },
    });
  });

  it("casts JSON and Parquet sources too", async () => {
    const schema: TableSchema = {
      fields: [
        { name: "id", type: "integer" },
        { name: "ngay", type: "date" },
      ],
      missingValues: [""],
    };
    const json = await h.ingest(await h.file("cast.json", '[{"id": "5", "ngay": "2024-01-02"}]'), { schema });
    expect(await h.rows(json)).toEqual([{ id: 5, ngay: "2024-01-02" }]);

    const source = path.join(h.tempDir, "cast-source.parquet");
    await h.engine.query(
      `COPY (SELECT 5.0::DOUBLE AS id, '2024-01-02' AS ngay) TO ${literal(source)} (FORMAT parquet)`,
    );
    const parquet = await h.ingest(source, { schema });
    expect(await h.types(parquet)).toEqual({ id: "BIGINT", ngay: "DATE" });
    await h.engine.query(`COPY (SELECT 1 AS id, 'hôm qua' AS ngay) TO ${literal(source)} (FORMAT parquet)`);
    await expect(h.ingest(source, { schema })).rejects.toMatchObject({
      code: "cast_failed",
      details: { failures: [{ field: "ngay", count: 1, examples: [{ row: 1, value: "hôm qua" }] }] },
    });
  });

  it("invalid_schema lists what is wrong with the schema itself", async () => {
    const schema = {
      fields: [
        { name: "a", type: "integer" },
        { name: "a", type: "money" },
        { name: "b", type: "number", "mekong:parse": { decimalChar: ",", groupChar: "," } },
      ],
      missingValues: [""],
      primaryKey: ["c"],
    } as unknown as TableSchema;
    const error = await h.ingest(await h.file("any.csv", "a\n1\n"), { schema }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invalid_schema" });
    expect((error as { details: { problems: string[] } }).details.problems).toHaveLength(4);
  });
});
