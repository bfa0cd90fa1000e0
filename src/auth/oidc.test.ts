/**
 * OpenID Connect sign-in against a real provider (`oidc-provider`) on a random local port, driven like a
 * browser would: plain HTTP with a cookie jar, following redirects and submitting the provider's own
 * sign-in and consent forms. Mekong listens on a real port too, since the provider redirects back to it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
// @ts-expect-error oidc-provider ships no type declarations; the little used here is typed below.
import ProviderModule from "oidc-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../test/helpers/databases.ts";
import { type TestApp, testApp } from "../../test/helpers/test-app.ts";
import { safeReturnTo } from "./oidc.ts";

interface Provider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
}
const Provider = ProviderModule as new (issuer: string, configuration: object) => Provider;

interface AccountClaims {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/** The identity provider's people, by the login typed into its sign-in form. */
const ACCOUNTS: Record<string, AccountClaims> = {
  "nguyen.an": { email: "an.nguyen@stnmt.gov.vn", email_verified: true, name: "Nguyễn Văn An" },
  "tran.binh": { email: "binh.tran@stnmt.gov.vn", email_verified: true, name: "Trần Thị Bình" },
  "le.cuong": { email: "cuong.le@stnmt.gov.vn", email_verified: false, name: "Lê Cường" },
  "pham.dung": { email: "dung.pham@stnmt.gov.vn", email_verified: true, name: "Phạm Dũng" },
  "vo.em": { email: "em.vo@stnmt.gov.vn", email_verified: true, name: "Võ Em" },
};

const CLIENT = { id: "mekong", secret: "mekong-test-client-secret-0123456789" };
const CALLBACK_PATH = "/api/v1/auth/oidc/callback";

/** An HTTP server whose handler is set later (the provider needs its own URL before it exists). */
async function startServer() {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => {
    if (handler) return handler(req, res);
    res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    serve: (h: typeof handler) => {
      handler = h;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function startProvider(issuer: string, redirectUris: string[]) {
  return new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    cookies: { keys: ["oidc-test-cookie-key"] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx: unknown, sub: string) {
      const claims = ACCOUNTS[sub];
      return claims && { accountId: sub, claims: async () => ({ sub, ...claims }) };
    },
  });
}

/** A browser, minus the rendering: a cookie jar per origin and redirects taken one at a time. */
class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string) {
    return this.jar.get(origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string) {
    const cookies = this.jar.get(origin) ?? new Map<string, string>();
    cookies.set(name, value);
    this.jar.set(origin, cookies);
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; html?: boolean } = {}) {
    const { origin } = new URL(url);
    const headers: Record<string, string> = { accept: init.html ? "text/html" : "*/*" };
    const cookies = [...(this.jar.get(origin) ?? [])].map(([k, v]) => `${k}=${v}`).join("; ");
    if (cookies) headers.cookie = cookies;
    const res = await fetch(url, {
      method: init.method ?? (init.form ? "POST" : "GET"),
      headers,
      body: init.form ? new URLSearchParams(init.form) : undefined,
      redirect: "manual",
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const name = pair.slice(0, pair.indexOf("="));
      const value = pair.slice(pair.indexOf("=") + 1);
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (expired) this.jar.get(origin)?.delete(name);
      else this.setCookie(origin, name, value);
    }
    return res;
  }
}

const locationOf = (res: Response, base: string) => new URL(res.headers.get("location") ?? "", base).href;

/**
 * Goes from the provider's authorization URL through its sign-in and consent pages as `login`, and
 * returns where the provider sends the browser back to (not followed, so tests can replay or tamper).
 */
