/**
 * Turns every error into RFC 9457 problem+json with a stable `code` and the request id: thrown
 * `AppError`s, request validation failures (with a per-field list), Fastify's own body errors, unknown
 * routes, and anything unexpected (logged, answered as `internal_error` without internals).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError, type ErrorCode, type FieldError, problemFor } from "../errors.ts";

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "malformed_json",
  FST_ERR_CTP_EMPTY_JSON_BODY: "malformed_json",
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "bad_request",
  FST_ERR_VALIDATION: "validation_failed",
  FST_ERR_RATE_LIMIT: "rate_limited",
  FST_ERR_MAX_PARAM_LENGTH: "uri_too_long",
  FST_ERR_BAD_URL: "bad_request",
};

export function sendProblem(
  req: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  detail?: string,
  extras: Record<string, unknown> = {},
) {
  const { headers, ...rest } = extras as { headers?: Record<string, string> };
  const body = problemFor(code, { detail, instance: req.url.split("?")[0], requestId: req.id, extras: rest });
  if (headers) reply.headers(headers);
  return reply.code(body.status).type("application/problem+json").send(body);
}

function validationErrors(err: FastifyError): FieldError[] {
  if (hasZodFastifySchemaValidationErrors(err)) {
    return err.validation.map((v) => ({
      path: `/${err.validationContext ?? "body"}${v.instancePath}`,
      message: v.message ?? "is invalid",
    }));
  }
  return (err.validation ?? []).map((v) => ({
    path: v.instancePath || "/",
    message: v.message ?? "is invalid",
  }));
}

/** For Fastify's `frameworkErrors` option: router-level errors (bad or too long URLs) as problems too. */
export function frameworkErrorToProblem(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  return sendProblem(req, reply, (error.code && FASTIFY_CODES[error.code]) || "bad_request", error.message);
}

export function installProblemHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, req, reply) => {
    if (error instanceof AppError) {
      return sendProblem(req, reply, error.code, error.message, error.extras);
    }
    if (error.validation) {
      return sendProblem(req, reply, "validation_failed", "the request does not match the expected shape", {
        errors: validationErrors(error),
      });
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) return sendProblem(req, reply, mapped, error.message);
    if (error instanceof SyntaxError && error.statusCode === 400)
      return sendProblem(req, reply, "malformed_json");
    // Unique violations that slipped past a service's own check (two writers at once).
    if ((error as { code?: string }).code === "23505") return sendProblem(req, reply, "conflict");
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(req, reply, "bad_request", error.message);
    }
    req.log.error({ err: error }, "unhandled error");
    return sendProblem(req, reply, "internal_error", `see the server log for request ${req.id}`);
  });
}

/**
 * Answers unknown routes with `route_not_found`, after giving `fallback` (the portal's page router) a
 * chance to answer first.
 */
export function installNotFound(
  app: FastifyInstance,
  fallback?: (req: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined,
) {
  app.setNotFoundHandler((req, reply) => {
    const answered = fallback?.(req, reply);
    if (answered) return answered;
    return sendProblem(
      req,
      reply,
      "route_not_found",
      `${req.method} ${req.url.split("?")[0]} is not a route`,
    );
  });
}
