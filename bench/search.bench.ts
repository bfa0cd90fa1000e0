/**
 * Search benchmark: fills a fresh catalog with 100,000 datasets' metadata (Vietnamese titles,
 * descriptions, keywords and organizations, written straight into the database in batches) and measures
 * `GET /api/v1/datasets` with facets — p50/p95 at concurrency 1 and 16 — on the embedded PGlite and on
 * PostgreSQL (when BENCH_DATABASE_URL or TEST_DATABASE_URL is set). Writes `bench/results/search.json`.
 *
 *   npx tsx bench/search.bench.ts [--datasets 100000] [--requests 400] [--only pglite|postgres]
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import pg from "pg";
import { buildApp } from "../src/app.ts";
import { createUser } from "../src/auth/users.ts";
import { loadConfig } from "../src/config.ts";
import { type AppContext, closeContext, openContext } from "../src/context.ts";
import { datasets, datasetVersions, memberships, organizations } from "../src/db/schema.ts";

// --- a Vietnamese catalog -------------------------------------------------------------------------

const PROVINCES: [string, string][] = [
  ["01", "Hà Nội"], ["02", "Hà Giang"], ["04", "Cao Bằng"], ["06", "Bắc Kạn"], ["08", "Tuyên Quang"],
  ["10", "Lào Cai"], ["11", "Điện Biên"], ["12", "Lai Châu"], ["14", "Sơn La"], ["15", "Yên Bái"],
  ["17", "Hòa Bình"], ["19", "Thái Nguyên"], ["20", "Lạng Sơn"], ["22", "Quảng Ninh"], ["24", "Bắc Giang"],
  ["25", "Phú Thọ"], ["26", "Vĩnh Phúc"], ["27", "Bắc Ninh"], ["30", "Hải Dương"], ["31", "Hải Phòng"],
  ["33", "Hưng Yên"], ["34", "Thái Bình"], ["35", "Hà Nam"], ["36", "Nam Định"], ["37", "Ninh Bình"],
  ["38", "Thanh Hóa"], ["40", "Nghệ An"], ["42", "Hà Tĩnh"], ["44", "Quảng Bình"], ["45", "Quảng Trị"],
  ["46", "Thừa Thiên Huế"], ["48", "Đà Nẵng"], ["49", "Quảng Nam"], ["51", "Quảng Ngãi"], ["52", "Bình Định"],
  ["54", "Phú Yên"], ["56", "Khánh Hòa"], ["58", "Ninh Thuận"], ["60", "Bình Thuận"], ["62", "Kon Tum"],
  ["64", "Gia Lai"], ["66", "Đắk Lắk"], ["67", "Đắk Nông"], ["68", "Lâm Đồng"], ["70", "Bình Phước"],
  ["72", "Tây Ninh"], ["74", "Bình Dương"], ["75", "Đồng Nai"], ["77", "Bà Rịa - Vũng Tàu"],
  ["79", "Thành phố Hồ Chí Minh"], ["80", "Long An"], ["82", "Tiền Giang"], ["83", "Bến Tre"],
  ["84", "Trà Vinh"], ["86", "Vĩnh Long"], ["87", "Đồng Tháp"], ["89", "An Giang"], ["91", "Kiên Giang"],
  ["92", "Cần Thơ"], ["93", "Hậu Giang"], ["94", "Sóc Trăng"], ["95", "Bạc Liêu"], ["96", "Cà Mau"],
];

const MINISTRIES: [string, string, string[]][] = [
  ["bo-cong-thuong", "Bộ Công Thương", ["vn:trade", "vn:industry", "vn:energy"]],
  ["bo-tai-chinh", "Bộ Tài chính", ["vn:finance", "ECON"]],
  ["bo-y-te", "Bộ Y tế", ["vn:health", "HEAL"]],
  ["bo-giao-duc-dao-tao", "Bộ Giáo dục và Đào tạo", ["vn:education", "EDUC"]],
  ["bo-nong-nghiep-moi-truong", "Bộ Nông nghiệp và Môi trường", ["vn:agriculture", "vn:environment", "AGRI"]],
  ["bo-xay-dung", "Bộ Xây dựng", ["vn:construction", "vn:transport", "TRAN"]],
  ["bo-khoa-hoc-cong-nghe", "Bộ Khoa học và Công nghệ", ["vn:science-technology", "TECH"]],
  ["bo-noi-vu", "Bộ Nội vụ", ["vn:labour", "GOVE"]],
  ["bo-tu-phap", "Bộ Tư pháp", ["vn:justice", "JUST"]],
  ["bo-van-hoa-the-thao-du-lich", "Bộ Văn hóa, Thể thao và Du lịch", ["vn:culture-tourism", "EDUC"]],
  ["cuc-thong-ke", "Cục Thống kê", ["vn:statistics", "vn:population", "SOCI"]],
  ["bo-cong-an", "Bộ Công an", ["vn:public-services", "JUST"]],
];

/** Subjects: title stem, sector themes, keywords, typical columns. */
const SUBJECTS: [string, string[], string[], string[]][] = [
  ["Doanh thu thương mại điện tử", ["vn:trade", "ECON"], ["thương mại điện tử", "bán lẻ", "doanh thu"], ["nam", "quy", "doanh_thu", "so_don_hang"]],
  ["Giá bán lẻ xăng dầu", ["vn:energy", "vn:trade"], ["xăng dầu", "giá cả", "năng lượng"], ["ngay", "mat_hang", "gia_ban", "don_vi"]],
  ["Chỉ số giá tiêu dùng (CPI)", ["vn:statistics", "ECON"], ["CPI", "lạm phát", "giá cả"], ["thang", "nhom_hang", "chi_so"]],
  ["Số doanh nghiệp đăng ký thành lập mới", ["vn:industry", "ECON"], ["doanh nghiệp", "đăng ký kinh doanh"], ["thang", "nganh", "so_doanh_nghiep", "von_dang_ky"]],
  ["Kim ngạch xuất khẩu hàng hóa", ["vn:trade", "ECON"], ["xuất khẩu", "hải quan", "thương mại"], ["thang", "mat_hang", "thi_truong", "tri_gia_usd"]],
  ["Kim ngạch nhập khẩu hàng hóa", ["vn:trade", "ECON"], ["nhập khẩu", "hải quan"], ["thang", "mat_hang", "tri_gia_usd"]],
  ["Danh sách cơ sở khám chữa bệnh", ["vn:health", "HEAL"], ["bệnh viện", "y tế", "cơ sở y tế"], ["ma_co_so", "ten_co_so", "dia_chi", "so_giuong"]],
  ["Số ca mắc bệnh truyền nhiễm", ["vn:health", "HEAL"], ["dịch bệnh", "sốt xuất huyết", "y tế dự phòng"], ["tuan", "benh", "so_ca_mac", "so_ca_tu_vong"]],
  ["Tỷ lệ tiêm chủng mở rộng", ["vn:health", "HEAL"], ["tiêm chủng", "trẻ em", "vắc xin"], ["nam", "loai_vac_xin", "ty_le"]],
  ["Số học sinh phổ thông", ["vn:education", "EDUC"], ["học sinh", "giáo dục phổ thông", "trường học"], ["nam_hoc", "cap_hoc", "so_hoc_sinh"]],
  ["Điểm thi tốt nghiệp trung học phổ thông", ["vn:education", "EDUC"], ["thi tốt nghiệp", "THPT", "điểm thi"], ["mon_thi", "diem_trung_binh", "so_thi_sinh"]],
  ["Danh sách trường mầm non", ["vn:education"], ["mầm non", "trường học"], ["ma_truong", "ten_truong", "loai_hinh", "dia_chi"]],
  ["Sản lượng lúa", ["vn:agriculture", "AGRI"], ["lúa gạo", "nông nghiệp", "sản lượng"], ["vu", "dien_tich_ha", "san_luong_tan"]],
  ["Diện tích cây ăn quả", ["vn:agriculture", "AGRI"], ["cây ăn quả", "trồng trọt"], ["loai_cay", "dien_tich_ha"]],
  ["Sản lượng thủy sản nuôi trồng", ["vn:agriculture", "AGRI"], ["thủy sản", "nuôi trồng", "tôm cá"], ["nam", "loai", "san_luong_tan"]],
  ["Chất lượng không khí (AQI)", ["vn:environment", "ENVI"], ["không khí", "AQI", "ô nhiễm"], ["thoi_diem", "tram_quan_trac", "aqi", "pm25"]],
  ["Mực nước các sông chính", ["vn:environment", "ENVI"], ["thủy văn", "mực nước", "lũ lụt"], ["thoi_diem", "tram", "muc_nuoc_cm"]],
  ["Lượng mưa trung bình", ["vn:environment", "ENVI"], ["khí tượng", "lượng mưa", "thời tiết"], ["thang", "tram", "luong_mua_mm"]],
  ["Tai nạn giao thông đường bộ", ["vn:transport", "TRAN"], ["tai nạn giao thông", "an toàn giao thông"], ["thang", "so_vu", "so_nguoi_chet", "so_nguoi_bi_thuong"]],
  ["Lưu lượng phương tiện qua trạm thu phí", ["vn:transport", "TRAN"], ["giao thông", "trạm thu phí", "phương tiện"], ["ngay", "tram", "loai_xe", "luot_xe"]],
  ["Dân số trung bình", ["vn:population", "SOCI"], ["dân số", "nhân khẩu học"], ["nam", "gioi_tinh", "thanh_thi_nong_thon", "dan_so"]],
  ["Tỷ lệ hộ nghèo", ["vn:population", "SOCI"], ["hộ nghèo", "giảm nghèo", "an sinh xã hội"], ["nam", "huyen", "ty_le_ho_ngheo"]],
  ["Lao động có việc làm", ["vn:labour", "SOCI"], ["lao động", "việc làm", "thất nghiệp"], ["quy", "nganh", "so_lao_dong"]],
  ["Thu ngân sách nhà nước", ["vn:finance", "ECON"], ["ngân sách", "thuế", "tài chính công"], ["thang", "khoan_thu", "so_tien_ty_dong"]],
  ["Vốn đầu tư trực tiếp nước ngoài (FDI)", ["vn:finance", "ECON"], ["FDI", "đầu tư nước ngoài"], ["nam", "quoc_gia", "so_du_an", "von_dang_ky_trieu_usd"]],
  ["Cấp giấy phép xây dựng", ["vn:construction", "REGI"], ["giấy phép xây dựng", "xây dựng"], ["ngay_cap", "loai_cong_trinh", "dia_diem"]],
  ["Khách du lịch quốc tế đến", ["vn:culture-tourism", "EDUC"], ["du lịch", "khách quốc tế"], ["thang", "quoc_tich", "luot_khach"]],
  ["Tiêu thụ điện năng", ["vn:energy", "ENER"], ["điện năng", "năng lượng", "EVN"], ["thang", "thanh_phan", "san_luong_kwh"]],
  ["Thủ tục hành chính công trực tuyến", ["vn:public-services", "GOVE"], ["dịch vụ công", "thủ tục hành chính", "chuyển đổi số"], ["ma_thu_tuc", "ten_thu_tuc", "muc_do", "so_ho_so"]],
  ["Án phí và lệ phí tòa án", ["vn:justice", "JUST"], ["tòa án", "tư pháp"], ["nam", "loai_an", "so_tien"]],
  ["Đăng ký khai sinh", ["vn:justice", "SOCI"], ["hộ tịch", "khai sinh"], ["thang", "huyen", "so_dang_ky"]],
  ["Bằng sáng chế được cấp", ["vn:science-technology", "TECH"], ["sở hữu trí tuệ", "sáng chế", "đổi mới sáng tạo"], ["nam", "linh_vuc", "so_bang"]],
  ["Thuê bao internet băng rộng", ["vn:information-communication", "TECH"], ["internet", "viễn thông", "băng rộng"], ["quy", "nha_mang", "so_thue_bao"]],
  ["Sản lượng công nghiệp chủ yếu", ["vn:industry", "ECON"], ["công nghiệp", "sản xuất"], ["thang", "san_pham", "san_luong"]],
  ["Giá đất ở", ["vn:construction", "REGI"], ["bảng giá đất", "đất đai", "bất động sản"], ["tuyen_duong", "vi_tri", "gia_dong_m2"]],
  ["Quan trắc nước thải công nghiệp", ["vn:environment", "ENVI"], ["nước thải", "khu công nghiệp", "môi trường"], ["thoi_diem", "diem_quan_trac", "cod", "bod5"]],
];

