/**
 * Fresh catalog databases for tests: a copy of a migrated PGlite template (fast), or a new database on
 * the PostgreSQL server named by TEST_DATABASE_URL, dropped again afterwards.
 */
import { cpSync, existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase } from "../../src/db/client.ts";

/** Where the global setup left a migrated catalog to copy (one per test run, so runs do not collide). */
const templateDir = () => process.env.MEKONG_TEST_PGLITE_TEMPLATE;
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

/** Creates the migrated PGlite template once per test run (called from the global setup). */
export async function preparePgliteTemplate(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mekong-template-"));
  const database = await openDatabase({ dataDir: dir });
  await database.close();
  process.env.MEKONG_TEST_PGLITE_TEMPLATE = dir;
  return dir;
}

/** A temp data directory whose catalog is already migrated. */
export function freshDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mekong-test-"));
  const template = path.join(templateDir() ?? "/nonexistent", "catalog");
  if (existsSync(template)) cpSync(template, path.join(dir, "catalog"), { recursive: true });
  return dir;
}

/** A new, empty database on the test PostgreSQL server; returns its URL and a function that drops it. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error("TEST_DATABASE_URL is not set");
  const name = `mekong_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

export const DATABASE_KINDS: ("pglite" | "postgres")[] = TEST_DATABASE_URL
  ? ["pglite", "postgres"]
  : ["pglite"];
if (!TEST_DATABASE_URL && process.env.VITEST_WORKER_ID === "1") {
  console.warn("SKIP postgres: TEST_DATABASE_URL is not set; route tests run on PGlite only");
}
