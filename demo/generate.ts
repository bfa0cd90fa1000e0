/**
 * Writes the demo datasets into `demo/data/` and their manifest into `demo/manifest.json`:
 * `npx tsx demo/generate.ts`. Deterministic (one seeded generator per dataset), so a rerun rewrites the
 * same rows; only the XLSX's zip entry timestamps change. `mekong serve --demo` loads what this writes.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DEMO_DIR, DemoManifest } from "../src/demo/manifest.ts";
import { generateConsumerPrices } from "./datasets/chi-so-gia-tieu-dung.ts";
import { generateEnterpriseRegistrations } from "./datasets/dang-ky-doanh-nghiep.ts";
import { generatePublicServices } from "./datasets/dich-vu-cong.ts";
import { generateElectricity } from "./datasets/dien-nang-tieu-thu.ts";
import { generateRetailPrices } from "./datasets/gia-ban-le.ts";
import { generateCitizenReports } from "./datasets/phan-anh-kien-nghi.ts";
import { generateTradeByHsChapter } from "./datasets/xuat-nhap-khau-hs.ts";
import type { GeneratedDataset } from "./lib/output.ts";
import { Random } from "./lib/random.ts";

const SEED = 20_241_231;

const GENERATORS: ((rng: Random) => GeneratedDataset | Promise<GeneratedDataset>)[] = [
  generateEnterpriseRegistrations,
  generateConsumerPrices,
  generateRetailPrices,
  generateElectricity,
  generateTradeByHsChapter,
  generatePublicServices,
  generateCitizenReports,
];

async function main() {
  mkdirSync(path.join(DEMO_DIR, "data"), { recursive: true });
  const datasets = [];
  let total = 0;
  for (const [i, generate] of GENERATORS.entries()) {
    // A generator per dataset: changing one file's generator leaves the others' bytes alone.
    const { entry, content } = await generate(new Random(SEED + i));
    writeFileSync(path.join(DEMO_DIR, entry.file), content);
    datasets.push(entry);
    total += content.length;
    const problems = entry.problems.reduce((n, p) => n + p.rows.length, 0);
    console.log(
      `${entry.file.padEnd(32)} ${String(entry.rows).padStart(6)} rows ${(content.length / 1024).toFixed(0).padStart(5)} KiB  ${entry.problems.length} problems on ${problems} rows`,
    );
  }
  const manifest = DemoManifest.parse({ generatedBy: "npx tsx demo/generate.ts", seed: SEED, datasets });
  const manifestFile = path.join(DEMO_DIR, "manifest.json");
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  // In the repository's JSON style, so regenerated JSON passes the lint gate as committed.
  const jsonFiles = [
    manifestFile,
    ...datasets.filter((d) => d.file.endsWith(".json")).map((d) => path.join(DEMO_DIR, d.file)),
  ];
  spawnSync(path.join(DEMO_DIR, "../node_modules/.bin/biome"), ["format", "--write", ...jsonFiles], {
    stdio: "ignore",
  });
  console.log(
    `${datasets.length} datasets, ${(total / 1024 / 1024).toFixed(2)} MiB, manifest in demo/manifest.json`,
  );
}

await main();
