/**
 * Sign-in with an agency's own OpenID Connect provider: the authorization code flow with PKCE (S256),
 * `state` and `nonce`. A sign-in in progress is a row in `oidc_logins`, not process memory, so whichever
 * API process receives the callback can finish it; the row is deleted on first use and refused after ten
 * minutes. The provider's metadata is discovered lazily, once per process.
 *
 * An identity maps to an account by (issuer, subject); failing that, by an email the provider verified
 * (linking the account to the identity); failing that, a new account is created when auto-creation is on.
 */
import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import * as client from "openid-client";
import type { AuditLog } from "../audit/service.ts";
import type { Config } from "../config.ts";
import type { Db, Queryable } from "../db/client.ts";
import { oidcLogins, users } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { createSession } from "./sessions.ts";
import { createUser, findUserByEmail, type User } from "./users.ts";

export type OidcSettings = NonNullable<Config["oidc"]>;

/** How long a started sign-in may take before its callback is refused. */
export const OIDC_LOGIN_TTL_SECONDS = 600;

/** Seconds allowed for each request to the provider (discovery, token, userinfo). */
const PROVIDER_TIMEOUT_SECONDS = 10;

/** The `Error.cause` of an `AppError`, for the log; problem documents never show it. */
function because(error: AppError, cause: unknown): AppError {
  error.cause = cause;
  return error;
}

/** What a sign-in needs of its process: the settings, the provider's configuration, the session length. */
export interface OidcSetup {
  settings: OidcSettings;
  /** The provider's client configuration, discovered on first use. @throws AppError `oidc_failed` */
  provider: () => Promise<client.Configuration>;
  sessionTtlHours: number;
}

/** The process's OpenID Connect setup, or undefined when OpenID Connect is not configured. */
export function createOidcSetup(config: Config): OidcSetup | undefined {
  if (!config.oidc) return undefined;
  return {
    settings: config.oidc,
    provider: createOidcDiscovery(config.oidc),
    sessionTtlHours: config.sessionTtlHours,
  };
}

/**
 * Returns a function giving the provider's client configuration, discovered on the first call and
 * cached for the life of the process. A failed discovery is not cached: the next call tries again.
 * @throws AppError `oidc_failed` when the provider cannot be discovered.
 */
function createOidcDiscovery(settings: OidcSettings): () => Promise<client.Configuration> {
  let discovered: Promise<client.Configuration> | undefined;
  const discover = () =>
    client
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, {
        execute: settings.allowHttp ? [client.allowInsecureRequests] : [],
        timeout: PROVIDER_TIMEOUT_SECONDS,
      })
      .catch((err: unknown) => {
        discovered = undefined;
        throw because(new AppError("oidc_failed", `cannot discover the provider ${settings.issuer}`), err);
      });
  return () => {
    discovered ??= discover();
    return discovered;
  };
}

/**
 * A same-site relative path to land on after signing in, or `/` for anything else: absolute URLs,
 * protocol-relative `//host`, `/\host` (which browsers read as `//host`) and control characters.
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value || value.length > 2048) return "/";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here.
  if (!/^\/(?![/\\])/.test(value) || /[\\\u0000-\u001f\u007f]/.test(value)) return "/";
  const base = "http://mekong.invalid";
  return new URL(value, base).origin === base ? value : "/";
}

const withOpenid = (scopes: string) =>
  scopes.split(/\s+/).includes("openid") ? scopes.trim() : `openid ${scopes}`.trim();

const liveSince = sql`now() - make_interval(secs => ${OIDC_LOGIN_TTL_SECONDS})`;

/**
 * Records a new sign-in attempt and returns the provider's authorization URL to send the browser to,
 * with the `state` that identifies the attempt.
 */
