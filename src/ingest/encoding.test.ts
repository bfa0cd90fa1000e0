import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeSample, detectEncoding, normalizeEncoding, transcodeToUtf8 } from "./encoding.ts";
import { isVietnameseSyllable, vietnameseScore } from "./vietnamese.ts";
import { encodeAs, encodeWindows1258, VIETNAMESE_CSV } from "./vietnamese-text.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "mekong-encoding-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("Vietnamese text measure", () => {
  it("knows well-formed syllables from mojibake", () => {
    for (const word of ["Nguyễn", "người", "Quảng", "khuyến", "Đắk", "gì", "HÀ", "Trường"]) {
      expect(isVietnameseSyllable(word), word).toBe(true);
    }
    for (const word of ["ngưßi", "Hàà", "Ðinh", "Nguyễnn", "đđ"])
      expect(isVietnameseSyllable(word), word).toBe(false);
    expect(vietnameseScore(VIETNAMESE_CSV)).toBeGreaterThan(20);
  });
});

describe("encoding detection", () => {
  const sample = (bytes: Buffer) => detectEncoding([bytes]);

  it("finds UTF-8 with and without BOM", () => {
    expect(sample(Buffer.from(VIETNAMESE_CSV))).toEqual({ encoding: "utf-8", bom: false });
    expect(sample(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VIETNAMESE_CSV)]))).toEqual({
      encoding: "utf-8",
      bom: true,
    });
  });

  it("finds UTF-16 by its BOM, and LE without one", () => {
    expect(
      sample(Buffer.concat([Buffer.from([0xff, 0xfe]), encodeAs(VIETNAMESE_CSV, "utf16le")])),
    ).toMatchObject({
      encoding: "utf-16le",
      bom: true,
    });
    expect(
      sample(Buffer.concat([Buffer.from([0xfe, 0xff]), encodeAs(VIETNAMESE_CSV, "utf16be")])),
    ).toMatchObject({
      encoding: "utf-16be",
    });
    expect(sample(encodeAs(VIETNAMESE_CSV, "utf16le")).encoding).toBe("utf-16le");
  });

  it("tells Windows-1258, TCVN3 and VISCII apart by how Vietnamese they decode", () => {
    expect(sample(encodeWindows1258(VIETNAMESE_CSV)).encoding).toBe("windows-1258");
    expect(sample(encodeAs(VIETNAMESE_CSV, "tcvn")).encoding).toBe("tcvn3");
    expect(sample(encodeAs(VIETNAMESE_CSV, "viscii")).encoding).toBe("viscii");
  });

  it("looks past an ASCII head: the spread samples carry the verdict", () => {
    const ascii = Buffer.from("id,code\n1,A\n".repeat(10));
    expect(detectEncoding([ascii, encodeWindows1258(VIETNAMESE_CSV)]).encoding).toBe("windows-1258");
  });

  it("calls random bytes binary", () => {
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    expect(sample(noise).encoding).toBe("binary");
  });

  it("normalises encoding names a caller gives, and refuses unknown ones", () => {
    expect(normalizeEncoding("CP1258")).toBe("windows-1258");
    expect(normalizeEncoding("TCVN3")).toBe("tcvn3");
    expect(normalizeEncoding("UTF8")).toBe("utf-8");
    expect(() => normalizeEncoding("klingon-8")).toThrow(expect.objectContaining({ code: "encoding_error" }));
  });
});

describe("streaming transcoding", () => {
  it("turns Windows-1258 into NFC UTF-8 across chunk boundaries", async () => {
    // 1 MiB chunks: repeat the text well past several of them so tone marks land on the boundaries
    const text = VIETNAMESE_CSV.repeat(15_000);
    const source = path.join(dir, "cp1258.csv");
    const target = path.join(dir, "cp1258.utf8.csv");
    const once = encodeWindows1258(VIETNAMESE_CSV);
    await writeFile(source, Buffer.concat(Array.from({ length: 15_000 }, () => once)));
    let reported = 0;
    await transcodeToUtf8(source, target, "windows-1258", { onBytes: (done) => (reported = done) });
    const out = await readFile(target, "utf8");
    expect(out).toBe(text.normalize("NFC"));
    expect(out.normalize("NFC")).toBe(out);
    expect(reported).toBeGreaterThan(3 << 20);
  });

  it("drops the BOM of UTF-16 and decodes both byte orders", async () => {
    for (const [codec, bom] of [
      ["utf16le", [0xff, 0xfe]],
      ["utf16be", [0xfe, 0xff]],
    ] as const) {
      const source = path.join(dir, `${codec}.csv`);
      const target = path.join(dir, `${codec}.utf8.csv`);
      await writeFile(source, Buffer.concat([Buffer.from(bom), iconv.encode(VIETNAMESE_CSV, codec)]));
      await transcodeToUtf8(source, target, codec === "utf16le" ? "utf-16le" : "utf-16be");
      expect(await readFile(target, "utf8")).toBe(VIETNAMESE_CSV);
    }
  });

  it("decodes a sample without a half character at its end", () => {
    const bytes = Buffer.from("Hà Nội");
    expect(decodeSample(bytes.subarray(0, bytes.length - 1), "utf-8")).toBe("Hà Nộ");
  });
});
