/**
 * Search benchmark: fills a catalog with 100,000 datasets' metadata (Vietnamese titles, descriptions,
 * keywords, organizations; batch inserts straight into the database) and measures
 * `GET /api/v1/datasets` with facets through `app.inject` — p50/p95 at concurrency 1 and 16 over a mix of
 * front-page, filter, text, typing, typo and text+filter searches — on the embedded PGlite and on a
 * PostgreSQL server (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test). Writes
 * `bench/results/search.json`.
 *
 *   npx tsx bench/search.bench.ts [--datasets 100000] [--requests 400] [--only pglite|postgres] [--reuse]
 *
 * `--reuse` keeps the filled catalogs (bench/data/search-pglite, database mekong_bench_search) for reruns.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import pg from "pg";
import { buildApp } from "../src/app.ts";
import { createUser } from "../src/auth/users.ts";
import { loadConfig } from "../src/config.ts";
import { type AppContext, closeContext, openContext } from "../src/context.ts";
import { execute } from "../src/db/client.ts";
import { datasets, datasetVersions, memberships, organizations } from "../src/db/schema.ts";
import { DATA_DIR, round, writeResult } from "./lib/results.ts";

// --- a Vietnamese catalog -------------------------------------------------------------------------

// biome-ignore format: a table reads better one row a line
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

// biome-ignore format: a table reads better one row a line
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

/** Subjects: title stem, themes, keywords, typical column names. */
// biome-ignore format: a table reads better one row a line
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

// biome-ignore format: lists
const SCOPES = ["theo tháng", "theo quý", "theo năm", "theo huyện", "theo ngành kinh tế", "theo loại hình doanh nghiệp", "theo giới tính", "theo nhóm tuổi", "theo thành thị và nông thôn", "theo mặt hàng", "", "", ""];
// biome-ignore format: lists
const PERIODS = ["năm 2019", "năm 2020", "năm 2021", "năm 2022", "năm 2023", "năm 2024", "năm 2025", "giai đoạn 2016–2020", "giai đoạn 2021–2025", "6 tháng đầu năm 2025"];
const LICENCES = [
  "CC-BY-4.0",
  "CC-BY-4.0",
  "CC-BY-4.0",
  "CC0-1.0",
  "ODC-BY-1.0",
  "ODbL-1.0",
  "restricted",
  null,
];
const FREQS = [
  "MONTHLY",
  "MONTHLY",
  "QUARTERLY",
  "ANNUAL",
  "ANNUAL",
  "ANNUAL",
  "DAILY",
  "WEEKLY",
  "IRREG",
  null,
];
const FORMATS = ["csv", "csv", "csv", "xlsx", "xlsx", "json", "parquet", "ndjson"];
const CLASSIFICATIONS = ["open", "open", "open", "shared", "private-use"];
const PERSONAL = ["none", "none", "none", "none", "basic", "sensitive"];
// biome-ignore format: lists
const VISIBILITY = ["open", "open", "open", "open", "open", "open", "open", "open", "private", "private", "shared", "draft"] as const;

/** A small deterministic PRNG (mulberry32), so every run builds and asks the same. */
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
  /** Skewed towards the first items, as real catalogs are (a few subjects and publishers hold most). */
  const pickSkewed = <T>(xs: readonly T[]): T => xs[Math.floor(next() ** 1.4 * xs.length)] as T;
  return { next, pick, pickSkewed };
}

interface Org {
  id: string;
  name: string;
  title: string;
  themes: string[];
  province?: [string, string];
}

const slug = (s: string) =>
  s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

function catalogOrgs(): Org[] {
  const orgs: Org[] = MINISTRIES.map(([name, title, themes]) => ({ id: randomUUID(), name, title, themes }));
  for (const p of PROVINCES) {
    orgs.push({
      id: randomUUID(),
      name: `ubnd-${slug(p[1])}`,
      title: `UBND ${p[1]}`,
      themes: [],
      province: p,
    });
  }
  return orgs;
}

