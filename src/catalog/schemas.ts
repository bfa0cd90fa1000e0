/** Request and response shapes of the datasets API. */
import { z } from "zod";
import { DatasetMetadata } from "./metadata.ts";

export const VISIBILITIES = ["draft", "private", "shared", "open"] as const;

export const DatasetName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{1,99}$/,
    "2–100 lowercase letters, digits, '-' and '_', starting with a letter or digit",
  );

export const DatasetCreate = DatasetMetadata.extend({
  org: z.string().max(100),
  name: DatasetName,
  title: z.string().trim().min(1).max(500),
  description: z.string().max(50_000).optional(),
  visibility: z.enum(VISIBILITIES).default("draft"),
});
export type DatasetCreate = z.infer<typeof DatasetCreate>;

export const DatasetUpdate = DatasetMetadata.extend({
  title: z.string().trim().min(1).max(500).optional(),
  description: z.string().max(50_000).nullable().optional(),
  visibility: z.enum(VISIBILITIES).optional(),
}).refine((v) => Object.keys(v).length > 0, "give at least one field to change");
export type DatasetUpdate = z.infer<typeof DatasetUpdate>;

export const Dataset = z.object({
  id: z.uuid(),
  org: z.string(),
  name: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  visibility: z.enum(VISIBILITIES),
  schema: z.unknown().nullable(),
  currentVersion: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deletedAt: z.string().nullable(),
  metadata: DatasetMetadata,
});
export type Dataset = z.infer<typeof Dataset>;

export const DatasetParams = z.strictObject({ org: z.string().max(100), name: z.string().max(100) });

export const DatasetListQuery = z.strictObject({
  org: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
  deleted: z.enum(["true", "false"]).optional(),
});
