/**
 * Starts the real `mekong serve --demo` on a free port and a fresh data directory for
 * end-to-end tests, and reads the address and demo admin credentials it prints.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";

export interface MekongServer {
  baseUrl: string;
  demoAdmin: { email: string; password: string };
  stop(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const listeningLine = /Mekong listening on (https?:\/\/\S+)/;
const demoAdminLine = /Demo admin: (\S+) \/ (\S+)\s*$/;

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Signals the whole process group: `npx` → `tsx` → node would otherwise outlive us. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Resolves once the server has printed both lines; rejects with the captured output if it
 * exits first or is not ready within `timeoutMs`. Needs `web/dist` (run `npm run build:web`).
 */
export async function startMekongServer(timeoutMs = 90_000): Promise<MekongServer> {
  if (!existsSync(join(repoRoot, "web/dist/index.html"))) {
    throw new Error("web/dist/index.html is missing: run `npm run build:web` before the e2e tests");
  }
  const dataDir = await mkdtemp(join(tmpdir(), "mekong-e2e-"));
  const child = spawn("npx", ["tsx", "src/main.ts", "serve", "--port", "0", "--data", dataDir, "--demo"], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });

  const stop = async () => {
    signalGroup(child, "SIGTERM");
    if (!(await waitForExit(child, 10_000))) {
      signalGroup(child, "SIGKILL");
      await waitForExit(child, 5_000);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const output: string[] = [];
  let baseUrl: string | undefined;
  let demoAdmin: MekongServer["demoAdmin"] | undefined;

  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (reason: string) =>
        reject(new Error(`${reason}\n--- server output ---\n${output.join("\n")}`));
      const timer = setTimeout(() => fail(`mekong serve was not ready within ${timeoutMs} ms`), timeoutMs);
      const onLine = (raw: string) => {
        const line = stripVTControlCharacters(raw);
        output.push(line);
        baseUrl ??= listeningLine.exec(line)?.[1];
        const admin = demoAdminLine.exec(line);
        if (admin?.[1] && admin[2]) demoAdmin = { email: admin[1], password: admin[2] };
        if (baseUrl && demoAdmin) {
          clearTimeout(timer);
          resolve();
        }
      };
      if (child.stdout) createInterface({ input: child.stdout }).on("line", onLine);
      if (child.stderr) createInterface({ input: child.stderr }).on("line", (line) => output.push(line));
      child.once("error", (error) => fail(`could not start mekong serve: ${error.message}`));
      child.once("exit", (code, signal) =>
        fail(`mekong serve exited early (code ${code}, signal ${signal})`),
      );
    });
  } catch (error) {
    await stop();
    throw error;
  }

  if (!baseUrl || !demoAdmin) throw new Error("unreachable: server ready without address or credentials");
  return { baseUrl: baseUrl.replace(/\/$/, ""), demoAdmin, stop };
}
