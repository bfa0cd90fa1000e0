/** The catalog's public registers: the licences a dataset may carry and the themes it may be filed under. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { EU_THEMES, LICENCES, VN_SECTORS } from "./vocabularies.ts";

const EU_THEME_BASE = "http://publications.europa.eu/resource/authority/data-theme/";

const Licence = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  isOpen: z.boolean(),
});
const Theme = z.object({
  code: z.string(),
  vi: z.string(),
  en: z.string(),
  /** The EU data theme a Vietnamese sector is exported as in DCAT-AP (itself for EU themes). */
  euTheme: z.string(),
  uri: z.string(),
});

/** Every theme code, EU themes first, each with its labels and the EU theme URI it maps to. */
export const themeRegister = () => [
  ...Object.entries(EU_THEMES).map(([code, l]) => ({
    code,
    vi: l.vi,
    en: l.en,
    euTheme: code,
    uri: `${EU_THEME_BASE}${code}`,
  })),
  ...Object.entries(VN_SECTORS).map(([code, l]) => ({
    code,
    vi: l.vi,
    en: l.en,
    euTheme: l.eu,
    uri: `${EU_THEME_BASE}${l.eu}`,
  })),
];

export function registerLicenceAndThemeRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/v1/licences",
    {
      schema: {
        tags: ["catalog"],
        summary: "The licence register: the licences a dataset may carry",
        response: { 200: z.object({ items: z.array(Licence) }) },
      },
      config: { access: "public" },
    },
    async () => ({ items: LICENCES }),
  );

  r.get(
    "/api/v1/themes",
    {
      schema: {
        tags: ["catalog"],
        summary: "The themes a dataset may be filed under: EU data themes and Vietnamese sectors",
        response: { 200: z.object({ items: z.array(Theme) }) },
      },
      config: { access: "public" },
    },
    async () => ({ items: themeRegister() }),
  );
}
