/**
 * A publisher's corrected Table Schema becomes a new version: the current version's Parquet is re-cast
 * column by column in DuckDB (set-based, no row loop) and checked before anything is stored — a value
 * that does not fit its new type, a null in a required field or a duplicated primary key rejects the
 * change with the offending columns and sample values, and the dataset stays as it was.
 */
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { LoadedDataset } from "../catalog/service.ts";
import type { TableSchemaBody } from "../catalog/table-schema.ts";
import { getVersion, recordVersion, referencedBlobKeys, type Version } from "../catalog/versions.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";

type Field = TableSchemaBody["fields"][number];

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

const DUCK_TYPE: Record<Field["type"], string> = {
  integer: "BIGINT",
  number: "DOUBLE",
  string: "VARCHAR",
  boolean: "BOOLEAN",
  date: "DATE",
  datetime: "TIMESTAMP",
  time: "TIME",
  year: "INTEGER",
};

/** SQL turning column `col` of DuckDB type `from` into the field's type, NULL where a value does not fit. */
export function castExpression(col: string, from: string, field: Field): string {
  const target = DUCK_TYPE[field.type];
  const c = ident(col);
  const isText = from === "VARCHAR";
  if (!isText || field.type === "string") return `TRY_CAST(${c} AS ${target})`;
  const parse = field["mekong:parse"] ?? {};
  const text = `nullif(trim(${c}), '')`;
  switch (field.type) {
    case "integer":
    case "number": {
      let t = text;
      if (parse.groupChar) t = `replace(${t}, ${quote(parse.groupChar)}, '')`;
      if (parse.decimalChar === ",") t = `replace(${t}, ',', '.')`;
      return `TRY_CAST(${t} AS ${target})`;
    }
    case "date":
    case "datetime":
      return parse.dateFormat
        ? `TRY_CAST(try_strptime(${text}, ${quote(parse.dateFormat)}) AS ${target})`
        : `TRY_CAST(${text} AS ${target})`;
    case "boolean": {
      const trues = (parse.trueValues ?? ["true", "có", "yes", "1"])
        .map((v) => quote(v.toLowerCase()))
        .join(", ");
      const falses = (parse.falseValues ?? ["false", "không", "no", "0"])
        .map((v) => quote(v.toLowerCase()))
        .join(", ");
      return `CASE WHEN lower(${text}) IN (${trues}) THEN true WHEN lower(${text}) IN (${falses}) THEN false END`;
    }
    default:
      return `TRY_CAST(${text} AS ${target})`;
  }
}

export async function changeSchema(
  ctx: AppContext,
  ds: LoadedDataset,
  schema: TableSchemaBody,
  actor: string,
  userId: string | null,
): Promise<Version> {
  const current = await getVersion(ctx.db, ds);
  const source = quote(ctx.blobs.pathOf(current.blobKey));
  const described = await ctx.engine.query<{ column_name: string; column_type: string }>(
    `DESCRIBE SELECT * FROM read_parquet(${source})`,
  );
  const existing = new Map(described.map((d) => [d.column_name, d.column_type]));
  const missing = schema.fields.filter((f) => !existing.has(f.name)).map((f) => f.name);
  const extra = [...existing.keys()].filter((n) => !schema.fields.some((f) => f.name === n));
  if (missing.length || extra.length) {
    throw new AppError("schema_mismatch", "the schema must list exactly the dataset's columns", {
      missing,
      extra,
    });
  }

  const castOf = (f: Field) => castExpression(f.name, existing.get(f.name) ?? "VARCHAR", f);
  await assertFits(ctx, source, schema, castOf);
  const casts = schema.fields.map((f) => `${castOf(f)} AS ${ident(f.name)}`);
  const out = path.join(ctx.blobs.root, ".tmp", `recast-${randomUUID()}.parquet`);
  try {
    await ctx.engine.query(
      `COPY (SELECT ${casts.join(", ")} FROM read_parquet(${source})) TO ${quote(out)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const stored = await ctx.blobs.putContentAddressed(createReadStream(out));
    try {
      return await recordVersion(
        ctx.db,
        ctx.audit,
        ctx.key,
        ds,
        {
          blobKey: stored.key,
          rows: current.rows,
          bytes: stored.bytes,
          sha256: stored.sha256,
          tableSchema: schema,
          mode: "schema",
          source: { from: current.n },
          createdBy: userId,
        },
        actor,
      );
    } catch (err) {
      if (!(await referencedBlobKeys(ctx.db)).has(stored.key)) await ctx.blobs.delete(stored.key);
      throw err;
    }
  } finally {
    await rm(out, { force: true });
  }
}

/**
 * Rejects the re-cast, before anything is written, when values would be lost, required cells are empty
 * or the primary key repeats. One scan counts every field's failures; samples are fetched only for those.
 */
async function assertFits(
  ctx: AppContext,
  source: string,
  schema: TableSchemaBody,
  castOf: (f: Field) => string,
) {
  const missing = schema.missingValues.map(quote).join(", ") || "''";
  const lostWhere = (f: Field) =>
    `${ident(f.name)} IS NOT NULL AND trim(CAST(${ident(f.name)} AS VARCHAR)) NOT IN (${missing}) AND (${castOf(f)}) IS NULL`;
  const counts = schema.fields.flatMap((f, i) => [
    `count(*) FILTER (WHERE ${lostWhere(f)}) AS lost_${i}`,
    `count(*) FILTER (WHERE (${castOf(f)}) IS NULL) AS empty_${i}`,
  ]);
  const [row] = await ctx.engine.query<Record<string, number>>(
    `SELECT ${counts.join(", ")} FROM read_parquet(${source})`,
  );
  const problems: { field: string; problem: string; samples: unknown[] }[] = [];
  for (const [i, f] of schema.fields.entries()) {
    const lost = Number(row?.[`lost_${i}`] ?? 0);
    if (lost > 0) {
      const samples = await ctx.engine.query<{ v: string }>(
        `SELECT DISTINCT CAST(${ident(f.name)} AS VARCHAR) AS v FROM read_parquet(${source}) WHERE ${lostWhere(f)} LIMIT 5`,
      );
      problems.push({
        field: f.name,
        problem: `${lost} values are not ${f.type}`,
        samples: samples.map((s) => s.v),
      });
    }
    const empty = Number(row?.[`empty_${i}`] ?? 0);
    if (f.constraints?.required && empty > 0) {
      problems.push({ field: f.name, problem: `${empty} empty cells in a required field`, samples: [] });
    }
  }
  if (schema.primaryKey?.length) {
    const keyFields = schema.primaryKey.map((k) => schema.fields.find((f) => f.name === k) as Field);
    const key = keyFields.map((f, i) => `${castOf(f)} AS k${i}`).join(", ");
    const cols = keyFields.map((_, i) => `k${i}`).join(", ");
    const dups = await ctx.engine.query(
      `SELECT ${cols}, count(*) AS n FROM (SELECT ${key} FROM read_parquet(${source})) GROUP BY ${cols}
       HAVING count(*) > 1 OR ${keyFields.map((_, i) => `k${i} IS NULL`).join(" OR ")} LIMIT 5`,
    );
    if (dups.length) {
      problems.push({
        field: schema.primaryKey.join(","),
        problem: "primary key values repeat or are empty",
        samples: dups,
      });
    }
  }
  if (problems.length)
    throw new AppError("schema_mismatch", "the data does not fit the new schema", { problems });
}
