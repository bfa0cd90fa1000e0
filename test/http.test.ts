/** The HTTP surface every module shares: health, metrics, OpenAPI, headers, CORS, the portal fallback. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { type TestApp, testApp } from "./helpers/test-app.ts";

describe("HTTP foundation", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t?.close());

  it("reports health of database, blobs and engine", async () => {
    const res = await t.app.inject({ url: "/api/v1/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: "ok",
      checks: { database: { status: "ok" }, blobs: { status: "ok" }, engine: { status: "ok" } },
    });
  });

  it("answers 503 naming the failing part when one is down", async () => {
    const broken = await testApp();
    try {
      await broken.ctx.engine.close();
      const res = await broken.app.inject({ url: "/api/v1/health" });
      expect(res.statusCode).toBe(503);
      expect(res.json().status).toBe("fail");
      expect(res.json().checks.engine.status).toBe("fail");
      expect(res.json().checks.database.status).toBe("ok");
    } finally {
      await broken.close().catch(() => {});
    }
  });

  it("exposes Prometheus metrics with request counts by route", async () => {
    await t.app.inject({ url: "/api/v1/organizations" });
    const res = await t.app.inject({ url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/plain");
    expect(res.body).toMatch(
      /mekong_http_requests_total\{method="GET",route="\/api\/v1\/organizations",status="200"\} \d+/,
    );
    expect(res.body).toContain("mekong_process_cpu_seconds_total");
  });

  it("publishes an OpenAPI 3.1 document describing every /api/v1 route, and interactive docs", async () => {
    const res = await t.app.inject({ url: "/api/openapi.json" });
    const doc = res.json();
    expect(doc.openapi).toBe("3.1.0");
    for (const r of t.routeAccess) {
      const openapiPath = r.url.replace(/:(\w+)/g, "{$1}");
      expect(doc.paths[openapiPath]?.[r.method.toLowerCase()], `${r.method} ${r.url}`).toBeDefined();
    }
    expect(doc.paths["/api/v1/organizations"].post.requestBody).toBeDefined();
    const docs = await t.app.inject({ url: "/api/docs/" });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain("swagger");
  });

  it("documents each problem type at its URI", async () => {
    const res = await t.app.inject({ url: "/api/problems/organization_not_found" });
    expect(res.json()).toMatchObject({ code: "organization_not_found", status: 404 });
    expect((await t.app.inject({ url: "/api/problems/nope" })).json().code).toBe("route_not_found");
  });

  it("sends security headers and a request id", async () => {
    const res = await t.app.inject({ url: "/api/v1/organizations", headers: { "x-request-id": "abc-123" } });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.headers["x-frame-options"]).toBeDefined();
    expect(res.headers["x-request-id"]).toBe("abc-123");
    const bad = await t.app.inject({ url: "/api/v1/nope", headers: { "x-request-id": "<script>" } });
    expect(bad.json().requestId).not.toContain("<");
  });

  it("keeps CORS off unless origins are configured", async () => {
    const closed = await t.app.inject({
      url: "/api/v1/organizations",
      headers: { origin: "https://portal.example.vn" },
    });
    expect(closed.headers["access-control-allow-origin"]).toBeUndefined();
    const open = await testApp({ env: { MEKONG_CORS_ORIGINS: "https://portal.example.vn" } });
    try {
      const res = await open.app.inject({
        url: "/api/v1/organizations",
        headers: { origin: "https://portal.example.vn" },
      });
      expect(res.headers["access-control-allow-origin"]).toBe("https://portal.example.vn");
      const other = await open.app.inject({
        url: "/api/v1/organizations",
        headers: { origin: "https://evil.example" },
      });
      expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it("serves the portal for page paths and keeps unknown API paths as problems", async () => {
    const { app } = await buildApp(t.ctx, { logger: false });
    try {
      const page = await app.inject({ url: "/organizations" });
      expect(page.statusCode).toBe(200);
      expect(page.headers["content-type"]).toContain("text/html");
      expect(page.body).toContain('lang="vi"');
      const api = await app.inject({ url: "/api/v1/khong-co" });
      expect(api.statusCode).toBe(404);
      expect(api.json().code).toBe("route_not_found");
      const asset = await app.inject({ url: "/missing.js" });
      expect(asset.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
