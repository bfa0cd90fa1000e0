// The local-directory blob store: immutable files under one root, written atomically (see write.ts), keyed
// by safe relative paths (see keys.ts), readable whole or by byte range, optionally content-addressed.

import type { Dirent } from "node:fs";
import {
  lstat,
  mkdir,
  open,
  opendir,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  unlink,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { BlobNotFoundError, BlobRangeError } from "./errors.ts";
import { listingDirectory, resolveKeyPath, TEMP_DIR_NAME } from "./keys.ts";
import { type BlobSource, commitTemp, ensureParentDirectory, writeTemp } from "./write.ts";

export type { BlobSource } from "./write.ts";

export interface PutOptions {
  /** Abort with `BlobTooLargeError` (storing nothing) once the source passes this many bytes. */
  maxBytes?: number;
}

export interface PutResult {
  key: string;
  bytes: number;
  /** Lowercase hex SHA-256 of the stored bytes. */
  sha256: string;
}

/** Inclusive byte range, as in an HTTP `Range` header; `end` defaults to the last byte. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface BlobStat {
  bytes: number;
  mtime: Date;
}

export interface LocalBlobStore {
  readonly root: string;
  put(key: string, source: BlobSource, opts?: PutOptions): Promise<PutResult>;
  putContentAddressed(source: BlobSource, opts?: PutOptions): Promise<PutResult>;
  get(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<BlobStat | null>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  list(prefix: string): AsyncIterable<string>;
  pathOf(key: string): string;
  health(): Promise<void>;
}

export interface LocalBlobStoreOptions {
  /**
   * Temp files younger than this survive start-up cleanup. The default 0 removes every leftover, which is
   * right when one process owns the directory; raise it when several processes share one directory.
   */
  keepTempYoungerThanMs?: number;
}

/** Key under which `putContentAddressed` stores content with this SHA-256 (lowercase hex). */
export function contentAddressedKey(sha256: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

async function removeLeftoverTempFiles(tempDir: string, keepYoungerThanMs: number): Promise<void> {
  const cutoff = Date.now() - keepYoungerThanMs;
  for (const name of await readdir(tempDir)) {
    const file = path.join(tempDir, name);
    const info = await lstat(file).catch(() => null);
    if (info && (keepYoungerThanMs <= 0 || info.mtimeMs < cutoff)) {
      await rm(file, { recursive: true, force: true });
    }
  }
}

function assertRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) throw new BlobRangeError(`Invalid range start ${start}`, -1);
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new BlobRangeError(`Invalid range end ${end}`, -1);
  }
}

/**
 * Opens (creating if needed) a blob store rooted at `root`, with a `.tmp` directory for partial writes.
 * Leftover temp files from a previous crashed run are removed here.
 */
export async function createLocalBlobStore(
  root: string,
  options: LocalBlobStoreOptions = {},
): Promise<LocalBlobStore> {
  const absoluteRoot = path.resolve(root);
  const tempDir = path.join(absoluteRoot, TEMP_DIR_NAME);
  await mkdir(tempDir, { recursive: true });
  const realRoot = await realpath(absoluteRoot);
  await removeLeftoverTempFiles(tempDir, options.keepTempYoungerThanMs ?? 0);

  const pathOf = (key: string): string => resolveKeyPath(absoluteRoot, realRoot, key);

  async function place(tempPath: string, key: string): Promise<void> {
    try {
      const target = pathOf(key);
      await ensureParentDirectory(target);
      pathOf(key); // again, now the directories exist: a symlink swapped in meanwhile is refused
      await commitTemp(tempPath, target);
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    }
  }

  async function statBlob(key: string): Promise<BlobStat | null> {
    try {
      const info = await stat(pathOf(key));
      return info.isFile() ? { bytes: info.size, mtime: info.mtime } : null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async function* walk(dir: string, relative: string): AsyncGenerator<string> {
    let entries: Dirent[];
    try {
      entries = [];
      for await (const entry of await opendir(dir)) entries.push(entry);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const key = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (key === TEMP_DIR_NAME) continue;
      if (entry.isDirectory()) yield* walk(path.join(dir, entry.name), key);
      else if (entry.isFile()) yield key; // symlinks and other special files are never blobs
    }
  }

  return {
    root: absoluteRoot,
    pathOf,

    async put(key, source, opts = {}) {
      pathOf(key); // refuse a bad key before reading any input
      const temp = await writeTemp(tempDir, source, opts.maxBytes);
      await place(temp.tempPath, key);
      return { key, bytes: temp.bytes, sha256: temp.sha256 };
    },

    async putContentAddressed(source, opts = {}) {
      const temp = await writeTemp(tempDir, source, opts.maxBytes);
      const key = contentAddressedKey(temp.sha256);
      const existing = await statBlob(key);
      if (existing && existing.bytes === temp.bytes) await rm(temp.tempPath, { force: true });
      else await place(temp.tempPath, key);
      return { key, bytes: temp.bytes, sha256: temp.sha256 };
    },

    async get(key, range) {
      if (range) assertRange(range);
      const file = pathOf(key);
      const handle = await open(file, "r").catch((error: unknown) => {
        throw isNotFound(error) || (error as NodeJS.ErrnoException).code === "EISDIR"
          ? new BlobNotFoundError(key)
          : error;
      });
      try {
        const info = await handle.stat();
        if (!info.isFile()) throw new BlobNotFoundError(key);
        if (!range || (info.size === 0 && range.start === 0)) return handle.createReadStream();
        if (range.start >= info.size) {
          throw new BlobRangeError(`Range starts at ${range.start}, blob has ${info.size} bytes`, info.size);
        }
        const end = Math.min(range.end ?? info.size - 1, info.size - 1);
        return handle.createReadStream({ start: range.start, end });
      } catch (error) {
        await handle.close();
        throw error;
      }
    },

    stat: statBlob,

    async exists(key) {
      return (await statBlob(key)) !== null;
    },

    async delete(key) {
      await unlink(pathOf(key)).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    },

    async *list(prefix) {
      const dir = listingDirectory(prefix);
      const start = dir === "" ? absoluteRoot : pathOf(dir);
      for await (const key of walk(start, dir)) {
        if (key.startsWith(prefix)) yield key;
      }
    },

    async health() {
      const probe = path.join(tempDir, `health-${process.pid}-${Date.now()}.probe`);
      const expected = `mekong blob store probe ${probe}`;
      try {
        await writeFile(probe, expected, { flag: "wx" });
        const actual = await readFile(probe, "utf8");
        if (actual !== expected) throw new Error("Blob store health probe read back different content");
      } finally {
        await rm(probe, { force: true });
      }
    },
  };
}
