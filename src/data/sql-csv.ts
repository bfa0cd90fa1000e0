/** CSV (RFC 4180) for a SQL result: a header of field names, then one line per record. */
import type { Row, SqlValue } from "../engine/index.ts";
import type { SqlField } from "./sql.ts";

function cell(value: SqlValue | undefined): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The whole result as CSV text with CRLF line ends (the result is bounded by the row limit). */
export function sqlResultToCsv(fields: readonly SqlField[], records: readonly Row[]): string {
  const lines = [fields.map((f) => cell(f.name)).join(",")];
  for (const record of records) lines.push(fields.map((f) => cell(record[f.name])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
