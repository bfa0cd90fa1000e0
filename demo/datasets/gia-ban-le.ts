/**
 * Average retail prices of essential goods by province and month (bo-cong-thuong), as the Excel workbook
 * a price-monitoring unit sends: a notes sheet first, the data on the second sheet ("Giá bán lẻ") under
 * Vietnamese headers, months as real Excel dates, prices as numbers.
 * Planted: blank prices, a price typed with an extra zero, a zero price, variant spellings of the unit.
 */
import ExcelJS from "exceljs";
import { toIdentifier } from "../../src/ingest/names.ts";
import type { GeneratedDataset } from "../lib/output.ts";
import { Planter, type Row } from "../lib/plant.ts";
import type { Random } from "../lib/random.ts";
import { province } from "../lib/vietnam.ts";

export const PRICE_SHEET = "Giá bán lẻ";

const HEADERS = ["Mặt hàng", "Nhóm hàng", "Đơn vị tính", "Tỉnh/Thành phố", "Tháng", "Giá bình quân (đồng)"];
const [ITEM, GROUP, UNIT, PROVINCE, MONTH, PRICE] = HEADERS.map(toIdentifier) as [
  string,
  string,
  string,
  string,
  string,
  string,
];

const PROVINCE_CODES = ["01", "31", "22", "38", "46", "48", "56", "66", "79", "92"];

interface Item {
  name: string;
  group: string;
  unit: string;
  /** Price in January 2023, đồng. */
  base: number;
  /** Month-on-month drift and noise. */
  drift: number;
  noise: number;
  /** Set nationally (fuel): no provincial differences. */
  regulated?: boolean;
  /** Rises before Tết (January/February). */
  tet?: boolean;
}

const ITEMS: Item[] = [
  { name: "Gạo tẻ thường", group: "Lương thực", unit: "kg", base: 15_500, drift: 0.006, noise: 0.01 },
  { name: "Gạo tám thơm", group: "Lương thực", unit: "kg", base: 22_000, drift: 0.005, noise: 0.01 },
  {
    name: "Thịt lợn hơi",
    group: "Thực phẩm",
    unit: "kg",
    base: 55_000,
    drift: 0.004,
    noise: 0.05,
    tet: true,
  },
  {
    name: "Thịt lợn nạc thăn",
    group: "Thực phẩm",
    unit: "kg",
    base: 125_000,
    drift: 0.003,
    noise: 0.03,
    tet: true,
  },
  {
    name: "Thịt bò thăn",
    group: "Thực phẩm",
    unit: "kg",
    base: 270_000,
    drift: 0.002,
    noise: 0.02,
    tet: true,
  },
  {
    name: "Gà ta làm sẵn",
    group: "Thực phẩm",
    unit: "kg",
    base: 125_000,
    drift: 0.002,
    noise: 0.03,
    tet: true,
  },
  { name: "Trứng gà", group: "Thực phẩm", unit: "chục", base: 32_000, drift: 0.001, noise: 0.04 },
  { name: "Cá tra phi lê", group: "Thực phẩm", unit: "kg", base: 48_000, drift: 0.001, noise: 0.03 },
  { name: "Đường trắng RE", group: "Thực phẩm", unit: "kg", base: 24_000, drift: 0.008, noise: 0.01 },
  { name: "Dầu ăn thực vật", group: "Thực phẩm", unit: "lít", base: 47_000, drift: -0.002, noise: 0.01 },
  { name: "Bắp cải", group: "Rau củ", unit: "kg", base: 14_000, drift: 0, noise: 0.12, tet: true },
  { name: "Cà chua", group: "Rau củ", unit: "kg", base: 20_000, drift: 0, noise: 0.12 },
  { name: "Sữa bột trẻ em (hộp 900g)", group: "Sữa", unit: "hộp", base: 480_000, drift: 0.002, noise: 0.005 },
  {
    name: "Xăng RON 95-III",
    group: "Nhiên liệu",
    unit: "lít",
    base: 23_400,
    drift: 0,
    noise: 0.04,
    regulated: true,
  },
  {
    name: "Dầu diesel 0,05S",
    group: "Nhiên liệu",
    unit: "lít",
    base: 21_800,
    drift: -0.002,
    noise: 0.04,
    regulated: true,
  },
  {
    name: "Gas đun nấu (bình 12 kg)",
    group: "Nhiên liệu",
    unit: "bình",
    base: 470_000,
    drift: 0,
    noise: 0.03,
    regulated: true,
  },
  {
    name: "Xi măng PCB40",
    group: "Vật liệu xây dựng",
    unit: "bao 50 kg",
    base: 88_000,
    drift: 0.001,
    noise: 0.01,
  },
  {
    name: "Thép xây dựng D10",
    group: "Vật liệu xây dựng",
    unit: "kg",
    base: 16_500,
    drift: -0.004,
    noise: 0.02,
  },
  {
    name: "Nước sạch sinh hoạt",
    group: "Dịch vụ",
    unit: "m³",
    base: 7_500,
    drift: 0.002,
    noise: 0,
    regulated: true,
  },
  {
    name: "Điện sinh hoạt (bậc 3)",
    group: "Dịch vụ",
    unit: "kWh",
    base: 2_167,
    drift: 0.004,
    noise: 0,
    regulated: true,
  },
];

