/**
 * The benchmark's input: a CSV of N enterprise-like rows × 10 typed columns (~130 bytes a row; 5 million
 * rows ≈ 650 MB) with Vietnamese text — names, provinces and streets with diacritics — province codes with
 * leading zeros, ISO dates, integers, decimals and booleans. Streamed with backpressure, so memory stays
 * flat whatever N is, and seeded, so every run writes the same bytes.
 *
 *   npx tsx bench/generate-csv.ts 5000000 [file]
 */

import { once } from "node:events";
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Random } from "../demo/lib/random.ts";
import { FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES, PROVINCES, STREETS } from "../demo/lib/vietnam.ts";
import { DATA_DIR } from "./lib/results.ts";

export const BENCH_COLUMNS = [
  "id",
  "ho_ten",
  "ma_tinh",
  "tinh",
  "ngay_dang_ky",
  "von",
  "so_lao_dong",
  "ty_le_tang_truong",
  "hoat_dong",
  "dia_chi",
] as const;

/** PostgreSQL column types matching what Mekong infers for each column. */
export const BENCH_PG_TYPES: Record<(typeof BENCH_COLUMNS)[number], string> = {
  id: "bigint",
  ho_ten: "text",
  ma_tinh: "text",
  tinh: "text",
  ngay_dang_ky: "date",
  von: "bigint",
  so_lao_dong: "integer",
  ty_le_tang_truong: "double precision",
  hoat_dong: "boolean",
  dia_chi: "text",
};

export function benchCsvPath(rows: number): string {
  return path.join(DATA_DIR, `doanh-nghiep-${rows}.csv`);
}

const ROWS_PER_CHUNK = 5_000;
const DAY = 86_400_000;
const START = Date.UTC(2015, 0, 1);

/** Writes the file (atomically: a `.part` renamed at the end) unless it exists; returns its size. */
export async function generateBenchCsv(rows: number, file = benchCsvPath(rows)): Promise<number> {
  if (existsSync(file)) return statSync(file).size;
  mkdirSync(path.dirname(file), { recursive: true });
  const rng = new Random(rows);
  const provinces = PROVINCES.map((p) => ({
    ...p,
    weight: p.population * (p.code === "79" || p.code === "01" ? 2 : 1),
  }));
  const totalWeight = provinces.reduce((s, p) => s + p.weight, 0);
  // Cumulative weights for a fast weighted draw.
  let sum = 0;
  const cumulative = provinces.map((p) => {
    sum += p.weight / totalWeight;
    return sum;
  });
  const drawProvince = () => {
    const r = rng.next();
    const i = cumulative.findIndex((c) => r < c);
    return provinces[i === -1 ? provinces.length - 1 : i] ?? provinces[0];
  };

  const part = `${file}.part`;
  const out = createWriteStream(part);
  out.write(`${BENCH_COLUMNS.join(",")}\n`);
  for (let start = 1; start <= rows; start += ROWS_PER_CHUNK) {
    let chunk = "";
    for (let id = start; id < Math.min(start + ROWS_PER_CHUNK, rows + 1); id++) {
      const p = drawProvince();
      if (!p) throw new Error("no province");
      const name = `${rng.pick(FAMILY_NAMES)} ${rng.pick(MIDDLE_NAMES)} ${rng.pick(GIVEN_NAMES)}`;
      const day = new Date(START + rng.int(0, 3650) * DAY).toISOString().slice(0, 10);
      const capital = rng.int(1, 50_000) * 1_000_000;
      const staff = rng.int(1, 2_000);
      const growth = (rng.next() * 60 - 20).toFixed(2);
      const active = rng.chance(0.85) ? "true" : "false";
      const address = `"Số ${rng.int(1, 400)} đường ${rng.pick(STREETS)}, ${p.name}"`;
      chunk += `${id},${name},${p.code},${p.name},${day},${capital},${staff},${growth},${active},${address}\n`;
    }
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  renameSync(part, file);
  return statSync(file).size;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const file = process.argv[3] ?? benchCsvPath(rows);
  const started = performance.now();
  const bytes = await generateBenchCsv(rows, file);
  console.log(
    `${file}: ${rows} rows, ${(bytes / 1024 ** 2).toFixed(1)} MiB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
