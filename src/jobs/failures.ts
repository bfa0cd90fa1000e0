/**
 * How an error thrown by a job handler becomes the job's `error`: a stable code, a message fit to show
 * the job's owner, and whether another attempt could help. Unexpected errors are not shown (they may
 * carry internals); the worker logs them with the job id instead.
 */
import { AppError } from "../errors.ts";
import type { JobFailure } from "./queue.ts";

/**
 * Thrown by a handler to fail its job with a code and a message its owner will read. Not retried unless
 * `retryable` (a deliberate failure — bad input, a missing dataset — fails the same way every time).
 */
export class JobError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly code: string,
    message: string,
    opts: { retryable?: boolean } = {},
  ) {
    super(message);
    this.name = "JobError";
    this.retryable = opts.retryable ?? false;
  }
}

export interface DescribedFailure {
  failure: JobFailure;
  retryable: boolean;
  /** Neither a `JobError` nor an `AppError`: worth logging in full. */
  unexpected: boolean;
}

export function describeFailure(err: unknown): DescribedFailure {
  if (err instanceof JobError) {
    return { failure: { code: err.code, message: err.message }, retryable: err.retryable, unexpected: false };
  }
  if (err instanceof AppError) {
    // A client error (not found, invalid) will not change on retry; a server-side one may.
    return {
      failure: { code: err.code, message: err.message },
      retryable: err.status >= 500,
      unexpected: false,
    };
  }
  return {
    failure: {
      code: "internal_error",
      message: "the job failed unexpectedly; the worker's log has the details",
    },
    retryable: true,
    unexpected: true,
  };
}
