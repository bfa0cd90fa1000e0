import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { BlobNotFoundError, BlobRangeError, BlobTooLargeError } from "./errors.ts";
import { createLocalBlobStore, type LocalBlobStore } from "./store.ts";

const dirs: string[] = [];

async function tempRoot(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "mekong-blobs-"));
  dirs.push(dir);
  return dir;
}

async function makeStore(): Promise<{ store: LocalBlobStore; root: string }> {
  const root = await tempRoot();
  return { store: await createLocalBlobStore(root), root };
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256Of = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const tempFiles = (root: string) => readdir(path.join(root, ".tmp"));

/** Deterministic pseudo-random chunks, generated on the fly so the test never holds the whole blob. */
async function* generatedChunks(totalBytes: number, chunkBytes = 64 * 1024): AsyncGenerator<Uint8Array> {
  let seed = 42;
  for (let sent = 0; sent < totalBytes; sent += chunkBytes) {
    const chunk = Buffer.alloc(Math.min(chunkBytes, totalBytes - sent));
    for (let i = 0; i < chunk.length; i += 4) {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      chunk.writeUInt32LE(seed, i);
    }
    yield chunk;
  }
}

async function* failingSource(afterBytes: number): AsyncGenerator<Uint8Array> {
  yield Buffer.alloc(afterBytes, 1);
  throw new Error("upstream connection reset");
}

describe("put and get", () => {
  it("round-trips bytes and reports the same SHA-256 as node:crypto", async () => {
    const { store, root } = await makeStore();
    const content = Buffer.from("ngày,tỉnh\n2024-01-01,Hà Nội\n", "utf8");

    const result = await store.put("datasets/d1/v1/data.csv", Readable.from([content]));

    expect(result).toEqual({
      key: "datasets/d1/v1/data.csv",
      bytes: content.length,
      sha256: sha256Of(content),
    });
    expect(await readAll(await store.get(result.key))).toEqual(content);
    expect(await store.stat(result.key)).toMatchObject({ bytes: content.length });
    expect(await store.exists(result.key)).toBe(true);
    expect(store.pathOf(result.key)).toBe(path.join(root, "datasets", "d1", "v1", "data.csv"));
    expect(await tempFiles(root)).toEqual([]);
  });

  it("replaces an existing blob with the new content", async () => {
    const { store } = await makeStore();
    await store.put("a.txt", Readable.from([Buffer.from("old")]));
    await store.put("a.txt", Readable.from([Buffer.from("newer")]));
    expect((await readAll(await store.get("a.txt"))).toString()).toBe("newer");
  });

  it("streams a generated 50 MB source and stores it intact", async () => {
    const { store } = await makeStore();
    const size = 50 * 1024 * 1024;
    const expectedHash = createHash("sha256");
    for await (const chunk of generatedChunks(size)) expectedHash.update(chunk);

    const result = await store.put("big/blob.bin", generatedChunks(size));

    expect(result.bytes).toBe(size);
    expect(result.sha256).toBe(expectedHash.digest("hex"));
    const readBack = createHash("sha256");
    for await (const chunk of await store.get("big/blob.bin")) readBack.update(chunk as Buffer);
    expect(readBack.digest("hex")).toBe(result.sha256);
  });

  it("serves inclusive byte ranges like HTTP", async () => {
    const { store } = await makeStore();
    await store.put("r.txt", Readable.from([Buffer.from("0123456789")]));

    expect((await readAll(await store.get("r.txt", { start: 2, end: 4 }))).toString()).toBe("234");
    expect((await readAll(await store.get("r.txt", { start: 7 }))).toString()).toBe("789");
    expect((await readAll(await store.get("r.txt", { start: 8, end: 100 }))).toString()).toBe("89");
    expect((await readAll(await store.get("r.txt", { start: 9, end: 9 }))).toString()).toBe("9");
    await expect(store.get("r.txt", { start: 10 })).rejects.toBeInstanceOf(BlobRangeError);
    await expect(store.get("r.txt", { start: 5, end: 4 })).rejects.toBeInstanceOf(BlobRangeError);
    await expect(store.get("r.txt", { start: -1 })).rejects.toBeInstanceOf(BlobRangeError);
  });

  it("reads an empty blob, whole or from byte 0", async () => {
    const { store } = await makeStore();
    const result = await store.put("empty", Readable.from([]));
    expect(result).toMatchObject({ bytes: 0, sha256: sha256Of(new Uint8Array()) });
    expect((await readAll(await store.get("empty"))).length).toBe(0);
    expect((await readAll(await store.get("empty", { start: 0 }))).length).toBe(0);
  });

  it("answers not found for missing blobs and directories", async () => {
    const { store } = await makeStore();
    await store.put("dir/file", Readable.from([Buffer.from("x")]));
    await expect(store.get("missing")).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.get("dir")).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.stat("missing")).toBeNull();
    expect(await store.stat("dir")).toBeNull();
    expect(await store.exists("dir/file/deeper")).toBe(false);
  });

  it("deletes idempotently", async () => {
    const { store } = await makeStore();
    await store.put("gone.txt", Readable.from([Buffer.from("x")]));
    await store.delete("gone.txt");
    await store.delete("gone.txt");
    expect(await store.exists("gone.txt")).toBe(false);
  });
});

