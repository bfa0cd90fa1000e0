/** Header account area: a sign-in link for visitors, the user's name and sign-out otherwise. */
import { Anchor, Button, Group, Text, VisuallyHidden } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router-dom";
import { useCurrentUser, useSignOut } from "../api/auth.ts";

export function AccountControls() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const currentUser = useCurrentUser();
  const signOut = useSignOut();

  if (currentUser.isPending) return null;
  const user = currentUser.data?.user;
  if (!user) {
    return (
      <Anchor component={Link} to="/sign-in" fw={600}>
        {t("auth.signIn")}
      </Anchor>
    );
  }

  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm" maw={160} truncate="end" title={user.email}>
        <VisuallyHidden>{t("auth.signedInAs", { name: user.name })}</VisuallyHidden>
        <span aria-hidden="true">{user.name}</span>
      </Text>
      <Button
        size="compact-sm"
        variant="default"
        loading={signOut.isPending}
        onClick={() => signOut.mutate(undefined, { onSuccess: () => navigate("/") })}
      >
        {t("auth.signOut")}
      </Button>
      {signOut.isError && (
        <Text size="sm" c="red.8" role="alert">
          {t("auth.signOutFailed")}
        </Text>
      )}
    </Group>
  );
}
