/**
 * The portal in a real browser against the real server: language switch, sign-in (wrong and
 * right password), the organizations list, sign-out. Runs at phone width (375 px) so a
 * layout that overflows or hides the header controls fails here.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MekongServer, startMekongServer } from "./mekongServer.ts";

const chromiumPath = "/usr/bin/chromium";
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) console.warn(`SKIP e2e: chromium not found at ${chromiumPath}`);

const phoneViewport = { width: 375, height: 812 };

describe.skipIf(!hasChromium)("portal (e2e)", () => {
  let server: MekongServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startMekongServer();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const context = await browser.newContext({ baseURL: server.baseUrl, viewport: phoneViewport });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const htmlLang = () => page.evaluate(() => document.documentElement.lang);
  const overflowsViewport = () =>
    page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

  it("serves the home page in Vietnamese and remembers a switch to English", async () => {
    await page.goto("/");
    await page.getByRole("heading", { level: 1, name: "Cổng dữ liệu Mekong" }).waitFor();
    expect(await htmlLang()).toBe("vi");
    expect(await overflowsViewport()).toBe(false);

    await page.getByLabel("Ngôn ngữ").selectOption("en");
    await page.getByRole("heading", { level: 1, name: "Mekong data portal" }).waitFor();
    expect(await htmlLang()).toBe("en");

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Mekong data portal" }).waitFor();
    expect(await page.getByRole("link", { name: "Organizations" }).count()).toBeGreaterThan(0);

    await page.getByLabel("Language").selectOption("vi");
    await page.getByRole("heading", { level: 1, name: "Cổng dữ liệu Mekong" }).waitFor();
    expect(await htmlLang()).toBe("vi");
  });

  it("says clearly when the password is wrong", async () => {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(server.demoAdmin.email);
    await page.getByLabel(/^Mật khẩu/).fill(`${server.demoAdmin.password}-wrong`);
    await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();

    const alert = page.getByRole("alert").filter({ hasText: "Email hoặc mật khẩu không đúng." });
    await alert.waitFor();
    expect(page.url()).toBe(`${server.baseUrl}/sign-in`);
  });

  it("explains a failed single sign-on the server sent back", async () => {
    await page.goto("/sign-in?error=oidc_no_account");
    await page.getByRole("alert").filter({ hasText: "chưa có tài khoản Mekong" }).waitFor();
  });

  it("signs the demo admin in, lists the organizations and signs out", async () => {
    await page.goto("/");
    await page.getByRole("link", { name: "Đăng nhập", exact: true }).click();
    await page.waitForURL("**/sign-in");
    await page.getByLabel("Email").fill(server.demoAdmin.email);
    await page.getByLabel(/^Mật khẩu/).fill(server.demoAdmin.password);
    await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();

    await page.waitForURL("**/organizations");
    await page.getByRole("heading", { level: 1, name: "Tổ chức" }).waitFor();
    await page.getByRole("heading", { name: "Bộ Công Thương" }).first().waitFor();
    const signOut = page.getByRole("button", { name: "Đăng xuất" });
    await signOut.waitFor();
    expect(await overflowsViewport()).toBe(false);

    // A deep link is answered with the portal (SPA fallback) and the session survives a reload.
    await page.reload();
    await page.getByRole("heading", { name: "Bộ Công Thương" }).first().waitFor();
    await signOut.waitFor();

    await signOut.click();
    await page.getByRole("link", { name: "Đăng nhập", exact: true }).waitFor();
    const me = await page.request.get("/api/v1/auth/me");
    expect(me.status()).toBe(401);
  });
});
