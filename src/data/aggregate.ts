/**
 * Aggregates over a version's rows: `groupBy=a,b` and `metrics=count,sum:x,avg:x,min:x,max:x,count_distinct:x`
 * over the same selection as the rows API (filters and `q`), sorted by a group field or a metric's alias
 * (`-sum_x`), at most `limit` groups. `sum` and `avg` take number or integer fields; `min` and `max` any
 * field but a boolean; `count_distinct` any field; `count:x` counts the rows where `x` is not null.
 */
import type { LoadedDataset } from "../catalog/service.ts";
import type { AppContext } from "../context.ts";
import type { Row } from "../engine/index.ts";
import { Bindings, quoteIdentifier } from "./bindings.ts";
import { readPreferringCopy } from "./clustered.ts";
import { parseSelection, whereClause } from "./selection.ts";
import { fromVersion, openVersion, type VersionSource } from "./source.ts";
import { selectRows } from "./statements.ts";
import { type DataField, type FieldType, invalidParameter, isNumeric, requireField } from "./table-schema.ts";

export const AGGREGATE_PARAMETERS = new Set(["groupBy", "metrics", "q", "sort", "limit", "version"]);
export const METRIC_FUNCTIONS = ["count", "sum", "avg", "min", "max", "count_distinct"] as const;
type MetricFunction = (typeof METRIC_FUNCTIONS)[number];
export const MAX_GROUP_FIELDS = 10;
export const MAX_METRICS = 20;

export interface AggregateRequest {
  groupBy?: string;
  metrics?: string;
  sort?: string;
  limit: number;
  version?: number;
  query: Readonly<Record<string, unknown>>;
}

/** A column of the answer: a group field as in the schema, or a metric with the type of its values. */
export type AggregateField = DataField | { name: string; type: FieldType };

export interface AggregateResult {
  source: VersionSource;
  fields: AggregateField[];
  records: Row[];
  /** True when there were more groups than `limit`. */
  truncated: boolean;
}

interface Metric {
  fn: MetricFunction;
  field?: DataField;
  alias: string;
}

function parseMetric(fields: readonly DataField[], text: string): Metric {
  const path = "/querystring/metrics";
  const [fn, name, ...rest] = text.split(":");
  if (!(METRIC_FUNCTIONS as readonly string[]).includes(fn ?? "") || rest.length > 0) {
    throw invalidParameter(
      path,
      `"${text}" is not a metric; use count or one of ${METRIC_FUNCTIONS.join(", ")} as fn:field`,
    );
  }
  const metric = fn as MetricFunction;
  if (name === undefined) {
    if (metric !== "count") throw invalidParameter(path, `${metric} needs a field: ${metric}:field`);
    return { fn: metric, alias: "count" };
  }
  const field = requireField(fields, name, path);
  if ((metric === "sum" || metric === "avg") && !isNumeric(field)) {
    throw invalidParameter(path, `${metric} needs a number or integer field; "${name}" is ${field.type}`);
  }
  if ((metric === "min" || metric === "max") && field.type === "boolean") {
    throw invalidParameter(path, `${metric} does not apply to the boolean field "${name}"`);
  }
  return { fn: metric, field, alias: `${metric}_${name}` };
}

function metricSql(m: Metric): string {
  const column = m.field ? quoteIdentifier(m.field.name) : "*";
  const call = m.fn === "count_distinct" ? `count(DISTINCT ${column})` : `${m.fn}(${column})`;
  return `${call} AS ${quoteIdentifier(m.alias)}`;
}

function metricType(m: Metric): FieldType {
  if (m.fn === "count" || m.fn === "count_distinct") return "integer";
  if (m.fn === "avg") return "number";
  if (m.fn === "sum") return m.field?.type === "number" ? "number" : "integer";
  return m.field?.type ?? "string";
}

function parseList(text: string | undefined): string[] {
  return text ? text.split(",") : [];
}

/**
 * The aggregate `request` asks of `dataset`.
 * @throws `version_not_found`, `validation_failed` (naming the parameter), `query_timeout`
 */
export async function aggregateRows(
  ctx: AppContext,
  dataset: LoadedDataset,
  request: AggregateRequest,
): Promise<AggregateResult> {
  const source = await openVersion(ctx, dataset, request.version);
  const groups = parseList(request.groupBy).map((name) =>
    requireField(source.fields, name, "/querystring/groupBy"),
  );
  if (groups.length > MAX_GROUP_FIELDS)
    throw invalidParameter("/querystring/groupBy", `at most ${MAX_GROUP_FIELDS} fields`);
  const metrics = parseList(request.metrics ?? "count").map((m) => parseMetric(source.fields, m));
  if (metrics.length > MAX_METRICS)
    throw invalidParameter("/querystring/metrics", `at most ${MAX_METRICS} metrics`);
  const names = [...groups.map((g) => g.name), ...metrics.map((m) => m.alias)];
  if (new Set(names).size !== names.length) {
    throw invalidParameter("/querystring", "groupBy and metrics name the same column twice");
  }
  const selection = parseSelection(source.fields, request.query, AGGREGATE_PARAMETERS);

  const order = parseList(request.sort).map((term) => {
    const descending = term.startsWith("-");
    const name = descending ? term.slice(1) : term;
    if (!names.includes(name)) {
      throw invalidParameter(
        "/querystring/sort",
        `sort by a groupBy field or a metric alias (${names.join(", ")}), not "${name}"`,
      );
    }
    return `${quoteIdentifier(name)} ${descending ? "DESC" : "ASC"} NULLS LAST`;
  });
  const groupColumns = groups.map((g) => quoteIdentifier(g.name));
  order.push(...groupColumns.map((c) => `${c} ASC NULLS LAST`));

  const b = new Bindings();
  const where = whereClause(selection, source.fields, b);
  const limit = `LIMIT ${b.bind(BigInt(request.limit + 1))}`;
  const sqlFrom = (s: VersionSource) =>
    [
      `SELECT ${[...groupColumns, ...metrics.map(metricSql)].join(", ")}`,
      `FROM ${fromVersion(s)} ${where}`,
      groupColumns.length > 0 ? `GROUP BY ${groupColumns.join(", ")}` : "",
      order.length > 0 ? `ORDER BY ${order.join(", ")}` : "",
      limit,
    ].join(" ");
  const result = await readPreferringCopy(ctx, source, selection, (s) =>
    ctx.engine.withConnection((c) => selectRows(c, ctx.blobs.root, sqlFrom(s), b.values)),
  );
  const truncated = result.rows.length > request.limit;
  const rows = truncated ? result.rows.slice(0, request.limit) : result.rows;
  return {
    source,
    fields: [...groups, ...metrics.map((m) => ({ name: m.alias, type: metricType(m) }))],
    records: rows.map((values) => Object.fromEntries(names.map((name, i) => [name, values[i] ?? null]))),
    truncated,
  };
}
