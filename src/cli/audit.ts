/** PLACEHOLDER — `mekong audit verify` is being written. */
import type { Command } from "commander";

export function registerAuditCommands(_program: Command) {}
