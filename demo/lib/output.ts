/** What each demo dataset generator hands back: its manifest entry and the file's bytes. */
import type { DemoDataset } from "../../src/demo/manifest.ts";
import { csvLine } from "./formats.ts";
import type { Row } from "./plant.ts";

export interface GeneratedDataset {
  entry: DemoDataset;
  content: Buffer;
}

/** Rows as delimited text with a header line, `\r\n`-terminated as spreadsheet exports are. */
export function delimitedText(header: readonly string[], rows: readonly Row[], delimiter = ","): string {
  const keys = Object.keys(rows[0] ?? {});
  const lines = [csvLine(header, delimiter)];
  for (const row of rows)
    lines.push(
      csvLine(
        keys.map((k) => toText(row[k])),
        delimiter,
      ),
    );
  return `${lines.join("\r\n")}\r\n`;
}

function toText(value: Row[string]): string {
  if (value === null) return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}
