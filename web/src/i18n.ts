/**
 * Portal translations. Vietnamese is the default; the visitor's choice is kept in
 * localStorage and mirrored to `<html lang>` so screen readers pronounce the page correctly.
 */
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./locales/en.json" with { type: "json" };
import vi from "./locales/vi.json" with { type: "json" };

export const languages = ["vi", "en"] as const;
export type Language = (typeof languages)[number];

const storageKey = "mekong.language";
const resources = { vi: { translation: vi }, en: { translation: en } } as const;

declare module "i18next" {
  interface CustomTypeOptions {
    resources: (typeof resources)["vi"];
  }
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (languages as readonly string[]).includes(value);
}

function readStoredLanguage(): Language {
  try {
    const stored = localStorage.getItem(storageKey);
    return isLanguage(stored) ? stored : "vi";
  } catch {
    return "vi"; // storage can be disabled (private mode, policies)
  }
}

function rememberLanguage(language: string): void {
  document.documentElement.lang = language;
  try {
    localStorage.setItem(storageKey, language);
  } catch {
    // not persisted; the choice still holds for this visit
  }
}

/** The active language, narrowed to the ones the portal ships. */
export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : "vi";
}

i18n.on("languageChanged", rememberLanguage);

await i18n.use(initReactI18next).init({
  resources,
  lng: readStoredLanguage(),
  fallbackLng: "vi",
  supportedLngs: languages,
  interpolation: { escapeValue: false }, // React escapes
});

export default i18n;
