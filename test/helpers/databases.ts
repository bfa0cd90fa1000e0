/**
 * Fresh catalog databases for tests: a copy of a migrated PGlite template (fast), or a new database on
 * the PostgreSQL server named by TEST_DATABASE_URL, dropped again afterwards.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase } from "../../src/db/client.ts";

export const TEMPLATE_DIR = path.resolve("node_modules/.cache/mekong-test/pglite-template");
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

/** Creates the migrated PGlite template once per test run (called from the global setup). */
export async function preparePgliteTemplate(): Promise<void> {
  rmSync(TEMPLATE_DIR, { recursive: true, force: true });
  mkdirSync(TEMPLATE_DIR, { recursive: true });
  const database = await openDatabase({ dataDir: TEMPLATE_DIR });
  await database.close();
}

/** A temp data directory whose catalog is already migrated. */
export function freshDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mekong-test-"));
  const template = path.join(TEMPLATE_DIR, "catalog");
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
