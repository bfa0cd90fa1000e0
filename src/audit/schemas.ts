/** Request and response shapes of the audit API, each zod schema beside its type. */
import { z } from "zod";
import { BREAK_REASONS } from "./verify.ts";

export const AuditListQuery = z
  .strictObject({
    actor: z.string().min(1).max(300).optional().describe("exact actor, e.g. `user:<id>` or `system`"),
    action: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^*]*\*?$/, "an action, or a prefix ending in * (organization.*)")
      .optional()
      .describe("exact action, or a prefix ending in `*` (`organization.*`)"),
    resource: z.string().min(1).max(500).optional().describe("exact resource, e.g. `organization:<name>`"),
    from: z.iso.datetime({ offset: true }).optional().describe("entries at or after this time"),
    to: z.iso.datetime({ offset: true }).optional().describe("entries before this time"),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(200).optional().describe("`nextCursor` of the previous page"),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    message: "from must not be after to",
    path: ["from"],
  });
export type AuditListQuery = z.infer<typeof AuditListQuery>;

export const AuditEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  resource: z.string(),
  // A JSON object as appended; typed loosely so a tampered row can still be listed.
  details: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditList = z.object({ items: z.array(AuditEntry), nextCursor: z.string().optional() });
export type AuditList = z.infer<typeof AuditList>;

const LatestCheckpoint = z
  .object({ seq: z.number().int(), at: z.string(), keyId: z.string() })
  .nullable()
  .describe("the latest signed checkpoint, whether or not it verified");

const counts = {
  entries: z.number().int().describe("entries checked (and found intact)"),
  checkpoints: z.number().int().describe("signed checkpoints checked (and found valid)"),
  checkpoint: LatestCheckpoint,
};

export const AuditVerifyReport = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), ...counts, headSeq: z.number().int(), headHash: z.string() }),
  z.object({
    ok: z.literal(false),
    ...counts,
    firstBroken: z.object({ seq: z.number().int(), reason: z.enum(BREAK_REASONS), detail: z.string() }),
  }),
]);
export type AuditVerifyReport = z.infer<typeof AuditVerifyReport>;
