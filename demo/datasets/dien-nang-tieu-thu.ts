/**
 * Electricity sold by province, month and customer group (bo-cong-thuong, shared with agreements): a
 * semicolon-separated file in Windows-1258 with Vietnamese headers and `12.345,6` numbers, as the legacy
 * reporting tools of the power companies still write it.
 * Planted: variant province names, a negative value, totals that do not add up, a blank cell.
 */
import { toIdentifier } from "../../src/ingest/names.ts";
import { encodeWindows1258, vnDecimal } from "../lib/formats.ts";
import { delimitedText, type GeneratedDataset } from "../lib/output.ts";
import { Planter, type Row } from "../lib/plant.ts";
import type { Random } from "../lib/random.ts";
import { PROVINCES } from "../lib/vietnam.ts";

const HEADERS = [
  "Mã tỉnh",
  "Tỉnh, thành phố",
  "Năm",
  "Tháng",
  "Sinh hoạt (MWh)",
  "Công nghiệp - Xây dựng (MWh)",
  "Thương mại - Dịch vụ (MWh)",
  "Nông nghiệp (MWh)",
  "Tổng (MWh)",
];
const [CODE, NAME, YEAR, MONTH, HOMES, INDUSTRY, COMMERCE, FARMING, TOTAL] = HEADERS.map(toIdentifier) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
const PARTS = [HOMES, INDUSTRY, COMMERCE, FARMING];

/** Industrial load per inhabitant, relative to the national average. */
const INDUSTRIAL: Record<string, number> = {
  "74": 5,
  "75": 4,
  "27": 4.5,
  "31": 3,
  "22": 3,
  "26": 3,
  "30": 2.5,
  "79": 1.6,
  "01": 1.3,
  "80": 2.5,
  "33": 2.2,
  "19": 2.5,
  "77": 2.8,
  "24": 2.2,
};

/** Summer heat raises home and shop use. */
const SEASON = [0.9, 0.85, 0.95, 1.05, 1.2, 1.25, 1.25, 1.2, 1.1, 1.0, 0.95, 0.95];

export function generateElectricity(rng: Random): GeneratedDataset {
  const rows: Row[] = [];
  for (const year of [2023, 2024]) {
    for (let month = 1; month <= 12; month++) {
      const season = SEASON[month - 1] ?? 1;
      const growth = year === 2024 ? 1.09 : 1;
      for (const p of PROVINCES) {
        const homes = p.population * 62 * season * growth * (1 + rng.normal(0, 0.03));
        const industry = p.population * 95 * (INDUSTRIAL[p.code] ?? 0.6) * growth * (1 + rng.normal(0, 0.04));
        const commerce = p.population * 14 * season * (p.code === "79" || p.code === "01" ? 2.2 : 1) * growth;
        const farming = p.population * 3.5 * (1 + rng.normal(0, 0.1));
        const parts = [homes, industry, commerce, farming].map((x) => Math.round(x * 10) / 10);
        rows.push({
          [CODE]: p.code,
          [NAME]: p.name,
          [YEAR]: year,
          [MONTH]: month,
          [HOMES]: parts[0] ?? 0,
          [INDUSTRY]: parts[1] ?? 0,
          [COMMERCE]: parts[2] ?? 0,
          [FARMING]: parts[3] ?? 0,
          [TOTAL]: Math.round(parts.reduce((a, b) => a + b, 0) * 10) / 10,
        });
      }
    }
  }

  const plant = new Planter(rng, rows);
  const hue = rows.filter(
    (r) => r[CODE] === "46" && r[YEAR] === 2024 && Number(r[MONTH]) >= 4 && Number(r[MONTH]) <= 6,
  );
  for (const r of hue) r[NAME] = "Thừa Thiên - Huế";
  plant.record(
    {
      kind: "inconsistent_label",
      field: NAME,
      detail: "'Thừa Thiên - Huế' for April–June 2024, 'Thừa Thiên Huế' elsewhere",
    },
    hue,
  );
  plant.plant(
    { kind: "inconsistent_label", field: NAME, detail: "'TP Hồ Chí Minh' (no dot) in two months" },
    2,
    (r) => {
      r[NAME] = "TP Hồ Chí Minh";
    },
    (r) => r[CODE] === "79",
  );
  plant.plant(
    { kind: "out_of_range", field: FARMING, detail: "negative consumption (sign typed by mistake)" },
    1,
    (r) => {
      r[FARMING] = -Number(r[FARMING]);
      r[TOTAL] = Math.round(PARTS.reduce((s, k) => s + Number(r[k]), 0) * 10) / 10;
    },
  );
  plant.plant(
    { kind: "inconsistent_total", field: TOTAL, detail: "total is not the sum of the four customer groups" },
    2,
    (r) => {
      r[TOTAL] = Math.round(Number(r[TOTAL]) * 1.1 * 10) / 10;
    },
  );
  plant.plant({ kind: "missing_value", field: INDUSTRY, detail: "industry cell left blank" }, 1, (r) => {
    r[INDUSTRY] = null;
  });

  const text = delimitedText(
    HEADERS,
    rows.map((r) => {
      const out: Row = { ...r };
      for (const k of [...PARTS, TOTAL]) out[k] = r[k] === null ? null : vnDecimal(Number(r[k]), 1);
      return out;
    }),
    ";",
  );
  return {
    entry: {
      file: "data/dien-nang-tieu-thu.csv",
      org: "bo-cong-thuong",
      name: "dien-nang-tieu-thu",
      title: "Điện thương phẩm theo tỉnh, tháng và thành phần phụ tải, 2023–2024",
      description:
        "Sản lượng điện thương phẩm (MWh) hằng tháng của 63 tỉnh, thành phố theo thành phần: sinh hoạt, công nghiệp - xây dựng, thương mại - dịch vụ, nông nghiệp. Chia sẻ cho các cơ quan theo thỏa thuận. Tệp CSV mã Windows-1258, phân cách bằng dấu chấm phẩy. Dữ liệu mô phỏng cho bản trình diễn.",
      visibility: "shared",
      metadata: {
        titleEn: "Electricity sold by province, month and customer group, 2023–2024",
        keywords: ["điện năng", "năng lượng", "phụ tải", "tiêu thụ điện"],
        themes: ["ENER", "vn:energy"],
        licence: "restricted",
        accessRights: "RESTRICTED",
        classification: "shared",
        importance: "important",
        frequency: "MONTHLY",
        spatial: ["VN"],
        temporal: { start: "2023-01-01", end: "2024-12-31" },
        contactPoint: { name: "Cục Điện lực", email: "cucdienluc@moit.gov.vn" },
      },
      options: { encoding: "windows-1258" },
      rows: rows.length,
      problems: plant.problems,
    },
    content: encodeWindows1258(text),
  };
}
