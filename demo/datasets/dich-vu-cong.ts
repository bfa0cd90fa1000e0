/**
 * Administrative procedures handled per agency and month in Ho Chi Minh City (ubnd-tp-ho-chi-minh): NDJSON
 * as the one-stop-shop system exports it, with `Có`/`Không` flags and on-time rates in percent.
 * Planted: an on-time rate above 100 %, more files on time than received, a missing procedure code and an
 * agency spelled two ways.
 */
import { isoDate, monthEnd } from "../lib/formats.ts";
import type { GeneratedDataset } from "../lib/output.ts";
import { Planter, type Row } from "../lib/plant.ts";
import type { Random } from "../lib/random.ts";

interface Procedure {
  code: string;
  name: string;
  field: string;
  /** Agencies that handle it. */
  agencies: string[];
  /** Files a month per agency. */
  volume: number;
  fullyOnline: boolean;
  onlinePayment: boolean;
}

const DISTRICTS = [
  "UBND Quận 1",
  "UBND Quận 3",
  "UBND Quận Bình Thạnh",
  "UBND thành phố Thủ Đức",
  "UBND huyện Củ Chi",
];

const PROCEDURES: Procedure[] = [
  {
    code: "1.001193",
    name: "Đăng ký khai sinh",
    field: "Hộ tịch",
    agencies: DISTRICTS,
    volume: 900,
    fullyOnline: true,
    onlinePayment: false,
  },
  {
    code: "1.000894",
    name: "Đăng ký kết hôn",
    field: "Hộ tịch",
    agencies: DISTRICTS,
    volume: 260,
    fullyOnline: false,
    onlinePayment: false,
  },
  {
    code: "2.000908",
    name: "Chứng thực bản sao từ bản chính",
    field: "Chứng thực",
    agencies: DISTRICTS,
    volume: 4200,
    fullyOnline: false,
    onlinePayment: true,
  },
  {
    code: "1.001612",
    name: "Đăng ký thành lập hộ kinh doanh",
    field: "Hộ kinh doanh",
    agencies: DISTRICTS,
    volume: 380,
    fullyOnline: true,
    onlinePayment: true,
  },
  {
    code: "1.009994",
    name: "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    field: "Xây dựng",
    agencies: DISTRICTS,
    volume: 140,
    fullyOnline: false,
    onlinePayment: true,
  },
  {
    code: "2.000488",
    name: "Cấp Phiếu lý lịch tư pháp",
    field: "Lý lịch tư pháp",
    agencies: ["Sở Tư pháp"],
    volume: 9500,
    fullyOnline: true,
    onlinePayment: true,
  },
  {
    code: "2.001610",
    name: "Đăng ký thành lập doanh nghiệp",
    field: "Thành lập và hoạt động doanh nghiệp",
    agencies: ["Sở Kế hoạch và Đầu tư"],
    volume: 4100,
    fullyOnline: true,
    onlinePayment: true,
  },
  {
    code: "1.004227",
    name: "Đăng ký biến động quyền sử dụng đất",
    field: "Đất đai",
    agencies: ["Sở Tài nguyên và Môi trường"],
    volume: 7800,
    fullyOnline: false,
    onlinePayment: true,
  },
  {
    code: "1.002804",
    name: "Cấp đổi giấy phép lái xe",
    field: "Đường bộ",
    agencies: ["Sở Giao thông vận tải"],
    volume: 16000,
    fullyOnline: true,
    onlinePayment: true,
  },
  {
    code: "1.001978",
    name: "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
    field: "An toàn thực phẩm",
    agencies: ["Ban Quản lý An toàn thực phẩm"],
    volume: 310,
    fullyOnline: false,
    onlinePayment: false,
  },
  {
    code: "1.000105",
    name: "Cấp giấy phép lao động cho người lao động nước ngoài",
    field: "Việc làm",
    agencies: ["Sở Lao động - Thương binh và Xã hội"],
    volume: 1300,
    fullyOnline: true,
    onlinePayment: true,
  },
];

const yesNo = (b: boolean) => (b ? "Có" : "Không");

