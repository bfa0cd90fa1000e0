/**
 * One Mekong ingest, alone in its own process so its peak memory can be measured: opens a context on the
 * given data directory, creates the organization and an open dataset, and loads the file through
 * `ingestUpload` — detect, infer, cast, Parquet, hash, sign, record — exactly as an upload does.
 * Prints one `RESULT {json}` line: wall seconds, rows, Parquet bytes and the process's peak RSS.
 *
 *   node --import tsx bench/ingest-child.ts FILE DATA_DIR [org/name]
 */
import path from "node:path";
import { createDataset, getDataset } from "../src/catalog/service.ts";
import { getVersion } from "../src/catalog/versions.ts";
import { loadConfig } from "../src/config.ts";
import { closeContext, openContext } from "../src/context.ts";
import { ingestUpload } from "../src/ingest/upload.ts";
import { createOrganization, findOrganization } from "../src/orgs/service.ts";

const [file, dataDir, id = "bench/doanh-nghiep"] = process.argv.slice(2);
if (!file || !dataDir) throw new Error("usage: ingest-child.ts FILE DATA_DIR [org/name]");
const [org = "bench", name = "doanh-nghiep"] = id.split("/");

const ctx = await openContext(
  loadConfig({ ...process.env, MEKONG_DATA_DIR: dataDir, MEKONG_LOG_LEVEL: "warn" }),
);
try {
  if (!(await findOrganization(ctx.db, org))) {
    await createOrganization(ctx.db, ctx.audit, "system:bench", {
      name: org,
      title: "Đơn vị đo hiệu năng",
      kind: "agency",
      country: "VN",
    });
  }
  const actor = { id: null as unknown as string, name: "system:bench" };
  const existing = await getDataset(ctx.db, org, name).catch(() => undefined);
  if (!existing)
    await createDataset(ctx.db, ctx.audit, actor, { org, name, title: name, visibility: "open" });
  const ds = await getDataset(ctx.db, org, name);

  // What the process holds before the ingest starts: Node, the embedded catalog (PGlite) and DuckDB.
  // Opening a fresh catalog (initdb and migrations in PGlite) is the process's high-water mark so far.
  const beforeIngestPeakRssBytes = process.resourceUsage().maxRSS * 1024;
  const rssAtIngestStartBytes = process.memoryUsage.rss();
  // DuckDB works on its own threads, so the event loop is free to sample the resident set meanwhile.
  let peakRssDuringIngestBytes = rssAtIngestStartBytes;
  const sampler = setInterval(() => {
    peakRssDuringIngestBytes = Math.max(peakRssDuringIngestBytes, process.memoryUsage.rss());
  }, 25);
  const started = performance.now();
  // Seconds from the start to the first report of each stage: where the time goes.
  const stageStarts: Record<string, number> = {};
  const version = await ingestUpload(ctx, {
    onProgress: (p) => {
      stageStarts[p.stage] ??= Number(((performance.now() - started) / 1000).toFixed(3));
    },
    ds,
    filePath: path.resolve(file),
    options: { mode: "replace", filename: path.basename(file), inferSchema: true },
    actor: "system:bench",
    userId: null,
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const { tableSchema } = await getVersion(ctx.db, await getDataset(ctx.db, org, name));
  console.log(
    `RESULT ${JSON.stringify({
      seconds,
      stageStarts,
      rows: version.rows,
      parquetBytes: version.bytes,
      version: version.id,
      fields: (tableSchema as { fields: { name: string; type: string }[] }).fields.map(
        (f) => `${f.name}:${f.type}`,
      ),
      // resourceUsage().maxRSS is in kilobytes.
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      beforeIngestPeakRssBytes,
      rssAtIngestStartBytes,
      peakRssDuringIngestBytes,
    })}`,
  );
} finally {
  await closeContext(ctx);
}
