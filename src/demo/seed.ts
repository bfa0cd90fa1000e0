/**
 * Demo content for `mekong serve --demo`: a platform admin, a few realistic organizations and the
 * generated datasets of `demo/` (see `datasets.ts`), created once (seeding is idempotent). The admin's
 * password is generated on first seed and kept, readable only by the owner, in `<data>/demo-admin.txt`,
 * so every start can print it.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createUser, findUserByEmail } from "../auth/users.ts";
import type { AppContext } from "../context.ts";
import type { OrgCreate } from "../orgs/schemas.ts";
import { createOrganization, findOrganization, putMember } from "../orgs/service.ts";
import { seedDemoDatasets } from "./datasets.ts";

const DEMO_ORGS: OrgCreate[] = [
  {
    name: "bo-cong-thuong",
    title: "Bộ Công Thương",
    titleEn: "Ministry of Industry and Trade",
    kind: "ministry",
    description: "Quản lý nhà nước về công nghiệp, thương mại, năng lượng và xuất nhập khẩu.",
    country: "VN",
    website: "https://moit.gov.vn",
  },
  {
    name: "tong-cuc-thong-ke",
    title: "Tổng cục Thống kê",
    titleEn: "General Statistics Office",
    kind: "agency",
    description: "Thu thập, tổng hợp và công bố số liệu thống kê quốc gia.",
    country: "VN",
  },
  {
    name: "ubnd-tp-ho-chi-minh",
    title: "Ủy ban nhân dân Thành phố Hồ Chí Minh",
    titleEn: "Ho Chi Minh City People's Committee",
    kind: "province",
    description: "Dữ liệu dịch vụ công và kinh tế - xã hội của Thành phố Hồ Chí Minh.",
    country: "VN",
  },
  {
    name: "cong-ty-du-lieu-mekong",
    title: "Công ty Cổ phần Phân tích Dữ liệu Mê Kông",
    titleEn: "Mekong Data Analytics JSC",
    kind: "company",
    description: "Doanh nghiệp khai thác dữ liệu mở và dữ liệu chia sẻ có thỏa thuận.",
    country: "VN",
  },
];

export interface DemoCredentials {
  email: string;
  password: string;
}

export async function seedDemo(ctx: AppContext): Promise<DemoCredentials> {
  const credentialsFile = path.join(ctx.config.dataDir, "demo-admin.txt");
  const email = ctx.config.demo.adminEmail;
  let password = ctx.config.demo.adminPassword;
  if (!password && existsSync(credentialsFile)) password = readFileSync(credentialsFile, "utf8").trim();
  if (!password) password = randomBytes(12).toString("base64url");

  let admin = await findUserByEmail(ctx.db, email);
  if (!admin) {
    admin = await createUser(ctx.db, ctx.audit, "system:demo", {
      email,
      name: "Quản trị viên Demo",
      password,
      isPlatformAdmin: true,
    });
    if (!ctx.config.demo.adminPassword) writeFileSync(credentialsFile, `${password}\n`, { mode: 0o600 });
  }
  for (const org of DEMO_ORGS) {
    if (await findOrganization(ctx.db, org.name)) continue;
    await createOrganization(ctx.db, ctx.audit, "system:demo", org);
    const row = await findOrganization(ctx.db, org.name);
    if (row) await putMember(ctx.db, ctx.audit, "system:demo", row, admin.id, "admin");
  }
  await seedDemoDatasets(ctx, admin);
  return { email, password };
}
