/** One organization in the list: its title in the visitor's language where one exists. */
import { Badge, Card, Group, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Organization } from "../api/organizations.ts";
import { currentLanguage, type Language } from "../i18n.ts";

function countryName(code: string, language: Language): string {
  try {
    return new Intl.DisplayNames([language], { type: "region" }).of(code) ?? code;
  } catch {
    return code; // not an ISO 3166 code
  }
}

export function organizationElementId(organizationId: string): string {
  return `organization-${organizationId}`;
}

export function OrganizationCard({ organization }: { organization: Organization }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const useEnglish = language === "en" && Boolean(organization.titleEn);
  const title = useEnglish ? organization.titleEn : organization.title;

  return (
    <Card component="li" id={organizationElementId(organization.id)} tabIndex={-1} withBorder padding="md">
      <Title order={2} size="h4" lang={useEnglish ? "en" : "vi"}>
        {title}
      </Title>
      <Group gap="xs" mt="xs">
        <Badge variant="outline" color="blue.9" tt="none">
          {t(`orgs.kind.${organization.kind}`)}
        </Badge>
        <Text size="sm" c="gray.7">
          {countryName(organization.country, language)}
        </Text>
      </Group>
      {organization.description && (
        <Text size="sm" mt="sm" lineClamp={3}>
          {organization.description}
        </Text>
      )}
    </Card>
  );
}
