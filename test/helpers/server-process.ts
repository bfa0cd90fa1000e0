/**
 * Runs `mekong` as a real child process (one node process, no npx wrapper, so a signal reaches the
 * server itself) and reads the address and demo credentials it prints.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const NODE_ARGS = ["--import", "tsx", path.join(ROOT, "src/main.ts")];

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  admin?: { email: string; password: string };
  output: () => string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string>;
}

export async function startServer(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...NODE_ARGS, "serve", "--port", "0", ...args], {
    cwd: ROOT,
    env: { ...process.env, MEKONG_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const deadline = Date.now() + 90_000;
  while (!/Mekong listening on (\S+)/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 100));
  const url = /Mekong listening on (\S+)/.exec(out)?.[1] ?? "";
  const cred = /Demo admin: (\S+) \/ (\S+)/.exec(out);
  return {
    child,
    url,
    admin: cred?.[1] && cred[2] ? { email: cred[1], password: cred[2] } : undefined,
    output: () => out,
    exited,
  };
}

/** Runs a CLI command to completion. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, input?: string) {
  const res = spawnSync(process.execPath, [...NODE_ARGS, ...args], {
    cwd: ROOT,
    env: { ...process.env, MEKONG_LOG_LEVEL: "warn", ...env },
    input,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

export async function signIn(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("mekong_session="));
  return cookie?.split(";")[0] ?? "";
}