function datasetRow(i: number, orgs: Org[]) {
  const r = random(i * 7919 + 17);
  const org = r.pickSkewed(orgs);
  const [stem, themes, keywords, columns] = r.pickSkewed(SUBJECTS);
  const place = org.province ?? (r.next() < 0.6 ? r.pick(PROVINCES) : undefined);
  const scope = r.pick(SCOPES);
  const period = r.pick(PERIODS);
  const where = place ? place[1] : "toàn quốc";
  const title = [stem, scope, place ? `tỉnh ${place[1]}` : "toàn quốc", period].filter(Boolean).join(" ");
  const description = [
    `Số liệu ${stem.toLowerCase()} ${scope} tại ${where}, ${period}.`,
    `Dữ liệu do ${org.title} thu thập từ báo cáo của các sở, ngành và đơn vị trực thuộc, cập nhật định kỳ.`,
    `Các chỉ tiêu gồm: ${columns.join(", ").replace(/_/g, " ")}.`,
    r.next() < 0.5 ? "Phục vụ công tác quản lý nhà nước, nghiên cứu và hoạch định chính sách." : "",
  ].join(" ");
  const licence = r.pick(LICENCES);
  const frequency = r.pick(FREQS);
  const hasVersion = r.next() < 0.7;
  const metadata: Record<string, unknown> = {
    keywords: [...keywords, ...(place ? [place[1]] : []), ...(r.next() < 0.3 ? ["thống kê"] : [])],
    themes: [...new Set([...themes, ...(org.themes[0] && r.next() < 0.3 ? [org.themes[0]] : [])])],
    spatial: place ? [place[0]] : ["VN"],
    classification: r.pick(CLASSIFICATIONS),
    importance: "ordinary",
    personalData: r.pick(PERSONAL),
    ...(licence ? { licence } : {}),
    ...(frequency ? { frequency } : {}),
    ...(r.next() < 0.3 ? { titleEn: `${stem} (${period})` } : {}),
  };
  const fields = [
    { name: "ma_tinh", type: "string", title: "Mã tỉnh" },
    ...columns.map((name) => ({ name, type: "string" })),
  ];
  return {
    row: {
      id: randomUUID(),
      orgId: org.id,
      name: `ds-${i}`,
      title,
      description,
      visibility: r.pick(VISIBILITY),
      tableSchema: hasVersion ? { fields } : null,
      currentVersion: hasVersion ? 1 : null,
      metadata,
      updatedAt: new Date(Date.UTC(2019, 0, 1) + Math.floor(r.next() * 6 * 365 * 86_400_000)),
    },
    format: hasVersion ? r.pick(FORMATS) : undefined,
  };
}

// --- filling the catalog ----------------------------------------------------------------------------

const BATCH = 1000;

/**
 * Writes `count` datasets (70% with a version) straight into the catalog in batches of 1,000 rows. The
 * search trigger is off while loading and every dataset is then indexed once by the function the trigger
 * calls (`mekong_dataset_search_refresh`), rather than twice (insert, then pointing at its version).
 */
async function fillCatalog(ctx: AppContext, count: number): Promise<Org[]> {
  const orgs = catalogOrgs();
  const kind = (o: Org) => (o.province ? ("province" as const) : ("ministry" as const));
  await ctx.db
    .insert(organizations)
    .values(orgs.map((o) => ({ id: o.id, name: o.name, title: o.title, kind: kind(o) })));
  await ctx.db.execute(sql`alter table datasets disable trigger datasets_search_sync`);
  for (let start = 0; start < count; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - start) }, (_, k) =>
      datasetRow(start + k, orgs),
    );
    await ctx.db.transaction(async (tx) => {
      await tx.insert(datasets).values(batch.map((b) => ({ ...b.row, currentVersion: null })));
      const versioned = batch.filter((b) => b.format);
      if (versioned.length === 0) return;
      await tx.insert(datasetVersions).values(
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
      const ids = versioned.map((b) => b.row.id);
      await tx.execute(
        sql`update datasets set current_version = 1 where id = any(${sql.param(ids)}::uuid[])`,
      );
    });
    progress(`inserted ${start + batch.length}`);
  }
  await ctx.db.execute(sql`alter table datasets enable trigger datasets_search_sync`);
  for (let start = 0; start < count; start += BATCH * 5) {
    const names = Array.from({ length: Math.min(BATCH * 5, count - start) }, (_, k) => `ds-${start + k}`);
    await ctx.db.execute(
      sql`select count(mekong_dataset_search_refresh(d)) from datasets d where d.name = any(${sql.param(names)}::text[])`,
    );
    progress(`indexed ${start + names.length}`);
  }
  // As after any bulk load (docs/search.md): the counters were rewritten once per dataset.
  await ctx.db.execute(sql`vacuum full dataset_facet_counts`);
  await ctx.db.execute(sql`vacuum analyze`);
  return orgs;
}

const progress = (line: string) => process.stdout.write(`\r  ${line}        `);

// --- the searches --------------------------------------------------------------------------------

type SearchClass = "front page" | "filters" | "text" | "typing" | "typo" | "text + filters";

interface Search {
  kind: SearchClass;
  url: string;
  member: boolean;
}

