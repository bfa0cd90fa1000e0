/** Request and response shapes of the jobs API, each zod schema beside its type. */
import { z } from "zod";

export const JOB_STATES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;

export const JobParams = z.strictObject({ id: z.string().max(100) });
export type JobParams = z.infer<typeof JobParams>;

export const JobFailureView = z.object({
  code: z.string().describe("stable snake_case code, e.g. lease_expired, internal_error"),
  message: z.string(),
});

/** A job as its owner sees it. The payload is not shown: it may hold what only the worker should read. */
export const JobView = z.object({
  id: z.uuid(),
  type: z.string(),
  state: z.enum(JOB_STATES),
  progress: z.number().min(0).max(1),
  message: z.string().nullable().describe("what the job is doing now, in words"),
  result: z.unknown().describe("the handler's result (JSON); null until the job has succeeded"),
  error: JobFailureView.nullable().describe("why the last attempt failed; kept while a retry waits"),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type JobView = z.infer<typeof JobView>;
