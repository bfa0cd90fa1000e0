/**
 * `mekong audit verify | checkpoint`: check the audit chain, or sign a checkpoint now, from the command
 * line. An embedded catalog held by a running server is not opened a second time: the command says so
 * and points at the server's API instead.
 */
import type { Command } from "commander";
import { reportAuditChain } from "../audit/verify.ts";
import type { Config } from "../config.ts";
import { type AppContext, closeContext, openContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { type CommonFlags, configFromFlags, runCommand } from "./common.ts";

/** Exit code for "could not run" (bad config, data directory in use), as `runCommand` uses. */
const EXIT_UNAVAILABLE = 2;

async function withContext(
  config: Config,
  command: string,
  fn: (ctx: AppContext) => Promise<number>,
): Promise<number> {
  let ctx: AppContext;
  try {
    ctx = await openContext(config);
  } catch (err) {
    if (err instanceof AppError && err.code === "data_dir_in_use") {
      const pid = typeof err.extras.pid === "number" ? `process ${err.extras.pid}` : "another process";
      console.error(
        `mekong: the data directory ${config.dataDir} is in use by ${pid}; stop it and run \`mekong audit ${command}\` again, ` +
          `run it with DATABASE_URL if the catalog is on a PostgreSQL server, or call GET /api/v1/audit/verify on the running server`,
      );
      return EXIT_UNAVAILABLE;
    }
    throw err;
  }
  try {
    return await fn(ctx);
  } finally {
    await closeContext(ctx);
  }
}

export function registerAuditCommands(program: Command) {
  const audit = program.command("audit").description("check and sign the audit log");

  audit
    .command("verify")
    .description("verify the audit chain and its signed checkpoints (exit 1 when broken)")
    .option("--data <dir>", "data directory (default ./data or MEKONG_DATA_DIR)")
    .option("--json", "print the full report as JSON")
    .action((opts: CommonFlags & { json?: boolean }) =>
      runCommand(() =>
        withContext(configFromFlags(opts), "verify", async (ctx) => {
          const report = await reportAuditChain(ctx.db, ctx.key);
          if (opts.json) {
            console.log(JSON.stringify(report, null, 2));
          } else if (report.ok) {
            const last = report.checkpoint ? ` (last #${report.checkpoint.seq})` : "";
            console.log(
              `audit chain intact: ${report.entries} entries, head #${report.headSeq} ${report.headHash.slice(0, 12)}, ` +
                `${report.checkpoints} signed checkpoints${last}`,
            );
          } else {
            const { seq, reason, detail } = report.firstBroken;
            console.log(`audit chain BROKEN at entry #${seq}: ${reason} — ${detail}`);
          }
          return report.ok ? 0 : 1;
        }),
      ),
    );

  audit
    .command("checkpoint")
    .description("sign a checkpoint at the chain's head now")
    .option("--data <dir>", "data directory (default ./data or MEKONG_DATA_DIR)")
    .action((opts: CommonFlags) =>
      runCommand(() =>
        withContext(configFromFlags(opts), "checkpoint", async (ctx) => {
          const made = await ctx.audit.checkpoint(ctx.db);
          console.log(
            made
              ? `signed audit checkpoint at entry #${made.seq} with key ${ctx.key.keyId}`
              : "no new audit entries since the last checkpoint; nothing to sign",
          );
          return 0;
        }),
      ),
    );
}