// biome-ignore format: lists
const PHRASES = ["giá xăng dầu", "thuong mai dien tu", "bệnh viện", "dân số Hà Nội", "xuất khẩu hàng hóa", "chất lượng không khí", "tai nan giao thong", "hộ nghèo", "điểm thi tốt nghiệp", "lúa gạo", "FDI", "du lịch Đà Nẵng", "ngân sách nhà nước", "tiêm chủng", "doanh nghiệp đăng ký", "giấy phép xây dựng", "mực nước sông", "trường mầm non", "điện năng", "thủ tục hành chính"];
// biome-ignore format: lists
const TYPING = ["thuong ma", "gia xa", "dan s", "benh vi", "xuat kh", "chat luong kh", "ho ng", "du li", "tiem ch", "giay ph"];
// biome-ignore format: lists
const TYPOS = ["thuogn mai dien tu", "gia xnag dau", "benh vein", "dan sô trung binhh", "xuat khau hang hao", "chat luong khong khi aqii", "tai nan giao thogn", "tiem chugn mo rong"];
const THEMES = [
  "vn:trade",
  "ECON",
  "HEAL",
  "vn:health",
  "EDUC",
  "AGRI",
  "ENVI",
  "TRAN",
  "SOCI",
  "vn:finance",
];

/** The request mix `searches` draws from (for the results file). */
const MIX = {
  "front page": "15%: no text, no filters (the catalog's first page), newest first",
  filters: "20%: one or two facet filters",
  text: "30%: two-to-four-word phrases, with or without diacritics",
  typing: "15%: a phrase cut mid-word (prefix)",
  typo: "10%: a phrase with a misspelt word (no exact match)",
  "text + filters": "10%: a phrase and a filter",
  signedIn: "20% of requests by a member of three organizations, the rest anonymous",
};

function searches(orgs: Org[], n: number): Search[] {
  const r = random(424242);
  const enc = encodeURIComponent;
  const filter = () => {
    const options = [
      () => `theme=${enc(r.pick(THEMES))}`,
      () => `org=${r.pickSkewed(orgs).name}`,
      () => `province=${r.pick(PROVINCES)[0]}`,
      () => `licence=${r.pick(["CC-BY-4.0", "CC0-1.0", "ODbL-1.0"])}`,
      () => `format=${r.pick(["csv", "xlsx", "json"])}`,
      () => `classification=open&personalData=none`,
      () => `keyword=${enc(r.pick(SUBJECTS)[2][0] as string)}`,
    ];
    return r.pick(options)();
  };
  const out: Search[] = [];
  for (let i = 0; i < n; i++) {
    const x = r.next();
    const sort = r.next() < 0.2 ? "&sort=modified" : "";
    let s: Omit<Search, "member">;
    if (x < 0.15) s = { kind: "front page", url: "" };
    else if (x < 0.35) s = { kind: "filters", url: r.next() < 0.7 ? filter() : `${filter()}&${filter()}` };
    else if (x < 0.65) s = { kind: "text", url: `q=${enc(r.pick(PHRASES))}${sort}` };
    else if (x < 0.8) s = { kind: "typing", url: `q=${enc(r.pick(TYPING))}` };
    else if (x < 0.9) s = { kind: "typo", url: `q=${enc(r.pick(TYPOS))}` };
    else s = { kind: "text + filters", url: `q=${enc(r.pick(PHRASES))}&${filter()}` };
    out.push({ ...s, url: `/api/v1/datasets?limit=20&${s.url}`, member: r.next() < 0.2 });
  }
  return out;
}

// --- measuring ---------------------------------------------------------------------------------------

interface Latencies {
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

function summarize(ms: number[]): Latencies {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    requests: sorted.length,
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(at(100)),
    mean: round(mean),
  };
}

