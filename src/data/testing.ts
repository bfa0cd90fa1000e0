/**
 * Test data for the data API: a small register of businesses with Vietnamese text, nulls, a formula-like
 * note and every column type, and a factory that stores it as a real Parquet version.
 */
import { makeDatasetWithRows } from "../../test/helpers/datasets.ts";
import type { TestApp } from "../../test/helpers/test-app.ts";

export const BUSINESS_COLUMNS = {
  id: "BIGINT",
  ten: "VARCHAR",
  tinh: "VARCHAR",
  ma_tinh: "VARCHAR",
  doanh_thu: "DOUBLE",
  so_lao_dong: "BIGINT",
  hoat_dong: "BOOLEAN",
  ngay_dang_ky: "DATE",
  cap_nhat: "TIMESTAMP",
  ghi_chu: "VARCHAR",
} as const;

export interface Business {
  id: number;
  ten: string;
  tinh: string;
  ma_tinh: string;
  doanh_thu: number | null;
  so_lao_dong: number | null;
  hoat_dong: boolean;
  ngay_dang_ky: string;
  cap_nhat: string;
  ghi_chu: string | null;
}

export const BUSINESSES: Business[] = [
  [1, "Công ty Sông Hồng", "Hà Nội", "01", 1500.5, 120, true, "2020-01-15", "2024-03-01T08:30:00", null],
  [
    2,
    "Hợp tác xã Đồng Tháp",
    "Đồng Tháp",
    "87",
    300,
    15,
    true,
    "2019-06-30",
    "2024-03-02T09:00:00",
    "xuất khẩu gạo",
  ],
  [
    3,
    "Công ty Đà Nẵng Xanh",
    "Đà Nẵng",
    "48",
    820.25,
    60,
    false,
    "2021-11-01",
    "2024-03-03T10:15:30",
    "=cmd|' /C calc'!A0",
  ],
  [4, "Nhà hàng Hương Việt", "Hà Nội", "01", 95, 8, true, "2022-02-28", "2024-03-04T11:00:00", "+1 phụ thu"],
  [5, "Công ty Mê Kông", "Cần Thơ", "92", null, 45, true, "2018-09-09", "2024-03-05T12:00:00", "-giảm giá"],
  [6, "Xưởng gỗ Hải Phòng", "Hải Phòng", "31", 410, null, false, "2017-04-04", "2024-03-06T13:45:00", "@tag"],
  [
    7,
    "Doanh nghiệp tư nhân Hà Nội Mới",
    "Hà Nội",
    "01",
    2750,
    300,
    true,
    "2016-12-12",
    "2024-03-07T14:00:00",
    '100% vốn, "tư nhân"',
  ],
  [
    8,
    "Công ty Huế Xưa",
    "Thừa Thiên Huế",
    "46",
    150,
    20,
    true,
    "2023-05-05",
    "2024-03-08T15:30:00",
    "tab\tđầu",
  ],
  [
    9,
    "HTX Nông nghiệp Sóc Trăng",
    "Sóc Trăng",
    "94",
    60.75,
    30,
    false,
    "2015-01-01",
    "2024-03-09T16:00:00",
    null,
  ],
  [
    10,
    "Công ty TNHH Đà Lạt",
    "Lâm Đồng",
    "68",
    1500.5,
    75,
    true,
    "2020-01-15",
    "2024-03-10T17:20:00",
    "hoa_lan",
  ],
  [11, "CÔNG TY HÀ NỘI XANH", "Hà Nội", "01", 500, 50, true, "2021-07-07", "2024-03-11T18:00:00", "chữ hoa"],
  [
    12,
    "Quán cà phê Sài Gòn",
    "Hồ Chí Minh",
    "79",
    75,
    5,
    true,
    "2022-08-08",
    "2024-03-12T19:00:00",
    "it's ok",
  ],
].map(([id, ten, tinh, ma_tinh, doanh_thu, so_lao_dong, hoat_dong, ngay_dang_ky, cap_nhat, ghi_chu]) => ({
  id,
  ten,
  tinh,
  ma_tinh,
  doanh_thu,
  so_lao_dong,
  hoat_dong,
  ngay_dang_ky,
  cap_nhat,
  ghi_chu,
})) as Business[];

/** Stores `rows` (default: all businesses) as a version of `org/name`. */
export function makeBusinesses(
  t: TestApp,
  spec: {
    org: string;
    name: string;
    visibility?: "draft" | "private" | "shared" | "open";
    rows?: Business[];
  },
) {
  return makeDatasetWithRows(t.ctx, {
    org: spec.org,
    name: spec.name,
    visibility: spec.visibility ?? "open",
    columns: BUSINESS_COLUMNS,
    rows: (spec.rows ?? BUSINESSES) as unknown as Record<string, unknown>[],
    primaryKey: ["id"],
  });
}

/** Ids of the businesses `keep` selects, in id order. */
export const idsWhere = (keep: (b: Business) => boolean) => BUSINESSES.filter(keep).map((b) => b.id);
