/**
 * The demo data manifest (`demo/manifest.json`, written by `demo/generate.ts`): which file becomes which
 * dataset of which organization, with its catalog metadata, the ingest options the file needs, the row
 * count it should load with and the quality problems planted in it on purpose.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DatasetMetadata } from "../catalog/metadata.ts";
import { DatasetName, VISIBILITIES } from "../catalog/schemas.ts";

/** The repository's `demo/` folder. */
export const DEMO_DIR = path.resolve(import.meta.dirname, "../../demo");

export const PROBLEM_KINDS = [
  "duplicate_row",
  "duplicate_key",
  "missing_value",
  "out_of_range",
  "malformed_value",
  "inconsistent_label",
  "future_date",
  "inconsistent_total",
  "missing_period",
] as const;

/** One planted problem. `rows` are 1-based data row numbers (the header is not counted). */
export const PlantedProblem = z.strictObject({
  kind: z.enum(PROBLEM_KINDS),
  /** The field as the ingested dataset names it (the safe identifier, e.g. `tinh_thanh_pho`). */
  field: z.string().optional(),
  rows: z.array(z.number().int().min(1)),
  detail: z.string(),
});
export type PlantedProblem = z.infer<typeof PlantedProblem>;

export const DemoIngestOptions = z.strictObject({
  format: z.enum(["csv", "tsv", "xlsx", "json", "ndjson", "parquet"]).optional(),
  encoding: z.string().optional(),
  sheet: z.string().optional(),
  delimiter: z.string().optional(),
});
export type DemoIngestOptions = z.infer<typeof DemoIngestOptions>;

export const DemoDataset = z.strictObject({
  /** Path under `demo/`, e.g. `data/dang-ky-doanh-nghiep.csv`. */
  file: z.string().regex(/^data\/[a-z0-9-]+\.[a-z]+$/),
  org: z.string(),
  name: DatasetName,
  title: z.string(),
  description: z.string(),
  visibility: z.enum(VISIBILITIES),
  metadata: DatasetMetadata,
  options: DemoIngestOptions,
  /** Data rows in the file, planted duplicates included: the row count of the loaded version. */
  rows: z.number().int().min(1),
  problems: z.array(PlantedProblem),
});
export type DemoDataset = z.infer<typeof DemoDataset>;

export const DemoManifest = z.strictObject({
  generatedBy: z.string(),
  seed: z.number().int(),
  datasets: z.array(DemoDataset).min(1),
});
export type DemoManifest = z.infer<typeof DemoManifest>;

/** Reads and validates `demo/manifest.json` (or another manifest). */
export function loadDemoManifest(file = path.join(DEMO_DIR, "manifest.json")): DemoManifest {
  return DemoManifest.parse(JSON.parse(readFileSync(file, "utf8")));
}
