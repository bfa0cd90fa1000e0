/**
 * Opens everything a Mekong process stands on — catalog database, blob store, query engine, signing key,
 * audit log — and closes it again in the right order. The HTTP app, the worker and the CLI share it.
 */
import path from "node:path";
import { type AuditLog, createAuditLog } from "./audit/service.ts";
import { createLocalBlobStore, type LocalBlobStore } from "./blobs/index.ts";
import type { Config } from "./config.ts";
import { type Database, type Db, openDatabase } from "./db/client.ts";
import { createEngine, type Engine } from "./engine/index.ts";
import { type InstanceKey, loadInstanceKey } from "./keys/instance-key.ts";

export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  blobs: LocalBlobStore;
  engine: Engine;
  key: InstanceKey;
  audit: AuditLog;
}

export async function openContext(config: Config): Promise<AppContext> {
  const key = loadInstanceKey({ dataDir: config.dataDir, keyFile: config.signingKeyFile });
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
  });
  try {
    const blobs = await createLocalBlobStore(path.join(config.dataDir, "blobs"));
    const engine = await createEngine({
      blobRoot: blobs.root,
      tempDir: path.join(config.dataDir, "tmp", "engine"),
      threads: config.engine.threads,
      memoryLimit: config.engine.memoryLimit,
      poolSize: config.engine.poolSize,
    });
    const audit = createAuditLog({ key, checkpointEvery: config.audit.checkpointEvery });
    return { config, database, db: database.db, blobs, engine, key, audit };
  } catch (err) {
    await database.close();
    throw err;
  }
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.engine.close();
  await ctx.database.close();
}
