import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "./engine.ts";

let base: string;
let blobRoot: string;
let engine: Engine;

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), "mekong-sandbox-"));
  blobRoot = path.join(base, "blobs");
  engine = await createEngine({ blobRoot, tempDir: path.join(base, "duckdb-tmp"), poolSize: 2 });
});

afterAll(async () => {
  await engine?.close();
  await rm(base, { recursive: true, force: true });
});

/** The DuckDB error kind a statement fails with, or "ok". */
async function outcome(sql: string, params?: unknown[]): Promise<string> {
  try {
    await engine.query(sql, params);
    return "ok";
  } catch (error) {
    return (error as { kind?: string }).kind ?? String(error);
  }
}

describe("inside the blob root", () => {
  it("writes a Parquet file with COPY and reads it back", async () => {
    const file = path.join(blobRoot, "datasets", "d1", "v1.parquet");
    await mkdir(path.dirname(file), { recursive: true });

    await engine.query(
      `COPY (SELECT i AS id, 'tỉnh ' || i AS name, DATE '2024-01-01' + i::INTEGER AS day FROM range(1, 4) t(i))
       TO '${file}' (FORMAT parquet)`,
    );
    const rows = await engine.query("SELECT * FROM read_parquet($1) ORDER BY id", [file]);

    expect(rows).toEqual([
      { id: 1, name: "tỉnh 1", day: "2024-01-02" },
      { id: 2, name: "tỉnh 2", day: "2024-01-03" },
      { id: 3, name: "tỉnh 3", day: "2024-01-04" },
    ]);
  });

  it("reads CSV and JSON files through the bundled readers", async () => {
    await writeFile(path.join(blobRoot, "a.csv"), "code,name\n01,Hà Nội\n");
    await writeFile(path.join(blobRoot, "a.json"), '[{"code":"79","name":"Hồ Chí Minh"}]');
    expect(await engine.query(`SELECT name FROM read_csv('${blobRoot}/a.csv')`)).toEqual([
      { name: "Hà Nội" },
    ]);
    expect(await engine.query(`SELECT name FROM read_json('${blobRoot}/a.json')`)).toEqual([
      { name: "Hồ Chí Minh" },
    ]);
  });
});

describe("outside the blob root", () => {
  it("refuses to read /etc/passwd", async () => {
    expect(await outcome("SELECT * FROM read_csv('/etc/passwd')")).toBe("permission");
    expect(await outcome("SELECT * FROM read_text('/etc/passwd')")).toBe("permission");
    expect(await outcome("SELECT * FROM read_csv($1)", ["/etc/passwd"])).toBe("permission");
    expect(await outcome("SELECT * FROM glob('/etc/*')")).toBe("permission");
  });

  it("refuses traversal out of the root and a sibling sharing its name as prefix", async () => {
    const sibling = `${blobRoot}-other`;
    await mkdir(sibling, { recursive: true });
    await writeFile(path.join(sibling, "x.csv"), "a\n1\n");

    expect(await outcome(`SELECT * FROM read_csv('${blobRoot}/../blobs-other/x.csv')`)).toBe("permission");
    expect(await outcome(`SELECT * FROM read_csv('${sibling}/x.csv')`)).toBe("permission");
  });

  it("refuses a symlink inside the root that points outside", async () => {
    const outside = path.join(base, "outside");
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(outside, "secret.csv"), "a\n1\n");
    await symlink(outside, path.join(blobRoot, "link"));

    expect(await outcome(`SELECT * FROM read_csv('${blobRoot}/link/secret.csv')`)).toBe("permission");
  });

  it("refuses to write outside the root", async () => {
    expect(await outcome(`COPY (SELECT 1) TO '${base}/escape.csv'`)).toBe("permission");
    expect(await outcome(`EXPORT DATABASE '${base}/export'`)).toBe("permission");
    expect(await readdir(base)).not.toContain("escape.csv");
  });

  it("refuses network URLs", async () => {
    expect(await outcome("SELECT * FROM read_csv('https://example.com/data.csv')")).not.toBe("ok");
  });
});

describe("locked configuration", () => {
  it.each([
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "RESET lock_configuration",
    "SET GLOBAL lock_configuration = false",
    "PRAGMA enable_external_access = true",
    "SET allowed_directories = ['/']",
    "SET autoinstall_known_extensions = true",
    "SET memory_limit = '100GB'",
  ])("refuses %j", async (sql) => {
    expect(await outcome(sql)).toBe("invalid_input");
    expect(await engine.query("SELECT current_setting('enable_external_access') AS v")).toEqual([
      { v: false },
    ]);
  });

  it.each([
    "INSTALL httpfs",
    "LOAD httpfs",
    "FORCE INSTALL httpfs",
    "LOAD '/tmp/evil.duckdb_extension'",
    "ATTACH '/tmp/x.db'",
    "ATTACH '/tmp/x.db' AS x (READ_ONLY)",
  ])("refuses %j", async (sql) => {
    expect(await outcome(sql)).toBe("permission");
  });

  it("does not auto-install or auto-load an extension a query asks for", async () => {
    const settings = await engine.query(
      "SELECT name, value FROM duckdb_settings() WHERE name LIKE 'auto%_known_extensions' ORDER BY name",
    );
    expect(settings).toEqual([
      { name: "autoinstall_known_extensions", value: "false" },
      { name: "autoload_known_extensions", value: "false" },
    ]);
    expect(await outcome(`SELECT * FROM read_xlsx('${blobRoot}/a.xlsx')`)).toBe("catalog");
    expect(await outcome(`SELECT * FROM sqlite_scan('${blobRoot}/a.db', 't')`)).toBe("catalog");
  });
});
