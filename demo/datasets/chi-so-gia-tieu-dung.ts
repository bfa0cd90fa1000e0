/**
 * Consumer price index by month and commodity group (tong-cuc-thong-ke): tab-separated with `104,25`
 * decimal commas and two-digit group codes, 2020–2024, base year 2019 = 100.
 * Planted: one group's row missing for one month (a gap in the series).
 */

import type { PlantedProblem } from "../../src/demo/manifest.ts";
import { vnDecimal } from "../lib/formats.ts";
import { delimitedText, type GeneratedDataset } from "../lib/output.ts";
import type { Row } from "../lib/plant.ts";
import type { Random } from "../lib/random.ts";

interface Group {
  code: string;
  name: string;
  /** Basket weight, percent. */
  weight: number;
  /** Yearly inflation trend, percent. */
  trend: number;
  volatility: number;
}

const GROUPS: Group[] = [
  { code: "01", name: "Hàng ăn và dịch vụ ăn uống", weight: 33.56, trend: 3.5, volatility: 0.6 },
  { code: "02", name: "Đồ uống và thuốc lá", weight: 2.73, trend: 2.0, volatility: 0.15 },
  { code: "03", name: "May mặc, mũ nón, giày dép", weight: 5.7, trend: 1.2, volatility: 0.15 },
  {
    code: "04",
    name: "Nhà ở, điện, nước, chất đốt và vật liệu xây dựng",
    weight: 15.73,
    trend: 4.0,
    volatility: 0.7,
  },
  { code: "05", name: "Thiết bị và đồ dùng gia đình", weight: 6.74, trend: 1.5, volatility: 0.1 },
  { code: "06", name: "Thuốc và dịch vụ y tế", weight: 5.39, trend: 2.5, volatility: 0.3 },
  { code: "07", name: "Giao thông", weight: 9.67, trend: 2.5, volatility: 2.2 },
  { code: "08", name: "Bưu chính viễn thông", weight: 3.14, trend: -0.5, volatility: 0.1 },
  { code: "09", name: "Giáo dục", weight: 6.17, trend: 3.8, volatility: 0.5 },
  { code: "10", name: "Văn hóa, giải trí và du lịch", weight: 4.55, trend: 1.8, volatility: 0.3 },
  { code: "11", name: "Hàng hóa và dịch vụ khác", weight: 3.53, trend: 3.0, volatility: 0.2 },
];

export function generateConsumerPrices(rng: Random): GeneratedDataset {
  const months = Array.from({ length: 72 }, (_, i) => ({
    year: 2019 + Math.floor(i / 12),
    month: (i % 12) + 1,
  }));
  // Monthly index per group, 2019 averaging 100, simulated from 2019 so every 2020 comparison exists.
  const series = GROUPS.map((g) => {
    let level = 100 * (1 - g.trend / 200);
    return months.map(({ month }) => {
      level *=
        1 + g.trend / 1200 + rng.normal(0, g.volatility / 100) + (g.code === "01" && month === 1 ? 0.01 : 0);
      return level;
    });
  });
  const totalWeight = GROUPS.reduce((s, g) => s + g.weight, 0);
  const overall = months.map(
    (_, i) => GROUPS.reduce((s, g, k) => s + (series[k]?.[i] ?? 100) * g.weight, 0) / totalWeight,
  );
  const all = [{ code: "00", name: "Chỉ số giá tiêu dùng chung" }, ...GROUPS].map((g, k) => ({
    ...g,
    index: k === 0 ? overall : (series[k - 1] ?? []),
  }));

  const rows: Row[] = [];
  months.forEach(({ year, month }, i) => {
    if (year < 2020) return;
    for (const g of all) {
      const now = g.index[i] ?? 100;
      rows.push({
        nam: year,
        thang: month,
        ma_nhom: g.code,
        nhom_hang: g.name,
        chi_so_ky_goc: vnDecimal(now, 2),
        so_voi_thang_truoc: vnDecimal((now / (g.index[i - 1] ?? now)) * 100, 2),
        so_voi_cung_ky: vnDecimal((now / (g.index[i - 12] ?? now)) * 100, 2),
      });
    }
  });
  const gapAt = rows.findIndex((r) => r.nam === 2022 && r.thang === 7 && r.ma_nhom === "07");
  rows.splice(gapAt, 1);
  const around = rows
    .map((r, i) => ({ r, n: i + 1 }))
    .filter(({ r }) => r.nam === 2022 && (r.thang === 6 || r.thang === 8) && r.ma_nhom === "07")
    .map(({ n }) => n);
  const problems: PlantedProblem[] = [
    {
      kind: "missing_period",
      field: "thang",
      rows: around,
      detail:
        "group 07 (Giao thông) has no row for 7/2022: its series goes from 6/2022 (first row listed) to 8/2022",
    },
  ];

  return {
    entry: {
      file: "data/chi-so-gia-tieu-dung.tsv",
      org: "tong-cuc-thong-ke",
      name: "chi-so-gia-tieu-dung",
      title: "Chỉ số giá tiêu dùng theo nhóm hàng hóa, dịch vụ (năm gốc 2019), 2020–2024",
      description:
        "Chỉ số giá tiêu dùng (CPI) hằng tháng của cả nước, chung và theo 11 nhóm hàng hóa, dịch vụ: so với kỳ gốc 2019, so với tháng trước và so với cùng kỳ năm trước (%). Tệp phân cách bằng ký tự tab. Dữ liệu mô phỏng cho bản trình diễn.",
      visibility: "open",
      metadata: {
        titleEn: "Consumer price index by commodity group (base 2019), 2020–2024",
        keywords: ["CPI", "lạm phát", "chỉ số giá", "giá tiêu dùng"],
        themes: ["ECON"],
        licence: "CC-BY-4.0",
        accessRights: "PUBLIC",
        classification: "open",
        importance: "core",
        frequency: "MONTHLY",
        spatial: ["VN"],
        temporal: { start: "2020-01-01", end: "2024-12-31" },
        contactPoint: { name: "Vụ Thống kê Giá", email: "thongkegia@gso.gov.vn" },
      },
      options: {},
      rows: rows.length,
      problems,
    },
    content: Buffer.from(
      delimitedText(
        ["nam", "thang", "ma_nhom", "nhom_hang", "chi_so_ky_goc", "so_voi_thang_truoc", "so_voi_cung_ky"],
        rows,
        "\t",
      ),
      "utf8",
    ),
  };
}
