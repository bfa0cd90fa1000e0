/**
 * For tests: the demo content (`seedDemo`) plus realistic datasets of its organizations, with data and
 * with catalog metadata set the way a publisher sets it (PATCH), and datasets the export must leave out.
 */

import { makeDatasetWithRows } from "../../../test/helpers/datasets.ts";
import type { TestApp } from "../../../test/helpers/test-app.ts";
import { seedDemo } from "../../demo/seed.ts";

export interface SampleCatalog {
  /** `org/name` of the open datasets the export must contain. */
  open: string[];
  /** `org/name` of datasets it must leave out (private, draft, deleted). */
  hidden: string[];
  adminHeaders: Record<string, string>;
}

export async function buildSampleCatalog(t: TestApp): Promise<SampleCatalog> {
  const credentials = await seedDemo(t.ctx);
  const adminHeaders = { cookie: await t.login(credentials.email, credentials.password) };
  const patch = async (id: string, payload: object) => {
    const res = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/datasets/${id}`,
      headers: adminHeaders,
      payload,
    });
    if (res.statusCode !== 200) throw new Error(`PATCH ${id}: ${res.statusCode} ${res.body}`);
  };

  await makeDatasetWithRows(t.ctx, {
    org: "bo-cong-thuong",
    name: "gia-ban-le-xang-dau",
    title: "Giá bán lẻ xăng dầu",
    columns: { ngay_dieu_chinh: "DATE", mat_hang: "VARCHAR", gia_vnd_lit: "BIGINT" },
    rows: [
      { ngay_dieu_chinh: "2024-01-04", mat_hang: "Xăng RON 95-III", gia_vnd_lit: 22_830 },
      { ngay_dieu_chinh: "2024-01-04", mat_hang: "Dầu diesel 0,05S", gia_vnd_lit: 20_190 },
      { ngay_dieu_chinh: "2024-01-11", mat_hang: "Xăng E5 RON 92", gia_vnd_lit: 21_800 },
    ],
  });
  await patch("bo-cong-thuong/gia-ban-le-xang-dau", {
    description:
      "Giá bán lẻ các mặt hàng xăng dầu phổ biến sau mỗi kỳ điều hành của liên Bộ Công Thương – Tài chính.",
    titleEn: "Retail fuel prices",
    descriptionEn:
      "Retail prices of common fuels after each price-setting period of the Ministries of Industry and Trade and of Finance.",
    keywords: ["xăng dầu", "giá cả", "năng lượng"],
    themes: ["vn:energy", "ECON"],
    contactPoint: {
      name: "Vụ Thị trường trong nước",
      email: "thitruong@moit.gov.vn",
      phone: "+84 24 2220 2222",
      url: "https://moit.gov.vn",
    },
    licence: "CC-BY-4.0",
    accessRights: "PUBLIC",
    frequency: "WEEKLY",
    temporal: { start: "2024-01-01", end: "2024-12-31" },
    spatial: ["VN"],
    landingPage: "https://moit.gov.vn/tin-tuc/thi-truong-trong-nuoc/gia-xang-dau.html",
    issued: "2024-01-05",
    versionNotes: "Bổ sung kỳ điều hành ngày 11/01/2024.",
  });

  await makeDatasetWithRows(t.ctx, {
    org: "tong-cuc-thong-ke",
    name: "dan-so-trung-binh-theo-tinh",
    title: "Dân số trung bình theo tỉnh, thành phố",
    columns: { ma_tinh: "VARCHAR", ten_tinh: "VARCHAR", nam: "BIGINT", dan_so_nghin_nguoi: "DOUBLE" },
    rows: [
      { ma_tinh: "01", ten_tinh: "Hà Nội", nam: 2023, dan_so_nghin_nguoi: 8587.1 },
      { ma_tinh: "48", ten_tinh: "Đà Nẵng", nam: 2023, dan_so_nghin_nguoi: 1245.2 },
      { ma_tinh: "79", ten_tinh: "Thành phố Hồ Chí Minh", nam: 2023, dan_so_nghin_nguoi: 9456.7 },
    ],
    primaryKey: ["ma_tinh", "nam"],
  });
  await patch("tong-cuc-thong-ke/dan-so-trung-binh-theo-tinh", {
    description: "Dân số trung bình hằng năm của các tỉnh, thành phố trực thuộc trung ương (nghìn người).",
    titleEn: "Average population by province",
    keywords: ["dân số", "thống kê"],
    themes: ["vn:population", "vn:statistics"],
    licence: "CC0-1.0",
    frequency: "ANNUAL",
    temporal: { start: "2010-01-01" },
    spatial: ["01", "48", "79"],
  });

  await makeDatasetWithRows(t.ctx, {
    org: "ubnd-tp-ho-chi-minh",
    name: "thu-tuc-hanh-chinh",
    title: "Danh mục thủ tục hành chính cấp thành phố",
    columns: { ma_thu_tuc: "VARCHAR", ten_thu_tuc: "VARCHAR", linh_vuc: "VARCHAR", truc_tuyen: "BOOLEAN" },
    rows: [
      {
        ma_thu_tuc: "1.001234",
        ten_thu_tuc: "Cấp giấy phép xây dựng",
        linh_vuc: "Xây dựng",
        truc_tuyen: true,
      },
      {
        ma_thu_tuc: "1.004567",
        ten_thu_tuc: "Đăng ký hộ kinh doanh",
        linh_vuc: "Kinh doanh",
        truc_tuyen: true,
      },
    ],
  });
  await patch("ubnd-tp-ho-chi-minh/thu-tuc-hanh-chinh", {
    themes: ["GOVE", "vn:public-services"],
    licence: "ODbL-1.0",
    frequency: "MONTHLY",
    spatial: ["79"],
  });

  // Bare metadata: no description, licence "restricted" (no public URL), nothing else set.
  await makeDatasetWithRows(t.ctx, {
    org: "cong-ty-du-lieu-mekong",
    name: "chi-so-gia-nha-o",
    title: "Chỉ số giá nhà ở",
    columns: { quy: "VARCHAR", chi_so: "DOUBLE", cap_nhat_luc: "TIMESTAMP" },
    rows: [{ quy: "2024-Q1", chi_so: 101.7, cap_nhat_luc: "2024-04-02T08:00:00" }],
  });
  await patch("cong-ty-du-lieu-mekong/chi-so-gia-nha-o", { licence: "restricted" });

  // Open, but nothing uploaded yet: a dataset without distributions.
  const created = await t.app.inject({
    method: "POST",
    url: "/api/v1/datasets",
    headers: adminHeaders,
    payload: {
      org: "tong-cuc-thong-ke",
      name: "ke-hoach-cong-bo-du-lieu",
      title: "Kế hoạch công bố dữ liệu mở năm 2025",
      visibility: "open",
    },
  });
  if (created.statusCode !== 201) throw new Error(`POST dataset: ${created.statusCode} ${created.body}`);

  const hiddenSpec = { columns: { x: "BIGINT" as const }, rows: [{ x: 1 }] };
  await makeDatasetWithRows(t.ctx, {
    org: "bo-cong-thuong",
    name: "du-thao-noi-bo",
    visibility: "private",
    ...hiddenSpec,
  });
  await makeDatasetWithRows(t.ctx, {
    org: "bo-cong-thuong",
    name: "ban-nhap",
    visibility: "draft",
    ...hiddenSpec,
  });
  await makeDatasetWithRows(t.ctx, {
    org: "bo-cong-thuong",
    name: "da-xoa",
    visibility: "open",
    ...hiddenSpec,
  });
  const deleted = await t.app.inject({
    method: "DELETE",
    url: "/api/v1/datasets/bo-cong-thuong/da-xoa",
    headers: adminHeaders,
  });
  if (deleted.statusCode !== 204) throw new Error(`DELETE dataset: ${deleted.statusCode} ${deleted.body}`);

  return {
    open: [
      "bo-cong-thuong/gia-ban-le-xang-dau",
      "cong-ty-du-lieu-mekong/chi-so-gia-nha-o",
      "tong-cuc-thong-ke/ke-hoach-cong-bo-du-lieu",
      "tong-cuc-thong-ke/dan-so-trung-binh-theo-tinh",
      "ubnd-tp-ho-chi-minh/thu-tuc-hanh-chinh",
    ],
    hidden: ["bo-cong-thuong/du-thao-noi-bo", "bo-cong-thuong/ban-nhap", "bo-cong-thuong/da-xoa"],
    adminHeaders,
  };
}
