/**
 * Where benchmark figures go: `bench/results/<name>.json`, each with the machine it was measured on, so
 * a figure is never read without knowing how many cores and how much memory produced it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const BENCH_DIR = path.resolve(import.meta.dirname, "..");
export const ROOT_DIR = path.resolve(BENCH_DIR, "..");
export const DATA_DIR = path.join(BENCH_DIR, "data");
export const RESULTS_DIR = path.join(BENCH_DIR, "results");

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load averages when the bench started and when it wrote its figures: other work competes. */
  loadAverage: { atStart: number; atEnd: number };
}

const loadAtStart = os.loadavg()[0] ?? 0;

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: { atStart: round(loadAtStart), atEnd: round(os.loadavg()[0] ?? 0) },
  };
}

/** Writes `bench/results/<name>.json` and returns its path. */
export function writeResult(name: string, figures: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  const body = { benchmark: name, measuredAt: new Date().toISOString(), machine: machine(), figures };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}

/** `ROWS=1000000,5000000` → [1000000, 5000000]; underscores allowed (`5_000_000`). */
export function rowCounts(variable: string | undefined, fallback: number[]): number[] {
  if (!variable) return fallback;
  const counts = variable.split(",").map((s) => Number(s.trim().replace(/_/g, "")));
  if (counts.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new Error(`not row counts: ${variable}`);
  return counts;
}

export const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;
export const mib = (bytes: number) => round(bytes / 1024 ** 2, 1);
