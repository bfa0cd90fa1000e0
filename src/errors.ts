/**
 * The error catalog: every error the API answers has a stable snake_case `code` and an HTTP status,
 * defined once here. `AppError` carries a code through the layers; `toProblem` turns any thrown value
 * into an RFC 9457 problem document, hiding unknown errors behind the request id.
 */

export const ERROR_CATALOG = {
  validation_failed: { status: 400, title: "The request is not valid" },
  malformed_json: { status: 400, title: "The request body is not valid JSON" },
  bad_request: { status: 400, title: "Bad request" },
  unauthenticated: { status: 401, title: "Authentication is required" },
  invalid_credentials: { status: 401, title: "Email or password is wrong" },
  invalid_token: { status: 401, title: "The token is invalid, expired or revoked" },
  forbidden: { status: 403, title: "You are not allowed to do this" },
  insufficient_scope: { status: 403, title: "The token's scopes do not allow this" },
  route_not_found: { status: 404, title: "No such route" },
  user_not_found: { status: 404, title: "No such user" },
  organization_not_found: { status: 404, title: "No such organization" },
  member_not_found: { status: 404, title: "No such member" },
  token_not_found: { status: 404, title: "No such API token" },
  job_not_found: { status: 404, title: "No such job" },
  dataset_not_found: { status: 404, title: "No such dataset" },
  version_not_found: { status: 404, title: "No such version" },
  history_not_found: { status: 404, title: "No such entry in the dataset's history" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  not_acceptable: { status: 406, title: "None of the accepted media types can be served" },
  organization_exists: { status: 409, title: "An organization with this name exists" },
  user_exists: { status: 409, title: "A user with this email exists" },
  dataset_exists: { status: 409, title: "A dataset with this name exists in the organization" },
  last_org_admin: { status: 409, title: "An organization must keep at least one admin" },
  conflict: { status: 409, title: "The change conflicts with the current state" },
  job_finished: { status: 409, title: "The job has already finished" },
  sql_syntax_error: { status: 400, title: "The SQL has a syntax error" },
  sql_not_allowed: { status: 400, title: "The SQL is not allowed here" },
  sql_error: { status: 400, title: "The query failed" },
  // 422, not 408/504: the request was understood, its query is too expensive, and retrying it unchanged
  // will not help (clients and proxies retry 408/504 on their own).
  sql_timeout: { status: 422, title: "The query ran longer than its time limit" },
  // Like sql_timeout: the request was understood, the query is too expensive, retrying unchanged won't help.
  query_timeout: { status: 422, title: "The data query ran longer than its time limit" },
  too_many_rows: { status: 422, title: "The result has more rows than the format can hold" },
  range_not_satisfiable: { status: 416, title: "The requested byte range is outside the file" },
  payload_too_large: { status: 413, title: "The request body is too large" },
  uri_too_long: { status: 414, title: "The request URL is too long" },
  unsupported_media_type: { status: 415, title: "Unsupported content type" },
  upload_missing_file: { status: 400, title: "The upload holds no file part" },
  unsupported_format: { status: 422, title: "The file's format is not one Mekong reads" },
  encoding_error: { status: 422, title: "The file's text encoding could not be decoded" },
  empty_file: { status: 422, title: "The file is empty" },
  invalid_file: { status: 422, title: "The file could not be read as a table" },
  schema_mismatch: { status: 422, title: "The file does not match the dataset's schema" },
  invalid_schema: { status: 422, title: "The schema given for the file is not usable" },
  cast_failed: { status: 422, title: "Some values do not fit their column's type" },
  ragged_rows: { status: 422, title: "Some rows have more fields than the header" },
  row_too_large: { status: 422, title: "A row of the file is too large" },
  malformed_file: { status: 422, title: "The file is malformed" },
  sheet_not_found: { status: 422, title: "The workbook has no such sheet" },
  unreadable_file: { status: 422, title: "The file could not be read" },
  aborted: { status: 409, title: "The work was cancelled" },
  primary_key_required: { status: 409, title: "Upsert needs a primary key in the dataset's schema" },
  no_current_version: { status: 409, title: "The dataset has no version to add to yet" },
  rate_limited: { status: 429, title: "Too many requests" },
  oidc_not_configured: { status: 404, title: "OpenID Connect login is not configured" },
  oidc_failed: { status: 502, title: "OpenID Connect login failed" },
  oidc_state_invalid: { status: 400, title: "The sign-in attempt is unknown, expired or already used" },
  oidc_denied: { status: 403, title: "The identity provider did not sign you in" },
  oidc_no_account: { status: 403, title: "No account may be used for this identity" },
  internal_error: { status: 500, title: "Internal error" },
  service_unavailable: { status: 503, title: "The service is unavailable" },
  data_dir_in_use: { status: 503, title: "The data directory is in use by another process" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** One invalid field of a request: where (a JSON pointer-like path) and why. */
export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly extras: { errors?: FieldError[]; headers?: Record<string, string>; [k: string]: unknown } = {},
  ) {
    super(detail ?? ERROR_CATALOG[code].title);
    this.name = "AppError";
    this.status = ERROR_CATALOG[code].status;
  }
}

export const problemType = (code: ErrorCode) => `/api/problems/${code}`;

export function problemFor(
  code: ErrorCode,
  opts: { detail?: string; instance?: string; requestId?: string; extras?: Record<string, unknown> } = {},
): ProblemDocument {
  const entry = ERROR_CATALOG[code];
  const { headers: _headers, ...extras } = opts.extras ?? {};
  return {
    type: problemType(code),
    title: entry.title,
    status: entry.status,
    ...(opts.detail ? { detail: opts.detail } : {}),
    code,
    ...(opts.instance ? { instance: opts.instance } : {}),
    ...(opts.requestId ? { requestId: opts.requestId } : {}),
    ...extras,
  };
}

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CATALOG, code);
