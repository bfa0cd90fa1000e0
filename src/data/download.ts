/**
 * Downloads of a version, whole or narrowed by the rows API's fields, filters, `q` and sort, as CSV, JSON,
 * NDJSON, Parquet or XLSX.
 *
 * The whole version as Parquet is the stored blob itself: streamed with its length and byte-range support.
 * Everything else is written by DuckDB's own `COPY … TO` (XLSX: by exceljs from DuckDB's chunks) into a
 * temp file under the blob root's `.tmp`, which is opened, unlinked and streamed: DuckDB writes at its full
 * parallel speed, memory stays flat whatever the size, the engine connection is free again as soon as the
 * file is written (a slow client holds only a file handle), the answer has a Content-Length, and nothing
 * is left behind however the request ends (a crash's leftovers are cleared when the blob store opens).
 * Disk use is bounded by the output's size while it streams.
 *
 * CSV is UTF-8 with a byte-order mark, so Excel opens Vietnamese text correctly; CSV and XLSX text cells
 * are formula-neutralised (spreadsheet-safety.ts). JSON and NDJSON write dates as `YYYY-MM-DD` and
 * date-times as ISO 8601 (`2024-02-29T13:45:06`), like the rows API.
 */
import { randomUUID } from "node:crypto";
import { open, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { LoadedDataset } from "../catalog/service.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { Bindings, quoteIdentifier, quoteServerLiteral } from "./bindings.ts";
import { orderByClause, parseSort } from "./ordering.ts";
import { parseRange } from "./ranges.ts";
import { isEverything, parseSelection, pickFields, whereClause } from "./selection.ts";
import { fromVersion, openVersion, type VersionSource } from "./source.ts";
import { neutralisedColumn } from "./spreadsheet-safety.ts";
import { withTimeLimit } from "./statements.ts";
import type { DataField } from "./table-schema.ts";
import { countExact } from "./totals.ts";
import { writeXlsxFile, XLSX_MAX_ROWS } from "./xlsx-output.ts";

export const DOWNLOAD_FORMATS = ["csv", "json", "ndjson", "parquet", "xlsx"] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];
export const DOWNLOAD_PARAMETERS = new Set(["fields", "q", "sort", "version"]);
/** Longest DuckDB may take to write one download. */
export const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