const SCOPES = [
  "theo tháng", "theo quý", "theo năm", "theo huyện", "theo ngành kinh tế", "theo loại hình doanh nghiệp",
  "theo giới tính", "theo nhóm tuổi", "theo thành thị và nông thôn", "theo mặt hàng", "theo đơn vị hành chính",
];
const PERIODS = ["năm 2019", "năm 2020", "năm 2021", "năm 2022", "năm 2023", "năm 2024", "năm 2025", "giai đoạn 2016–2020", "giai đoạn 2021–2025", "6 tháng đầu năm 2025"];
const LICENCES = ["CC-BY-4.0", "CC-BY-4.0", "CC-BY-4.0", "CC0-1.0", "ODC-BY-1.0", "ODbL-1.0", "restricted", null];
const FREQS = ["MONTHLY", "MONTHLY", "QUARTERLY", "ANNUAL", "ANNUAL", "ANNUAL", "DAILY", "WEEKLY", "IRREG", null];
const FORMATS = ["csv", "csv", "csv", "xlsx", "xlsx", "json", "parquet", "ndjson"];
const CLASSIFICATIONS = ["open", "open", "open", "shared", "private-use"];
const PERSONAL = ["none", "none", "none", "none", "basic", "sensitive"];
const VISIBILITY = ["open", "open", "open", "open", "open", "open", "open", "open", "private", "private", "shared", "draft"] as const;

