// Test data in the encodings Vietnamese files come in. Windows-1258 stores most toned letters as a base
// letter plus a combining tone byte, so encoding it needs that decomposition first (as Windows does).

import iconv from "iconv-lite";

export const VIETNAMESE_CSV =
  "Họ và tên,Tỉnh/Thành phố,Ghi chú\n" +
  "Nguyễn Văn Ánh,Hà Nội,Đã nộp hồ sơ đầy đủ\n" +
  "Trần Thị Bích Ngọc,Thừa Thiên Huế,Chưa có thông tin về người thân\n" +
  "Lê Quang Đức,Quảng Ngãi,Người dân tộc thiểu số ở miền núi\n" +
  "Phạm Thị Hương,Đắk Lắk,Được hưởng chế độ ưu tiên theo quy định\n";

const TONES = /[\u0300\u0301\u0303\u0309\u0323]/g;

/** `text` as Windows-1258 bytes, decomposing the letters the code page has no single byte for. */
export function encodeWindows1258(text: string): Buffer {
  const prepared = [...text.normalize("NFC")]
    .map((ch) => {
      if (ch === "?" || !iconv.encode(ch, "windows1258").includes(0x3f)) return ch;
      const decomposed = ch.normalize("NFD");
      const tone = decomposed.match(TONES)?.[0] ?? "";
      return decomposed.replace(TONES, "").normalize("NFC") + tone;
    })
    .join("");
  return iconv.encode(prepared, "windows1258");
}

export function encodeAs(text: string, encoding: "utf16le" | "utf16be" | "tcvn" | "viscii"): Buffer {
  return iconv.encode(text, encoding);
}
