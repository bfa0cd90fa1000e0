/**
 * The catalog the CKAN tests run against: two organizations, open, private and draft datasets (some with
 * real Parquet versions), catalog metadata on them, and callers of every kind, with a raw API token.
 */
import { expect } from "vitest";
import { makeDatasetWithRows } from "../../../test/helpers/datasets.ts";
import { type TestApp, type TestUser, testApp } from "../../../test/helpers/test-app.ts";

export const BUDGET_ROWS = [
  { ma_tinh: "01", ten_tinh: "Hà Nội", nam: 2023, chi_tieu: 120.5 },
  { ma_tinh: "01", ten_tinh: "Hà Nội", nam: 2024, chi_tieu: 130.25 },
  { ma_tinh: "79", ten_tinh: "Hồ Chí Minh", nam: 2023, chi_tieu: 200 },
  { ma_tinh: "79", ten_tinh: "Hồ Chí Minh", nam: 2024, chi_tieu: 215.75 },
  { ma_tinh: "48", ten_tinh: "Đà Nẵng", nam: 2023, chi_tieu: 55 },
  { ma_tinh: "48", ten_tinh: "Đà Nẵng", nam: 2024, chi_tieu: 60.5 },
];

/** Open datasets without versions that fill a few search pages. */
export const TABLE_COUNT = 12;

export interface CkanFixture {
  t: TestApp;
  finance: string;
  stats: string;
  member: TestUser;
  outsider: TestUser;
  admin: TestUser;
  /** A raw API token of `member`, as CKAN clients send it. */
  memberToken: string;
  ids: { budget: string; internal: string; population: string; draft: string };
  budgetVersion: { sha256: string; bytes: number };
  /** Every open dataset's id. */
  openIds: string[];
}

export async function makeCkanFixture(database: "pglite" | "postgres"): Promise<CkanFixture> {
  const t = await testApp({ database });
  const finance = (await t.makeOrg({ name: "so-tai-chinh", title: "Sở Tài chính Hà Nội" })).name;
  const stats = (await t.makeOrg({ name: "cuc-thong-ke", title: "Cục Thống kê" })).name;
  const member = await t.makeUser({ name: "Trần Thị Thành Viên" });
  const outsider = await t.makeUser();
  const admin = await t.makeUser({ isPlatformAdmin: true });
  await t.addMember(finance, member.id, "member");

  const version = await makeDatasetWithRows(t.ctx, {
    org: finance,
    name: "ngan-sach-2024",
    title: "Ngân sách địa phương 2024",
    visibility: "open",
    columns: { ma_tinh: "VARCHAR", ten_tinh: "VARCHAR", nam: "BIGINT", chi_tieu: "DOUBLE" },
    rows: BUDGET_ROWS,
  });
  await makeDatasetWithRows(t.ctx, {
    org: finance,
    name: "thu-chi-noi-bo",
    title: "Thu chi nội bộ",
    visibility: "private",
    columns: { khoan: "VARCHAR", so_tien: "BIGINT" },
    rows: [{ khoan: "Lương", so_tien: 1000 }],
  });
  await makeDatasetWithRows(t.ctx, {
    org: stats,
    name: "dan-so",
    title: "Dân số các tỉnh",
    visibility: "open",
    columns: { tinh: "VARCHAR", dan_so: "BIGINT" },
    rows: [
      { tinh: "Hà Nội", dan_so: 8_500_000 },
      { tinh: "Huế", dan_so: 1_200_000 },
    ],
  });
  const create = async (org: string, name: string, title: string, visibility: string) => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/datasets",
      headers: admin.headers,
      payload: { org, name, title, visibility },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const draft = await create(stats, "ban-nhap", "Bản nháp", "draft");
  for (let i = 1; i <= TABLE_COUNT; i++) {
    await create(stats, `bang-${String(i).padStart(2, "0")}`, `Bảng thống kê ${i}`, "open");
  }

  const patch = async (path: string, body: object) => {
    const res = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/datasets/${path}`,
      headers: admin.headers,
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().id as string;
  };
  const budget = await patch(`${finance}/ngan-sach-2024`, {
    description: "Chi tiêu ngân sách theo tỉnh",
    keywords: ["ngân sách", "tài chính"],
    licence: "CC-BY-4.0",
    themes: ["ECON"],
    classification: "open",
    importance: "important",
    frequency: "ANNUAL",
    spatial: ["01", "79"],
    contactPoint: { name: "Phòng Ngân sách", email: "ngansach@example.vn" },
  });
  const internal = await patch(`${finance}/thu-chi-noi-bo`, { keywords: ["tài chính", "nội bộ"] });
  const population = await patch(`${stats}/dan-so`, { keywords: ["dân số"], licence: "CC0-1.0" });

  const tokenRes = await t.app.inject({
    method: "POST",
    url: "/api/v1/tokens",
    headers: member.headers,
    payload: { name: "ckanapi" },
  });
  expect(tokenRes.statusCode, tokenRes.body).toBe(201);

  const listed = await t.app.inject({ url: "/api/v1/datasets?limit=500" });
  const openIds = (listed.json().items as { id: string }[]).map((d) => d.id).sort();

  return {
    t,
    finance,
    stats,
    member,
    outsider,
    admin,
    memberToken: tokenRes.json().secret,
    ids: { budget, internal, population, draft },
    budgetVersion: { sha256: version.sha256, bytes: version.bytes },
    openIds,
  };
}

/** Calls an action with GET and a query string; `headers` for the caller. */
export function callAction(
  t: TestApp,
  action: string,
  query: Record<string, string | number | boolean> = {},
  headers: Record<string, string> = {},
) {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  return t.app.inject({ url: `/api/3/action/${action}${qs ? `?${qs}` : ""}`, headers });
}

/** Calls an action with POST and a JSON body. */
export function postAction(t: TestApp, action: string, body: object, headers: Record<string, string> = {}) {
  return t.app.inject({ method: "POST", url: `/api/3/action/${action}`, headers, payload: body });
}
