import { describe, expect, it } from "vitest";
import { type Candidate, classifyColumn } from "./classify.ts";
import { resolveGuesses } from "./resolve.ts";

/** The first candidate the sample proposes for a lone column named `name`. */
function guess(values: (string | null)[], name = "col"): Candidate | undefined {
  const { chains } = resolveGuesses([classifyColumn(values)], [name]);
  return chains[0]?.[0];
}

describe("Vietnamese values", () => {
  it("reads day-first dates with /, - and ., and ISO dates", () => {
    expect(guess(["31/12/2024", "01/02/2023"])).toMatchObject({
      type: "date",
      parse: { dateFormat: "%d/%m/%Y" },
    });
    expect(guess(["31-12-2024", "1-2-2023"])).toMatchObject({
      type: "date",
      parse: { dateFormat: "%d-%m-%Y" },
    });
    expect(guess(["31.12.2024"])).toMatchObject({ type: "date", parse: { dateFormat: "%d.%m.%Y" } });
    expect(guess(["2024-12-31", "2023-01-05"])).toMatchObject({ type: "date", parse: {} });
  });

  it("reads 01/02/2024 as 1 February (day first), month-first only when days pass 12", () => {
    expect(guess(["01/02/2024", "03/04/2024"])?.parse.dateFormat).toBe("%d/%m/%Y");
    const monthFirst = resolveGuesses([classifyColumn(["12/31/2024", "01/02/2024"])], ["ngay"]);
    expect(monthFirst.chains[0]?.[0]?.parse.dateFormat).toBe("%m/%d/%Y");
    expect(monthFirst.warnings[0]).toMatch(/month-first/);
  });

  it("refuses impossible dates", () => {
    expect(guess(["31/02/2024"])).toBeUndefined();
    expect(guess(["2024-13-01"])).toBeUndefined();
  });

  it("reads datetimes day-first and ISO (with and without offsets) and times", () => {
    expect(guess(["31/12/2024 10:30", "01/01/2024 08:00"])).toMatchObject({
      type: "datetime",
      parse: { dateFormat: "%d/%m/%Y %H:%M" },
    });
    expect(guess(["2024-12-31T10:30:00", "2024-12-31"])).toMatchObject({ type: "datetime", parse: {} });
    expect(guess(["2024-12-31T10:30:00+07:00"])).toMatchObject({
      type: "datetime",
      parse: { timezone: true },
    });
    expect(guess(["08:30", "17:45:10"])).toMatchObject({ type: "time" });
  });

  it("reads 1.234.567,89 as Vietnamese and 1,234,567.89 as English, each only when consistent", () => {
    expect(guess(["1.234.567,89", "12,5", "7"])).toMatchObject({
      type: "number",
      parse: { decimalChar: ",", groupChar: "." },
    });
    expect(guess(["1,234,567.89", "12.5"])).toMatchObject({
      type: "number",
      parse: { decimalChar: ".", groupChar: "," },
    });
    expect(guess(["1.234.567", "2.000"])).toMatchObject({ type: "integer", parse: { groupChar: "." } });
    expect(guess(["1.234.567,89", "1,234,567.89"])).toBeUndefined(); // inconsistent: text
    expect(guess(["3.14", "2.5"])).toMatchObject({ type: "number", parse: {} });
  });

  it("settles 1.234 by the other columns' decimal separator, else as thousands with a warning", () => {
    const ambiguous = classifyColumn(["1.234", "12.500"]);
    const alone = resolveGuesses([ambiguous], ["gia"]);
    expect(alone.chains[0]?.[0]).toMatchObject({ type: "integer", parse: { groupChar: "." } });
    expect(alone.warnings[0]).toMatch(/thousands/);
    const withDecimals = resolveGuesses([ambiguous, classifyColumn(["3.14"])], ["gia", "ty_le"]);
    expect(withDecimals.chains[0]?.[0]).toMatchObject({ type: "number", parse: {} });
    expect(withDecimals.warnings).toEqual([]);
    const withCommas = resolveGuesses([ambiguous, classifyColumn(["7,5"])], ["gia", "diem"]);
    expect(withCommas.chains[0]?.[0]).toMatchObject({ type: "integer", parse: { groupChar: "." } });
  });

  it("keeps leading-zero codes as text: province codes, phone numbers, tax codes", () => {
    expect(guess(["01", "79", "96"])).toBeUndefined();
    expect(guess(["0912345678", "0987654321"])).toBeUndefined();
    expect(guess(["0101234567", "0301234567-001"])).toBeUndefined();
    expect(guess(["0", "10", "20"])).toMatchObject({ type: "integer" });
  });

  it("reads Có/Không (any case) and English booleans; single letters only as a pair", () => {
    expect(guess(["Có", "không", "CÓ"])).toMatchObject({ type: "boolean" });
    expect(guess(["true", "False", "yes", "no"])).toMatchObject({ type: "boolean" });
    expect(guess(["C", "K", "c"])).toMatchObject({
      type: "boolean",
      parse: { trueValues: ["c"], falseValues: ["k"] },
    });
    expect(guess(["C", "C", "C"])).toBeUndefined(); // a column of grade C is not a column of trues
    expect(guess(["x", null, "X", "x"])).toMatchObject({ type: "boolean", parse: { trueValues: ["x"] } });
    expect(guess(["x", null])).toBeUndefined();
    expect(guess(["1", "0"])).toMatchObject({ type: "integer" });
  });

  it("reads 4-digit numbers as years only under a year-like name", () => {
    expect(guess(["2021", "2022"], "nam")).toMatchObject({ type: "year" });
    expect(guess(["2021", "2022"], "nam_sinh")).toMatchObject({ type: "year" });
    expect(guess(["2021", "2022"], "ma_so")).toMatchObject({ type: "integer" });
  });

  it("tolerates surrounding spaces and offers a space-tolerant twin after an exact candidate", () => {
    const { chains } = resolveGuesses([classifyColumn(["1", "2"])], ["n"]);
    expect(chains[0]?.map((c) => [c.type, c.trim])).toEqual([
      ["integer", false],
      ["integer", true],
      ["number", true],
    ]);
    expect(guess([" 1 ", "2"])).toMatchObject({ type: "integer", trim: true });
  });

  it("leaves formula-looking text and mixed columns as text", () => {
    expect(guess(["=cmd|' /C calc'!A0", "=1+1"])).toBeUndefined();
    expect(guess(["12", "abc"])).toBeUndefined();
    expect(classifyColumn([null, null])).toEqual({ kind: "empty" });
  });
});
