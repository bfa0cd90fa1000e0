/**
 * Enterprise registrations by province (tong-cuc-thong-ke): a UTF-8 CSV the way registration offices
 * export it — day-first dates, `1.234.567.000` capital, 10-digit tax codes, two-digit province codes.
 * Planted: duplicate rows, missing names and province, malformed tax codes, variant province names, a
 * negative head count, an absurd capital and registration dates in the future.
 */

import { dayFirst, randomDay, taxCode, vnInteger } from "../lib/formats.ts";
import { delimitedText, type GeneratedDataset } from "../lib/output.ts";
import { Planter, type Row } from "../lib/plant.ts";
import type { Random } from "../lib/random.ts";
import { BRAND_WORDS, FAMILY_NAMES, GIVEN_NAMES, PROVINCES, type Province, STREETS } from "../lib/vietnam.ts";

const ROWS = 3500;

const LEGAL_FORMS = [
  { name: "Công ty TNHH một thành viên", prefix: "Công ty TNHH", weight: 40 },
  { name: "Công ty TNHH hai thành viên trở lên", prefix: "Công ty TNHH", weight: 22 },
  { name: "Công ty cổ phần", prefix: "Công ty Cổ phần", weight: 30 },
  { name: "Doanh nghiệp tư nhân", prefix: "Doanh nghiệp tư nhân", weight: 7 },
  { name: "Công ty hợp danh", prefix: "Công ty Hợp danh", weight: 1 },
] as const;

const SECTORS = [
  { name: "Bán buôn và bán lẻ; sửa chữa ô tô, mô tô, xe máy", word: "Thương mại Dịch vụ", weight: 38 },
  { name: "Xây dựng", word: "Xây dựng", weight: 12 },
  { name: "Công nghiệp chế biến, chế tạo", word: "Sản xuất", weight: 14 },
  { name: "Hoạt động chuyên môn, khoa học và công nghệ", word: "Tư vấn", weight: 8 },
  { name: "Vận tải kho bãi", word: "Vận tải", weight: 5 },
  { name: "Dịch vụ lưu trú và ăn uống", word: "Nhà hàng Khách sạn", weight: 5 },
  { name: "Thông tin và truyền thông", word: "Công nghệ", weight: 4 },
  { name: "Kinh doanh bất động sản", word: "Bất động sản", weight: 5 },
  { name: "Nông nghiệp, lâm nghiệp và thủy sản", word: "Nông sản", weight: 2 },
  { name: "Giáo dục và đào tạo", word: "Giáo dục", weight: 3 },
  { name: "Y tế và hoạt động trợ giúp xã hội", word: "Y tế", weight: 1 },
] as const;

/** Cities where far more companies register than their population suggests. */
const BUSINESS_PULL: Record<string, number> = {
  "79": 4,
  "01": 3,
  "48": 2,
  "74": 2,
  "31": 1.6,
  "27": 1.5,
  "75": 1.4,
};

/** The first two digits of tax codes issued in a province (the big ones as issued; others illustrative). */
const TAX_PREFIX: Record<string, string> = {
  "01": "01",
  "31": "02",
  "79": "03",
  "48": "04",
  "75": "36",
  "74": "37",
};

function companyName(rng: Random, prefix: string, sectorWord: string): string {
  const brand = rng.chance(0.25)
    ? `${rng.pick(FAMILY_NAMES)} ${rng.pick(GIVEN_NAMES)}`
    : rng.chance(0.5)
      ? twoWords(rng)
      : rng.pick(BRAND_WORDS);
  return prefix === "Doanh nghiệp tư nhân" ? `${prefix} ${brand}` : `${prefix} ${sectorWord} ${brand}`;
}

function twoWords(rng: Random): string {
  const first = rng.pick(BRAND_WORDS);
  const second = rng.pick(BRAND_WORDS.filter((w) => w !== first));
  return `${first} ${second}`;
}

/** Charter capital in đồng: log-normal, most between 500 million and 10 billion, rounded to a million. */
function capital(rng: Random, legalForm: string): number {
  const shift = legalForm === "Công ty cổ phần" ? 0.8 : 0;
  const value = Math.exp(rng.normal(21.6 + shift, 1.3));
  return Math.max(50, Math.round(value / 1e6)) * 1e6;
}

