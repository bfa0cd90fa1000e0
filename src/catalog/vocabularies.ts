/**
 * Controlled vocabularies of the catalog: the EU data themes and frequencies (as DCAT-AP requires), a
 * Vietnamese sector list, the licence register, and the Law on Data's classifications. Codes are stable;
 * labels are in Vietnamese and English.
 */

type Labelled = { vi: string; en: string };

/** EU data-theme vocabulary (http://publications.europa.eu/resource/authority/data-theme/…). */
export const EU_THEMES: Record<string, Labelled> = {
  AGRI: {
    vi: "Nông nghiệp, thủy sản, lâm nghiệp và thực phẩm",
    en: "Agriculture, fisheries, forestry and food",
  },
  ECON: { vi: "Kinh tế và tài chính", en: "Economy and finance" },
  EDUC: { vi: "Giáo dục, văn hóa và thể thao", en: "Education, culture and sport" },
  ENER: { vi: "Năng lượng", en: "Energy" },
  ENVI: { vi: "Môi trường", en: "Environment" },
  GOVE: { vi: "Chính phủ và khu vực công", en: "Government and public sector" },
  HEAL: { vi: "Y tế", en: "Health" },
  INTR: { vi: "Các vấn đề quốc tế", en: "International issues" },
  JUST: {
    vi: "Tư pháp, hệ thống pháp luật và an toàn công cộng",
    en: "Justice, legal system and public safety",
  },
  REGI: { vi: "Vùng và đô thị", en: "Regions and cities" },
  SOCI: { vi: "Dân số và xã hội", en: "Population and society" },
  TECH: { vi: "Khoa học và công nghệ", en: "Science and technology" },
  TRAN: { vi: "Giao thông vận tải", en: "Transport" },
};

/** Vietnamese sectors (`vn:<code>`), each mapped to its nearest EU theme for DCAT-AP export. */
export const VN_SECTORS: Record<string, Labelled & { eu: keyof typeof EU_THEMES }> = {
  "vn:industry": { vi: "Công nghiệp", en: "Industry", eu: "ECON" },
  "vn:energy": { vi: "Năng lượng", en: "Energy", eu: "ENER" },
  "vn:trade": { vi: "Thương mại", en: "Trade", eu: "ECON" },
  "vn:agriculture": { vi: "Nông nghiệp", en: "Agriculture", eu: "AGRI" },
  "vn:environment": { vi: "Tài nguyên và môi trường", en: "Natural resources and environment", eu: "ENVI" },
  "vn:health": { vi: "Y tế", en: "Health", eu: "HEAL" },
  "vn:education": { vi: "Giáo dục và đào tạo", en: "Education and training", eu: "EDUC" },
  "vn:finance": { vi: "Tài chính", en: "Finance", eu: "ECON" },
  "vn:transport": { vi: "Giao thông vận tải", en: "Transport", eu: "TRAN" },
  "vn:population": { vi: "Dân cư", en: "Population", eu: "SOCI" },
  "vn:science-technology": { vi: "Khoa học và công nghệ", en: "Science and technology", eu: "TECH" },
  "vn:justice": { vi: "Tư pháp", en: "Justice", eu: "JUST" },
  "vn:labour": { vi: "Lao động và việc làm", en: "Labour and employment", eu: "SOCI" },
  "vn:construction": { vi: "Xây dựng", en: "Construction", eu: "REGI" },
  "vn:culture-tourism": { vi: "Văn hóa, thể thao và du lịch", en: "Culture, sport and tourism", eu: "EDUC" },
  "vn:information-communication": {
    vi: "Thông tin và truyền thông",
    en: "Information and communication",
    eu: "TECH",
  },
  "vn:public-services": { vi: "Dịch vụ công", en: "Public services", eu: "GOVE" },
  "vn:statistics": { vi: "Thống kê", en: "Statistics", eu: "GOVE" },
};

export const THEMES = [...Object.keys(EU_THEMES), ...Object.keys(VN_SECTORS)];

export interface Licence {
  id: string;
  title: string;
  url: string | null;
  /** Whether data under it is open data (Open Definition conformant). */
  isOpen: boolean;
}

export const LICENCES: Licence[] = [
  {
    id: "CC-BY-4.0",
    title: "Creative Commons Attribution 4.0",
    url: "https://creativecommons.org/licenses/by/4.0/",
    isOpen: true,
  },
  {
    id: "CC0-1.0",
    title: "Creative Commons Zero 1.0",
    url: "https://creativecommons.org/publicdomain/zero/1.0/",
    isOpen: true,
  },
  {
    id: "ODC-BY-1.0",
    title: "Open Data Commons Attribution 1.0",
    url: "https://opendatacommons.org/licenses/by/1-0/",
    isOpen: true,
  },
  {
    id: "ODbL-1.0",
    title: "Open Data Commons Open Database License 1.0",
    url: "https://opendatacommons.org/licenses/odbl/1-0/",
    isOpen: true,
  },
  { id: "restricted", title: "Điều khoản hạn chế / Restricted terms", url: null, isOpen: false },
];

/** EU frequency vocabulary (http://publications.europa.eu/resource/authority/frequency/…). */
export const FREQUENCIES = [
  "CONT",
  "UPDATE_CONT",
  "HOURLY",
  "DAILY",
  "DAILY_2",
  "WEEKLY",
  "WEEKLY_2",
  "WEEKLY_3",
  "BIWEEKLY",
  "MONTHLY",
  "MONTHLY_2",
  "MONTHLY_3",
  "BIMONTHLY",
  "QUARTERLY",
  "ANNUAL",
  "ANNUAL_2",
  "ANNUAL_3",
  "BIENNIAL",
  "TRIENNIAL",
  "QUADRENNIAL",
  "QUINQUENNIAL",
  "DECENNIAL",
  "IRREG",
  "NEVER",
  "UNKNOWN",
  "OTHER",
] as const;

/** EU access-right vocabulary. */
export const ACCESS_RIGHTS = ["PUBLIC", "RESTRICTED", "NON_PUBLIC"] as const;

/** Classification under the Law on Data (2024). */
export const CLASSIFICATIONS = ["open", "shared", "private-use"] as const;
export const IMPORTANCE = ["core", "important", "ordinary"] as const;
export const PERSONAL_DATA = ["none", "basic", "sensitive"] as const;
