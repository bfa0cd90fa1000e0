/**
 * Builds an action's `data_dict` from a request the way CKAN's `_get_request_data` does (ckan/views/api.py):
 * a POSTed form wins (and a form whose only key is JSON with an empty value is that JSON, which is how old
 * urllib clients post), then the query string, then a JSON body. Repeated query keys become lists.
 */
import type { FastifyRequest } from "fastify";
import { CkanBadRequest } from "./errors.ts";
import type { DataDict } from "./params.ts";

/** What the CKAN scope's body parsers leave in `req.body`: the text and its media type. */
export interface RawBody {
  mediaType: string;
  text: string;
}

export const isRawBody = (body: unknown): body is RawBody =>
  typeof body === "object" && body !== null && "text" in body && "mediaType" in body;

function formToDict(text: string): DataDict {
  const out: DataDict = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const seen = out[key];
    if (seen === undefined) out[key] = value;
    else out[key] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

function decodeJson(text: string): DataDict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CkanBadRequest(`JSON Error: Error decoding JSON data. Error: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new CkanBadRequest(
      `JSON Error: Request data JSON decoded to ${JSON.stringify(parsed)} but it needs to be a dictionary.`,
    );
  }
  return parsed as DataDict;
}

function queryToDict(query: unknown): DataDict {
  return query && typeof query === "object" ? { ...(query as DataDict) } : {};
}

/** @throws CkanBadRequest when the body is not a JSON object (CKAN's `JSON Error`). */
export function requestData(req: FastifyRequest): DataDict {
  const query = queryToDict(req.query);
  if (req.method !== "POST") return query;
  const body = isRawBody(req.body) ? req.body : undefined;
  if (body && body.mediaType === "application/x-www-form-urlencoded" && body.text.trim() !== "") {
    // Old clients post `json.dumps(data)` as a form body: the JSON is the lone key, with no value.
    if (body.text.trimStart().startsWith("{")) return decodeJson(body.text);
    const form = formToDict(body.text);
    const values = Object.values(form);
    if (values.length === 1 && (values[0] === "" || values[0] === "1")) {
      return decodeJson(Object.keys(form)[0] as string);
    }
    return form;
  }
  if (Object.keys(query).length > 0) return query;
  if (!body || body.text.trim() === "") return {};
  if (body.mediaType === "multipart/form-data") {
    throw new CkanBadRequest("JSON Error: file uploads are not accepted by this API");
  }
  return decodeJson(body.text);
}