async function passProvider(browser: Browser, authorizationUrl: string, login: string, abort = false) {
  let url = authorizationUrl;
  for (let step = 0; step < 12; step++) {
    if (new URL(url).pathname === CALLBACK_PATH) return url;
    const res = await browser.request(url);
    if (res.status >= 300 && res.status < 400) {
      url = locationOf(res, url);
      continue;
    }
    const html = await res.text();
    expect(res.status, html).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    const abortHref = /href="([^"]*\/abort)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`no interaction form at ${url}:\n${html}`);
    if (abort && abortHref) {
      url = new URL(abortHref, url).href;
      continue;
    }
    const form: Record<string, string> = prompt === "login" ? { prompt, login, password: "any" } : { prompt };
    const submitted = await browser.request(new URL(action, url).href, { form });
    expect(submitted.status).toBeGreaterThanOrEqual(300);
    url = locationOf(submitted, url);
  }
  throw new Error("the provider never sent the browser back");
}

describe.each(DATABASE_KINDS)("OpenID Connect sign-in on %s", (database) => {
  let idp: Awaited<ReturnType<typeof startServer>>;
  let t: TestApp;
  /** A second Mekong that does not create accounts, on the same provider. */
  let invitesOnly: TestApp;
  let mekong: string;
  let mekongInvitesOnly: string;

  beforeAll(async () => {
    idp = await startServer();
    const env = {
      MEKONG_OIDC_ISSUER: idp.url,
      MEKONG_OIDC_CLIENT_ID: CLIENT.id,
      MEKONG_OIDC_CLIENT_SECRET: CLIENT.secret,
      MEKONG_OIDC_ALLOW_HTTP: "true",
    };
    // No MEKONG_PUBLIC_URL: the callback URL comes from the request's own origin.
    t = await testApp({ database, env });
    invitesOnly = await testApp({ database, env: { ...env, MEKONG_OIDC_AUTO_CREATE_USERS: "false" } });
    mekong = await t.app.listen({ port: 0, host: "127.0.0.1" });
    mekongInvitesOnly = await invitesOnly.app.listen({ port: 0, host: "127.0.0.1" });
    const provider = startProvider(
      idp.url,
      [mekong, mekongInvitesOnly].map((m) => `${m}${CALLBACK_PATH}`),
    );
    idp.serve(provider.callback());
  });
  afterAll(async () => {
    await t?.close();
    await invitesOnly?.close();
    await idp?.close();
  });

  /** Starts a sign-in at `base` and returns the provider's authorization URL. */
  async function start(browser: Browser, returnTo: string, base = mekong) {
    const res = await browser.request(
      `${base}/api/v1/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`,
    );
    expect(res.status, await res.clone().text()).toBe(302);
    return locationOf(res, base);
  }

  /** A whole sign-in: returns the callback's response and the browser. */
  async function signIn(login: string, returnTo = "/", base = mekong) {
    const browser = new Browser();
    const callback = await passProvider(browser, await start(browser, returnTo, base), login);
    return { browser, callback, res: await browser.request(callback) };
  }

  const me = (browser: Browser) =>
    browser
      .request(`${mekong}/api/v1/auth/me`)
      .then(async (r) => ({ status: r.status, body: await r.json() }));

  it("signs in through the provider with PKCE, state and nonce, and lands on returnTo", async () => {
    const browser = new Browser();
    const authorization = new URL(await start(browser, "/organizations?page=2"));
    expect(authorization.origin).toBe(idp.url);
    const params = authorization.searchParams;
    expect(params.get("response_type")).toBe("code");
    expect(params.get("client_id")).toBe(CLIENT.id);
    expect(params.get("redirect_uri")).toBe(`${mekong}${CALLBACK_PATH}`);
    expect(params.get("scope")).toBe("openid email profile");
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(params.get("state")).toBeTruthy();
    expect(params.get("nonce")).toBeTruthy();

    const callback = await passProvider(browser, authorization.href, "nguyen.an");
    const res = await browser.request(callback);
    expect(res.status, await res.clone().text()).toBe(302);
    expect(res.headers.get("location")).toBe("/organizations?page=2");
    expect(res.headers.getSetCookie().join("\n")).toMatch(/mekong_session=[^;]+;.*HttpOnly/i);

    const signedIn = await me(browser);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user).toMatchObject({ email: "an.nguyen@stnmt.gov.vn", name: "Nguyễn Văn An" });

    const audit = await t.ctx.database.query<{
      action: string;
      details: { method?: string; issuer?: string };
    }>("select action, details from audit_log where resource = $1 order by seq", [
      `user:${signedIn.body.user.id}`,
    ]);
    expect(audit.map((a) => a.action)).toEqual(["user.create", "auth.login"]);
    expect(audit[1]?.details).toMatchObject({ method: "oidc", issuer: idp.url });
  });

  it("maps a second sign-in of the same person to the same account", async () => {
    const first = await signIn("tran.binh");
    const second = await signIn("tran.binh");
    expect(second.res.status).toBe(302);
    const [a, b] = [await me(first.browser), await me(second.browser)];
    expect(b.body.user.id).toBe(a.body.user.id);
    const rows = await t.ctx.database.query("select id from users where email = $1", [
      "binh.tran@stnmt.gov.vn",
    ]);
    expect(rows).toHaveLength(1);
  });

  it("refuses a replayed callback: the state is single-use", async () => {
    const { browser, callback, res } = await signIn("nguyen.an");
    expect(res.status).toBe(302);
    // Even with the state cookie put back, the attempt is gone.
    browser.setCookie(mekong, "mekong_oidc_state", new URL(callback).searchParams.get("state") ?? "");
    const replay = await browser.request(callback);
    expect(replay.status).toBe(400);
    expect((await replay.json()).code).toBe("oidc_state_invalid");
  });

  it("refuses a tampered state", async () => {
    const browser = new Browser();
    const callback = new URL(await passProvider(browser, await start(browser, "/"), "nguyen.an"));
    callback.searchParams.set("state", "forged-state");
    browser.setCookie(mekong, "mekong_oidc_state", "forged-state");
    const res = await browser.request(callback.href);
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe("oidc_state_invalid");
  });

  it("refuses a callback in a browser that did not start the sign-in, without spending it", async () => {
    const victim = new Browser();
    const attacker = new Browser();
    const callback = await passProvider(attacker, await start(attacker, "/"), "nguyen.an");
    const carried = await victim.request(callback);
    expect(carried.status).toBe(400);
    expect((await carried.json()).code).toBe("oidc_state_invalid");
    expect((await me(victim)).status).toBe(401);
    expect((await attacker.request(callback)).status).toBe(302);
  });

  it("sends a browser to the sign-in page with the error code", async () => {
    const browser = new Browser();
    const callback = new URL(await passProvider(browser, await start(browser, "/"), "nguyen.an"));
    callback.searchParams.set("state", "forged-state");
    const res = await browser.request(callback.href, { html: true });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/sign-in?error=oidc_state_invalid");
  });

  it.each(["https://evil.example", "//evil.example/path", "/\\evil.example", "javascript:alert(1)"])(
    "lands on / instead of returnTo=%s",
    async (returnTo) => {
      const { res } = await signIn("nguyen.an", returnTo);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/");
    },
  );

  it("links an existing account by an email the provider verified", async () => {
    const existing = await t.makeUser({ email: "Dung.Pham@stnmt.gov.vn", name: "Phạm Dũng (mật khẩu)" });
    const { browser, res } = await signIn("pham.dung");
    expect(res.status).toBe(302);
    expect((await me(browser)).body.user.id).toBe(existing.id);
    const [row] = await t.ctx.database.query<{ oidc_issuer: string; oidc_subject: string }>(
      "select oidc_issuer, oidc_subject from users where id = $1",
      [existing.id],
    );
    expect(row).toEqual({ oidc_issuer: idp.url, oidc_subject: "pham.dung" });
  });

  it("does not link or create an account from an unverified email", async () => {
    await t.makeUser({ email: "cuong.le@stnmt.gov.vn" });
    const { res } = await signIn("le.cuong");
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe("oidc_no_account");
  });

  it("refuses a disabled account", async () => {
    const first = await signIn("vo.em");
    const id = (await me(first.browser)).body.user.id;
    await t.ctx.database.query("update users set disabled = true where id = $1", [id]);
    const { res } = await signIn("vo.em");
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe("forbidden");
  });

  it("answers oidc_denied when the person cancels at the provider", async () => {
    const browser = new Browser();
    const callback = await passProvider(browser, await start(browser, "/"), "nguyen.an", true);
    expect(new URL(callback).searchParams.get("error")).toBe("access_denied");
    const res = await browser.request(callback);
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe("oidc_denied");
  });

  it("does not create accounts when auto-creation is off, but signs in linked people", async () => {
    const unknown = await signIn("tran.binh", "/", mekongInvitesOnly);
    expect(unknown.res.status).toBe(403);
    expect((await unknown.res.json()).code).toBe("oidc_no_account");

    await invitesOnly.makeUser({ email: "binh.tran@stnmt.gov.vn" });
    const invited = await signIn("tran.binh", "/", mekongInvitesOnly);
    expect(invited.res.status).toBe(302);
  });
});

