/** Organizations list with loading, error, empty and "load more" states. */
import { Alert, Button, Group, Loader, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useOrganizations } from "../api/organizations.ts";
import { usePageTitle } from "../components/usePageTitle.ts";
import { OrganizationCard, organizationElementId } from "./OrganizationCard.tsx";

function LoadError({ onRetry }: { onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert color="red" variant="light" role="alert" title={t("orgs.error")}>
      <Button variant="default" size="compact-sm" onClick={onRetry}>
        {t("orgs.retry")}
      </Button>
    </Alert>
  );
}

function OrganizationList() {
  const { t } = useTranslation();
  const organizations = useOrganizations();
  // After "load more", focus moves to the first new organization rather than being lost
  // when the button disappears on the last page.
  const [focusId, setFocusId] = useState<string>();
  useEffect(() => {
    if (focusId) document.getElementById(focusId)?.focus();
  }, [focusId]);

  if (organizations.isPending) {
    return (
      <Group gap="sm" role="status">
        <Loader size="sm" aria-hidden="true" />
        <Text>{t("orgs.loading")}</Text>
      </Group>
    );
  }
  if (!organizations.data) return <LoadError onRetry={() => void organizations.refetch()} />;

  const items = organizations.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <Text>{t("orgs.empty")}</Text>;

  return (
    <Stack gap="md">
      <Text size="sm" c="gray.7" role="status">
        {t("orgs.showing", { count: items.length })}
      </Text>
      <SimpleGrid component="ul" className="plain-list" cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
        {items.map((organization) => (
          <OrganizationCard key={organization.id} organization={organization} />
        ))}
      </SimpleGrid>
      {organizations.isFetchNextPageError && <LoadError onRetry={() => void organizations.fetchNextPage()} />}
      {organizations.hasNextPage && (
        <Group justify="center">
          <Button
            variant="default"
            loading={organizations.isFetchingNextPage}
            onClick={async () => {
              const result = await organizations.fetchNextPage();
              const firstNew = result.data?.pages.flatMap((page) => page.items)[items.length];
              if (firstNew) setFocusId(organizationElementId(firstNew.id));
            }}
          >
            {t("orgs.loadMore")}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

export function OrganizationsPage() {
  const { t } = useTranslation();
  usePageTitle(t("orgs.title"));
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>{t("orgs.title")}</Title>
        <Text mt="xs">{t("orgs.lead")}</Text>
      </div>
      <OrganizationList />
    </Stack>
  );
}
