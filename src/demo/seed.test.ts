import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type TestApp, testApp } from "../../test/helpers/test-app.ts";
import { listAuditEntries } from "../audit/list.ts";
import { AuditListQuery } from "../audit/schemas.ts";
import { getDataset } from "../catalog/service.ts";
import { getVersion } from "../catalog/versions.ts";
import { loadDemoManifest } from "./manifest.ts";
import { seedDemo } from "./seed.ts";

const manifest = loadDemoManifest();
const lastAuditSeq = async (t: TestApp) =>
  (await listAuditEntries(t.ctx.db, AuditListQuery.parse({ limit: 1 }))).items[0]?.seq ?? 0;

describe("demo data", () => {
  let t: TestApp;
  const warnings: string[] = [];

  beforeAll(async () => {
    t = await testApp();
    vi.spyOn(console, "warn").mockImplementation((message: string) => {
      warnings.push(message);
    });
    await seedDemo(t.ctx);
  }, 240_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.close();
  });

  it("lists at least six datasets of three organizations, open, shared and private", () => {
    expect(manifest.datasets.length).toBeGreaterThanOrEqual(6);
    expect(new Set(manifest.datasets.map((d) => d.org))).toEqual(
      new Set(["bo-cong-thuong", "tong-cuc-thong-ke", "ubnd-tp-ho-chi-minh"]),
    );
    expect(new Set(manifest.datasets.map((d) => d.visibility))).toEqual(
      new Set(["open", "shared", "private"]),
    );
  });

  it("loads every file as version 1 with the row count the generator wrote", async () => {
    expect(warnings).toEqual([]);
    for (const entry of manifest.datasets) {
      const ds = await getDataset(t.ctx.db, entry.org, entry.name);
      expect(ds.row.currentVersion, `${entry.org}/${entry.name}`).toBe(1);
      expect(ds.row.visibility).toBe(entry.visibility);
      const version = await getVersion(t.ctx.db, ds);
      expect(version.rows, entry.file).toBe(entry.rows);
    }
  });

  it("reads the Vietnamese conventions: codes keep leading zeros, day-first dates, `1.234.567` numbers", async () => {
    const ds = await getDataset(t.ctx.db, "tong-cuc-thong-ke", "dang-ky-doanh-nghiep");
    const { tableSchema } = await getVersion(t.ctx.db, ds);
    const types = Object.fromEntries(
      (tableSchema as { fields: { name: string; type: string }[] }).fields.map((f) => [f.name, f.type]),
    );
    expect(types).toMatchObject({
      ma_tinh: "string",
      mst: "string",
      ngay_dang_ky: "date",
      von_dieu_le: "integer",
    });
  });

  it("decodes the Windows-1258 file into proper Vietnamese", async () => {
    const ds = await getDataset(t.ctx.db, "bo-cong-thuong", "dien-nang-tieu-thu");
    const version = await getVersion(t.ctx.db, ds);
    const file = t.ctx.blobs.pathOf(version.blobKey).replace(/'/g, "''");
    const names = await t.ctx.engine.query<{ name: string }>(
      `SELECT DISTINCT tinh_thanh_pho AS name FROM read_parquet('${file}') ORDER BY 1`,
    );
    expect(names.map((r) => r.name)).toEqual(expect.arrayContaining(["Hà Nội", "Thừa Thiên Huế", "Đắk Lắk"]));
  });

  it("a second seed adds nothing", async () => {
    const before = await lastAuditSeq(t);
    await seedDemo(t.ctx);
    expect(await lastAuditSeq(t)).toBe(before);
    for (const entry of manifest.datasets) {
      expect((await getDataset(t.ctx.db, entry.org, entry.name)).row.currentVersion).toBe(1);
    }
  });
});
