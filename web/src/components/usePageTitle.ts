import { useDocumentTitle } from "@mantine/hooks";

/** Sets the tab title to "<page> — Mekong"; screen readers announce it after navigation. */
export function usePageTitle(page: string): void {
  useDocumentTitle(`${page} — Mekong`);
}
