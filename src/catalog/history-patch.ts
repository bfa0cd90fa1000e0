/**
 * JSON Patch (RFC 6902) between two JSON documents: `diffJson` writes the operations that turn one into
 * the other (objects member by member, arrays index by index), `applyJsonPatch` replays them.
 * Only `add`, `remove` and `replace` are written; only those are applied.
 */

export type JsonPatchOperation =
  | { op: "add"; path: string; value: unknown }
  | { op: "remove"; path: string }
  | { op: "replace"; path: string; value: unknown };

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** A JSON Pointer reference token: `~` as `~0`, `/` as `~1` (RFC 6901). */
const token = (key: string | number) => String(key).replace(/~/g, "~0").replace(/\//g, "~1");
const untoken = (t: string) => t.replace(/~1/g, "/").replace(/~0/g, "~");

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]))
    );
  }
  return false;
}

/** The operations that turn `from` into `to`; empty when they are equal. Members come in key order. */
export function diffJson(from: unknown, to: unknown, path = ""): JsonPatchOperation[] {
  if (jsonEqual(from, to)) return [];
  if (isObject(from) && isObject(to)) {
    const ops: JsonPatchOperation[] = [];
    for (const key of Object.keys(from).sort()) {
      if (!Object.hasOwn(to, key)) ops.push({ op: "remove", path: `${path}/${token(key)}` });
    }
    for (const key of Object.keys(to).sort()) {
      const at = `${path}/${token(key)}`;
      if (Object.hasOwn(from, key)) ops.push(...diffJson(from[key], to[key], at));
      else ops.push({ op: "add", path: at, value: to[key] });
    }
    return ops;
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    const ops: JsonPatchOperation[] = [];
    const common = Math.min(from.length, to.length);
    for (let i = 0; i < common; i++) ops.push(...diffJson(from[i], to[i], `${path}/${i}`));
    for (let i = common; i < to.length; i++) ops.push({ op: "add", path: `${path}/${i}`, value: to[i] });
    // From the end, so each index is still valid when its turn comes.
    for (let i = from.length - 1; i >= common; i--) ops.push({ op: "remove", path: `${path}/${i}` });
    return ops;
  }
  return [{ op: "replace", path, value: to }];
}

/** `doc` with `patch` applied (a copy; `doc` is left alone). @throws Error for a path that does not resolve. */
export function applyJsonPatch(doc: unknown, patch: JsonPatchOperation[]): unknown {
  let root = structuredClone(doc);
  for (const op of patch) {
    if (op.path === "") {
      if (op.op === "remove") throw new Error("cannot remove the whole document");
      root = structuredClone(op.value);
      continue;
    }
    const tokens = op.path.slice(1).split("/").map(untoken);
    const last = tokens.pop() as string;
    let parent: unknown = root;
    for (const t of tokens) {
      parent = Array.isArray(parent) ? parent[Number(t)] : isObject(parent) ? parent[t] : undefined;
      if (parent === undefined) throw new Error(`no target at ${op.path}`);
    }
    if (Array.isArray(parent)) {
      const i = last === "-" ? parent.length : Number(last);
      if (!Number.isInteger(i) || i < 0 || i > parent.length) throw new Error(`bad index at ${op.path}`);
      if (op.op === "add") parent.splice(i, 0, structuredClone(op.value));
      else if (op.op === "remove") parent.splice(i, 1);
      else parent[i] = structuredClone(op.value);
    } else if (isObject(parent)) {
      if (op.op === "remove") delete parent[last];
      else parent[last] = structuredClone(op.value);
    } else {
      throw new Error(`no target at ${op.path}`);
    }
  }
  return root;
}
