/**
 * The Mekong side of the benchmarks: an ingest in a child process (so its peak memory is its own) and a
 * `mekong serve` started on a data directory, both as plain `node --import tsx` processes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DATA_DIR, ROOT_DIR } from "./results.ts";

const NODE = [process.execPath, "--import", "tsx"] as const;

export interface IngestFigures {
  seconds: number;
  /** Wall time of the whole child process (start-up, migrations and key loading included). */
  processSeconds: number;
  rows: number;
  parquetBytes: number;
  peakRssBytes: number;
  /** Peak RSS once the context was open, before the ingest began. */
  beforeIngestPeakRssBytes: number;
  /** RSS when the ingest began, and its highest value sampled (every 25 ms) while it ran. */
  rssAtIngestStartBytes: number;
  peakRssDuringIngestBytes: number;
  fields: string[];
}

export const BENCH_DATASET = { org: "bench", name: "doanh-nghiep" };

/** The data directory a bench keeps a loaded dataset of `rows` rows in. */
export const mekongDataDir = (rows: number) => path.join(DATA_DIR, `mekong-${rows}`);
const READY = ".bench-ingested";
export const hasIngested = (dir: string) => existsSync(path.join(dir, READY));

/** Ingests `file` into a fresh data directory `dir` in a child process; fails with its output. */
export async function ingestInChild(file: string, dir: string): Promise<IngestFigures> {
  rmSync(dir, { recursive: true, force: true });
  const started = performance.now();
  const { code, output } = await run(
    [
      ...NODE.slice(1),
      path.join(ROOT_DIR, "bench/ingest-child.ts"),
      file,
      dir,
      `${BENCH_DATASET.org}/${BENCH_DATASET.name}`,
    ],
    { MEKONG_LOG_LEVEL: "warn" },
  );
  const processSeconds = (performance.now() - started) / 1000;
  const line = output.split("\n").find((l) => l.startsWith("RESULT "));
  if (code !== 0 || !line)
    throw new Error(`ingest of ${file} failed (exit ${code}):\n${output.slice(-4000)}`);
  writeFileSync(path.join(dir, READY), `${new Date().toISOString()}\n`);
  return { ...(JSON.parse(line.slice(7)) as Omit<IngestFigures, "processSeconds">), processSeconds };
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE[0], args, {
      cwd: ROOT_DIR,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

export interface RunningServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a server process and waits for `pattern` (whose first group is the URL) on its output. */
export async function startProcess(
  args: string[],
  env: Record<string, string>,
  pattern: RegExp,
): Promise<RunningServer> {
  const child = spawn(NODE[0], [...NODE.slice(1), ...args], {
    cwd: ROOT_DIR,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const deadline = Date.now() + 180_000;
  while (!pattern.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${args.join(" ")} did not start:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = pattern.exec(output)?.[1] ?? "";
  return {
    url,
    child,
    async stop() {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `mekong serve` on `dir`, on a free port. */
export function startMekong(dir: string): Promise<RunningServer> {
  return startProcess(
    [path.join(ROOT_DIR, "src/main.ts"), "serve", "--port", "0", "--data", dir],
    { MEKONG_LOG_LEVEL: "warn", MEKONG_HOST: "127.0.0.1" },
    /Mekong listening on (\S+)/,
  );
}
