/**
 * Citizens' reports received by the city hotline (ubnd-tp-ho-chi-minh, private: it names people and their
 * phone numbers): a UTF-8 CSV with ISO timestamps, free-text summaries and a status per report.
 * Planted: a report code used twice, phone numbers in other formats, reports received in the future,
 * a negative processing time.
 */
import { isoDateTime } from "../lib/formats.ts";
import { delimitedText, type GeneratedDataset } from "../lib/output.ts";
import { Planter, type Row } from "../lib/plant.ts";
import type { Random } from "../lib/random.ts";
import { FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES, STREETS } from "../lib/vietnam.ts";

const ROWS = 1600;

const DISTRICTS = [
  "Quận 1",
  "Quận 3",
  "Quận 4",
  "Quận 5",
  "Quận 6",
  "Quận 7",
  "Quận 8",
  "Quận 10",
  "Quận 11",
  "Quận 12",
  "Quận Bình Thạnh",
  "Quận Gò Vấp",
  "Quận Phú Nhuận",
  "Quận Tân Bình",
  "Quận Tân Phú",
  "Quận Bình Tân",
  "Thành phố Thủ Đức",
  "Huyện Bình Chánh",
  "Huyện Củ Chi",
  "Huyện Hóc Môn",
  "Huyện Nhà Bè",
  "Huyện Cần Giờ",
];

const CHANNELS = [
  { name: "Tổng đài 1022", weight: 45 },
  { name: "Ứng dụng Công dân số", weight: 30 },
  { name: "Zalo", weight: 15 },
  { name: "Cổng thông tin điện tử", weight: 7 },
  { name: "Thư điện tử", weight: 3 },
];

const TOPICS: { field: string; text: (rng: Random) => string }[] = [
  {
    field: "Trật tự đô thị",
    text: (r) => `Lấn chiếm vỉa hè trước số ${r.int(1, 300)} đường ${r.pick(STREETS)}`,
  },
  {
    field: "Môi trường",
    text: (r) => `Rác thải tồn đọng nhiều ngày tại hẻm ${r.int(2, 400)} đường ${r.pick(STREETS)}`,
  },
  {
    field: "Giao thông",
    text: (r) => `Đèn tín hiệu giao thông hư hỏng tại giao lộ ${r.pick(STREETS)} – ${r.pick(STREETS)}`,
  },
  { field: "Hạ tầng", text: (r) => `Mặt đường xuống cấp, nhiều ổ gà trên đường ${r.pick(STREETS)}` },
  {
    field: "Xây dựng",
    text: (r) => `Công trình xây dựng không phép tại số ${r.int(1, 500)} đường ${r.pick(STREETS)}`,
  },
  {
    field: "An ninh trật tự",
    text: (r) => `Tiếng ồn karaoke sau 22 giờ tại số ${r.int(1, 300)} đường ${r.pick(STREETS)}`,
  },
  {
    field: "Ngập nước",
    text: (r) => `Ngập sâu sau mưa, nước tràn vào nhà dân trên đường ${r.pick(STREETS)}`,
  },
  {
    field: "Điện, nước",
    text: (r) => `Mất nước sinh hoạt kéo dài tại khu phố ${r.int(1, 9)}, đường ${r.pick(STREETS)}`,
  },
];

const PHONE_PREFIXES = [
  "090",
  "091",
  "093",
  "094",
  "096",
  "097",
  "098",
  "032",
  "033",
  "035",
  "036",
  "038",
  "070",
  "077",
  "079",
  "081",
  "083",
  "085",
];

