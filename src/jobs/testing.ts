/** Test support for the jobs suites: waiting for a condition, a quiet logger, unique job types. */
import { randomUUID } from "node:crypto";
import type { JobLog } from "./execution.ts";

/** A logger that drops everything (the suites assert on jobs' rows, not on log lines). */
export const silentLog: JobLog = { debug() {}, info() {}, warn() {}, error() {} };

/** A job type no other test claims, so tests sharing one database never take each other's jobs. */
export const uniqueJobType = (name = "test") => `test.${name}-${randomUUID().slice(0, 8)}`;

/**
 * Polls `probe` until it returns something other than undefined/false and returns that. Fails after
 * `timeoutMs` (generous: these waits are for conditions, not measurements).
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 30_000, intervalMs = 50, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A promise with its resolve function, to hold a handler mid-job until the test lets it go. */
export function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
