/**
 * The CKAN Action API at `/api/3/action/{action}` and `/api/action/{action}` (GET and POST, JSON or form),
 * in a plugin scope of its own: its body parsers read what CKAN clients send, its error handler answers
 * CKAN's envelope instead of problem+json, and raw `Authorization: <token>` headers (what CKAN clients send)
 * and `X-CKAN-API-Key` are read as bearer tokens by the one actor resolver.
 *
 * Access: the routes declare `config.access: "public"` — the shared hook then only resolves the actor — and
 * each action decides with `can()` itself. One route serves every action, so no single declared rule could
 * fit them all, and a denial must be answered as CKAN's `Authorization Error` (403), not as Mekong's 401.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ANONYMOUS } from "../../auth/actor.ts";
import type { AppContext } from "../../context.ts";
import { AppError } from "../../errors.ts";
import type { ActionContext } from "./action.ts";
import { ACTIONS, findAction } from "./actions.ts";
import { CkanBadRequest, CkanError, fromAppError, internalError, validationError } from "./errors.ts";
import { requestData } from "./request-data.ts";

const JSON_TYPE = "application/json;charset=utf-8";
const JSONP_CALLBACK = /^[A-Za-z_$][\w$.]{0,99}$/;

/** The site's absolute URL: the configured public URL, else what the request was addressed to. */
function siteUrlOf(ctx: AppContext, req: FastifyRequest): string {
  if (ctx.config.publicUrl) return ctx.config.publicUrl;
  const host = /^[A-Za-z0-9.:[\]-]{1,255}$/.test(req.host) ? req.host : "localhost";
  return `${req.protocol}://${host}`;
}

const helpUrl = (siteUrl: string, action: string) =>
  `${siteUrl}/api/3/action/help_show?name=${encodeURIComponent(action)}`;

function actionNameOf(req: FastifyRequest): string | undefined {
  const name = (req.params as { action?: unknown } | undefined)?.action;
  return typeof name === "string" && findAction(name) ? name : undefined;
}

/** Any error in CKAN's terms; Fastify's own (body too large, bad JSON) included. */
function toCkanError(error: unknown): CkanError | CkanBadRequest {
  if (error instanceof CkanError || error instanceof CkanBadRequest) return error;
  if (error instanceof AppError) return fromAppError(error);
  const fastify = error as FastifyError;
  if (fastify.validation) return validationError({ message: fastify.message });
  if (fastify.statusCode === 413) {
    return new CkanError("Validation Error", 413, { message: "the request body is too large" });
  }
  if (fastify.statusCode && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return new CkanBadRequest(fastify.message);
  }
  return internalError();
}

function sendError(ctx: AppContext, error: unknown, req: FastifyRequest, reply: FastifyReply) {
  const answer = toCkanError(error);
  if (answer instanceof CkanBadRequest) {
    return reply.code(400).type(JSON_TYPE).send(JSON.stringify(answer.message));
  }
  if (answer.type === "Internal Server Error") req.log.error({ err: error }, "CKAN action failed");
  const action = actionNameOf(req);
  return reply
    .code(answer.status)
    .type(JSON_TYPE)
    .send({
      ...(action ? { help: helpUrl(siteUrlOf(ctx, req), action) } : {}),
      success: false,
      error: { __type: answer.type, ...answer.details },
    });
}

/** CKAN clients send the API token raw; Mekong's resolver reads `Bearer <token>`. */
async function readCkanToken(req: FastifyRequest) {
  const auth = req.headers.authorization?.trim();
  const legacy = req.headers["x-ckan-api-key"];
  if (auth && !/^Bearer\s/i.test(auth)) req.headers.authorization = `Bearer ${auth}`;
  else if (!auth && typeof legacy === "string" && legacy.trim()) {
    req.headers.authorization = `Bearer ${legacy.trim()}`;
  }
}

export function registerCkanApi(app: FastifyInstance, ctx: AppContext) {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "string" }, (req, text, done) => {
      done(null, { mediaType: req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase() ?? "", text });
    });
    scope.addHook("onRequest", readCkanToken);
    scope.setErrorHandler((error, req, reply) => sendError(ctx, error, req, reply));

    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      const name = (req.params as { action: string }).action;
      const action = findAction(name);
      if (!action) throw new CkanBadRequest(`Action name not known: ${name}`);
      const data = requestData(req);
      // JSONP, as CKAN serves it: a request naming a callback is answered as to an anonymous caller (so a
      // page on another site cannot read what the visitor's session may see), and wrapped when it is a GET.
      const hasCallback = "callback" in data;
      const callback = req.method === "GET" ? data.callback : undefined;
      if (callback !== undefined && (typeof callback !== "string" || !JSONP_CALLBACK.test(callback))) {
        throw new CkanBadRequest("the JSONP callback must be a JavaScript identifier");
      }
      delete data.callback;
      if (callback !== undefined) delete data._;
      const siteUrl = siteUrlOf(ctx, req);
      const c: ActionContext = {
        ctx,
        actor: hasCallback ? ANONYMOUS : req.actor,
        siteUrl,
        currentUrl: req.url,
        orgCache: new Map(),
      };
      const result = await action.run(c, data);
      const body = JSON.stringify({ help: helpUrl(siteUrl, name), success: true, result });
      if (callback === undefined) return reply.code(200).type(JSON_TYPE).send(body);
      return reply.code(200).type("application/javascript;charset=utf-8").send(`${callback}(${body});`);
    };

    for (const url of ["/api/3/action/:action", "/api/action/:action"]) {
      scope.route({
        method: ["GET", "POST"],
        url,
        schema: {
          tags: ["ckan"],
          summary: "CKAN Action API (CKAN clients and harvesters)",
          description: `CKAN's envelope and errors. Actions: ${Object.keys(ACTIONS).join(", ")}.`,
        },
        config: { access: "public" },
        handler,
      });
    }
  });
}
