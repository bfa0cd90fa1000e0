/**
 * The version a data request reads: which one (`version=n`, a cursor's, or the current one), its Parquet
 * file in the blob store, its fields, and the FROM clause that reads it with a stable row id.
 */
import type { LoadedDataset } from "../catalog/service.ts";
import { getVersion, type VersionRow } from "../catalog/versions.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { quoteServerLiteral } from "./bindings.ts";
import { type DataField, fieldsOf } from "./table-schema.ts";

/** The row id column `read_parquet(…, file_row_number = true)` adds: the row's position in the file. */
export const ROW_ID = "file_row_number";

export interface VersionSource {
  dataset: LoadedDataset;
  version: VersionRow;
  /** `org/name@n` */
  label: string;
  fields: DataField[];
  /** Absolute path of the version's Parquet file (under the blob root). */
  file: string;
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
  if (fields.some((f) => f.name === ROW_ID)) {
    // read_parquet cannot add its row number next to a column of the same name.
    throw new AppError("internal_error", `a field named ${ROW_ID} cannot be served by the data API yet`);
  }
  return {
    dataset,
    version,
    label: `${dataset.org.name}/${dataset.row.name}@${version.n}`,
    fields,
    file: ctx.blobs.pathOf(version.blobKey),
  };
}

/** The FROM item reading the version with its row id. The path is the blob store's, never a request's. */
export const fromVersion = (source: VersionSource) =>
  `read_parquet(${quoteServerLiteral(source.file)}, file_row_number = true)`;
