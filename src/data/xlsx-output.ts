/**
 * XLSX downloads: DuckDB's result read chunk by chunk (2,048 rows) into exceljs's streaming workbook
 * writer, which zips each committed row into a file as it goes, so memory stays at a chunk plus the zip's
 * buffers whatever the size. Writing to a file (then streaming it) frees the DuckDB connection as soon as
 * the workbook is written instead of holding it for as long as a slow client reads. Cells keep their
 * types: numbers, booleans, dates and date-times as Excel dates; text cells are formula-neutralised.
 */
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import ExcelJS from "exceljs";
import { convertValue, type SqlValue } from "../engine/index.ts";
import { neutraliseFormula } from "./spreadsheet-safety.ts";
import type { DataField } from "./table-schema.ts";

/** Rows a worksheet holds, less the header row. */
export const XLSX_MAX_ROWS = 1_048_575;

function cellValue(field: DataField, value: SqlValue | undefined): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") {
    if (field.type === "string") return neutraliseFormula(value);
    if (field.type === "date" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T00:00:00Z`);
    if (field.type === "datetime" && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z?$/.test(value)) {
      return new Date(value.endsWith("Z") ? value : `${value}Z`);
    }
    return value;
  }
  if (typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}

const numberFormat = (field: DataField) =>
  field.type === "date" ? "yyyy-mm-dd" : field.type === "datetime" ? "yyyy-mm-dd hh:mm:ss" : undefined;

/** Writes the rows of `statement` (run on `connection`) as a one-sheet workbook at `file`. */
export async function writeXlsxFile(
  connection: DuckDBConnection,
  statement: { sql: string; params: readonly unknown[] },
  fields: readonly DataField[],
  sheetName: string,
  file: string,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  sheet.columns = fields.map((f) => {
    const numFmt = numberFormat(f);
    return {
      header: f.name,
      key: f.name,
      width: Math.min(40, Math.max(10, f.name.length + 2)),
      ...(numFmt ? { style: { numFmt } } : {}),
    };
  });
  const prepared = await connection.prepare(statement.sql);
  try {
    prepared.bind(statement.params as DuckDBValue[]);
    const result = await prepared.stream();
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const values of chunk.convertRows(convertValue) as SqlValue[][]) {
        sheet.addRow(fields.map((f, i) => cellValue(f, values[i]))).commit();
      }
    }
  } finally {
    prepared.destroySync();
  }
  sheet.commit();
  await workbook.commit();
}
