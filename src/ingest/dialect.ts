// The CSV dialect from the first kilobytes of text: which delimiter gives every record the same number of
// fields, and whether the first record is a header (its cells do not fit the types the rows below have).

import { type ColumnGuess, classifyColumn } from "./classify.ts";

export const DELIMITERS = [",", ";", "\t", "|"] as const;

/**
 * Records of `text` split on `delimiter` with `"` quoting (`""` inside quotes is a quote). Blank lines are
 * skipped. With `complete` false the text is a prefix of the file, so a last unfinished record is dropped,
 * unless `keepPartial` and it is the only one (a very long first line is still evidence of a delimiter).
 */
export function parseRecords(
  text: string,
  delimiter: string,
  maxRecords: number,
  complete: boolean,
  keepPartial = false,
): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let inQuotes = false;
  let i = 0;
  const endRecord = () => {
    record.push(field);
    if (record.length > 1 || record[0] !== "") records.push(record);
    record = [];
    field = "";
  };
  while (i < text.length && records.length < maxRecords) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += ch;
    } else if (ch === '"' && field === "") inQuotes = true;
    else if (ch === delimiter || (delimiter.length > 1 && text.startsWith(delimiter, i))) {
      record.push(field);
      field = "";
      i += delimiter.length - 1;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
    } else field += ch;
    i++;
  }
  const partialAllowed = complete || (keepPartial && records.length === 0);
  if (records.length < maxRecords && partialAllowed && (field !== "" || record.length > 0)) {
    endRecord();
  }
  return records;
}

function mode(counts: number[]): { value: number; share: number } {
  const freq = new Map<number, number>();
  for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
  let value = 0;
  let best = 0;
  for (const [c, f] of freq) {
    if (f > best || (f === best && c > value)) {
      value = c;
      best = f;
    }
  }
  return { value, share: counts.length ? best / counts.length : 0 };
}

/**
 * The delimiter among `,` `;` tab `|` that splits the sample most consistently into more than one field
 * (ties go to the earlier one); `,` when none does (a one-column file).
 */
export function detectDelimiter(text: string, complete: boolean): string {
  let best: { delimiter: string; share: number; fields: number } | undefined;
  for (const delimiter of DELIMITERS) {
    const counts = parseRecords(text, delimiter, 200, complete, true).map((r) => r.length);
    const { value, share } = mode(counts);
    if (value <= 1) continue;
    if (!best || share > best.share || (share === best.share && value > best.fields)) {
      best = { delimiter, share, fields: value };
    }
  }
  return best?.delimiter ?? ",";
}

function sameKind(a: ColumnGuess, b: ColumnGuess): boolean {
  if (a.kind === "number" || b.kind === "number") return a.kind === b.kind;
  if (a.kind === "typed" && b.kind === "typed") return a.chain[0]?.type === b.chain[0]?.type;
  return a.kind === b.kind;
}

/**
 * Whether `records[0]` is a header: yes if, in some column whose other values share a type, the first
 * cell does not fit it ("Năm" above 2021, 2022…); no if it fits in every such column; yes when no column
 * is typed (all text: a header is the common case).
 */
export function detectHeader(records: readonly string[][], missingValues: readonly string[]): boolean {
  if (records.length < 2) return true;
  const [first, ...rest] = records as [string[], ...string[][]];
  const missing = new Set(missingValues);
  const cell = (row: readonly string[], j: number) => {
    const v = row[j];
    return v === undefined || missing.has(v) ? null : v;
  };
  let fitsSomewhere = false;
  for (let j = 0; j < first.length; j++) {
    const top = cell(first, j);
    if (top === null) continue;
    const below = rest.map((row) => cell(row, j));
    const guess = classifyColumn(below);
    if (guess.kind === "string" || guess.kind === "empty") continue;
    if (!sameKind(guess, classifyColumn([...below, top]))) return true;
    fitsSomewhere = true;
  }
  return !fitsSomewhere;
}
