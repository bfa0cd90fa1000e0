import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../engine/index.ts";
import {
  ALLOWED_FUNCTIONS,
  ALLOWED_TABLE_FUNCTIONS,
  DENIED_FUNCTIONS,
  PARSER_SPECIAL_FUNCTIONS,
} from "./sql-functions.ts";
import { guardSql, parseDatasetReference } from "./sql-guard.ts";

let base: string;
let engine: Engine;

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), "mekong-sql-guard-"));
  engine = await createEngine({
    blobRoot: path.join(base, "blobs"),
    tempDir: path.join(base, "tmp"),
    poolSize: 1,
  });
});
afterAll(async () => {
  await engine?.close();
  await rm(base, { recursive: true, force: true });
});

/** The code a statement is refused with, or the table names it reads. */
async function verdict(sql: string): Promise<string | string[]> {
  try {
    return (await guardSql(engine, sql)).map((r) => r.table);
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe("what the guard lets through", () => {
  it.each([
    ['SELECT * FROM "bo-tai-chinh/ngan-sach"', ["bo-tai-chinh/ngan-sach"]],
    ['SELECT * FROM "bo-tai-chinh/ngan-sach@3" t', ["bo-tai-chinh/ngan-sach@3"]],
    ['FROM "a1/b1" SELECT x', ["a1/b1"]],
    ['SELECT * FROM "a1/b1" JOIN "a1/c1" USING (id)', ["a1/b1", "a1/c1"]],
    ['SELECT * FROM "a1/b1" UNION ALL SELECT * FROM "a1/b1@1"', ["a1/b1", "a1/b1@1"]],
    ['WITH t AS (SELECT * FROM "a1/b1"), u AS (SELECT * FROM t) SELECT * FROM u', ["a1/b1"]],
    ["WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r", []],
    ['SELECT * FROM "a1/b1" WHERE x IN (SELECT x FROM "a1/c1") AND EXISTS (SELECT 1)', ["a1/b1", "a1/c1"]],
    [
      "SELECT list_transform([1, 2], x -> x + 1), list_filter([1], lambda y: y > 0), [x * 2 for x in [1, 2]]",
      [],
    ],
    ['SELECT region, sum(v), row_number() OVER (ORDER BY sum(v) DESC) FROM "a1/b1" GROUP BY ALL', ["a1/b1"]],
    ['SELECT lag(v) OVER w, avg(v) OVER w FROM "a1/b1" WINDOW w AS (ORDER BY d) QUALIFY v > 0', ["a1/b1"]],
    ["SELECT count(*) FILTER (WHERE i > 2), string_agg(i::VARCHAR, ',' ORDER BY i) FROM range(10) t(i)", []],
    ["SELECT * FROM generate_series(1, 3), unnest([1, 2])", []],
    ["SELECT strftime(now(), '%Y'), current_date, extract(year FROM DATE '2024-01-01'), 'a' ILIKE 'A'", []],
    ["SELECT {'a': 1}.a, [1, 2][1], map {'k': 1}['k'], coalesce(NULL, 1), CASE WHEN true THEN 1 END", []],
    ["SELECT * FROM (VALUES (1), (2)) v(x) ORDER BY ALL LIMIT (SELECT 1)", []],
    ["PIVOT \"a1/b1\" ON k IN ('x', 'y') USING sum(v)", ["a1/b1"]],
    ["SELECT 1;", []],
    // the parser itself writes `main.` before some built-ins, so a user writing it changes nothing
    ["SELECT main.abs(-1), main.list_value(1)", []],
  ])("allows %j", async (sql, tables) => {
    expect(await verdict(sql)).toEqual(tables);
  });
});

describe("what the guard refuses before anything runs", () => {
  it.each([
    // not one SELECT
    "SET enable_external_access = true",
    "PRAGMA database_list",
    "COPY (SELECT 1) TO '/tmp/x'",
    "EXPORT DATABASE '/tmp/x'",
    "ATTACH '/tmp/x.db'",
    "DETACH x",
    "INSTALL httpfs",
    "LOAD httpfs",
    "CALL duckdb_settings()",
    "CREATE TABLE t (a INT)",
    "CREATE TEMP VIEW v AS SELECT 1",
    "INSERT INTO t VALUES (1)",
    "UPDATE t SET a = 1",
    "DELETE FROM t",
    "DROP TABLE t",
    "EXPLAIN SELECT 1",
    "SELECT 1; DROP TABLE x",
    "SELECT 1 /* ; */; SELECT 2",
    "SELECT 1; -- harmless?\nSELECT 2",
    "",
    "-- only a comment",
    // table functions and files
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_blob('/etc/passwd')",
    "SELECT * FROM read_parquet('x.parquet')",
    "SELECT * FROM read_json('x.json')",
    "SELECT * FROM glob('*')",
    "SELECT * FROM sniff_csv('x.csv')",
    "SELECT * FROM parquet_metadata('x.parquet')",
    "SELECT * FROM query('SELECT 1')",
    "SELECT * FROM query_table('t')",
    "SELECT * FROM duckdb_settings()",
    "SELECT * FROM json_execute_serialized_sql('{}')",
    "SELECT * FROM system.main.range(3)",
    "FROM 'some/file.parquet'",
    'FROM "some/file.parquet"',
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM 'https://example.com/x.csv'",
    // catalog tables and views
    "SELECT * FROM duckdb_settings",
    "SELECT * FROM information_schema.tables",
    "SELECT * FROM system.main.duckdb_settings",
    'SELECT * FROM temp.main."a1/b1"',
    'SELECT * FROM "a1/b1" AT (VERSION => 1)',
    'SELECT * FROM "A1/B1"',
    "DESCRIBE t",
    'SUMMARIZE "a1/b1"',
    "SHOW TABLES",
    // hidden in subqueries, CTEs, joins, set operations and expressions
    "SELECT * FROM (SELECT * FROM read_parquet('/etc/x.parquet'))",
    "WITH x AS (SELECT * FROM read_csv('/etc/passwd')) SELECT * FROM x",
    "SELECT * FROM \"a1/b1\" JOIN read_csv('/etc/passwd') ON true",
    "SELECT 1 UNION SELECT * FROM glob('/*')",
    "SELECT (SELECT count(*) FROM read_text('/etc/passwd'))",
    "SELECT 1 WHERE EXISTS (SELECT * FROM duckdb_settings())",
    "SELECT * FROM range(3) LIMIT (SELECT count(*) FROM read_csv('/etc/passwd'))",
    "SELECT * FROM unnest((SELECT list(content) FROM read_text('/etc/passwd')))",
    // CTE names do not open up catalog tables out of their scope
    "SELECT * FROM (WITH duckdb_settings AS (SELECT 1) SELECT * FROM duckdb_settings), duckdb_settings",
    "WITH duckdb_settings AS (SELECT * FROM duckdb_settings) SELECT * FROM duckdb_settings",
    "WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a",
    'WITH "a1/b1" AS (SELECT 1) SELECT * FROM "a1/b1"',
    // functions that reach the outside, the configuration or other SQL
    "SELECT getenv('HOME')",
    "SELECT current_setting('allowed_directories')",
    "SELECT getvariable('x')",
    "SELECT write_log('x')",
    "SELECT json_serialize_plan('SELECT 1')",
    "SELECT sleep_ms(100000)",
    "SELECT pg_sleep(100)",
    "SELECT setseed(0.5)",
    "SELECT nextval('s')",
    "SELECT pg_catalog.current_setting('x')",
    "SELECT system.main.abs(1)",
    "SELECT temp.main.abs(1)",
    "SELECT \"CURRENT_SETTING\"('x')",
    "SELECT list_transform([1], x -> current_setting('temp_directory'))",
    "SELECT sum(v) OVER (ORDER BY current_setting('threads')) FROM range(3) t(v)",
    "SELECT * FROM range(3) ORDER BY getvariable('x')",
    "SELECT $1",
    "SELECT ?",
  ])("refuses %j with sql_not_allowed", async (sql) => {
    expect(await verdict(sql)).toBe("sql_not_allowed");
  });

  it("answers a syntax error with DuckDB's parser message, distinct from a refusal", async () => {
    await expect(guardSql(engine, "SELEC 1")).rejects.toMatchObject({
      code: "sql_syntax_error",
      message: expect.stringContaining("syntax error"),
    });
    expect(await verdict("SELECT * FROM")).toBe("sql_syntax_error");
  });

  it("says why, in words a user can act on", async () => {
    await expect(guardSql(engine, "SELECT 1; DROP TABLE x")).rejects.toMatchObject({
      message: expect.stringContaining("2 statements"),
    });
    await expect(guardSql(engine, "PRAGMA database_list")).rejects.toMatchObject({
      message: expect.stringContaining("PRAGMA"),
    });
    await expect(guardSql(engine, "SELECT * FROM read_csv('/etc/passwd')")).rejects.toMatchObject({
      message: expect.stringContaining("table function read_csv"),
    });
    await expect(guardSql(engine, "SELECT getenv('HOME')")).rejects.toMatchObject({
      message: expect.stringContaining("function getenv"),
    });
    await expect(guardSql(engine, "FROM 'some/file.parquet'")).rejects.toMatchObject({
      message: expect.stringContaining('"some/file.parquet"'),
      extras: { position: 5 },
    });
  });
});

describe("dataset references", () => {
  it("parses org/name and org/name@n with the catalog's name rules", () => {
    expect(parseDatasetReference("bo-y-te/benh-vien@12")).toEqual({
      table: "bo-y-te/benh-vien@12",
      org: "bo-y-te",
      name: "benh-vien",
      version: 12,
    });
    expect(parseDatasetReference("bo-y-te/benh_vien")).toMatchObject({ version: undefined });
    for (const bad of [
      "x.parquet",
      "a/b/c",
      "../a/b",
      "Org/name",
      "org/na.me",
      "org/name@",
      "org/name@x",
      "/a/b",
    ]) {
      expect(parseDatasetReference(bad)).toBeUndefined();
    }
  });
});

describe("the function allow-list", () => {
  it("names only functions DuckDB has, and none of the denied ones", async () => {
    const rows = await engine.query<{ name: string }>(
      "SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions() WHERE function_type IN ('scalar', 'aggregate', 'macro')",
    );
    const known = new Set(rows.map((r) => r.name));
    const unknown = [...ALLOWED_FUNCTIONS].filter((n) => !known.has(n) && !PARSER_SPECIAL_FUNCTIONS.has(n));
    expect(unknown).toEqual([]);
    for (const denied of DENIED_FUNCTIONS) {
      expect(ALLOWED_FUNCTIONS.has(denied), denied).toBe(false);
      expect(ALLOWED_TABLE_FUNCTIONS.has(denied), denied).toBe(false);
    }
  });
});
