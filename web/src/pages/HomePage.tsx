import { Button, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { usePageTitle } from "../components/usePageTitle.ts";

export function HomePage() {
  const { t } = useTranslation();
  usePageTitle(t("home.title"));
  return (
    <Stack gap="lg" maw={720}>
      <Title order={1}>{t("home.title")}</Title>
      <Text size="lg">{t("home.lead")}</Text>
      <div>
        <Button component={Link} to="/organizations" size="md">
          {t("home.browseOrganizations")}
        </Button>
      </div>
    </Stack>
  );
}
