/**
 * The PostgreSQL side of the rows benchmark: a minimal HTTP server answering the same three queries as
 * Mekong's data API — a filtered, sorted page with an exact total, an aggregate by province, a text
 * search — with Fastify and a `pg` pool, parameterised queries only. Columns are checked against the
 * bench table's; nothing else is supported.
 *
 *   BENCH_PG_TABLE=doanh_nghiep_5000000 node --import tsx bench/pg-server.ts
 */
import Fastify from "fastify";
import pg from "pg";
import { BENCH_COLUMNS } from "./generate-csv.ts";
import { benchDatabaseUrl } from "./lib/postgres.ts";

const table = pg.escapeIdentifier(process.env.BENCH_PG_TABLE ?? "doanh_nghiep_5000000");
const COLUMNS = new Set<string>(BENCH_COLUMNS);
const TEXT_COLUMNS = ["ho_ten", "ma_tinh", "tinh", "dia_chi"];
const RESERVED = new Set(["limit", "sort", "total", "q", "offset"]);

const pool = new pg.Pool({
  connectionString: benchDatabaseUrl(),
  max: Number(process.env.BENCH_PG_POOL ?? 10),
  // What a DBA would set for analytical reads on a 2-core box; the server default is 4MB.
  options: "-c work_mem=64MB",
});

const col = (name: string) => {
  if (!COLUMNS.has(name)) throw Object.assign(new Error(`unknown column ${name}`), { statusCode: 400 });
  return pg.escapeIdentifier(name);
};

/** `unaccent` is not immutable, so it cannot back an index: the search is a scan, as Mekong's is. */
const searchable = `unaccent(lower(concat_ws(' ', ${TEXT_COLUMNS.map((c) => pg.escapeIdentifier(c)).join(", ")})))`;

const app = Fastify({ logger: false });

app.get("/rows", async (req) => {
  const query = req.query as Record<string, string>;
  const params: unknown[] = [];
  const where: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (RESERVED.has(key)) continue;
    params.push(value);
    where.push(`${col(key)} = $${params.length}`);
  }
  if (query.q) {
    for (const word of query.q.trim().split(/\s+/)) {
      params.push(`%${word.replace(/[\\%_]/g, "\\$&")}%`);
      where.push(`${searchable} LIKE unaccent(lower($${params.length}))`);
    }
  }
  const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const sort = query.sort
    ? `ORDER BY ${col(query.sort.replace(/^-/, ""))} ${query.sort.startsWith("-") ? "DESC" : "ASC"}`
    : "";
  const limit = Math.min(1000, Number(query.limit ?? 100));
  const [page, total] = await Promise.all([
    pool.query(`SELECT * FROM ${table} ${filter} ${sort} LIMIT ${limit}`, params),
    query.total === "exact"
      ? pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} ${filter}`, params)
      : undefined,
  ]);
  return { rows: page.rows, total: total ? Number(total.rows[0]?.n) : undefined };
});

app.get("/aggregate", async (req) => {
  const query = req.query as Record<string, string>;
  const groupBy = (query.groupBy ?? "").split(",").filter(Boolean).map(col);
  const metrics = (query.metrics ?? "count").split(",").map((m) => {
    if (m === "count") return "count(*) AS count";
    const [fn, column] = m.split(":");
    if (!fn || !column || !["sum", "avg", "min", "max"].includes(fn)) {
      throw Object.assign(new Error(`unknown metric ${m}`), { statusCode: 400 });
    }
    return `${fn}(${col(column)}) AS ${pg.escapeIdentifier(`${fn}_${column}`)}`;
  });
  const select = [...groupBy, ...metrics].join(", ");
  const group = groupBy.length ? `GROUP BY ${groupBy.join(", ")} ORDER BY ${groupBy.join(", ")}` : "";
  const limit = Math.min(10_000, Number(query.limit ?? 1000));
  const res = await pool.query(`SELECT ${select} FROM ${table} ${group} LIMIT ${limit}`);
  return { rows: res.rows };
});

const address = await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT ?? 0) });
console.log(`pg-server listening on ${address}`);
const stop = async () => {
  await app.close();
  await pool.end();
  process.exit(0);
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
