/**
 * `mekong serve`: the API, the portal and a job worker in one process. Stops gracefully on SIGTERM or
 * SIGINT: stop accepting, finish in-flight requests and the jobs' current step, close the database.
 */
import type { Command } from "commander";
import { buildApp } from "../app.ts";
import { closeContext, openContext } from "../context.ts";
import { seedDemo } from "../demo/seed.ts";
import { sweepOrphanBlobs } from "../ingest/orphans.ts";
import { startBackgroundWork } from "../jobs/background.ts";
import { type CommonFlags, configFromFlags, runCommand } from "./common.ts";

export function registerServeCommand(program: Command) {
  program
    .command("serve")
    .description("start the API, the portal and a job worker")
    .option("--port <port>", "port to listen on (0 picks a free one; default 8080 or MEKONG_PORT)")
    .option("--data <dir>", "data directory (default ./data or MEKONG_DATA_DIR)")
    .option("--demo", "load demo content and print the demo admin's credentials")
    .action((opts: CommonFlags & { demo?: boolean }) =>
      runCommand(async () => {
        const config = configFromFlags(opts);
        const ctx = await openContext(config);
        // Alone on an embedded catalog nothing else can be mid-ingest; on a shared store, spare the last hour.
        await sweepOrphanBlobs(ctx, ctx.database.kind === "pglite" ? 0 : 3_600_000);
        const { app } = await buildApp(ctx);
        const demo = opts.demo ? await seedDemo(ctx) : undefined;
        const background = startBackgroundWork(ctx, app.log);
        const address = await app.listen({ host: config.host, port: config.port });
        const url = new URL(address);
        if (url.hostname === "0.0.0.0" || url.hostname === "[::]") url.hostname = "127.0.0.1";
        console.log(`Mekong listening on ${url.origin}`);
        console.log(
          `Database: ${ctx.database.kind === "pglite" ? `embedded PGlite in ${config.dataDir}` : "PostgreSQL server"}`,
        );
        if (demo) console.log(`Demo admin: ${demo.email} / ${demo.password}`);

        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            app.log.info({ signal }, "shutting down");
            resolve();
          };
          process.once("SIGTERM", () => stop("SIGTERM"));
          process.once("SIGINT", () => stop("SIGINT"));
        });
        await app.close();
        await background.stop();
        await closeContext(ctx);
        return 0;
      }),
    );
}
