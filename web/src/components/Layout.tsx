/**
 * Page frame: skip link, header, main, footer. On client-side navigation focus moves to
 * <main> so keyboard and screen-reader users start at the new page, as after a full load.
 */
import { Container, Text } from "@mantine/core";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Outlet, useLocation } from "react-router-dom";
import { AppHeader } from "./AppHeader.tsx";

export function Layout() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const previousPath = useRef(pathname);

  useEffect(() => {
    if (previousPath.current === pathname) return;
    previousPath.current = pathname;
    mainRef.current?.focus();
  }, [pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <AppHeader />
      <main id="main" ref={mainRef} tabIndex={-1}>
        <Container size="lg" py="xl">
          <Outlet />
        </Container>
      </main>
      <footer>
        <Container size="lg" py="md">
          <Text size="sm" c="gray.7">
            {t("app.footer")}
          </Text>
        </Container>
      </footer>
    </>
  );
}
