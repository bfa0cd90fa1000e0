import { describe, expect, it } from "vitest";
import { fieldNames, foldDiacritics, toIdentifier } from "./names.ts";

describe("field names", () => {
  it("folds Vietnamese diacritics and đ, lowercases, and joins words with _", () => {
    expect(foldDiacritics("Đường Nguyễn Trãi, Hà Nội")).toBe("Duong Nguyen Trai, Ha Noi");
    expect(toIdentifier("Mã tỉnh")).toBe("ma_tinh");
    expect(toIdentifier("  Số tiền (VNĐ)  ")).toBe("so_tien_vnd");
    expect(toIdentifier("ĐỊA CHỈ")).toBe("dia_chi");
  });

  it("keeps names SQL-safe when a header starts with a digit or has nothing usable", () => {
    expect(toIdentifier("2024")).toBe("_2024");
    expect(toIdentifier("%%%")).toBe("");
    expect(toIdentifier("a".repeat(100))).toHaveLength(63);
  });

  it("deduplicates repeats and names empty headers by position", () => {
    expect(fieldNames(["Tên", "tên", "TÊN", "", null, "Tuổi"])).toEqual([
      "ten",
      "ten_2",
      "ten_3",
      "column_4",
      "column_5",
      "tuoi",
    ]);
  });

  it("never gives a suffix that collides with a real header", () => {
    expect(fieldNames(["a", "a", "a_2"])).toEqual(["a", "a_3", "a_2"]);
  });
});
