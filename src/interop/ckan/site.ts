/** `status_show` and `license_list`: what the site is and which licences its datasets may carry. */
import { LICENCES } from "../../catalog/vocabularies.ts";
import { VERSION } from "../../version.ts";
import type { ActionContext } from "./action.ts";

/** The CKAN release whose Action API answers this surface copies. */
export const CKAN_COMPATIBLE_VERSION = "2.10.4";

export async function statusShow(c: ActionContext): Promise<Record<string, unknown>> {
  return {
    site_title: "Mekong",
    site_description: "Nền tảng dữ liệu / Data platform",
    site_url: c.siteUrl,
    ckan_version: CKAN_COMPATIBLE_VERSION,
    error_emails_to: null,
    locale_default: "vi",
    // Clients look for "datastore" here before calling datastore_search.
    extensions: ["datastore"],
    mekong_version: VERSION,
  };
}

/** The licence register in CKAN's `License.as_dict()` shape. */
export async function licenseList(): Promise<Record<string, unknown>[]> {
  return LICENCES.map((l) => ({
    domain_content: false,
    domain_data: true,
    domain_software: false,
    family: "",
    id: l.id,
    is_generic: false,
    is_okd_compliant: l.isOpen,
    is_osi_compliant: false,
    maintainer: "",
    od_conformance: l.isOpen ? "approved" : "not reviewed",
    osd_conformance: "not reviewed",
    status: "active",
    title: l.title,
    url: l.url ?? "",
  }));
}
