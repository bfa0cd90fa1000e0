// How DuckDB is fenced in: no extension installs or loads, no community extensions or persistent secrets,
// file access only under the blob root and the temp directory, and the configuration locked so SQL cannot
// undo any of it. Checked after applying, so a DuckDB upgrade that renames a setting fails loudly at boot.

import { type DuckDBConnection, listValue } from "@duckdb/node-api";

export interface SandboxPaths {
  blobRoot: string;
  tempDir: string;
}

/**
 * Settings given when the instance is created. `allowed_directories` cannot be passed this way (the C API
 * refuses list values) and must be SET before `enable_external_access` is turned off, so the rest of the
 * fence goes up in `lockDown` on the first connection, before the pool hands any out.
 */
export function instanceOptions(
  paths: SandboxPaths,
  limits: { threads?: number; memoryLimit?: string },
): Record<string, string> {
  const options: Record<string, string> = {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    allow_community_extensions: "false",
    allow_unsigned_extensions: "false",
    allow_persistent_secrets: "false",
    temp_directory: paths.tempDir,
  };
  if (limits.threads !== undefined) options.threads = String(limits.threads);
  if (limits.memoryLimit !== undefined) options.memory_limit = limits.memoryLimit;
  return options;
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

const EXPECTED: Record<string, string> = {
  enable_external_access: "false",
  lock_configuration: "true",
  autoinstall_known_extensions: "false",
  autoload_known_extensions: "false",
  allow_community_extensions: "false",
  allow_unsigned_extensions: "false",
  allow_persistent_secrets: "false",
  // Rows, pages and downloads come back in file order because of it (DuckDB's default, checked here).
  preserve_insertion_order: "true",
  parquet_metadata_cache: "true",
};

/**
 * Restricts file access to `directories` and locks the configuration. Global settings, so one connection
 * applies them to the whole instance. Throws if any setting did not take.
 */
export async function lockDown(connection: DuckDBConnection, directories: readonly string[]): Promise<void> {
  const list = directories.map(sqlString).join(", ");
  await connection.run(`SET allowed_directories = [${list}]`);
  await connection.run("SET enable_external_access = false");
  // Parquet footers are parsed once per file, not once per query: blobs and clustered copies are written
  // once under names never reused, so a cached footer cannot go stale. (A parquet extension setting, so
  // it cannot be given when the instance is created.)
  await connection.run("SET parquet_metadata_cache = true");
  await connection.run("SET lock_configuration = true");

  const reader = await connection.runAndReadAll(
    "SELECT name, value FROM duckdb_settings() WHERE list_contains($names, name)",
    { names: listValue(Object.keys(EXPECTED)) },
  );
  const actual = new Map(reader.getRowsJson().map(([name, value]) => [String(name), String(value)]));
  const wrong = Object.entries(EXPECTED).filter(([name, value]) => actual.get(name) !== value);
  if (wrong.length > 0) {
    const detail = wrong.map(([name, value]) => `${name}=${actual.get(name) ?? "missing"} (want ${value})`);
    throw new Error(`DuckDB sandbox settings did not take: ${detail.join(", ")}`);
  }
}