export const CONTENT_TYPES: Record<DownloadFormat, string> = {
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
  parquet: "application/vnd.apache.parquet",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface DownloadRequest {
  format: DownloadFormat;
  fields?: string;
  q?: string;
  sort?: string;
  version?: number;
  query: Readonly<Record<string, unknown>>;
  /** The request's `Range` and `If-Range` headers (honoured for the whole version as Parquet). */
  range?: string;
  ifRange?: string;
}

export interface Download {
  source: VersionSource;
  status: 200 | 206;
  headers: Record<string, string>;
  body: Readable;
  /** Whether the whole version was asked for (no fields, filters, q or sort). */
  whole: boolean;
}

/** Headers every download carries: what it is, which version, and that version's signed identity. */
function identityHeaders(source: VersionSource, format: DownloadFormat): Record<string, string> {
  const { version, dataset } = source;
  return {
    "content-type": CONTENT_TYPES[format],
    "content-disposition": `attachment; filename="${dataset.row.name}-v${version.n}.${format}"`,
    "x-mekong-version": source.label,
    "x-mekong-sha256": version.sha256,
    "x-mekong-signature": version.signature,
    "x-mekong-key-id": version.keyId,
  };
}

async function wholeParquet(
  ctx: AppContext,
  source: VersionSource,
  request: DownloadRequest,
): Promise<Download> {
  const size = source.version.bytes;
  const etag = `"${source.version.sha256}"`;
  const headers = { ...identityHeaders(source, "parquet"), "accept-ranges": "bytes", etag };
  const useRange = request.range && (!request.ifRange || request.ifRange === etag);
  const range = useRange ? parseRange(request.range as string, size) : undefined;
  if (range === "unsatisfiable") {
    throw new AppError("range_not_satisfiable", `the file has ${size} bytes`, {
      headers: { "content-range": `bytes */${size}` },
    });
  }
  if (!range) {
    const body = await ctx.blobs.get(source.version.blobKey);
    return {
      source,
      status: 200,
      headers: { ...headers, "content-length": String(size) },
      body,
      whole: true,
    };
  }
  const body = await ctx.blobs.get(source.version.blobKey, range);
  return {
    source,
    status: 206,
    headers: {
      ...headers,
      "content-range": `bytes ${range.start}-${range.end}/${size}`,
      "content-length": String(range.end - range.start + 1),
    },
    body,
    whole: true,
  };
}

/** The SELECT list for `format`: CSV neutralises text, JSON writes ISO date-times. */
function projection(fields: readonly DataField[], format: DownloadFormat): string {
  return fields
    .map((f) => {
      if (format === "csv" && f.type === "string") return neutralisedColumn(f);
      if ((format === "json" || format === "ndjson") && f.type === "datetime") {
        const c = quoteIdentifier(f.name);
        return `replace(CAST(${c} AS VARCHAR), ' ', 'T') AS ${c}`;
      }
      return quoteIdentifier(f.name);
    })
    .join(", ");
}

const COPY_OPTIONS: Record<Exclude<DownloadFormat, "xlsx">, string> = {
  csv: "FORMAT csv, HEADER true",
  json: "FORMAT json, ARRAY true",
  ndjson: "FORMAT json",
  parquet: "FORMAT parquet, COMPRESSION zstd",
};

/** `head`, then `body`'s chunks; ending early (a client gone) destroys `body`. */
async function* prefixed(head: Buffer, body: Readable): AsyncGenerator<Buffer> {
  yield head;
  for await (const chunk of body) yield chunk as Buffer;
}

/** Opens `file`, unlinks it and returns a stream of it with its size: the file is gone once read. */
async function streamAndForget(file: string): Promise<{ body: Readable; bytes: number }> {
  const handle = await open(file, "r");
  try {
    await rm(file, { force: true });
    const { size } = await handle.stat();
    return { body: handle.createReadStream(), bytes: size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The download `request` asks for.
 * @throws `version_not_found`, `validation_failed`, `range_not_satisfiable`, `too_many_rows` (XLSX), `query_timeout`
 */
export async function prepareDownload(
  ctx: AppContext,
  dataset: LoadedDataset,
  request: DownloadRequest,
): Promise<Download> {
  const source = await openVersion(ctx, dataset, request.version);
  const fields = pickFields(source.fields, request.fields);
  const selection = parseSelection(source.fields, request.query, DOWNLOAD_PARAMETERS);
  const sortKeys = parseSort(source.fields, request.sort);
  const whole = request.fields === undefined && isEverything(selection) && sortKeys.length === 0;
  if (whole && request.format === "parquet") return wholeParquet(ctx, source, request);

  const blobRoot = ctx.blobs.root;
  if (request.format === "xlsx") {
    const rows = whole
      ? source.version.rows
      : await ctx.engine.withConnection((c) => countExact(c, blobRoot, source, selection));
    if (rows > XLSX_MAX_ROWS) {
      throw new AppError(
        "too_many_rows",
        `${rows} rows do not fit in one worksheet (at most ${XLSX_MAX_ROWS}); filter them or download CSV`,
      );
    }
  }

  const b = new Bindings();
  const select = `SELECT ${projection(fields, request.format)} FROM ${fromVersion(source)} ${whereClause(selection, source.fields, b)} ${orderByClause(sortKeys, source)}`;
  const file = path.join(blobRoot, ".tmp", `download-${randomUUID()}.${request.format}`);
  try {
    await ctx.engine.withConnection((connection) =>
      withTimeLimit(
        connection,
        blobRoot,
        async () => {
          if (request.format === "xlsx") {
            await writeXlsxFile(
              connection,
              { sql: select, params: b.values },
              fields,
              dataset.row.name,
              file,
            );
            return;
          }
          const copy = await connection.prepare(
            `COPY (${select}) TO ${quoteServerLiteral(file)} (${COPY_OPTIONS[request.format]})`,
          );
          try {
            copy.bind(b.values as never);
            await copy.run();
          } finally {
            copy.destroySync();
          }
        },
        DOWNLOAD_TIMEOUT_MS,
      ),
    );
    const { body, bytes } = await streamAndForget(file);
    const bom = request.format === "csv";
    return {
      source,
      status: 200,
      headers: {
        ...identityHeaders(source, request.format),
        "content-length": String(bytes + (bom ? UTF8_BOM.length : 0)),
      },
      body: bom ? Readable.from(prefixed(UTF8_BOM, body)) : body,
      whole,
    };
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
}
