/**
 * Dataset versions: immutable Parquet files in the blob store, one row each here, signed by the instance
 * key over the version's identity and content hash. A version becomes visible only when its row commits,
 * after its file is durably in place, so a failed or killed ingest leaves no visible version.
 */
import { createHash } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { canonicalJson } from "../audit/chain.ts";
import type { AuditLog } from "../audit/service.ts";
import type { Db, Queryable } from "../db/client.ts";
import { datasets, datasetVersions } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import type { InstanceKey } from "../keys/instance-key.ts";
import type { LoadedDataset } from "./service.ts";

export type VersionRow = typeof datasetVersions.$inferSelect;
export type VersionMode = VersionRow["mode"];

/** The exact bytes a version's signature covers: who it is (`org/name@n`) and what it holds (SHA-256). */
export const versionSigningMessage = (id: { org: string; name: string; n: number }, sha256: string) =>
  `mekong-dataset-version:v1:${id.org}/${id.name}@${id.n}:${sha256}`;

export const schemaHashOf = (schema: unknown) =>
  createHash("sha256").update(canonicalJson(schema)).digest("hex");

export function toVersion(v: VersionRow, ds: { org: string; name: string }) {
  return {
    n: v.n,
    id: `${ds.org}/${ds.name}@${v.n}`,
    rows: v.rows,
    bytes: v.bytes,
    sha256: v.sha256,
    schemaHash: v.schemaHash,
    mode: v.mode,
    source: v.source as Record<string, unknown>,
    createdAt: v.createdAt.toISOString(),
    createdBy: v.createdBy,
    keyId: v.keyId,
    signature: v.signature,
  };
}
export type Version = ReturnType<typeof toVersion>;

export interface NewVersion {
  blobKey: string;
  rows: number;
  bytes: number;
  sha256: string;
  tableSchema: unknown;
  mode: VersionMode;
  source: Record<string, unknown>;
  createdBy: string | null;
}

/**
 * Records the next version of a dataset and makes it current, in one transaction with its audit entry.
 * The dataset row is locked so concurrent uploads get consecutive numbers.
 */
export async function recordVersion(
  db: Db,
  audit: AuditLog,
  key: InstanceKey,
  ds: LoadedDataset,
  input: NewVersion,
  actor: string,
): Promise<Version> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ currentVersion: datasets.currentVersion, deletedAt: datasets.deletedAt })
      .from(datasets)
      .where(eq(datasets.id, ds.row.id))
      .for("update");
    if (!current || current.deletedAt) throw new AppError("dataset_not_found");
    const n = (current.currentVersion ?? 0) + 1;
    const id = { org: ds.org.name, name: ds.row.name, n };
    const [row] = await tx
      .insert(datasetVersions)
      .values({
        datasetId: ds.row.id,
        n,
        blobKey: input.blobKey,
        rows: input.rows,
        bytes: input.bytes,
        sha256: input.sha256,
        tableSchema: input.tableSchema,
        schemaHash: schemaHashOf(input.tableSchema),
        mode: input.mode,
        source: input.source,
        createdBy: input.createdBy,
        keyId: key.keyId,
        signature: key.sign(versionSigningMessage(id, input.sha256)),
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    await tx
      .update(datasets)
      .set({ currentVersion: n, tableSchema: input.tableSchema, updatedAt: new Date() })
      .where(eq(datasets.id, ds.row.id));
    await audit.append(tx, {
      actor,
      action: "dataset.version.create",
      resource: `dataset:${ds.org.name}/${ds.row.name}`,
      details: { n, mode: input.mode, rows: input.rows, bytes: input.bytes, sha256: input.sha256 },
    });
    return toVersion(row, { org: ds.org.name, name: ds.row.name });
  });
}

export const listVersions = (q: Queryable, datasetId: string) =>
  q
    .select()
    .from(datasetVersions)
    .where(eq(datasetVersions.datasetId, datasetId))
    .orderBy(desc(datasetVersions.n));

/** Version `n` of a dataset, or its current one. @throws `version_not_found` */
export async function getVersion(q: Queryable, ds: LoadedDataset, n?: number): Promise<VersionRow> {
  const wanted = n ?? ds.row.currentVersion;
  if (wanted === null || wanted === undefined || !Number.isInteger(wanted)) {
    throw new AppError("version_not_found", `${ds.org.name}/${ds.row.name} has no versions yet`);
  }
  const [row] = await q
    .select()
    .from(datasetVersions)
    .where(and(eq(datasetVersions.datasetId, ds.row.id), eq(datasetVersions.n, wanted)));
  if (!row) throw new AppError("version_not_found", `${ds.org.name}/${ds.row.name} has no version ${wanted}`);
  return row;
}

/** Every blob key a version refers to (for sweeping files no version holds). */
export async function referencedBlobKeys(q: Queryable): Promise<Set<string>> {
  const rows = await q
    .select({ key: sql<string>`distinct ${datasetVersions.blobKey}` })
    .from(datasetVersions);
  return new Set(rows.map((r) => r.key));
}
