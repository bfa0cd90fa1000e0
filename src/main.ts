/** CLI entry: `mekong serve | worker | ingest | verify | user | audit …`. Each command lives in `cli/`. */
import { Command } from "commander";
import { registerAuditCommands } from "./cli/audit.ts";
import { registerIngestCommand } from "./cli/ingest.ts";
import { registerServeCommand } from "./cli/serve.ts";
import { registerUserCommands } from "./cli/user.ts";
import { registerVerifyCommand } from "./cli/verify.ts";
import { registerWorkerCommand } from "./cli/worker.ts";
import { VERSION } from "./version.ts";

const program = new Command()
  .name("mekong")
  .description("Mekong: catalog, load, check, publish, share and exchange data")
  .version(VERSION);

registerServeCommand(program);
registerWorkerCommand(program);
registerUserCommands(program);
registerAuditCommands(program);
registerVerifyCommand(program);
registerIngestCommand(program);

await program.parseAsync(process.argv);
