import { describe, expect, it } from "vitest";
import { runCli } from "../test/helpers/server-process.ts";
import { ConfigError, loadConfig } from "./config.ts";

describe("config", () => {
  it("has working defaults for the embedded mode", () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toMatch(/data$/);
    expect(c.oidc).toBeUndefined();
    expect(c.uploadLimitBytes).toBe(10 * 1024 ** 3);
  });

  it("lists every problem at once", () => {
    let err: unknown;
    try {
      loadConfig({
        MEKONG_PORT: "eighty",
        DATABASE_URL: "mysql://x",
        MEKONG_LOG_LEVEL: "loud",
        MEKONG_OIDC_ISSUER: "https://id.example.vn",
        MEKONG_ENGINE_MEMORY_LIMIT: "lots",
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join("\n");
    for (const name of [
      "MEKONG_PORT",
      "DATABASE_URL",
      "MEKONG_LOG_LEVEL",
      "MEKONG_OIDC_ISSUER",
      "MEKONG_ENGINE_MEMORY_LIMIT",
    ]) {
      expect(problems).toContain(name);
    }
  });

  it("reads secrets from *_FILE variables and reports unreadable ones", () => {
    expect(() => loadConfig({ MEKONG_OIDC_CLIENT_SECRET_FILE: "/nonexistent/secret" })).toThrow(
      /MEKONG_OIDC_CLIENT_SECRET_FILE/,
    );
  });

  it("lets flags override the environment", () => {
    expect(loadConfig({ MEKONG_PORT: "9000" }, { MEKONG_PORT: 9100 }).port).toBe(9100);
  });

  it("makes `mekong serve` exit non-zero before listening when the config is invalid", () => {
    const res = runCli(["serve", "--port", "0"], {
      MEKONG_PORT: "x",
      DATABASE_URL: "nope",
      MEKONG_TRUST_PROXY: "maybe",
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("DATABASE_URL");
    expect(res.stderr).toContain("MEKONG_TRUST_PROXY");
    expect(res.stdout).not.toContain("listening");
  });
});
