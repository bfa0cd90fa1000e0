/**
 * Exports and imports by HS chapter and month (bo-cong-thuong): a JSON array of objects, as a customs
 * statistics API would answer. HS chapters keep their leading zeros. This one is clean: the baseline the
 * quality scores of the others are compared with.
 */
import type { GeneratedDataset } from "../lib/output.ts";
import type { Row } from "../lib/plant.ts";
import type { Random } from "../lib/random.ts";

interface Chapter {
  code: string;
  title: string;
  /** 2023 totals, billion USD. */
  exports: number;
  imports: number;
  market: string;
}

const CHAPTERS: Chapter[] = [
  { code: "01", title: "Động vật sống", exports: 0.05, imports: 0.6, market: "Trung Quốc" },
  {
    code: "02",
    title: "Thịt và phụ phẩm dạng thịt ăn được sau giết mổ",
    exports: 0.1,
    imports: 1.2,
    market: "Hồng Kông (Trung Quốc)",
  },
  {
    code: "03",
    title: "Cá và động vật giáp xác, động vật thân mềm và động vật thủy sinh không xương sống khác",
    exports: 6.2,
    imports: 2.1,
    market: "Hoa Kỳ",
  },
  {
    code: "04",
    title: "Sữa và các sản phẩm từ sữa; trứng chim và trứng gia cầm; mật ong tự nhiên",
    exports: 0.2,
    imports: 1.1,
    market: "Trung Quốc",
  },
  {
    code: "07",
    title: "Rau và một số loại củ, thân củ và rễ ăn được",
    exports: 0.6,
    imports: 0.8,
    market: "Trung Quốc",
  },
  {
    code: "08",
    title: "Quả và quả hạch (nut) ăn được; vỏ quả thuộc họ cam quýt hoặc các loại dưa",
    exports: 6.9,
    imports: 1.3,
    market: "Trung Quốc",
  },
  {
    code: "09",
    title: "Cà phê, chè, chè Paragoay và các loại gia vị",
    exports: 5.6,
    imports: 0.4,
    market: "Liên minh châu Âu",
  },
  { code: "10", title: "Ngũ cốc", exports: 4.9, imports: 4.2, market: "Philippines" },
  {
    code: "15",
    title: "Chất béo và dầu có nguồn gốc từ động vật, thực vật hoặc vi sinh vật",
    exports: 0.3,
    imports: 1.0,
    market: "Trung Quốc",
  },
  {
    code: "16",
    title: "Chế phẩm từ thịt, cá, động vật giáp xác, động vật thân mềm",
    exports: 1.9,
    imports: 0.2,
    market: "Hoa Kỳ",
  },
  { code: "17", title: "Đường và các loại kẹo đường", exports: 0.4, imports: 0.6, market: "Trung Quốc" },
  {
    code: "19",
    title: "Chế phẩm từ ngũ cốc, bột, tinh bột hoặc sữa; các loại bánh",
    exports: 1.0,
    imports: 0.7,
    market: "Hàn Quốc",
  },
  {
    code: "20",
    title: "Các chế phẩm từ rau, quả, quả hạch (nut) hoặc các phần khác của cây",
    exports: 0.9,
    imports: 0.2,
    market: "Hoa Kỳ",
  },
  { code: "22", title: "Đồ uống, rượu và giấm", exports: 0.5, imports: 0.5, market: "Nhật Bản" },
  {
    code: "23",
    title: "Phế liệu và phế thải từ ngành công nghiệp thực phẩm; thức ăn gia súc đã chế biến",
    exports: 1.1,
    imports: 4.5,
    market: "Trung Quốc",
  },
  {
    code: "25",
    title: "Muối; lưu huỳnh; đất và đá; thạch cao, vôi và xi măng",
    exports: 1.3,
    imports: 0.5,
    market: "Philippines",
  },
  {
    code: "27",
    title: "Nhiên liệu khoáng, dầu khoáng và các sản phẩm chưng cất từ chúng",
    exports: 3.8,
    imports: 20.5,
    market: "Trung Quốc",
  },
  {
    code: "28",
    title: "Hóa chất vô cơ; các hợp chất vô cơ hay hữu cơ của kim loại quý",
    exports: 1.2,
    imports: 2.0,
    market: "Ấn Độ",
  },
  { code: "29", title: "Hóa chất hữu cơ", exports: 0.6, imports: 3.4, market: "Trung Quốc" },
  { code: "30", title: "Dược phẩm", exports: 0.3, imports: 4.1, market: "Nhật Bản" },
  { code: "31", title: "Phân bón", exports: 0.7, imports: 1.3, market: "Campuchia" },
  { code: "38", title: "Các sản phẩm hóa chất khác", exports: 1.4, imports: 3.2, market: "Trung Quốc" },
  {
    code: "39",
    title: "Plastic và các sản phẩm bằng plastic",
    exports: 6.5,
    imports: 15.2,
    market: "Nhật Bản",
  },
  {
    code: "40",
    title: "Cao su và các sản phẩm bằng cao su",
    exports: 4.5,
    imports: 3.0,
    market: "Trung Quốc",
  },
  {
    code: "44",
    title: "Gỗ và các mặt hàng bằng gỗ; than từ gỗ",
    exports: 8.1,
    imports: 2.0,
    market: "Hoa Kỳ",
  },
  {
    code: "48",
    title: "Giấy và bìa; các sản phẩm làm bằng bột giấy, bằng giấy hoặc bằng bìa",
    exports: 1.6,
    imports: 2.4,
    market: "Hoa Kỳ",
  },
  { code: "52", title: "Bông", exports: 0.2, imports: 2.9, market: "Trung Quốc" },
  {
    code: "54",
    title: "Sợi filament nhân tạo; dạng dải và các dạng tương tự từ nguyên liệu dệt nhân tạo",
    exports: 2.1,
    imports: 2.5,
    market: "Trung Quốc",
  },
  { code: "55", title: "Xơ sợi staple nhân tạo", exports: 1.7, imports: 2.6, market: "Trung Quốc" },
  {
    code: "61",
    title: "Quần áo và hàng may mặc phụ trợ, dệt kim hoặc móc",
    exports: 14.9,
    imports: 0.6,
    market: "Hoa Kỳ",
  },
  {
    code: "62",
    title: "Quần áo và các hàng may mặc phụ trợ, không dệt kim hoặc móc",
    exports: 13.1,
    imports: 0.7,
    market: "Hoa Kỳ",
  },
  {
    code: "64",
    title: "Giày, dép, ghệt và các sản phẩm tương tự; các bộ phận của các sản phẩm trên",
    exports: 20.2,
    imports: 0.9,
    market: "Hoa Kỳ",
  },
  {
    code: "71",
    title: "Ngọc trai tự nhiên hoặc nuôi cấy, đá quý hoặc đá bán quý, kim loại quý",
    exports: 1.0,
    imports: 1.6,
    market: "Hoa Kỳ",
  },
  { code: "72", title: "Sắt và thép", exports: 8.4, imports: 10.3, market: "Liên minh châu Âu" },
  { code: "73", title: "Các sản phẩm bằng sắt hoặc thép", exports: 5.1, imports: 3.3, market: "Hoa Kỳ" },
  { code: "74", title: "Đồng và các sản phẩm bằng đồng", exports: 2.2, imports: 2.8, market: "Trung Quốc" },
  { code: "76", title: "Nhôm và các sản phẩm bằng nhôm", exports: 2.3, imports: 3.0, market: "Hoa Kỳ" },
  {
    code: "84",
    title: "Lò phản ứng hạt nhân, nồi hơi, máy và thiết bị cơ khí; các bộ phận của chúng",
    exports: 47.5,
    imports: 44.8,
    market: "Hoa Kỳ",
  },
  {
    code: "85",
    title: "Máy điện và thiết bị điện và các bộ phận của chúng; máy ghi và tái tạo âm thanh, hình ảnh",
    exports: 110.4,
    imports: 116.6,
    market: "Hoa Kỳ",
  },
  {
    code: "87",
    title: "Xe trừ phương tiện chạy trên đường sắt hoặc tàu điện, và các bộ phận và phụ kiện của chúng",
    exports: 5.4,
    imports: 6.9,
    market: "Nhật Bản",
  },
  {
    code: "89",
    title: "Tàu thủy, thuyền và các kết cấu nổi",
    exports: 1.3,
    imports: 0.4,
    market: "Nhật Bản",
  },
  {
    code: "90",
    title: "Dụng cụ và thiết bị quang học, nhiếp ảnh, điện ảnh, đo lường, kiểm tra, y tế",
    exports: 9.6,
    imports: 6.2,
    market: "Hoa Kỳ",
  },
  {
    code: "94",
    title: "Đồ nội thất; bộ đồ giường, đệm; đèn và bộ đèn",
    exports: 13.8,
    imports: 1.2,
    market: "Hoa Kỳ",
  },
  {
    code: "95",
    title: "Đồ chơi, thiết bị trò chơi và dụng cụ thể thao; các bộ phận và phụ kiện của chúng",
    exports: 4.8,
    imports: 0.8,
    market: "Hoa Kỳ",
  },
];

