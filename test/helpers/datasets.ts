/**
 * Test factory for datasets with data: writes rows to a real Parquet version through DuckDB and records
 * it like an upload would, without going through file ingestion.
 */
import { createReadStream } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { createDataset, getDataset } from "../../src/catalog/service.ts";
import { recordVersion, type Version } from "../../src/catalog/versions.ts";
import type { AppContext } from "../../src/context.ts";

export type DuckType = "BIGINT" | "DOUBLE" | "VARCHAR" | "BOOLEAN" | "DATE" | "TIMESTAMP";
const FRICTIONLESS: Record<DuckType, string> = {
  BIGINT: "integer",
  DOUBLE: "number",
  VARCHAR: "string",
  BOOLEAN: "boolean",
  DATE: "date",
  TIMESTAMP: "datetime",
};

export interface DatasetSpec {
  org: string;
  name: string;
  title?: string;
  visibility?: "draft" | "private" | "shared" | "open";
  columns: Record<string, DuckType>;
  rows: Record<string, unknown>[];
  primaryKey?: string[];
}

let seq = 0;

/** Creates `org/name` (if needed) and adds a version holding `rows`; returns the version. */
export async function makeDatasetWithRows(
  ctx: AppContext,
  spec: DatasetSpec,
  createdBy?: string,
): Promise<Version> {
  const exists = await getDataset(ctx.db, spec.org, spec.name).catch(() => undefined);
  if (!exists) {
    await createDataset(
      ctx.db,
      ctx.audit,
      { id: createdBy ?? (null as unknown as string), name: "system:test" },
      {
        org: spec.org,
        name: spec.name,
        title: spec.title ?? spec.name,
        visibility: spec.visibility ?? "open",
      },
    );
  }
  const ds = await getDataset(ctx.db, spec.org, spec.name);
  const tmp = path.join(ctx.blobs.root, ".tmp", `test-${process.pid}-${++seq}`);
  const ndjson = `${tmp}.ndjson`;
  const parquet = `${tmp}.parquet`;
  await writeFile(ndjson, spec.rows.map((r) => JSON.stringify(r)).join("\n"));
  try {
    const columns = Object.entries(spec.columns)
      .map(([name, type]) => `'${name.replace(/'/g, "''")}': '${type}'`)
      .join(", ");
    await ctx.engine.query(
      `COPY (SELECT * FROM read_json('${ndjson}', format = 'newline_delimited', columns = {${columns}})) TO '${parquet}' (FORMAT parquet)`,
    );
    const stored = await ctx.blobs.putContentAddressed(createReadStream(parquet));
    const schema = {
      fields: Object.entries(spec.columns).map(([name, type]) => ({ name, type: FRICTIONLESS[type] })),
      missingValues: [""],
      ...(spec.primaryKey ? { primaryKey: spec.primaryKey } : {}),
    };
    return await recordVersion(
      ctx.db,
      ctx.audit,
      ctx.key,
      ds,
      {
        blobKey: stored.key,
        rows: spec.rows.length,
        bytes: stored.bytes,
        sha256: stored.sha256,
        tableSchema: schema,
        mode: "replace",
        source: { format: "test" },
        createdBy: createdBy ?? null,
      },
      "system:test",
    );
  } finally {
    await rm(ndjson, { force: true });
    await rm(parquet, { force: true });
  }
}
