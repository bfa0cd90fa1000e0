/** Password sign-in, plus the organisation's single sign-on when the server offers one. */
import { Alert, Button, Divider, Paper, PasswordInput, Stack, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useSearchParams } from "react-router-dom";
import { useAuthProviders, useCurrentUser, useSignIn } from "../api/auth.ts";
import { usePageTitle } from "../components/usePageTitle.ts";
import { redirectErrorKey, signInErrorKey } from "./signInErrors.ts";

const landingPath = "/organizations";

function SingleSignOn() {
  const { t } = useTranslation();
  const providers = useAuthProviders();
  const oidc = providers.data?.oidc;
  if (!oidc?.enabled) return null;
  return (
    <>
      <Divider label={t("signIn.or")} labelPosition="center" />
      {/* A full page load: the server redirects to the identity provider. */}
      <Button component="a" href="/api/v1/auth/oidc/login?returnTo=/" variant="default" fullWidth>
        {t("signIn.withProvider", { label: oidc.label })}
      </Button>
    </>
  );
}

export function SignInPage() {
  const { t } = useTranslation();
  usePageTitle(t("signIn.title"));
  const navigate = useNavigate();
  const currentUser = useCurrentUser();
  const signIn = useSignIn();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [params] = useSearchParams();
  const ssoError = redirectErrorKey(params.get("error"));

  if (currentUser.data && !signIn.isPending) return <Navigate to={landingPath} replace />;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    signIn.mutate(
      { email: email.trim(), password },
      { onSuccess: () => navigate(landingPath, { replace: true }), onError: () => setPassword("") },
    );
  };

  return (
    <Paper withBorder p={{ base: "md", sm: "xl" }} maw={420} mx="auto">
      <Stack gap="md">
        <Title order={1} size="h2">
          {t("signIn.title")}
        </Title>
        {ssoError && !signIn.isError && (
          <Alert color="red" variant="light" role="alert">
            {t(ssoError)}
          </Alert>
        )}
        {signIn.isError && (
          <Alert color="red" variant="light" role="alert">
            {t(signInErrorKey(signIn.error))}
          </Alert>
        )}
        <form onSubmit={submit}>
          <Stack gap="md">
            <TextInput
              label={t("signIn.email")}
              type="email"
              name="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
            />
            <PasswordInput
              label={t("signIn.password")}
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              visibilityToggleButtonProps={{ "aria-label": t("signIn.showPassword") }}
            />
            <Button type="submit" loading={signIn.isPending} fullWidth>
              {t("signIn.submit")}
            </Button>
          </Stack>
        </form>
        <SingleSignOn />
      </Stack>
    </Paper>
  );
}
