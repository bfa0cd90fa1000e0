/** `mekong user create`: accounts from the command line (the first admin, scripted provisioning). */
import type { Command } from "commander";
import { createUser } from "../auth/users.ts";
import { closeContext, openContext } from "../context.ts";
import { type CommonFlags, configFromFlags, runCommand } from "./common.ts";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

export function registerUserCommands(program: Command) {
  const user = program.command("user").description("manage user accounts");
  user
    .command("create")
    .description("create a user account")
    .requiredOption("--email <email>", "the user's email (their sign-in name)")
    .requiredOption("--name <name>", "the user's full name")
    .option("--password-stdin", "read the password from standard input")
    .option("--admin", "make the user a platform admin")
    .option("--data <dir>", "data directory (default ./data or MEKONG_DATA_DIR)")
    .action((opts: CommonFlags & { email: string; name: string; passwordStdin?: boolean; admin?: boolean }) =>
      runCommand(async () => {
        const password = opts.passwordStdin ? await readStdin() : undefined;
        const ctx = await openContext(configFromFlags(opts));
        try {
          const created = await createUser(ctx.db, ctx.audit, "system:cli", {
            email: opts.email,
            name: opts.name,
            password,
            isPlatformAdmin: opts.admin ?? false,
          });
          console.log(
            `created user ${created.email} (${created.id})${created.isPlatformAdmin ? " as platform admin" : ""}`,
          );
          return 0;
        } finally {
          await closeContext(ctx);
        }
      }),
    );
}