/** A small deterministic PRNG (mulberry32), so every run builds the same catalog. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  /** Skewed towards the first items, as real catalogs are (a few subjects hold most datasets). */
  const pickSkewed = <T>(xs: readonly T[]): T => xs[Math.floor(next() ** 1.8 * xs.length)] as T;
  return { next, pick, pickSkewed };
}

export interface Org {
  id: string;
  name: string;
  title: string;
  themes: string[];
  province?: [string, string];
}

export function catalogOrgs(): Org[] {
  const orgs: Org[] = MINISTRIES.map(([name, title, themes]) => ({ id: randomUUID(), name, title, themes }));
  for (const p of PROVINCES) {
    const slug = p[1]
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .replace(/[đĐ]/g, "d")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
    orgs.push({ id: randomUUID(), name: `ubnd-${slug}`, title: `UBND ${p[1]}`, themes: [], province: p });
  }
  return orgs;
}

export function makeDatasetRow(i: number, orgs: Org[]) {
  const r = random(i * 7919 + 17);
  const org = r.pickSkewed(orgs);
  const [stem, themes, keywords, columns] = r.pickSkewed(SUBJECTS);
  const place = org.province ?? (r.next() < 0.6 ? r.pick(PROVINCES) : undefined);
  const scope = r.pick(SCOPES);
  const period = r.pick(PERIODS);
  const where = place ? place[1] : "toàn quốc";
  const title = `${stem} ${scope} ${place ? `tỉnh ${place[1]}` : "toàn quốc"} ${period}`;
  const titleEn = r.next() < 0.3 ? `${stem} (${period.replace("năm", "year")})` : undefined;
  const description = [
    `Số liệu ${stem.toLowerCase()} ${scope} tại ${where}, ${period}.`,
    `Dữ liệu do ${org.title} thu thập từ báo cáo của các sở, ngành và đơn vị trực thuộc, được cập nhật định kỳ.`,
    `Các chỉ tiêu gồm: ${columns.join(", ").replace(/_/g, " ")}.`,
    r.next() < 0.5 ? "Phục vụ công tác quản lý nhà nước, nghiên cứu và hoạch định chính sách." : "",
  ].join(" ");
  const kw = [...keywords, ...(place ? [place[1]] : []), ...(r.next() < 0.3 ? ["thống kê"] : [])];
  const format = r.pick(FORMATS);
  const hasVersion = r.next() < 0.7;
  const licence = r.pick(LICENCES);
  const frequency = r.pick(FREQS);
  const metadata: Record<string, unknown> = {
    keywords: kw,
    themes: [...new Set([...themes, ...(org.themes[0] && r.next() < 0.3 ? [org.themes[0]] : [])])],
    spatial: place ? [place[0]] : ["VN"],
    classification: r.pick(CLASSIFICATIONS),
    importance: "ordinary",
    personalData: r.pick(PERSONAL),
    ...(licence ? { licence } : {}),
    ...(frequency ? { frequency } : {}),
    ...(titleEn ? { titleEn } : {}),
  };
  const tableSchema = hasVersion
    ? { fields: [{ name: "ma_tinh", type: "string", title: "Mã tỉnh" }, ...columns.map((c) => ({ name: c, type: "string" }))] }
    : null;
  return {
    row: {
      id: randomUUID(),
      orgId: org.id,
      name: `ds-${i}`,
      title,
      description,
      visibility: r.pick(VISIBILITY),
      tableSchema,
      currentVersion: hasVersion ? 1 : null,
      metadata,
      updatedAt: new Date(Date.UTC(2019, 0, 1) + Math.floor(r.next() * 6 * 365 * 86_400_000)),
    },
    format: hasVersion ? format : undefined,
  };
}