export function generateEnterpriseRegistrations(rng: Random): GeneratedDataset {
  const rows: Row[] = [];
  for (let i = 0; i < ROWS; i++) {
    const p: Province = rng.weighted(PROVINCES, (x) => x.population * (BUSINESS_PULL[x.code] ?? 0.6));
    const form = rng.weighted(LEGAL_FORMS, (f) => f.weight);
    const sector = rng.weighted(SECTORS, (s) => s.weight);
    const registered = randomDay(rng, "2020-01-01", "2024-12-31");
    rows.push({
      mst: taxCode(rng, TAX_PREFIX[p.code] ?? String(5 + (Number(p.code) % 90)).padStart(2, "0")),
      ten_doanh_nghiep: companyName(rng, form.prefix, sector.word),
      loai_hinh: form.name,
      nganh_kinh_doanh: sector.name,
      ma_tinh: p.code,
      tinh: p.name,
      dia_chi: `Số ${rng.int(1, 350)} đường ${rng.pick(STREETS)}, ${p.name}`,
      ngay_dang_ky: dayFirst(registered),
      von_dieu_le: vnInteger(capital(rng, form.name)),
      so_lao_dong: Math.max(1, Math.round(Math.exp(rng.normal(2.1, 1.1)))),
    });
  }
  rows.sort((a, b) => sortableDate(a.ngay_dang_ky) - sortableDate(b.ngay_dang_ky));

  const plant = new Planter(rng, rows);
  plant.duplicateRows(4, "the same registration exported twice (every column equal)");
  plant.plant(
    { kind: "missing_value", field: "ten_doanh_nghiep", detail: "company name left empty" },
    2,
    (r) => {
      r.ten_doanh_nghiep = null;
    },
  );
  plant.plant(
    { kind: "missing_value", field: "ma_tinh", detail: "province code and name left empty" },
    1,
    (r) => {
      r.ma_tinh = null;
      r.tinh = null;
    },
  );
  plant.plant(
    {
      kind: "malformed_value",
      field: "mst",
      detail: "tax code with 9 digits, a letter O for a zero, a wrong check digit",
    },
    3,
    (r, n) => {
      const code = String(r.mst);
      const lastDigit = Number(code.slice(-1));
      r.mst =
        [
          code.slice(0, 9),
          `${code.slice(0, 4)}O${code.slice(5)}`,
          `${code.slice(0, 9)}${(lastDigit + 1) % 10}`,
        ][n] ?? code;
    },
  );
  const variants: Record<string, string[]> = {
    "79": ["Tp Hồ Chí Minh", "TP.HCM"],
    "01": ["Ha Noi", "TP Hà Nội"],
    "48": ["TP Đà Nẵng"],
  };
  plant.plant(
    {
      kind: "inconsistent_label",
      field: "tinh",
      detail: "province written differently from its usual name for the same ma_tinh",
    },
    5,
    (r, n) => {
      const options = variants[String(r.ma_tinh)] ?? [];
      r.tinh = options[n % options.length] ?? r.tinh;
    },
    (r) => ["79", "01", "48"].includes(String(r.ma_tinh)),
  );
  plant.plant(
    { kind: "out_of_range", field: "so_lao_dong", detail: "negative number of employees (-12)" },
    1,
    (r) => {
      r.so_lao_dong = -12;
    },
  );
  plant.plant(
    {
      kind: "out_of_range",
      field: "von_dieu_le",
      detail: "charter capital of 9.500.000 billion đồng (digits repeated)",
    },
    1,
    (r) => {
      r.von_dieu_le = vnInteger(9_500_000_000_000_000);
    },
  );
  plant.plant(
    { kind: "future_date", field: "ngay_dang_ky", detail: "registration dated in the future (2031, 2035)" },
    2,
    (r, n) => {
      r.ngay_dang_ky = ["14/02/2031", "30/06/2035"][n] ?? r.ngay_dang_ky;
    },
  );

  return {
    entry: {
      file: "data/dang-ky-doanh-nghiep.csv",
      org: "tong-cuc-thong-ke",
      name: "dang-ky-doanh-nghiep",
      title: "Doanh nghiệp đăng ký thành lập mới theo tỉnh, 2020–2024",
      description:
        "Danh sách doanh nghiệp đăng ký thành lập mới giai đoạn 2020–2024: mã số thuế, tên, loại hình, ngành kinh doanh chính, tỉnh/thành phố, ngày đăng ký, vốn điều lệ (đồng) và số lao động đăng ký. Dữ liệu mô phỏng cho bản trình diễn.",
      visibility: "open",
      metadata: {
        titleEn: "Newly registered enterprises by province, 2020–2024",
        keywords: ["doanh nghiệp", "đăng ký kinh doanh", "vốn điều lệ", "mã số thuế"],
        themes: ["ECON", "vn:industry"],
        licence: "CC-BY-4.0",
        accessRights: "PUBLIC",
        classification: "open",
        frequency: "MONTHLY",
        spatial: ["VN"],
        temporal: { start: "2020-01-01", end: "2024-12-31" },
        contactPoint: { name: "Vụ Thống kê Công nghiệp", email: "congnghiep@gso.gov.vn" },
      },
      options: {},
      rows: rows.length,
      problems: plant.problems,
    },
    content: Buffer.from(
      delimitedText(
        [
          "mst",
          "ten_doanh_nghiep",
          "loai_hinh",
          "nganh_kinh_doanh",
          "ma_tinh",
          "tinh",
          "dia_chi",
          "ngay_dang_ky",
          "von_dieu_le",
          "so_lao_dong",
        ],
        rows,
      ),
      "utf8",
    ),
  };
}

function sortableDate(value: Row[string]): number {
  const [d, m, y] = String(value).split("/");
  return Date.UTC(Number(y), Number(m) - 1, Number(d));
}