export function generatePublicServices(rng: Random): GeneratedDataset {
  const rows: Row[] = [];
  for (const year of [2023, 2024]) {
    for (let month = 1; month <= 12; month++) {
      for (const p of PROCEDURES) {
        for (const agency of p.agencies) {
          const received = Math.max(
            1,
            Math.round(p.volume * (1 + rng.normal(0, 0.15)) * (month === 2 ? 0.7 : 1)),
          );
          const onlineShare = Math.min(
            0.98,
            (p.fullyOnline ? 0.55 : 0.2) + (year - 2023) * 0.15 + rng.normal(0, 0.05),
          );
          const onTimeRate = Math.min(1, Math.max(0.7, rng.normal(0.965, 0.03)));
          const onTime = Math.round(received * onTimeRate);
          rows.push({
            ma_thu_tuc: p.code,
            ten_thu_tuc: p.name,
            linh_vuc: p.field,
            co_quan: agency,
            ky_bao_cao: isoDate(monthEnd(year, month)),
            so_ho_so_tiep_nhan: received,
            so_ho_so_truc_tuyen: Math.round(received * Math.max(0, onlineShare)),
            so_ho_so_dung_han: onTime,
            ty_le_dung_han: Math.round((onTime / received) * 1000) / 10,
            dich_vu_cong_toan_trinh: yesNo(p.fullyOnline),
            thanh_toan_truc_tuyen: yesNo(p.onlinePayment),
          });
        }
      }
    }
  }

  const plant = new Planter(rng, rows);
  plant.plant(
    { kind: "out_of_range", field: "ty_le_dung_han", detail: "on-time rate of 112.5 % (above 100)" },
    1,
    (r) => {
      r.ty_le_dung_han = 112.5;
    },
  );
  plant.plant(
    {
      kind: "inconsistent_total",
      field: "so_ho_so_dung_han",
      detail: "more files handled on time than received",
    },
    1,
    (r) => {
      r.so_ho_so_dung_han = Number(r.so_ho_so_tiep_nhan) + 37;
    },
  );
  plant.plant({ kind: "missing_value", field: "ma_thu_tuc", detail: "procedure code null" }, 1, (r) => {
    r.ma_thu_tuc = null;
  });
  plant.plant(
    {
      kind: "inconsistent_label",
      field: "co_quan",
      detail: "'Sở Tư Pháp' (capital P) instead of 'Sở Tư pháp'",
    },
    2,
    (r) => {
      r.co_quan = "Sở Tư Pháp";
    },
    (r) => r.co_quan === "Sở Tư pháp",
  );

  return {
    entry: {
      file: "data/dich-vu-cong.ndjson",
      org: "ubnd-tp-ho-chi-minh",
      name: "ket-qua-giai-quyet-thu-tuc-hanh-chinh",
      title: "Kết quả giải quyết thủ tục hành chính theo cơ quan và tháng, 2023–2024",
      description:
        "Số hồ sơ tiếp nhận, tiếp nhận trực tuyến, giải quyết đúng hạn và tỷ lệ đúng hạn (%) của các thủ tục hành chính thường gặp tại các sở, ngành và UBND quận, huyện, thành phố Thủ Đức. Dữ liệu mô phỏng cho bản trình diễn.",
      visibility: "open",
      metadata: {
        titleEn: "Administrative procedures handled by agency and month, 2023–2024",
        keywords: ["dịch vụ công", "thủ tục hành chính", "một cửa", "đúng hạn"],
        themes: ["GOVE"],
        licence: "CC-BY-4.0",
        accessRights: "PUBLIC",
        classification: "open",
        frequency: "MONTHLY",
        spatial: ["79"],
        temporal: { start: "2023-01-01", end: "2024-12-31" },
        contactPoint: { name: "Văn phòng UBND Thành phố", email: "vpub@tphcm.gov.vn" },
      },
      options: {},
      rows: rows.length,
      problems: plant.problems,
    },
    content: Buffer.from(`${rows.map((r) => JSON.stringify(r)).join("\n")}\n`, "utf8"),
  };
}
