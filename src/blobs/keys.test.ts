import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidBlobKeyError } from "./errors.ts";
import { assertValidKey } from "./keys.ts";
import { createLocalBlobStore } from "./store.ts";

const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "mekong-keys-"));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("key grammar", () => {
  it.each([
    "a",
    "datasets/3f2a/v1/data.parquet",
    "year=2024/month=01/part-0.parquet",
    "owner@agency/file_name.v2-final",
    "a/.hidden",
    "..a/b..",
  ])("accepts %j", (key) => {
    expect(() => assertValidKey(key)).not.toThrow();
  });

  it("accepts a key of exactly 1024 characters", () => {
    expect(() => assertValidKey(`a/${"k".repeat(1022)}`)).not.toThrow();
  });

  it.each([
    ["", "empty"],
    ["../x", "parent segment"],
    ["a/../../x", "parent segment in the middle"],
    ["..", "parent alone"],
    ["a/./b", "dot segment"],
    [".", "dot alone"],
    ["/etc/passwd", "absolute path"],
    ["a\\b", "backslash"],
    ["..\\..\\windows", "backslash traversal"],
    ["a//b", "empty segment"],
    ["a/", "trailing slash"],
    ["a\0b", "NUL byte"],
    ["%2e%2e/x", "percent-encoding: keys are never URL-decoded, and % is outside the charset"],
    ["a b", "space"],
    ["Hà Nội", "non-ASCII"],
    [".tmp/x", "the reserved temp directory"],
    [".tmp", "the reserved temp directory itself"],
  ])("rejects %j (%s)", (key) => {
    expect(() => assertValidKey(key)).toThrow(InvalidBlobKeyError);
  });

  it("rejects a key longer than 1024 characters", () => {
    expect(() => assertValidKey(`a/${"k".repeat(1023)}`)).toThrow(InvalidBlobKeyError);
  });
});

describe("paths stay inside the root", () => {
  it("refuses traversal keys on every operation", async () => {
    const store = await createLocalBlobStore(await tempDir());
    for (const key of ["../x", "a/../../x", "/etc/passwd", "a\\b", "a/./b"]) {
      await expect(store.put(key, Readable.from([Buffer.from("x")]))).rejects.toBeInstanceOf(
        InvalidBlobKeyError,
      );
      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.stat(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      expect(() => store.pathOf(key)).toThrow(InvalidBlobKeyError);
    }
  });

  it("refuses a symlinked directory inside the root that points outside", async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await writeFile(path.join(outside, "secret.txt"), "top secret");
    const store = await createLocalBlobStore(root);
    await symlink(outside, path.join(root, "link"));

    await expect(store.get("link/secret.txt")).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(store.stat("link/secret.txt")).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(store.put("link/new.txt", Readable.from([Buffer.from("x")]))).rejects.toBeInstanceOf(
      InvalidBlobKeyError,
    );
    await expect(store.put("link/sub/dir/new.txt", Readable.from([Buffer.from("x")]))).rejects.toBeInstanceOf(
      InvalidBlobKeyError,
    );
    expect(() => store.pathOf("link/secret.txt")).toThrow(InvalidBlobKeyError);
    expect(await readdir(outside)).toEqual(["secret.txt"]);
    expect(await readdir(path.join(root, ".tmp"))).toEqual([]);
  });

  it("refuses a symlinked file that points outside, and never lists symlinks", async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await writeFile(path.join(outside, "passwd"), "root:x:0:0");
    const store = await createLocalBlobStore(root);
    await mkdir(path.join(root, "data"));
    await symlink(path.join(outside, "passwd"), path.join(root, "data", "passwd"));
    await store.put("data/real.csv", Readable.from([Buffer.from("a,b")]));

    await expect(store.get("data/passwd")).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(store.exists("data/passwd")).rejects.toBeInstanceOf(InvalidBlobKeyError);
    const keys: string[] = [];
    for await (const key of store.list("")) keys.push(key);
    expect(keys).toEqual(["data/real.csv"]);
  });

  it("follows a symlink that stays inside the root", async () => {
    const root = await tempDir();
    const store = await createLocalBlobStore(root);
    await store.put("versions/v1/data.csv", Readable.from([Buffer.from("a,b")]));
    await symlink(path.join(root, "versions", "v1"), path.join(root, "latest"));
    expect(await store.stat("latest/data.csv")).toMatchObject({ bytes: 3 });
  });
});
