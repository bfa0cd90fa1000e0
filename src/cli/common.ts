/** What every CLI command shares: reading the config (flags over environment) and failing clearly. */
import { type Config, ConfigError, loadConfig } from "../config.ts";
import { AppError } from "../errors.ts";

export interface CommonFlags {
  data?: string;
  port?: string;
}

/** Loads the config or prints every problem and exits with 2. */
export function configFromFlags(flags: CommonFlags): Config {
  try {
    return loadConfig(process.env, {
      ...(flags.data ? { MEKONG_DATA_DIR: flags.data } : {}),
      ...(flags.port !== undefined ? { MEKONG_PORT: Number(flags.port) } : {}),
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`mekong: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}

/** Runs a command body; known errors become one line on stderr and exit code 2. */
export async function runCommand(fn: () => Promise<number | undefined>): Promise<void> {
  try {
    const code = await fn();
    process.exitCode = code ?? 0;
  } catch (err) {
    if (err instanceof AppError || err instanceof ConfigError) {
      console.error(`mekong: ${err.message}`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