/** Runs `list` with `concurrency` requests in flight; each latency is measured around one `inject`. */
async function run(app: FastifyInstance, list: Search[], concurrency: number, cookie: string) {
  const byKind = new Map<string, number[]>();
  const all: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < list.length) {
        const s = list[next++] as Search;
        const t0 = performance.now();
        const res = await app.inject({ url: s.url, headers: s.member ? { cookie } : {} });
        const ms = performance.now() - t0;
        if (res.statusCode !== 200) throw new Error(`${s.url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
        all.push(ms);
        byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), ms]);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    concurrency,
    requestsPerSecond: round(list.length / seconds, 1),
    all: summarize(all),
    byKind: Object.fromEntries([...byKind].map(([k, v]) => [k, summarize(v)])),
  };
}

async function benchOne(
  database: "pglite" | "postgres",
  opts: { datasets: number; requests: number; reuse: boolean },
) {
  const dataDir = path.join(DATA_DIR, `search-${database}`);
  let pgUrl = database === "postgres" ? await benchDatabase(opts.reuse) : undefined;
  const reusing =
    opts.reuse &&
    (pgUrl ? (await countDatasets(pgUrl)) === opts.datasets : filledWith(dataDir) === opts.datasets);
  if (!reusing) {
    rmSync(dataDir, { recursive: true, force: true });
    if (pgUrl && opts.reuse) pgUrl = await benchDatabase(false);
  }
  const ctx = await openContext(
    loadConfig({
      MEKONG_DATA_DIR: dataDir,
      MEKONG_LOG_LEVEL: "silent",
      ...(pgUrl ? { DATABASE_URL: pgUrl, DATABASE_POOL_SIZE: "16" } : {}),
    }),
  );
  try {
    let fillSeconds: number | undefined;
    let orgs: Org[];
    if (reusing) {
      orgs = (await ctx.db.select().from(organizations)).map((o) => ({
        id: o.id,
        name: o.name,
        title: o.title,
        themes: [],
      }));
    } else {
      console.log(`${database}: filling ${opts.datasets} datasets`);
      const t0 = performance.now();
      orgs = await fillCatalog(ctx, opts.datasets);
      fillSeconds = round((performance.now() - t0) / 1000, 1);
      console.log(`\n${database}: filled in ${fillSeconds} s`);
      if (!pgUrl) writeFileSync(path.join(dataDir, ".filled"), `${opts.datasets}\n`);
    }
    const cookie = await memberSession(ctx, orgs);
    const { app } = await buildApp(ctx, { logger: false, portal: false });
    await app.ready();
    const list = searches(orgs, opts.requests);
    await run(app, searches(orgs, 60).reverse(), 4, cookie); // warm caches and plans
    const results = [];
    for (const concurrency of [1, 16]) {
      const r = await run(app, list, concurrency, cookie);
      console.log(
        `${database} c=${concurrency}: p50 ${r.all.p50} ms, p95 ${r.all.p95} ms, ${r.requestsPerSecond} req/s`,
      );
      for (const [kind, l] of Object.entries(r.byKind))
        console.log(`   ${kind.padEnd(15)} p50 ${l.p50}  p95 ${l.p95}`);
      results.push(r);
    }
    const [size] = await execute<{ bytes: string }>(
      ctx.db,
      sql`select (pg_total_relation_size('dataset_search') + pg_total_relation_size('dataset_facet_counts'))::text as bytes`,
    );
    await app.close();
    return {
      database,
      datasets: opts.datasets,
      /** Null when an earlier run's catalog was reused (`--reuse`): its fill time is in that run's output. */
      fillSeconds: fillSeconds ?? null,
      searchIndexMiB: round(Number(size?.bytes ?? 0) / 2 ** 20, 1),
      runs: results,
    };
  } finally {
    await closeContext(ctx);
  }
}

const filledWith = (dir: string) => {
  const marker = path.join(dir, ".filled");
  return existsSync(marker) ? Number(readFileSync(marker, "utf8")) : 0;
};

/** A signed-in member of three organizations (so visibility takes the organization branch). */
async function memberSession(ctx: AppContext, orgs: Org[]): Promise<string> {
  const email = `bench-${Date.now()}@example.vn`;
  const password = "bench password long enough";
  const user = await createUser(ctx.db, ctx.audit, "system", {
    email,
    name: "Bench",
    password,
    isPlatformAdmin: false,
  });
  await ctx.db
    .insert(memberships)
    .values(orgs.slice(0, 3).map((o) => ({ orgId: o.id, userId: user.id, role: "member" as const })));
  const { app } = await buildApp(ctx, { logger: false, portal: false });
  const res = await app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password } });
  await app.close();
  const session = res.cookies.find((c) => c.name === "mekong_session");
  if (!session) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return `mekong_session=${session.value}`;
}

const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const PG_DATABASE = "mekong_bench_search";

async function benchDatabase(reuse: boolean): Promise<string> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const exists = (await admin.query("select 1 from pg_database where datname = $1", [PG_DATABASE]))
      .rowCount;
    if (exists && !reuse) await admin.query(`drop database ${PG_DATABASE} with (force)`);
    if (!exists || !reuse) await admin.query(`create database ${PG_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${PG_DATABASE}`;
  return url.toString();
}

async function countDatasets(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query("select count(*) as n from datasets")).rows[0]?.n ?? 0);
  } catch {
    return 0;
  } finally {
    await client.end();
  }
}

const { values } = parseArgs({
  options: {
    datasets: { type: "string", default: "100000" },
    requests: { type: "string", default: "400" },
    only: { type: "string" },
    reuse: { type: "boolean", default: false },
  },
});
const options = {
  datasets: Number(values.datasets),
  requests: Number(values.requests),
  reuse: values.reuse ?? false,
};
const kinds = (values.only ? [values.only] : ["pglite", "postgres"]) as ("pglite" | "postgres")[];
const figures = [];
for (const kind of kinds) figures.push(await benchOne(kind, options));
console.log(`wrote ${writeResult("search", { goal: "p95 <= 30 ms", requestMix: MIX, results: figures })}`);
