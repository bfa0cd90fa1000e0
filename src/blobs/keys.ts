// Blob keys and where they may live on disk: the grammar of a key, and the check that a key's path stays
// inside the store's root even when directories along the way are symlinks.

import { lstatSync, realpathSync } from "node:fs";
import path from "node:path";
import { InvalidBlobKeyError } from "./errors.ts";

export const MAX_KEY_LENGTH = 1024;

/** Directory under the root for partial writes; no key may start with it. */
export const TEMP_DIR_NAME = ".tmp";

const SEGMENT = /^[A-Za-z0-9._=@-]+$/;
const PARTIAL_SEGMENT = /^[A-Za-z0-9._=@-]*$/;

function assertSegment(segment: string, key: string): void {
  if (segment === "") throw new InvalidBlobKeyError(`empty segment in "${key}"`);
  if (segment === "." || segment === "..") throw new InvalidBlobKeyError(`"${segment}" segment in "${key}"`);
  if (!SEGMENT.test(segment)) {
    throw new InvalidBlobKeyError(`segment "${segment}" has characters outside [A-Za-z0-9._=@-]`);
  }
}

/**
 * Asserts `key` is a relative POSIX path of segments `[A-Za-z0-9._=@-]+`, at most 1024 characters, with no
 * empty, `.` or `..` segment and not inside the reserved `.tmp` directory. Throws `InvalidBlobKeyError`.
 */
export function assertValidKey(key: string): void {
  if (typeof key !== "string" || key.length === 0) throw new InvalidBlobKeyError("empty key");
  if (key.length > MAX_KEY_LENGTH) throw new InvalidBlobKeyError(`longer than ${MAX_KEY_LENGTH} characters`);
  const segments = key.split("/");
  for (const segment of segments) assertSegment(segment, key);
  if (segments[0] === TEMP_DIR_NAME) throw new InvalidBlobKeyError(`"${TEMP_DIR_NAME}" is reserved`);
}

/**
 * The directory to walk when listing `prefix` (a valid key, or "" for the root), after checking the whole
 * prefix. Prefixes match as strings: `"a/b"` lists `a/b`, `a/bc/d`…; `"a/b/"` lists only under `a/b/`.
 */
export function listingDirectory(prefix: string): string {
  if (prefix.length > MAX_KEY_LENGTH) {
    throw new InvalidBlobKeyError(`longer than ${MAX_KEY_LENGTH} characters`);
  }
  const slash = prefix.lastIndexOf("/");
  const dir = slash === -1 ? "" : prefix.slice(0, slash);
  if (dir !== "") assertValidKey(dir);
  if (!PARTIAL_SEGMENT.test(prefix.slice(slash + 1))) {
    throw new InvalidBlobKeyError(`prefix "${prefix}" has invalid characters`);
  }
  return dir;
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root + path.sep);
}

function pathExists(candidate: string): boolean {
  try {
    lstatSync(candidate);
    return true;
  } catch {
    return false;
  }
}

/**
 * Real path of `target`, or of its deepest existing ancestor when `target` does not exist yet. A dangling
 * symlink on the way cannot be resolved, so it is refused rather than guessed at.
 */
function realpathOfExisting(target: string): string {
  let current = target;
  while (!pathExists(current)) {
    const parent = path.dirname(current);
    if (parent === current) return current;
    current = parent;
  }
  try {
    return realpathSync.native(current);
  } catch {
    throw new InvalidBlobKeyError("passes through a dangling symlink");
  }
}

/**
 * Absolute path of `key` under `root`, after asserting both the lexical path and the real path (symlinks
 * resolved, as far as the path exists) stay inside the root. `realRoot` is the root's own real path.
 */
export function resolveKeyPath(root: string, realRoot: string, key: string): string {
  assertValidKey(key);
  const absolute = path.resolve(root, ...key.split("/"));
  if (!isInside(root, absolute) || absolute === root) {
    throw new InvalidBlobKeyError("resolves outside the store");
  }
  if (!isInside(realRoot, realpathOfExisting(absolute))) {
    throw new InvalidBlobKeyError("resolves outside the store through a symlink");
  }
  return absolute;
}
