/** Site header: home link, main navigation, language switch and account controls. */
import { Anchor, Container, Group } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, NavLink } from "react-router-dom";
import { AccountControls } from "./AccountControls.tsx";
import { LanguageSwitch } from "./LanguageSwitch.tsx";

function Logo() {
  return (
    <svg width="28" height="28" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="6" fill="var(--mantine-primary-color-filled)" />
      <path d="M4 20c4-6 8 2 12-4s8 2 12-4" fill="none" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}

export function AppHeader() {
  const { t } = useTranslation();
  return (
    <header className="site-header">
      <Container size="lg" py="sm">
        <Group justify="space-between" gap="sm">
          <Group gap="lg">
            <Anchor component={Link} to="/" aria-label={t("app.homeLink")} underline="never" c="inherit">
              <Group gap={8} wrap="nowrap">
                <Logo />
                <span style={{ fontWeight: 700, fontSize: "1.25rem" }}>{t("app.name")}</span>
              </Group>
            </Anchor>
            <nav aria-label={t("app.mainNav")}>
              <Anchor component={NavLink} to="/organizations" className="nav-link">
                {t("nav.organizations")}
              </Anchor>
            </nav>
          </Group>
          <Group gap="sm">
            <LanguageSwitch />
            <AccountControls />
          </Group>
        </Group>
      </Container>
    </header>
  );
}
