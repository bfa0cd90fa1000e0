/**
 * The portal's one way to call the Mekong API: same-origin fetch (the session cookie rides
 * along), JSON in and out, and every failure turned into an `ApiProblem` carrying the
 * RFC 9457 fields so screens can branch on the stable `code`.
 */

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code: string;
}

/** A failed API call. `code` is the server's stable code, or `network_error` / `http_<status>`. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;

  constructor(problem: Problem) {
    super(problem.title ?? problem.code);
    this.name = "ApiProblem";
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
  }
}

async function readProblem(response: Response): Promise<ApiProblem> {
  const fallback: Problem = { status: response.status, code: `http_${response.status}` };
  try {
    const body: unknown = await response.json();
    if (body && typeof body === "object" && "code" in body && typeof body.code === "string") {
      return new ApiProblem({ ...fallback, ...(body as Partial<Problem>), code: body.code });
    }
  } catch {
    // not JSON (a proxy error page, say): keep the HTTP status only
  }
  return new ApiProblem(fallback);
}

/**
 * Calls `/api/v1{path}`. Resolves with the parsed JSON body (or `undefined` for 204);
 * rejects with `ApiProblem` for any non-2xx answer or when the server cannot be reached.
 */
export async function apiRequest<T>(
  path: string,
  init: { method?: string; json?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (init.json !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: init.method ?? "GET",
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiProblem({ status: 0, code: "network_error" });
  }
  if (!response.ok) throw await readProblem(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