export async function startOidcLogin(
  q: Queryable,
  oidc: OidcSetup,
  input: { redirectUri: string; returnTo: string },
): Promise<{ url: URL; state: string }> {
  // Discovery first: a provider that cannot be reached leaves no attempt behind.
  const provider = await oidc.provider();
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  // Abandoned attempts are of no use to anyone; sweep them while we are here.
  await q.delete(oidcLogins).where(lt(oidcLogins.createdAt, liveSince));
  await q.insert(oidcLogins).values({ state, codeVerifier, nonce, returnTo: input.returnTo });
  const url = client.buildAuthorizationUrl(provider, {
    redirect_uri: input.redirectUri,
    scope: withOpenid(oidc.settings.scopes),
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
  });
  return { url, state };
}

type OidcLogin = typeof oidcLogins.$inferSelect;

/** Takes a live attempt by its state, so that it can be used only once; undefined if unknown or expired. */
async function consumeOidcLogin(q: Queryable, state: string): Promise<OidcLogin | undefined> {
  const [row] = await q
    .delete(oidcLogins)
    .where(and(eq(oidcLogins.state, state), gt(oidcLogins.createdAt, liveSince)))
    .returning();
  return row;
}

/** Who the provider says signed in. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email?: string;
  emailVerified: boolean;
  name?: string;
}

const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);

/**
 * Redeems the code (checking state, nonce and the PKCE verifier) and reads the identity from the ID
 * token, completed from the userinfo endpoint when the token lacks the email or the name (providers
 * following the spec put profile claims only in userinfo for the code flow).
 */
async function redeemCode(provider: client.Configuration, callbackUrl: URL, login: OidcLogin) {
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(provider, callbackUrl, {
      pkceCodeVerifier: login.codeVerifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
    });
  } catch (err) {
    if (err instanceof client.AuthorizationResponseError) {
      throw because(new AppError("oidc_denied", `the identity provider answered ${err.error}`), err);
    }
    throw because(new AppError("oidc_failed", "the identity provider's answer could not be verified"), err);
  }
  const idToken = tokens.claims();
  if (!idToken) throw new AppError("oidc_failed", "the identity provider returned no ID token");
  let claims: Record<string, unknown> = { ...idToken };
  if ((!text(claims.email) || !text(claims.name)) && provider.serverMetadata().userinfo_endpoint) {
    try {
      const info = await client.fetchUserInfo(provider, tokens.access_token, idToken.sub);
      claims = { ...info, ...idToken };
    } catch (err) {
      throw because(new AppError("oidc_failed", "the identity provider's userinfo could not be read"), err);
    }
  }
  const identity: OidcIdentity = {
    issuer: idToken.iss,
    subject: idToken.sub,
    email: text(claims.email),
    emailVerified: claims.email_verified === true || claims.email_verified === "true",
    name: text(claims.name),
  };
  return identity;
}

const findUserByOidc = async (q: Queryable, issuer: string, subject: string) =>
  (
    await q
      .select()
      .from(users)
      .where(and(eq(users.oidcIssuer, issuer), eq(users.oidcSubject, subject)))
  )[0];

const noAccount = (detail: string) => new AppError("oidc_no_account", detail);

function displayName(identity: OidcIdentity & { email: string }) {
  return identity.name ?? identity.email.split("@")[0] ?? identity.email;
}

/**
 * The account an identity signs in to, and whether it still has to be linked to the identity.
 * An email links or creates an account only when the provider verified it, so nobody can take over
 * (or squat) an account by claiming someone else's address at the provider.
 * @throws AppError `oidc_no_account` when no account may be used.
 */
async function resolveAccount(
  db: Db,
  audit: AuditLog,
  settings: OidcSettings,
  identity: OidcIdentity,
): Promise<{ user: User; link: boolean }> {
  const linked = await findUserByOidc(db, identity.issuer, identity.subject);
  if (linked) return { user: linked, link: false };
  const { email } = identity;
  if (!email) throw noAccount("the identity provider gave no email address");
  if (!identity.emailVerified) throw noAccount(`the identity provider has not verified ${email}`);
  const byEmail = await findUserByEmail(db, email);
  if (byEmail) {
    if (byEmail.oidcSubject !== null) throw noAccount(`${email} is linked to another identity`);
    return { user: byEmail, link: true };
  }
  if (!settings.autoCreateUsers) throw noAccount(`${email} has no account; ask an administrator for one`);
  try {
    const user = await createUser(db, audit, "system", {
      email,
      name: displayName({ ...identity, email }),
      oidcIssuer: identity.issuer,
      oidcSubject: identity.subject,
    });
    return { user, link: false };
  } catch (err) {
    // A second callback of the same person may have created the account a moment ago.
    const raced = await findUserByOidc(db, identity.issuer, identity.subject);
    if (raced) return { user: raced, link: false };
    throw err;
  }
}

