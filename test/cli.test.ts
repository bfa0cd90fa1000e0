import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, signIn, startServer } from "./helpers/server-process.ts";

describe("mekong CLI", () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "mekong-cli-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("creates a user whose password comes from stdin, and refuses a duplicate", () => {
    const args = [
      "user",
      "create",
      "--email",
      "an@bo.gov.vn",
      "--name",
      "Nguyễn Thị An",
      "--password-stdin",
      "--admin",
      "--data",
      dataDir,
    ];
    const created = runCli(args, {}, "mật khẩu rất dài\n");
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain("an@bo.gov.vn");
    expect(created.stdout).toContain("platform admin");
    const again = runCli(args, {}, "another long password\n");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("has an account");
  });

  it("serves on the data directory, refuses to open it twice, and signs the CLI-made user in", async () => {
    const server = await startServer(["--data", dataDir]);
    try {
      const cookie = await signIn(server.url, "an@bo.gov.vn", "mật khẩu rất dài");
      const me = await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie } });
      expect((await me.json()).user.isPlatformAdmin).toBe(true);

      const second = runCli(["user", "create", "--email", "x@y.vn", "--name", "X", "--data", dataDir]);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(/in use by process \d+/);
    } finally {
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    }
  });
});
