/** Maps a failed sign-in to the message key shown to the user, by the API's stable code. */
import { ApiProblem } from "../api/client.ts";

export type SignInErrorKey =
  | "signIn.errors.invalid_credentials"
  | "signIn.errors.rate_limited"
  | "signIn.errors.validation_failed"
  | "signIn.errors.network"
  | "signIn.errors.generic"
  | `signIn.errors.${OidcErrorCode}`;

/** Codes the single sign-on callback sends back in `/sign-in?error=…`. */
const OIDC_ERRORS = [
  "oidc_state_invalid",
  "oidc_denied",
  "oidc_no_account",
  "oidc_failed",
  "oidc_not_configured",
] as const;
type OidcErrorCode = (typeof OIDC_ERRORS)[number];

/** The message key for a `?error=` code left by a failed single sign-on, or undefined. */
export function redirectErrorKey(code: string | null): SignInErrorKey | undefined {
  if (!code) return undefined;
  return (OIDC_ERRORS as readonly string[]).includes(code)
    ? `signIn.errors.${code as OidcErrorCode}`
    : "signIn.errors.generic";
}

export function signInErrorKey(error: unknown): SignInErrorKey {
  if (!(error instanceof ApiProblem)) return "signIn.errors.generic";
  switch (error.code) {
    case "invalid_credentials":
      return "signIn.errors.invalid_credentials";
    case "rate_limited":
      return "signIn.errors.rate_limited";
    case "validation_failed":
      return "signIn.errors.validation_failed";
    case "network_error":
      return "signIn.errors.network";
    default:
      return "signIn.errors.generic";
  }
}
