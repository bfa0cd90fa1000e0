/** Request and response shapes of the organizations API, each zod schema beside its type. */
import { z } from "zod";

export const ORG_KINDS = ["ministry", "province", "agency", "company", "research", "other"] as const;
export const ROLES = ["admin", "editor", "member"] as const;

export const OrgName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{1,62}$/,
    "2–63 lowercase letters, digits and hyphens, starting with a letter or digit",
  );

export const OrgCreate = z.strictObject({
  name: OrgName,
  title: z.string().trim().min(1).max(300),
  titleEn: z.string().trim().min(1).max(300).optional(),
  kind: z.enum(ORG_KINDS),
  description: z.string().max(10_000).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, "ISO 3166-1 alpha-2 code")
    .default("VN"),
  website: z.url().max(2000).optional(),
  email: z.email().max(320).optional(),
});
export type OrgCreate = z.infer<typeof OrgCreate>;

export const OrgUpdate = OrgCreate.omit({ name: true })
  .extend({
    titleEn: z.string().trim().min(1).max(300).nullable().optional(),
    description: z.string().max(10_000).nullable().optional(),
    website: z.url().max(2000).nullable().optional(),
    email: z.email().max(320).nullable().optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, "give at least one field to change");
export type OrgUpdate = z.infer<typeof OrgUpdate>;

export const Organization = z.object({
  id: z.uuid(),
  name: z.string(),
  title: z.string(),
  titleEn: z.string().nullable(),
  kind: z.enum(ORG_KINDS),
  description: z.string().nullable(),
  country: z.string(),
  website: z.string().nullable(),
  email: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Organization = z.infer<typeof Organization>;

export const OrgList = z.object({ items: z.array(Organization), nextCursor: z.string().optional() });

export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  q: z.string().max(200).optional(),
  kind: z.enum(ORG_KINDS).optional(),
});

export const OrgParams = z.strictObject({ name: z.string().max(100) });
export const MemberParams = z.strictObject({ name: z.string().max(100), userId: z.string().max(100) });
export const MemberPut = z.strictObject({ role: z.enum(ROLES) });

export const Member = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  since: z.string(),
});
export type Member = z.infer<typeof Member>;
