/**
 * The version a data request reads: which one (`version=n`, a cursor's, or the current one), its fields,
 * and the file its queries read with a stable row id — the version's own Parquet file (row id: the row's
 * position, `file_row_number`), or a clustered copy of it (clustered.ts) that carries that position as a
 * column, so answers, order and cursors are the same whichever file served them.
 */
import type { LoadedDataset } from "../catalog/service.ts";
import { getVersion, type VersionRow } from "../catalog/versions.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { quoteIdentifier, quoteServerLiteral } from "./bindings.ts";
import { type DataField, fieldsOf } from "./table-schema.ts";

/**
 * The row id `read_parquet(…, file_row_number = true)` adds: the row's position in the version's file —
 * the `rowId` of every source `openVersion` returns.
 */
export const ROW_ID = "file_row_number";
const FILE_ROW_NUMBER = ROW_ID;
/** The column a clustered copy keeps each row's position in. */
export const COPY_ROW_ID = "__mekong_row";

export interface VersionSource {
  dataset: LoadedDataset;
  version: VersionRow;
  /** `org/name@n` */
  label: string;
  fields: DataField[];
  /** Absolute path of the Parquet file the queries read (under the blob root). */
  file: string;
  /** SQL naming the row id: the row's position in the version's own file. */
  rowId: string;
  /** The field a clustered copy is sorted by; absent when `file` is the version's own. */
  clusteredBy?: string;
}

/**
 * The dataset's version `n` (its current one when `n` is undefined).
 * @throws `version_not_found` (also for a dataset with no versions)
 */
export async function openVersion(
  ctx: AppContext,
  dataset: LoadedDataset,
  n?: number,
): Promise<VersionSource> {
  const version = await getVersion(ctx.db, dataset, n);
  const fields = fieldsOf(version.tableSchema);
  if (fields.some((f) => f.name === FILE_ROW_NUMBER)) {
    // read_parquet cannot add its row number next to a column of the same name.
    throw new AppError(
      "internal_error",
      `a field named ${FILE_ROW_NUMBER} cannot be served by the data API yet`,
    );
  }
  return {
    dataset,
    version,
    label: `${dataset.org.name}/${dataset.row.name}@${version.n}`,
    fields,
    file: ctx.blobs.pathOf(version.blobKey),
    rowId: FILE_ROW_NUMBER,
  };
}

/** `source` read from a clustered copy at `file`, sorted by `field`. */
export const fromCopy = (source: VersionSource, file: string, field: string): VersionSource => ({
  ...source,
  file,
  rowId: quoteIdentifier(COPY_ROW_ID),
  clusteredBy: field,
});

/** The FROM item reading the source with its row id. The path is the server's, never a request's. */
export const fromVersion = (source: VersionSource) =>
  source.clusteredBy
    ? `read_parquet(${quoteServerLiteral(source.file)})`
    : `read_parquet(${quoteServerLiteral(source.file)}, file_row_number = true)`;
