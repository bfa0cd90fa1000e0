/**
 * CKAN's own error answers, which the CKAN surface gives instead of problem+json so that CKAN clients
 * (ckanapi, ckanext-harvest, portals) recognise them: `{help, success: false, error: {__type, …}}` with
 * the status CKAN uses for each type (ckan/views/api.py). A bad request that never reaches an action (an
 * unknown action, a body that is not a JSON object) is answered as CKAN does: a bare JSON string.
 */
import type { AppError, ErrorCode } from "../../errors.ts";

export type CkanErrorType =
  | "Not Found Error"
  | "Authorization Error"
  | "Validation Error"
  | "Search Query Error"
  | "Search Error"
  | "Internal Server Error";

/** Field → messages, as CKAN's `ValidationError.error_dict`. */
export type ErrorDict = Record<string, unknown>;

export class CkanError extends Error {
  constructor(
    readonly type: CkanErrorType,
    readonly status: number,
    /** What goes into `error` beside `__type`: `{message}`, or a validation error dict. */
    readonly details: ErrorDict,
  ) {
    super(typeof details.message === "string" ? details.message : type);
    this.name = "CkanError";
  }
}

/** A request CKAN refuses before any action runs: 400 with the JSON string `"Bad request - …"`. */
export class CkanBadRequest extends Error {
  constructor(detail: string) {
    super(`Bad request - ${detail}`);
    this.name = "CkanBadRequest";
  }
}

export const notFound = (detail?: string) =>
  new CkanError("Not Found Error", 404, { message: detail ? `Not found: ${detail}` : "Not found" });

export const notAuthorized = (detail?: string) =>
  new CkanError("Authorization Error", 403, {
    message: detail ? `Access denied: ${detail}` : "Access denied",
  });

export const validationError = (errors: ErrorDict) => new CkanError("Validation Error", 409, errors);

/** Python's `repr` of a string, as CKAN's messages embed it (`%r`). */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const body = text
    .replaceAll("\\", "\\\\")
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r")
    .replaceAll("\t", "\\t")
    .replaceAll(quote, `\\${quote}`);
  return `${quote}${body}${quote}`;
}

/** CKAN says `Search Query is invalid: %r % e.args`, i.e. the repr of a one-element tuple. */
export const searchQueryError = (detail: string) =>
  new CkanError("Search Query Error", 400, { message: `Search Query is invalid: (${pyRepr(detail)},)` });

const NOT_FOUND: ReadonlySet<ErrorCode> = new Set([
  "dataset_not_found",
  "organization_not_found",
  "version_not_found",
  "route_not_found",
  "user_not_found",
]);
const DENIED: ReadonlySet<ErrorCode> = new Set([
  "unauthenticated",
  "forbidden",
  "insufficient_scope",
  "invalid_token",
]);

/** Mekong's catalog errors in CKAN's terms; unknown and server errors become `Internal Server Error`. */
export function fromAppError(error: AppError): CkanError {
  if (NOT_FOUND.has(error.code)) return notFound(error.message);
  if (DENIED.has(error.code)) return notAuthorized(error.message);
  if (error.status < 500) {
    const fields = error.extras.errors?.map((e) => [e.path, [e.message]] as const) ?? [];
    return new CkanError("Validation Error", error.status === 400 ? 409 : error.status, {
      message: error.message,
      ...Object.fromEntries(fields),
    });
  }
  return internalError();
}

export const internalError = () =>
  new CkanError("Internal Server Error", 500, { message: "Internal Server Error" });
