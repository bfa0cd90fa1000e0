import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createEngine, type Engine, type EngineOptions } from "./engine.ts";
import { EngineClosedError, EngineParameterError, StatementNotAllowedError } from "./errors.ts";

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function makeEngine(
  overrides: Partial<EngineOptions> = {},
): Promise<{ engine: Engine; blobRoot: string }> {
  const base = await mkdtemp(path.join(os.tmpdir(), "mekong-engine-"));
  cleanups.push(() => rm(base, { recursive: true, force: true }));
  const blobRoot = path.join(base, "blobs");
  const engine = await createEngine({
    blobRoot,
    tempDir: path.join(base, "duckdb-tmp"),
    threads: 2,
    ...overrides,
  });
  cleanups.push(() => engine.close());
  return { engine, blobRoot };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("queries", () => {
  it("binds positional and named parameters", async () => {
    const { engine } = await makeEngine();

    const positional = await engine.query("SELECT $1::INTEGER + 1 AS n, upper($2) AS s, $3 AS missing", [
      41,
      "hà nội",
      null,
    ]);
    const named = await engine.query("SELECT $province AS p, $year::INTEGER AS y", {
      province: "Huế",
      year: 2024,
    });

    expect(positional).toEqual([{ n: 42, s: "HÀ NỘI", missing: null }]);
    expect(named).toEqual([{ p: "Huế", y: 2024 }]);
  });

  it("treats a parameter as a value, never as SQL", async () => {
    const { engine } = await makeEngine();
    const rows = await engine.query("SELECT $1 AS v", ["x'; DROP TABLE t; --"]);
    expect(rows).toEqual([{ v: "x'; DROP TABLE t; --" }]);
  });

  it("converts DuckDB values to plain JSON-ready values", async () => {
    const { engine } = await makeEngine();
    const [row] = await engine.query(`SELECT
        42::BIGINT AS small_bigint, 9007199254740993::BIGINT AS huge_bigint, 12.34::DECIMAL(10,2) AS amount,
        DATE '2024-02-29' AS day, TIMESTAMP '2024-02-29 13:45:06.123456' AS ts, TIMESTAMP '2024-02-29 13:45:06' AS ts_whole,
        TIMESTAMPTZ '2024-02-29 13:45:06+07' AS ts_tz, TIMESTAMP_MS '1969-12-31 23:59:59.5' AS before_epoch,
        TIMESTAMP_NS '2024-02-29 13:45:06.123456789' AS ts_ns, 'infinity'::TIMESTAMP AS forever,
        [1::BIGINT, 2] AS list, {'d': DATE '2020-01-01', 'n': 7::BIGINT} AS struct, true AS flag, 1.5::DOUBLE AS dbl`);

    expect(row).toEqual({
      small_bigint: 42,
      huge_bigint: "9007199254740993",
      amount: 12.34,
      day: "2024-02-29",
      ts: "2024-02-29T13:45:06.123456",
      ts_whole: "2024-02-29T13:45:06",
      ts_tz: "2024-02-29T06:45:06Z",
      before_epoch: "1969-12-31T23:59:59.5",
      ts_ns: "2024-02-29T13:45:06.123456789",
      forever: "infinity",
      list: [1, 2],
      struct: { d: "2020-01-01", n: 7 },
      flag: true,
      dbl: 1.5,
    });
  });

  it("binds Dates, bytes, lists and bigints; refuses undefined", async () => {
    const { engine } = await makeEngine();
    const [row] = await engine.query("SELECT $1 AS at, octet_length($2) AS n, len($3) AS items, $4 AS big", [
      new Date("2024-05-01T00:00:00.250Z"),
      new Uint8Array([1, 2, 3]),
      ["a", "b"],
      2n ** 60n,
    ]);
    expect(row).toEqual({ at: "2024-05-01T00:00:00.25Z", n: 3, items: 2, big: (2n ** 60n).toString() });
    await expect(engine.query("SELECT $1", [undefined])).rejects.toBeInstanceOf(EngineParameterError);
  });

  it("runs one statement at a time", async () => {
    const { engine } = await makeEngine();
    await expect(engine.query("SELECT 1; SELECT 2")).rejects.toMatchObject({ code: "query_failed" });
  });

  it("reports DuckDB's error kind", async () => {
    const { engine } = await makeEngine();
    await expect(engine.query("SELEC 1")).rejects.toMatchObject({ code: "query_failed", kind: "parser" });
    await expect(engine.query("SELECT * FROM nope")).rejects.toMatchObject({ kind: "catalog" });
    await expect(engine.query("SELECT 'x'::INTEGER")).rejects.toMatchObject({ kind: "conversion" });
  });

  it("refuses non-SELECT statements in read-only mode", async () => {
    const { engine, blobRoot } = await makeEngine();
    const copy = `COPY (SELECT 1) TO '${blobRoot}/ro.csv'`;
    expect(await engine.query("SELECT 1 AS one", undefined, { readOnly: true })).toEqual([{ one: 1 }]);
    await expect(engine.query(copy, undefined, { readOnly: true })).rejects.toBeInstanceOf(
      StatementNotAllowedError,
    );
    await expect(engine.query("CREATE TABLE t (a INT)", [], { readOnly: true })).rejects.toMatchObject({
      code: "statement_not_allowed",
      statementType: "CREATE",
    });
  });

  it("answers health", async () => {
    const { engine } = await makeEngine();
    await expect(engine.health()).resolves.toBeUndefined();
  });
});

describe("connection pool", () => {
  it("makes 10 concurrent queries wait for a pool of 2 instead of failing", async () => {
    const { engine } = await makeEngine({ poolSize: 2 });
    let active = 0;
    let peak = 0;

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        engine.withConnection(async (connection) => {
          active++;
          peak = Math.max(peak, active);
          await sleep(20);
          const reader = await connection.runAndReadAll(`SELECT ${i} * 2 AS doubled`);
          active--;
          return reader.getRowObjectsJson()[0]?.doubled;
        }),
      ),
    );
    const counts = await Promise.all(
      Array.from({ length: 10 }, () => engine.query("SELECT count(*) AS n FROM range(2000000)")),
    );

    expect(results).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(peak).toBe(2);
    expect(counts.every((rows) => rows[0]?.n === 2_000_000)).toBe(true);
  });

  it("gives a connection back when the borrower throws", async () => {
    const { engine } = await makeEngine({ poolSize: 1 });
    await expect(engine.withConnection(async () => Promise.reject(new Error("boom")))).rejects.toThrow(
      "boom",
    );
    expect(await engine.query("SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
  });

  it("waits for running work on close, then refuses new work", async () => {
    const { engine } = await makeEngine({ poolSize: 1 });
    let finished = false;
    const running = engine.withConnection(async () => {
      await sleep(50);
      finished = true;
    });
    const queued = engine.query("SELECT 1").catch((error: unknown) => error);

    await engine.close();

    expect(finished).toBe(true);
    await expect(running).resolves.toBeUndefined();
    expect(await queued).toBeInstanceOf(EngineClosedError);
    await expect(engine.query("SELECT 1")).rejects.toBeInstanceOf(EngineClosedError);
  });
});
