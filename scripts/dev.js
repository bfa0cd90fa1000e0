#!/usr/bin/env node
/**
 * `npm run dev`: the API (tsx watch, demo data) and the Vite dev server (hot reload, proxies
 * /api to the API) side by side. Output is forwarded with a prefix per process; Ctrl-C, or
 * either process ending, stops both.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const isWindows = process.platform === "win32";

const processes = [
  { name: "api", color: 36, args: ["tsx", "watch", "src/main.ts", "serve", "--demo"] },
  { name: "web", color: 35, args: ["vite", "--config", "web/vite.config.ts"] },
];

let stopping = false;
const children = processes.map(start);

function start({ name, color, args }) {
  const child = spawn("npx", args, {
    stdio: ["ignore", "pipe", "pipe"], // a background process group must not read the terminal
    shell: isWindows,
    // Own process group, so stopping reaches npx's grandchildren (tsx, node, esbuild) too.
    detached: !isWindows,
    env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "1" },
  });
  const prefix = `\x1b[${color}m[${name}]\x1b[0m `;
  createInterface({ input: child.stdout }).on("line", (line) => process.stdout.write(`${prefix}${line}\n`));
  createInterface({ input: child.stderr }).on("line", (line) => process.stderr.write(`${prefix}${line}\n`));
  child.on("error", (error) => {
    process.stderr.write(`${prefix}could not start: ${error.message}\n`);
    stopAll(1);
  });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${prefix}exited (${signal ?? `code ${code}`}); stopping the others\n`);
      stopAll(code ?? 1);
    }
  });
  return child;
}

function signal(child, name) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    if (isWindows) child.kill(name);
    else process.kill(-child.pid, name);
  } catch {
    // already gone
  }
}

function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  for (const child of children) signal(child, "SIGTERM");
  const force = setTimeout(() => {
    for (const child of children) signal(child, "SIGKILL");
    process.exit(exitCode);
  }, 5000);
  force.unref();
  Promise.all(
    children.map((child) =>
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => child.once("exit", resolve)),
    ),
  ).then(() => process.exit(exitCode));
}

process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));