// --- filling the catalog ----------------------------------------------------------------------------

const BATCH = 1000;

/** Writes `count` datasets (and a version for most of them) straight into the catalog, in batches. */
export async function fillCatalog(ctx: AppContext, count: number, onProgress?: (done: number) => void) {
  const orgs = catalogOrgs();
  await ctx.db.insert(organizations).values(
    orgs.map((o) => ({ id: o.id, name: o.name, title: o.title, kind: o.province ? ("province" as const) : ("ministry" as const) })),
  );
  for (let start = 0; start < count; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - start) }, (_, k) => makeDatasetRow(start + k, orgs));
    // Versions first need their datasets; the datasets are inserted without a current version and then
    // pointed at it, as recordVersion does, so the search trigger sees each dataset's format.
    await ctx.db.insert(datasets).values(batch.map((b) => ({ ...b.row, currentVersion: null })));
    const versioned = batch.filter((b) => b.format);
    if (versioned.length > 0) {
      await ctx.db.insert(datasetVersions).values(
        versioned.map((b) => ({
          datasetId: b.row.id,
          n: 1,
          blobKey: `sha256/bench/${b.row.id}`,
          rows: 1000,
          bytes: 65_536,
          sha256: "0".repeat(64),
          tableSchema: b.row.tableSchema ?? {},
          schemaHash: "0".repeat(64),
          mode: "replace" as const,
          source: { format: b.format, encoding: "utf-8", bytes: 65_536 },
          keyId: "bench",
          signature: "bench",
        })),
      );
      await ctx.db.execute(
        sql`update datasets set current_version = 1 where id in (${sql.join(
          versioned.map((b) => sql`${b.row.id}::uuid`),
          sql`, `,
        )})`,
      );
    }
    onProgress?.(start + batch.length);
  }
  return orgs;
}
