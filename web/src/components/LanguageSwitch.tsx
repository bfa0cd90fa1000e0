/** A native <select> for the interface language; each option is named in its own language. */
import { NativeSelect } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { currentLanguage, isLanguage, languages } from "../i18n.ts";

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <NativeSelect
      aria-label={t("language.label")}
      size="sm"
      rightSectionProps={{ "aria-hidden": true }}
      value={currentLanguage()}
      onChange={(event) => {
        const next = event.currentTarget.value;
        if (isLanguage(next)) void i18n.changeLanguage(next);
      }}
    >
      {languages.map((language) => (
        <option key={language} value={language} lang={language}>
          {t(`language.${language}`)}
        </option>
      ))}
    </NativeSelect>
  );
}