export function generateCitizenReports(rng: Random): GeneratedDataset {
  const rows: Row[] = [];
  const start = Date.UTC(2024, 0, 1);
  const times = Array.from({ length: ROWS }, () => start + Math.floor(rng.next() * 366 * 86_400_000)).sort(
    (a, b) => a - b,
  );
  times.forEach((at, i) => {
    const topic = rng.pick(TOPICS);
    const ageDays = (Date.UTC(2025, 0, 15) - at) / 86_400_000;
    const status =
      ageDays < 10 && rng.chance(0.6) ? "Đang xử lý" : rng.chance(0.08) ? "Chuyển đơn vị khác" : "Đã xử lý";
    rows.push({
      ma_phan_anh: `PA-2024-${String(i + 1).padStart(6, "0")}`,
      thoi_gian_tiep_nhan: isoDateTime(new Date(at)),
      kenh_tiep_nhan: rng.weighted(CHANNELS, (c) => c.weight).name,
      quan_huyen: rng.pick(DISTRICTS),
      linh_vuc: topic.field,
      noi_dung_tom_tat: topic.text(rng),
      nguoi_phan_anh: `${rng.pick(FAMILY_NAMES)} ${rng.pick(MIDDLE_NAMES)} ${rng.pick(GIVEN_NAMES)}`,
      so_dien_thoai: `${rng.pick(PHONE_PREFIXES)}${String(rng.int(0, 9_999_999)).padStart(7, "0")}`,
      trang_thai: status,
      so_ngay_xu_ly: status === "Đã xử lý" ? Math.max(1, Math.round(Math.exp(rng.normal(1.3, 0.7)))) : null,
    });
  });

  const plant = new Planter(rng, rows);
  plant.reuseKey("ma_phan_anh", (code) => `report code ${code} given to two different reports`);
  plant.plant(
    {
      kind: "malformed_value",
      field: "so_dien_thoai",
      detail: "phone written '+84 90 123 4567', with dots, and with 9 digits",
    },
    3,
    (r, n) => {
      const phone = String(r.so_dien_thoai);
      r.so_dien_thoai =
        [
          `+84 ${phone.slice(1, 3)} ${phone.slice(3, 6)} ${phone.slice(6)}`,
          `${phone.slice(0, 4)}.${phone.slice(4, 7)}.${phone.slice(7)}`,
          phone.slice(0, 9),
        ][n] ?? phone;
    },
  );
  plant.plant(
    { kind: "future_date", field: "thoi_gian_tiep_nhan", detail: "received in 2034 (year mistyped)" },
    2,
    (r) => {
      r.thoi_gian_tiep_nhan = String(r.thoi_gian_tiep_nhan).replace(/^2024/, "2034");
    },
  );
  plant.plant(
    { kind: "out_of_range", field: "so_ngay_xu_ly", detail: "negative processing time (-3 days)" },
    1,
    (r) => {
      r.so_ngay_xu_ly = -3;
    },
    (r) => r.so_ngay_xu_ly !== null,
  );

  return {
    entry: {
      file: "data/phan-anh-kien-nghi.csv",
      org: "ubnd-tp-ho-chi-minh",
      name: "phan-anh-kien-nghi-1022",
      title: "Phản ánh, kiến nghị của người dân qua Tổng đài 1022, năm 2024",
      description:
        "Phản ánh, kiến nghị của người dân và doanh nghiệp tiếp nhận qua Tổng đài 1022 và các kênh trực tuyến: thời gian, kênh, quận/huyện, lĩnh vực, nội dung tóm tắt, người phản ánh, số điện thoại, trạng thái và số ngày xử lý. Có dữ liệu cá nhân: chỉ dùng nội bộ. Dữ liệu mô phỏng cho bản trình diễn.",
      visibility: "private",
      metadata: {
        titleEn: "Citizens' reports to the 1022 hotline, 2024",
        keywords: ["phản ánh", "kiến nghị", "1022", "chính quyền số"],
        themes: ["GOVE"],
        licence: "restricted",
        accessRights: "NON_PUBLIC",
        classification: "private-use",
        personalData: "basic",
        frequency: "DAILY",
        spatial: ["79"],
        temporal: { start: "2024-01-01", end: "2024-12-31" },
        contactPoint: { name: "Trung tâm Dịch vụ 1022", email: "1022@tphcm.gov.vn" },
      },
      options: {},
      rows: rows.length,
      problems: plant.problems,
    },
    content: Buffer.from(
      delimitedText(
        [
          "ma_phan_anh",
          "thoi_gian_tiep_nhan",
          "kenh_tiep_nhan",
          "quan_huyen",
          "linh_vuc",
          "noi_dung_tom_tat",
          "nguoi_phan_anh",
          "so_dien_thoai",
          "trang_thai",
          "so_ngay_xu_ly",
        ],
        rows,
      ),
      "utf8",
    ),
  };
}