describe("OpenID Connect configuration", () => {
  it("answers oidc_not_configured on both routes when there is no provider", async () => {
    const t = await testApp();
    try {
      for (const url of ["/api/v1/auth/oidc/login?returnTo=/", "/api/v1/auth/oidc/callback?code=x&state=y"]) {
        const res = await t.app.inject({ url });
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe("oidc_not_configured");
      }
      const browser = await t.app.inject({
        url: "/api/v1/auth/oidc/login",
        headers: { accept: "text/html" },
      });
      expect(browser.statusCode).toBe(302);
      expect(browser.headers.location).toBe("/sign-in?error=oidc_not_configured");
    } finally {
      await t.close();
    }
  });

  it("answers oidc_failed while the provider cannot be discovered, and tries again later", async () => {
    const idp = await startServer();
    const t = await testApp({
      env: {
        MEKONG_OIDC_ISSUER: idp.url,
        MEKONG_OIDC_CLIENT_ID: CLIENT.id,
        MEKONG_OIDC_CLIENT_SECRET: CLIENT.secret,
        MEKONG_OIDC_ALLOW_HTTP: "true",
        MEKONG_PUBLIC_URL: "https://data.example.gov.vn",
      },
    });
    try {
      const down = await t.app.inject({ url: "/api/v1/auth/oidc/login" });
      expect(down.statusCode).toBe(502);
      expect(down.json().code).toBe("oidc_failed");
      const [{ count } = { count: -1 }] = await t.ctx.database.query<{ count: number }>(
        "select count(*)::int as count from oidc_logins",
      );
      expect(count).toBe(0);

      idp.serve(startProvider(idp.url, ["https://data.example.gov.vn/api/v1/auth/oidc/callback"]).callback());
      const up = await t.app.inject({ url: "/api/v1/auth/oidc/login" });
      expect(up.statusCode).toBe(302);
      const redirectUri = new URL(up.headers.location as string).searchParams.get("redirect_uri");
      expect(redirectUri).toBe("https://data.example.gov.vn/api/v1/auth/oidc/callback");
    } finally {
      await t.close();
      await idp.close();
    }
  });
});

describe("safeReturnTo", () => {
  it.each([
    ["/", "/"],
    ["/organizations?page=2#top", "/organizations?page=2#top"],
    ["/datasets/d%C3%A2n-s%E1%BB%91", "/datasets/d%C3%A2n-s%E1%BB%91"],
    [undefined, "/"],
    ["", "/"],
    ["organizations", "/"],
    ["https://evil.example/", "/"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["/\t/evil.example", "/"],
    ["/\n/evil.example", "/"],
    ["javascript:alert(1)", "/"],
  ])("%j → %j", (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });

  it("refuses an overlong path", () => {
    expect(safeReturnTo(`/${"a".repeat(3000)}`)).toBe("/");
  });
});
