import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../test/helpers/databases.ts";
import { type TestApp, type TestUser, testApp } from "../../test/helpers/test-app.ts";
import { datasets } from "../db/schema.ts";
import { applyJsonPatch, diffJson, type JsonPatchOperation } from "./history-patch.ts";
import { getDataset, updateDataset } from "./service.ts";

describe.each(DATABASE_KINDS)("metadata history on %s", (database) => {
  let t: TestApp;
  let editor: TestUser;
  let stranger: TestUser;
  const org = "so-tai-chinh";
  let orgId: string;

  beforeAll(async () => {
    t = await testApp({ database });
    orgId = (await t.makeOrg({ name: org })).id;
    editor = await t.makeUser();
    stranger = await t.makeUser();
    await t.addMember(org, editor.id, "editor");
  });
  afterAll(() => t?.close());

  const get = (url: string, user: TestUser = editor) =>
    t.app.inject({ url: `/api/v1/datasets/${org}/${url}`, headers: user.headers });
  const patch = (name: string, payload: object) =>
    t.app.inject({
      method: "PATCH",
      url: `/api/v1/datasets/${org}/${name}`,
      headers: editor.headers,
      payload,
    });

  it("keeps every change: who, when, and the patch from the state before", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/api/v1/datasets",
      headers: editor.headers,
      payload: { org, name: "thu-ngan-sach", title: "Thu ngân sách", keywords: ["ngân sách"] },
    });
    expect(created.statusCode).toBe(201);
    await patch("thu-ngan-sach", { title: "Thu ngân sách nhà nước", keywords: ["ngân sách", "thuế"] });
    await patch("thu-ngan-sach", { description: "Theo tháng", licence: "CC-BY-4.0", visibility: "open" });
    await patch("thu-ngan-sach", { licence: null, keywords: ["thuế"] });
    // A change to nothing is no change.
    await patch("thu-ngan-sach", { title: "Thu ngân sách nhà nước" });

    const res = await get("thu-ngan-sach/history");
    expect(res.statusCode).toBe(200);
    const { items } = res.json() as {
      items: { seq: number; actor: string; action: string; patch: JsonPatchOperation[] }[];
    };
    expect(items.map((i) => [i.seq, i.action])).toEqual([
      [4, "update"],
      [3, "update"],
      [2, "update"],
      [1, "create"],
    ]);
    expect(items.every((i) => i.actor === `user:${editor.id}`)).toBe(true);
    expect(items[2]?.patch).toEqual([
      { op: "add", path: "/metadata/keywords/1", value: "thuế" },
      { op: "replace", path: "/title", value: "Thu ngân sách nhà nước" },
    ]);
    expect(items[0]?.patch).toEqual([
      { op: "remove", path: "/metadata/licence" },
      { op: "replace", path: "/metadata/keywords/0", value: "thuế" },
      { op: "remove", path: "/metadata/keywords/1" },
    ]);

    // Replaying the patches from the empty document gives every state, and the last is the dataset now.
    let state: unknown = {};
    for (const entry of [...items].reverse()) {
      state = applyJsonPatch(state, entry.patch);
      const shown = await get(`thu-ngan-sach/history/${entry.seq}`);
      expect(shown.json().state).toEqual(state);
    }
    const now = (await get("thu-ngan-sach")).json();
    expect(state).toEqual({
      title: now.title,
      description: now.description,
      visibility: now.visibility,
      metadata: now.metadata,
    });
  });

  it("shows any past state and diffs any two, either way round", async () => {
    const second = (await get("thu-ngan-sach/history/2")).json();
    expect(second).toMatchObject({ seq: 2, action: "update", actor: `user:${editor.id}` });
    expect(second.state).toMatchObject({
      title: "Thu ngân sách nhà nước",
      visibility: "draft",
      metadata: { keywords: ["ngân sách", "thuế"] },
    });
    const forward = (await get("thu-ngan-sach/history/1/diff/3")).json();
    expect(forward.from).toBe(1);
    expect(forward.to).toBe(3);
    const first = (await get("thu-ngan-sach/history/1")).json().state;
    const third = (await get("thu-ngan-sach/history/3")).json().state;
    expect(applyJsonPatch(first, forward.patch)).toEqual(third);
    const back = (await get("thu-ngan-sach/history/3/diff/1")).json();
    expect(applyJsonPatch(third, back.patch)).toEqual(first);
    expect((await get("thu-ngan-sach/history/2/diff/2")).json().patch).toEqual([]);
    expect((await get("thu-ngan-sach/history/0")).json().state).toEqual({});
  });

  it("pages through a long history", async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const res = await get(`thu-ngan-sach/history?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      const body = res.json() as { items: { seq: number }[]; nextCursor?: string };
      seen.push(...body.items.map((i) => i.seq));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([4, 3, 2, 1]);
  });

  it("answers history_not_found for an entry that does not exist, and guards it like the dataset", async () => {
    expect((await get("thu-ngan-sach/history/99")).json().code).toBe("history_not_found");
    expect((await get("thu-ngan-sach/history/1/diff/99")).json().code).toBe("history_not_found");
    expect((await get("khong-co/history")).json().code).toBe("dataset_not_found");
    await patch("thu-ngan-sach", { visibility: "private" });
    expect((await get("thu-ngan-sach/history", stranger)).json().code).toBe("forbidden");
    const anonymous = await t.app.inject({ url: `/api/v1/datasets/${org}/thu-ngan-sach/history` });
    expect(anonymous.json().code).toBe("unauthenticated");
  });

  it("keeps a baseline of a dataset written without history before its first change", async () => {
    await t.ctx.db.insert(datasets).values({
      orgId,
      name: "nhap-thang",
      title: "Nhập thẳng",
      visibility: "draft",
      metadata: { keywords: [] },
    });
    const ds = await getDataset(t.ctx.db, org, "nhap-thang");
    await updateDataset(t.ctx.db, t.ctx.audit, "system:test", ds, { title: "Đã sửa" });
    const { items } = (await get("nhap-thang/history")).json() as {
      items: { seq: number; action: string; actor: string }[];
    };
    expect(items.map((i) => [i.seq, i.action])).toEqual([
      [2, "update"],
      [1, "baseline"],
    ]);
    expect((await get("nhap-thang/history/1")).json().state.title).toBe("Nhập thẳng");
    expect((await get("nhap-thang/history/1/diff/2")).json().patch).toEqual([
      { op: "replace", path: "/title", value: "Đã sửa" },
    ]);
  });
});

describe("JSON patch", () => {
  const cases: [unknown, unknown][] = [
    [{}, { a: 1 }],
    [
      { a: 1, b: [1, 2, 3] },
      { a: 2, b: [1] },
    ],
    [{ b: [1] }, { b: [3, 1, 2] }],
    [{ "a/b": { "c~d": 1 } }, { "a/b": { "c~d": 2, e: null } }],
    [{ a: { b: 1 } }, { a: [1] }],
    [
      [1, { x: 1 }],
      [1, { x: 2 }, "y"],
    ],
    ["x", { y: 1 }],
  ];
  it.each(cases)("turns %j into %j", (from, to) => {
    const ops = diffJson(from, to);
    expect(applyJsonPatch(from, ops)).toEqual(to);
    expect(diffJson(to, to)).toEqual([]);
  });

  it("escapes pointer tokens and leaves its input alone", () => {
    const from = { "a/b": 1 };
    expect(diffJson(from, { "a/b": 2, "m~n": 3 })).toEqual([
      { op: "replace", path: "/a~1b", value: 2 },
      { op: "add", path: "/m~0n", value: 3 },
    ]);
    applyJsonPatch(from, [{ op: "replace", path: "/a~1b", value: 5 }]);
    expect(from).toEqual({ "a/b": 1 });
  });
});
