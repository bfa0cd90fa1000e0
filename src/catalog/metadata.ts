/**
 * A dataset's catalog metadata beyond its core columns (DCAT-AP 3 as the model, the Law on Data as the
 * classification), stored in `datasets.metadata` and validated here. Publisher, distributions,
 * `conformsTo` and `modified` are derived from the dataset, its organization and versions, not stored.
 */
import { z } from "zod";
import {
  ACCESS_RIGHTS,
  CLASSIFICATIONS,
  FREQUENCIES,
  IMPORTANCE,
  LICENCES,
  PERSONAL_DATA,
  THEMES,
} from "./vocabularies.ts";

const isoDate = z.iso.date();

export const DatasetMetadata = z.strictObject({
  titleEn: z.string().trim().min(1).max(500).nullable().optional(),
  descriptionEn: z.string().max(50_000).nullable().optional(),
  keywords: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
  themes: z
    .array(
      z.string().refine((t) => THEMES.includes(t), "not a known theme (EU data theme code or vn:<sector>)"),
    )
    .max(20)
    .optional(),
  contactPoint: z
    .strictObject({
      name: z.string().trim().min(1).max(200),
      email: z.email().max(320).optional(),
      phone: z.string().max(50).optional(),
      url: z.url().max(2000).optional(),
    })
    .nullable()
    .optional(),
  licence: z
    .string()
    .refine((id) => LICENCES.some((l) => l.id === id), "not a licence of the register (GET /api/v1/licences)")
    .nullable()
    .optional(),
  accessRights: z.enum(ACCESS_RIGHTS).nullable().optional(),
  classification: z.enum(CLASSIFICATIONS).optional(),
  importance: z.enum(IMPORTANCE).optional(),
  personalData: z.enum(PERSONAL_DATA).optional(),
  frequency: z.enum(FREQUENCIES).nullable().optional(),
  temporal: z
    .strictObject({ start: isoDate.optional(), end: isoDate.optional() })
    .refine((t) => !t.start || !t.end || t.start <= t.end, "start must not be after end")
    .nullable()
    .optional(),
  /** Province codes (two digits) or `VN` for national coverage. */
  spatial: z
    .array(z.string().regex(/^(\d{2}|VN)$/, "a two-digit province code or VN"))
    .max(100)
    .optional(),
  landingPage: z.url().max(2000).nullable().optional(),
  issued: isoDate.nullable().optional(),
  versionNotes: z.string().max(10_000).nullable().optional(),
});
export type DatasetMetadata = z.infer<typeof DatasetMetadata>;

/** Defaults a new dataset starts with. */
export const DEFAULT_METADATA: DatasetMetadata = {
  keywords: [],
  themes: [],
  spatial: [],
  classification: "private-use",
  importance: "ordinary",
  personalData: "none",
};

/** Applies a metadata patch: `null` removes a property, absent keeps it. */
export function mergeMetadata(current: DatasetMetadata, patch: DatasetMetadata): DatasetMetadata {
  const out: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out as DatasetMetadata;
}
