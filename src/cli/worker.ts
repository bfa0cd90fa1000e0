/** PLACEHOLDER — `mekong worker` is being written. */
import type { Command } from "commander";

export function registerWorkerCommand(_program: Command) {}