describe("failed writes leave nothing behind", () => {
  it("aborts past maxBytes with BlobTooLargeError, no blob and no temp file", async () => {
    const { store, root } = await makeStore();
    const source = Readable.from(generatedChunks(1024 * 1024, 1024));

    const error = await store.put("too/big.bin", source, { maxBytes: 10_000 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BlobTooLargeError);
    expect(error).toMatchObject({ code: "blob_too_large", maxBytes: 10_000 });
    expect(source.destroyed).toBe(true);
    expect(await store.exists("too/big.bin")).toBe(false);
    expect(await tempFiles(root)).toEqual([]);
  });

  it("accepts a source of exactly maxBytes", async () => {
    const { store } = await makeStore();
    const result = await store.put("exact.bin", generatedChunks(8192, 1024), { maxBytes: 8192 });
    expect(result.bytes).toBe(8192);
  });

  it("rethrows a source error mid-way and keeps neither blob nor temp file", async () => {
    const { store, root } = await makeStore();
    await expect(store.put("broken.bin", failingSource(100_000))).rejects.toThrow(
      "upstream connection reset",
    );
    await expect(store.putContentAddressed(Readable.from(failingSource(10)))).rejects.toThrow("upstream");
    expect(await store.exists("broken.bin")).toBe(false);
    expect(await tempFiles(root)).toEqual([]);
  });

  it("rejects a bad key before reading the source", async () => {
    const { store } = await makeStore();
    const source = Readable.from([Buffer.from("x")]);
    await expect(store.put("../escape", source)).rejects.toMatchObject({ code: "invalid_blob_key" });
    expect(source.readableDidRead).toBe(false);
  });

  it("removes leftover temp files when the store is opened again", async () => {
    const root = await tempRoot();
    await createLocalBlobStore(root);
    await writeFile(path.join(root, ".tmp", "crashed-write.part"), "half a file");

    await createLocalBlobStore(root);

    expect(await tempFiles(root)).toEqual([]);
  });

  it("keeps young temp files when told several processes share the directory", async () => {
    const root = await tempRoot();
    await createLocalBlobStore(root);
    const young = path.join(root, ".tmp", "young.part");
    const old = path.join(root, ".tmp", "old.part");
    await writeFile(young, "in progress elsewhere");
    await writeFile(old, "abandoned");
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(old, twoHoursAgo, twoHoursAgo);

    await createLocalBlobStore(root, { keepTempYoungerThanMs: 3600_000 });

    expect(await tempFiles(root)).toEqual(["young.part"]);
  });

  it("cleans up after a writer process killed mid-write", async () => {
    const root = await tempRoot();
    const storeModule = fileURLToPath(new URL("./store.ts", import.meta.url));
    const script = `
      import { createLocalBlobStore } from ${JSON.stringify(storeModule)};
      const store = await createLocalBlobStore(${JSON.stringify(root)});
      async function* endless() { for (;;) { yield Buffer.alloc(65536, 7); process.stdout.write("."); } }
      await store.put("never/finished.bin", endless());`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    child.kill("SIGKILL");
    await exited;
    expect((await tempFiles(root)).length).toBe(1);

    const store = await createLocalBlobStore(root);

    expect(await tempFiles(root)).toEqual([]);
    expect(await store.exists("never/finished.bin")).toBe(false);
  });
});

describe("content addressing", () => {
  it("stores under sha256/<aa>/<bb>/<hash> and keeps one copy of equal content", async () => {
    const { store, root } = await makeStore();
    const content = Buffer.from("same bytes");
    const hash = sha256Of(content);

    const first = await store.putContentAddressed(Readable.from([content]));
    const second = await store.putContentAddressed(Readable.from([content]));
    const other = await store.putContentAddressed(Readable.from([Buffer.from("other bytes")]));

    expect(first).toEqual({
      key: `sha256/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`,
      bytes: 10,
      sha256: hash,
    });
    expect(second).toEqual(first);
    expect(other.key).not.toBe(first.key);
    const keys: string[] = [];
    for await (const key of store.list("sha256/")) keys.push(key);
    expect(keys.sort()).toEqual([first.key, other.key].sort());
    expect(await tempFiles(root)).toEqual([]);
  });
});

describe("list and health", () => {
  it("lists keys by string prefix, sorted, without temp files", async () => {
    const { store, root } = await makeStore();
    for (const key of ["a/b/1", "a/b/2", "a/bc/3", "a/c", "z"])
      await store.put(key, Readable.from([Buffer.from(key)]));
    await writeFile(path.join(root, ".tmp", "stray.part"), "x");
    const collect = async (prefix: string) => {
      const keys: string[] = [];
      for await (const key of store.list(prefix)) keys.push(key);
      return keys;
    };

    expect(await collect("")).toEqual(["a/b/1", "a/b/2", "a/bc/3", "a/c", "z"]);
    expect(await collect("a/b")).toEqual(["a/b/1", "a/b/2", "a/bc/3"]);
    expect(await collect("a/b/")).toEqual(["a/b/1", "a/b/2"]);
    expect(await collect("nothing/here/")).toEqual([]);
    await expect(collect("../")).rejects.toMatchObject({ code: "invalid_blob_key" });
  });

  it("passes health on a writable root and fails once the root is gone", async () => {
    const { store, root } = await makeStore();
    await store.health();
    expect(await tempFiles(root)).toEqual([]);
    await rm(root, { recursive: true, force: true });
    await expect(store.health()).rejects.toThrow();
  });
});