const round = (n: number, step: number) => Math.round(n / step) * step;

export async function generateRetailPrices(rng: Random): Promise<GeneratedDataset> {
  const rows: Row[] = [];
  const months = Array.from({ length: 24 }, (_, i) => ({
    year: 2023 + Math.floor(i / 12),
    month: (i % 12) + 1,
  }));
  for (const item of ITEMS) {
    const national: number[] = [];
    let level = item.base;
    for (const { month } of months) {
      level *= 1 + item.drift + rng.normal(0, item.noise);
      national.push(level * (item.tet && month <= 2 ? 1.08 : 1));
    }
    for (const code of PROVINCE_CODES) {
      const local = item.regulated ? 1 : 1 + rng.normal(0, 0.06);
      months.forEach(({ year, month }, i) => {
        const price = (national[i] ?? item.base) * local * (item.regulated ? 1 : 1 + rng.normal(0, 0.015));
        rows.push({
          [ITEM]: item.name,
          [GROUP]: item.group,
          [UNIT]: item.unit,
          [PROVINCE]: province(code).name,
          [MONTH]: `${year}-${String(month).padStart(2, "0")}-01`,
          [PRICE]: round(price, price < 10_000 ? 1 : 100),
        });
      });
    }
  }

  const plant = new Planter(rng, rows);
  plant.plant({ kind: "missing_value", field: PRICE, detail: "price cell left blank" }, 3, (r) => {
    r[PRICE] = null;
  });
  plant.plant(
    {
      kind: "out_of_range",
      field: PRICE,
      detail: "rice price typed with an extra zero (ten times the usual)",
    },
    1,
    (r) => {
      r[PRICE] = Number(r[PRICE]) * 10;
    },
    (r) => r[ITEM] === "Gạo tẻ thường",
  );
  plant.plant({ kind: "out_of_range", field: PRICE, detail: "price of 0 đồng" }, 1, (r) => {
    r[PRICE] = 0;
  });
  plant.plant(
    { kind: "inconsistent_label", field: UNIT, detail: "unit spelled 'Kg' and 'kilogam' instead of 'kg'" },
    2,
    (r, n) => {
      r[UNIT] = n === 0 ? "Kg" : "kilogam";
    },
    (r) => r[UNIT] === "kg",
  );

  return {
    entry: {
      file: "data/gia-ban-le.xlsx",
      org: "bo-cong-thuong",
      name: "gia-ban-le-hang-thiet-yeu",
      title: "Giá bán lẻ bình quân một số mặt hàng thiết yếu theo tỉnh, 2023–2024",
      description:
        "Giá bán lẻ bình quân hằng tháng của 20 mặt hàng thiết yếu (lương thực, thực phẩm, nhiên liệu, vật liệu xây dựng, dịch vụ) tại 10 tỉnh, thành phố, theo báo cáo của các Sở Công Thương. Dữ liệu mô phỏng cho bản trình diễn.",
      visibility: "open",
      metadata: {
        titleEn: "Average retail prices of essential goods by province, 2023–2024",
        keywords: ["giá cả", "thị trường", "hàng thiết yếu", "bình ổn giá"],
        themes: ["ECON", "vn:trade"],
        licence: "CC-BY-4.0",
        accessRights: "PUBLIC",
        classification: "open",
        frequency: "MONTHLY",
        spatial: PROVINCE_CODES,
        temporal: { start: "2023-01-01", end: "2024-12-31" },
        contactPoint: { name: "Vụ Thị trường trong nước", email: "vttn@moit.gov.vn" },
      },
      options: { sheet: PRICE_SHEET },
      rows: rows.length,
      problems: plant.problems,
    },
    content: await workbook(rows),
  };
}

async function workbook(rows: Row[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Bộ Công Thương";
  wb.created = new Date(Date.UTC(2025, 0, 15));
  wb.modified = wb.created;

  const notes = wb.addWorksheet("Thông tin");
  notes.addRows([
    ["GIÁ BÁN LẺ BÌNH QUÂN MỘT SỐ MẶT HÀNG THIẾT YẾU"],
    ["Nguồn: Báo cáo giá thị trường của các Sở Công Thương"],
    ["Đơn vị: đồng, đã bao gồm thuế giá trị gia tăng"],
    ["Dữ liệu mô phỏng cho bản trình diễn Mekong"],
  ]);

  const sheet = wb.addWorksheet(PRICE_SHEET);
  sheet.addRow(HEADERS).font = { bold: true };
  for (const r of rows) {
    const [y, m] = String(r[MONTH]).split("-").map(Number);
    sheet.addRow([
      r[ITEM],
      r[GROUP],
      r[UNIT],
      r[PROVINCE],
      new Date(Date.UTC(y ?? 2023, (m ?? 1) - 1, 1)),
      r[PRICE],
    ]);
  }
  sheet.getColumn(5).numFmt = "mm/yyyy";
  sheet.getColumn(6).numFmt = "#,##0";
  sheet.columns.forEach((column, i) => {
    column.width = [30, 18, 12, 18, 10, 20][i] ?? 12;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
