// Test support for the ingest library: a real engine and blob store on a temp directory, files written
// on demand, and the stored Parquet read back through the engine.

import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createLocalBlobStore, type LocalBlobStore } from "../blobs/index.ts";
import { createEngine, type Engine, type Row } from "../engine/index.ts";
import { ingestFile } from "./pipeline.ts";
import { literal } from "./sql.ts";
import type { IngestOptions, IngestResult } from "./types.ts";

export interface IngestHarness {
  dir: string;
  engine: Engine;
  blobs: LocalBlobStore;
  tempDir: string;
  /** Writes `content` to a file named `name` outside the blob store and returns its path. */
  file(name: string, content: string | Uint8Array): Promise<string>;
  ingest(filePath: string, opts?: Partial<IngestOptions>): Promise<IngestResult>;
  /** The stored Parquet's rows. */
  rows(result: IngestResult): Promise<Row[]>;
  /** The stored Parquet's column types, by name. */
  types(result: IngestResult): Promise<Record<string, string>>;
  /** What is left in the temp directory (ingest workspaces must be gone). */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

export async function createIngestHarness(): Promise<IngestHarness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "mekong-ingest-"));
  const blobs = await createLocalBlobStore(path.join(dir, "blobs"));
  const tempDir = path.join(dir, "tmp");
  const engine = await createEngine({ blobRoot: blobs.root, tempDir, threads: 2, poolSize: 2 });
  const inputs = path.join(dir, "inputs");
  const parquet = (result: IngestResult) => `read_parquet(${literal(blobs.pathOf(result.blobKey))})`;
  return {
    dir,
    engine,
    blobs,
    tempDir,
    async file(name, content) {
      const filePath = path.join(inputs, name);
      await mkdir(inputs, { recursive: true });
      await rm(filePath, { force: true });
      await writeFile(filePath, content);
      return filePath;
    },
    ingest: (filePath, opts = {}) => ingestFile(engine, blobs, filePath, { tempDir, ...opts }),
    rows: (result) => engine.query(`SELECT * FROM ${parquet(result)}`),
    async types(result) {
      const described = await engine.query<{ column_name: string; column_type: string }>(
        `DESCRIBE SELECT * FROM ${parquet(result)}`,
      );
      return Object.fromEntries(described.map((d) => [d.column_name, d.column_type]));
    },
    async leftovers() {
      const names = await readdir(tempDir).catch(() => []);
      return names.filter((name) => name.startsWith("ingest-"));
    },
    async close() {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