export interface OidcCallback {
  /** The callback URL as the provider called it, query included. */
  url: URL;
  /** The `state` query parameter. */
  state: string | undefined;
  /** The state this browser started, from its cookie: binds the callback to the browser that began. */
  browserState: string | undefined;
  ip: string;
  userAgent?: string;
}

/**
 * Finishes a sign-in: takes the attempt (once), redeems the code, finds or creates the account, and opens
 * a session. Audits `auth.login`, or `auth.login_failed` when a verified identity has no usable account.
 * @throws AppError `oidc_state_invalid` (unknown, expired, used, or another browser's attempt),
 *   `oidc_denied` (the provider refused), `oidc_failed` (the provider's answer did not verify),
 *   `oidc_no_account` or `forbidden` (a disabled account).
 */
export async function finishOidcLogin(
  db: Db,
  audit: AuditLog,
  oidc: OidcSetup,
  callback: OidcCallback,
): Promise<{ user: User; secret: string; expiresAt: Date; returnTo: string }> {
  const { state } = callback;
  if (!state) throw new AppError("oidc_state_invalid", "the callback carries no state");
  if (state !== callback.browserState) {
    throw new AppError("oidc_state_invalid", "this sign-in was not started in this browser");
  }
  const login = await consumeOidcLogin(db, state);
  if (!login) throw new AppError("oidc_state_invalid");
  const identity = await redeemCode(await oidc.provider(), callback.url, login);

  const { user, link } = await resolveAccount(db, audit, oidc.settings, identity).catch(async (err) => {
    if (err instanceof AppError) await auditFailure(db, audit, "user:unknown", identity, callback.ip, err);
    throw err;
  });
  if (user.disabled) {
    const err = new AppError("forbidden", "this account is disabled");
    await auditFailure(db, audit, `user:${user.id}`, identity, callback.ip, err);
    throw err;
  }

  return db.transaction(async (tx) => {
    if (link) await linkIdentity(tx, audit, user, identity);
    await tx.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
    const session = await createSession(tx, user.id, {
      ttlHours: oidc.sessionTtlHours,
      ip: callback.ip,
      userAgent: callback.userAgent,
    });
    await audit.append(tx, {
      actor: `user:${user.id}`,
      action: "auth.login",
      resource: `user:${user.id}`,
      details: { method: "oidc", issuer: identity.issuer, ip: callback.ip },
    });
    return { user, ...session, returnTo: login.returnTo };
  });
}

async function linkIdentity(tx: Queryable, audit: AuditLog, user: User, identity: OidcIdentity) {
  const linked = await tx
    .update(users)
    .set({ oidcIssuer: identity.issuer, oidcSubject: identity.subject })
    .where(and(eq(users.id, user.id), isNull(users.oidcSubject)))
    .returning({ id: users.id });
  if (linked.length === 0) throw noAccount(`${user.email} is linked to another identity`);
  await audit.append(tx, {
    actor: `user:${user.id}`,
    action: "user.oidc_link",
    resource: `user:${user.id}`,
    details: { issuer: identity.issuer, subject: identity.subject, email: identity.email },
  });
}

async function auditFailure(
  db: Db,
  audit: AuditLog,
  resource: string,
  identity: OidcIdentity,
  ip: string,
  err: AppError,
) {
  await db.transaction((tx) =>
    audit.append(tx, {
      actor: "anonymous",
      action: "auth.login_failed",
      resource,
      details: {
        method: "oidc",
        issuer: identity.issuer,
        subject: identity.subject,
        email: identity.email,
        reason: err.code,
        ip,
      },
    }),
  );
}
