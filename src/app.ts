/** Builds the HTTP server from the modules. Nothing else lives here. */
import { randomUUID } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import fastifyCors from "@fastify/cors";
import fastifyHelmet from "@fastify/helmet";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { registerAuditRoutes } from "./audit/routes.ts";
import { registerOidcRoutes } from "./auth/oidc-routes.ts";
import { registerAuthRoutes } from "./auth/routes.ts";
import { registerHistoryRoutes } from "./catalog/history-routes.ts";
import { registerLicenceAndThemeRoutes } from "./catalog/licences-routes.ts";
import { registerDatasetRoutes } from "./catalog/routes.ts";
import { registerVersionRoutes } from "./catalog/version-routes.ts";
import type { AppContext } from "./context.ts";
import { registerDataRoutes } from "./data/routes.ts";
import { registerSqlRoutes } from "./data/sql-routes.ts";
import { ERROR_CATALOG, isErrorCode, problemType } from "./errors.ts";
import { installAccessControl, type RouteAccess } from "./http/access.ts";
import { installInputGuards } from "./http/input-guards.ts";
import { registerPortal } from "./http/portal.ts";
import {
  frameworkErrorToProblem,
  installNotFound,
  installProblemHandling,
  sendProblem,
} from "./http/problems.ts";
import { registerSchemaRoutes } from "./ingest/schema-routes.ts";
import { registerUploadRoutes } from "./ingest/upload-routes.ts";
import { registerCkanApi } from "./interop/ckan/routes.ts";
import { registerDcatRoutes } from "./interop/dcat/routes.ts";
import { registerDatasetOpenApiRoute } from "./interop/openapi/routes.ts";
import { registerJobRoutes } from "./jobs/routes.ts";
import { registerHealth } from "./ops/health.ts";
import { createMetrics, type Metrics, registerMetrics } from "./ops/metrics.ts";
import { registerOrgRoutes } from "./orgs/routes.ts";
import { VERSION } from "./version.ts";

export interface BuiltApp {
  app: FastifyInstance;
  /** Every `/api/v1` route with the access it declared (for the permission tests). */
  routeAccess: RouteAccess[];
  metrics: Metrics;
}

export async function buildApp(
  ctx: AppContext,
  opts: { logger?: boolean; portal?: boolean } = {},
): Promise<BuiltApp> {
  const { config } = ctx;
  const app = Fastify({
    logger: opts.logger === false ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: frameworkErrorToProblem,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook("onSend", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });

  installProblemHandling(app);
  installInputGuards(app);
  const routeAccess = installAccessControl(app, ctx.db);
  const metrics = createMetrics();
  registerMetrics(app, metrics);

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  if (config.corsOrigins.length > 0) {
    await app.register(fastifyCors, { origin: config.corsOrigins, credentials: true });
  }
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Mekong API",
        version: VERSION,
        description: "Catalog, load, check, publish, share and exchange data.",
      },
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: "mekong_session" },
          bearer: { type: "http", scheme: "bearer" },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs", staticCSP: true });
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  app.get("/api/problems/:code", { schema: { hide: true } }, async (req, reply) => {
    const { code } = req.params as { code: string };
    if (!isErrorCode(code)) return sendProblem(req, reply, "route_not_found", `no problem type ${code}`);
    return { type: problemType(code), code, ...ERROR_CATALOG[code] };
  });

  registerHealth(app, ctx, VERSION);
  registerAuthRoutes(app, ctx);
  registerOidcRoutes(app, ctx);
  registerOrgRoutes(app, ctx);
  registerDatasetRoutes(app, ctx);
  registerDataRoutes(app, ctx);
  registerHistoryRoutes(app, ctx);
  registerLicenceAndThemeRoutes(app);
  registerSqlRoutes(app, ctx);
  registerVersionRoutes(app, ctx);
  registerUploadRoutes(app, ctx);
  registerSchemaRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerJobRoutes(app, ctx);
  registerCkanApi(app, ctx);
  registerDcatRoutes(app, ctx);
  registerDatasetOpenApiRoute(app, ctx);
  installNotFound(app, opts.portal !== false ? await registerPortal(app) : undefined);

  return { app, routeAccess, metrics };
}
