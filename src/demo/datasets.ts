/**
 * Loads the demo datasets listed in `demo/manifest.json` (generated files in `demo/data/`): each one is
 * created in its organization and its file ingested as version 1 through the same pipeline an upload
 * takes. Idempotent: a dataset that already has a version is left alone. A file that fails to load is
 * reported and skipped, so the server still starts with the rest.
 */
import path from "node:path";
import { DatasetCreate } from "../catalog/schemas.ts";
import { createDataset, getDataset, type LoadedDataset } from "../catalog/service.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { ingestUpload } from "../ingest/upload.ts";
import { DEMO_DIR, type DemoDataset, loadDemoManifest } from "./manifest.ts";

export interface DemoLoadReport {
  loaded: string[];
  skipped: string[];
  failed: { dataset: string; error: string }[];
}

export async function seedDemoDatasets(
  ctx: AppContext,
  admin: { id: string },
  opts: { manifestFile?: string; warn?: (message: string) => void } = {},
): Promise<DemoLoadReport> {
  const warn = opts.warn ?? ((message: string) => console.warn(message));
  const manifest = loadDemoManifest(opts.manifestFile);
  const report: DemoLoadReport = { loaded: [], skipped: [], failed: [] };
  for (const entry of manifest.datasets) {
    const id = `${entry.org}/${entry.name}`;
    try {
      const ds = await findOrCreate(ctx, admin, entry);
      if (ds.row.currentVersion !== null) {
        report.skipped.push(id);
        continue;
      }
      await ingestUpload(ctx, {
        ds,
        filePath: path.join(DEMO_DIR, entry.file),
        options: { mode: "replace", filename: path.basename(entry.file), ...entry.options },
        actor: "system:demo",
        userId: null,
      });
      report.loaded.push(id);
    } catch (err) {
      const error = err instanceof Error ? `${err.message}` : String(err);
      report.failed.push({ dataset: id, error });
      warn(`demo: could not load ${entry.file} into ${id}: ${error}`);
    }
  }
  return report;
}

async function findOrCreate(
  ctx: AppContext,
  admin: { id: string },
  entry: DemoDataset,
): Promise<LoadedDataset> {
  try {
    return await getDataset(ctx.db, entry.org, entry.name);
  } catch (err) {
    if (!(err instanceof AppError && err.code === "dataset_not_found")) throw err;
  }
  const input = DatasetCreate.parse({
    org: entry.org,
    name: entry.name,
    title: entry.title,
    description: entry.description,
    visibility: entry.visibility,
    ...entry.metadata,
  });
  await createDataset(ctx.db, ctx.audit, { id: admin.id, name: "system:demo" }, input);
  return getDataset(ctx.db, entry.org, entry.name);
}
