/**
 * HTTP routes of OpenID Connect sign-in: `login` sends the browser to the provider, `callback` takes it
 * back, opens a session and lands on the page the sign-in started from.
 *
 * Both are browser navigations, so a failure is answered in the browser's terms: a request that accepts
 * `text/html` is redirected to `/sign-in?error=<code>`; any other (an API client, a test) gets the
 * problem+json with the same code.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Config } from "../config.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import {
  createOidcSetup,
  finishOidcLogin,
  OIDC_LOGIN_TTL_SECONDS,
  safeReturnTo,
  startOidcLogin,
} from "./oidc.ts";
import { setSessionCookie } from "./routes.ts";

const ROUTES = "/api/v1/auth/oidc";
/** Holds the state of the sign-in this browser started, so nobody can finish it in another browser. */
const STATE_COOKIE = "mekong_oidc_state";

export const OidcLoginQuery = z.object({
  returnTo: z.string().optional().describe("Same-site path to land on after signing in; `/` otherwise"),
});
export type OidcLoginQuery = z.infer<typeof OidcLoginQuery>;

export const OidcCallbackQuery = z.looseObject({
  code: z.string().optional(),
  state: z.string().optional(),
  error: z.string().optional(),
});
export type OidcCallbackQuery = z.infer<typeof OidcCallbackQuery>;

/** Where the provider sends the browser back to: the public URL when configured, else this request's origin. */
function callbackUrl(config: Config, req: FastifyRequest): string {
  return `${config.publicUrl ?? `${req.protocol}://${req.host}`}${ROUTES}/callback`;
}

const prefersHtml = (req: FastifyRequest) => /\btext\/html\b/i.test(req.headers.accept ?? "");

/** Runs a route's work; a browser that meets an error lands on the sign-in page with its code. */
async function orSignInPage(req: FastifyRequest, reply: FastifyReply, work: () => Promise<FastifyReply>) {
  try {
    return await work();
  } catch (err) {
    const code = err instanceof AppError ? err.code : "internal_error";
    if (err instanceof AppError && err.status >= 500) {
      req.log.warn({ err: err.cause ?? err, code }, "OpenID Connect sign-in failed");
    }
    if (!prefersHtml(req)) throw err;
    if (!(err instanceof AppError)) req.log.error({ err }, "unhandled error");
    return reply.redirect(`/sign-in?error=${code}`);
  }
}

export function registerOidcRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["auth"];
  const { config } = ctx;
  const oidc = createOidcSetup(config);
  const configured = () => {
    if (!oidc) throw new AppError("oidc_not_configured");
    return oidc;
  };

  r.get(
    `${ROUTES}/login`,
    {
      schema: {
        tags,
        summary: "Sign in with the organisation's OpenID Connect provider",
        description: "Redirects (302) to the provider; it sends the browser back to the callback.",
        querystring: OidcLoginQuery,
      },
      config: { access: "public" },
    },
    (req, reply) =>
      orSignInPage(req, reply, async () => {
        const { url, state } = await startOidcLogin(ctx.db, configured(), {
          redirectUri: callbackUrl(config, req),
          returnTo: safeReturnTo(req.query.returnTo),
        });
        reply.setCookie(STATE_COOKIE, state, {
          path: ROUTES,
          httpOnly: true,
          // Lax is sent on the provider's top-level redirect back to the callback.
          sameSite: "lax",
          secure: req.protocol === "https",
          maxAge: OIDC_LOGIN_TTL_SECONDS,
        });
        return reply.header("cache-control", "no-store").redirect(url.href);
      }),
  );

  r.get(
    `${ROUTES}/callback`,
    {
      schema: {
        tags,
        summary: "Where the OpenID Connect provider returns to",
        description:
          "Finishes the sign-in, sets the session cookie and redirects (302) to the page it started from.",
        querystring: OidcCallbackQuery,
      },
      config: { access: "public" },
    },
    (req, reply) =>
      orSignInPage(req, reply, async () => {
        const setup = configured();
        reply.clearCookie(STATE_COOKIE, { path: ROUTES });
        const url = new URL(callbackUrl(config, req));
        url.search = new URL(req.url, url).search;
        const { secret, expiresAt, returnTo } = await finishOidcLogin(ctx.db, ctx.audit, setup, {
          url,
          state: req.query.state,
          browserState: req.cookies[STATE_COOKIE],
          ip: req.ip,
          userAgent: req.headers["user-agent"],
        });
        setSessionCookie(req, reply, secret, expiresAt);
        return reply.header("cache-control", "no-store").redirect(returnTo);
      }),
  );
}
