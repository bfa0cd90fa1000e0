// Atomic writes for the local blob store: stream a source into a temp file while hashing and counting it,
// then fsync → rename into place → fsync the directory, so a reader sees either nothing or the whole blob.

import { createHash, randomUUID } from "node:crypto";
import { type FileHandle, mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { BlobTooLargeError } from "./errors.ts";

export type BlobSource = Readable | AsyncIterable<Uint8Array>;

export interface TempBlob {
  tempPath: string;
  bytes: number;
  sha256: string;
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  throw new TypeError(`Blob source yielded a ${typeof chunk}, expected bytes`);
}

/**
 * Streams `source` into a new file in `tempDir`, hashing it on the way, and fsyncs it. Holds one chunk in
 * memory at a time. On any failure (source error, `maxBytes` exceeded, disk error) the temp file is removed
 * and the error rethrown; the source is destroyed when we stop reading early.
 */
export async function writeTemp(tempDir: string, source: BlobSource, maxBytes?: number): Promise<TempBlob> {
  const tempPath = path.join(tempDir, `${randomUUID()}.part`);
  const hash = createHash("sha256");
  let bytes = 0;
  let handle: FileHandle | undefined;
  try {
    handle = await open(tempPath, "wx");
    for await (const chunk of source as AsyncIterable<unknown>) {
      const data = toBytes(chunk);
      bytes += data.byteLength;
      if (maxBytes !== undefined && bytes > maxBytes) throw new BlobTooLargeError(maxBytes);
      hash.update(data);
      await handle.write(data);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    return { tempPath, bytes, sha256: hash.digest("hex") };
  } catch (error) {
    await handle?.close().catch(() => {});
    await rm(tempPath, { force: true });
    throw error;
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Creates the directories leading to `target`, fsyncing the parent of each new directory so the new
 * entries survive a crash along with the blob.
 */
export async function ensureParentDirectory(target: string): Promise<void> {
  const parent = path.dirname(target);
  const firstCreated = await mkdir(parent, { recursive: true });
  if (firstCreated === undefined) return;
  let dir = parent;
  while (dir.length >= firstCreated.length) {
    await fsyncDirectory(path.dirname(dir));
    dir = path.dirname(dir);
  }
}

/** Renames a finished temp file onto `target` (replacing any previous blob) and fsyncs the directory. */
export async function commitTemp(tempPath: string, target: string): Promise<void> {
  try {
    await rename(tempPath, target);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
  await fsyncDirectory(path.dirname(target));
}
