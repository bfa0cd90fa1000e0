// A private directory per ingest inside the engine's temp directory, removed when the ingest ends however
// it ends; and getting the input file where the sandboxed engine may read it without copying when possible.

import { randomUUID } from "node:crypto";
import { copyFile, link, mkdir, realpath, rm } from "node:fs/promises";
import path from "node:path";

export interface Workspace {
  dir: string;
  /** A fresh path in the workspace with this extension. */
  file(ext: string): string;
  remove(): Promise<void>;
}

export async function createWorkspace(tempDir: string): Promise<Workspace> {
  const dir = path.join(path.resolve(tempDir), `ingest-${randomUUID()}`);
  await mkdir(dir, { recursive: true });
  let n = 0;
  return {
    dir,
    file: (ext) => path.join(dir, `${++n}${ext}`),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The real path of `file` when it lies under `dir`, else undefined (DuckDB compares path text). */
async function realPathInside(dir: string, file: string): Promise<string | undefined> {
  const [realDir, realFile] = await Promise.all([realpath(dir).catch(() => dir), realpath(file)]);
  return realFile.startsWith(realDir + path.sep) ? realFile : undefined;
}

/**
 * A path to `filePath` the engine may read: the file itself when it is under one of `allowedDirs`, else a
 * hard link in the workspace (same filesystem, no bytes copied), else a copy (reflinked where supported).
 */
export async function readablePath(
  filePath: string,
  allowedDirs: readonly string[],
  ws: Workspace,
): Promise<string> {
  for (const dir of allowedDirs) {
    const inside = await realPathInside(dir, filePath);
    if (inside) return inside;
  }
  const target = ws.file(path.extname(filePath) || ".input");
  try {
    await link(filePath, target);
  } catch {
    await copyFile(filePath, target);
  }
  return target;
}
