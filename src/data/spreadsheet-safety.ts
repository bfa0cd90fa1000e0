/**
 * Formula injection: a spreadsheet reads a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return as a formula (`=cmd|' /C calc'!A0`). As OWASP recommends, text cells of CSV and XLSX outputs
 * that start so get a leading `'`, which makes the spreadsheet show them as text. Only text fields are
 * touched: a negative number in a number field stays a number.
 */
import type { SqlValue } from "../engine/index.ts";
import { quoteIdentifier } from "./bindings.ts";
import type { DataField } from "./table-schema.ts";

const FORMULA_START = /^[=+\-@\t\r]/;

/** `text` made safe to open in a spreadsheet. */
export const neutraliseFormula = (text: string) => (FORMULA_START.test(text) ? `'${text}` : text);

/** The same rule in SQL, for outputs DuckDB writes itself. The column name must be a checked field's. */
export function neutralisedColumn(field: DataField): string {
  const c = quoteIdentifier(field.name);
  return `CASE WHEN left(${c}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN concat('''', ${c}) ELSE ${c} END AS ${c}`;
}

function csvText(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV cell (RFC 4180) of `field`'s value; null is the empty cell. */
export function csvCell(field: DataField, value: SqlValue | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return csvText(field.type === "string" ? neutraliseFormula(value) : value);
  return csvText(typeof value === "object" ? JSON.stringify(value) : String(value));
}

/** Records as CSV text with a header of field names and CRLF line ends. */
export function recordsToCsv(
  fields: readonly DataField[],
  records: readonly Record<string, SqlValue>[],
): string {
  const lines = [fields.map((f) => csvText(f.name)).join(",")];
  for (const record of records) lines.push(fields.map((f) => csvCell(f, record[f.name])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