/** Trade dips around Tết (February) and peaks before the Western holidays. */
const SEASON = [1.0, 0.72, 1.02, 0.98, 1.0, 1.0, 1.04, 1.06, 1.05, 1.07, 1.06, 1.0];

export function generateTradeByHsChapter(rng: Random): GeneratedDataset {
  const rows: Row[] = [];
  for (const year of [2023, 2024]) {
    const growth = year === 2024 ? 1.14 : 1;
    for (let month = 1; month <= 12; month++) {
      for (const c of CHAPTERS) {
        const season = SEASON[month - 1] ?? 1;
        const x = ((c.exports * 1e6) / 12) * season * growth * (1 + rng.normal(0, 0.06));
        const m = ((c.imports * 1e6) / 12) * season * growth * (1 + rng.normal(0, 0.06));
        rows.push({
          chuong_hs: c.code,
          mo_ta: c.title,
          nam: year,
          thang: month,
          xuat_khau_nghin_usd: Math.round(x * 10) / 10,
          nhap_khau_nghin_usd: Math.round(m * 10) / 10,
          can_can_nghin_usd: Math.round((x - m) * 10) / 10,
          thi_truong_xuat_khau_chinh: c.market,
        });
      }
    }
  }
  return {
    entry: {
      file: "data/xuat-nhap-khau-hs.json",
      org: "bo-cong-thuong",
      name: "xuat-nhap-khau-theo-chuong-hs",
      title: "Trị giá xuất khẩu, nhập khẩu theo chương HS, 2023–2024",
      description:
        "Trị giá xuất khẩu và nhập khẩu hằng tháng (nghìn USD) theo chương của Hệ thống hài hòa (HS), cán cân thương mại và thị trường xuất khẩu chính. Dữ liệu mô phỏng cho bản trình diễn.",
      visibility: "open",
      metadata: {
        titleEn: "Exports and imports by HS chapter, 2023–2024",
        keywords: ["xuất khẩu", "nhập khẩu", "HS", "cán cân thương mại"],
        themes: ["ECON", "INTR", "vn:trade"],
        licence: "CC-BY-4.0",
        accessRights: "PUBLIC",
        classification: "open",
        frequency: "MONTHLY",
        spatial: ["VN"],
        temporal: { start: "2023-01-01", end: "2024-12-31" },
        contactPoint: { name: "Cục Xuất nhập khẩu", email: "xnk@moit.gov.vn" },
      },
      options: {},
      rows: rows.length,
      problems: [],
    },
    content: Buffer.from(`${JSON.stringify(rows, null, 2)}\n`, "utf8"),
  };
}
