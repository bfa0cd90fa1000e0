/**
 * `mekong ingest FILE --dataset org/name [--mode …] [--create]`: loads a file as the dataset's next
 * version with a progress bar (bytes, rows, rate, ETA). With `--server URL` (and MEKONG_TOKEN) it uploads
 * to a running Mekong; otherwise it works on the data directory directly (which no server may hold).
 */
import { randomBytes } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { createDataset, getDataset } from "../catalog/service.ts";
import { closeContext, openContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { ingestUpload, type UploadMode } from "../ingest/upload.ts";
import { type CommonFlags, configFromFlags, runCommand } from "./common.ts";

interface IngestFlags extends CommonFlags {
  dataset: string;
  mode: UploadMode;
  create?: boolean;
  title?: string;
  visibility?: string;
  format?: string;
  encoding?: string;
  sheet?: string;
  server?: string;
}

const bar = (unit: string) =>
  new SingleBar({
    format: `{stage} |{bar}| {percentage}% | {done}/{size} ${unit} | {rows} rows | {rate}/s | ETA {eta_formatted}`,
    barCompleteChar: "█",
    barIncompleteChar: "░",
    hideCursor: true,
    etaBuffer: 50,
    noTTYOutput: true,
    notTTYSchedule: 2000,
  });

const mb = (n: number) => (n / 1024 ** 2).toFixed(1);

function parseDatasetId(id: string) {
  const m = /^([a-z0-9][a-z0-9-]{1,62})\/([a-z0-9][a-z0-9_-]{1,99})$/.exec(id);
  if (!m?.[1] || !m[2]) throw new AppError("validation_failed", "--dataset must look like org/name");
  return { org: m[1], name: m[2] };
}

async function ingestLocally(file: string, flags: IngestFlags): Promise<number> {
  const { org, name } = parseDatasetId(flags.dataset);
  const ctx = await openContext(configFromFlags(flags));
  const progress = bar("MB");
  try {
    let ds = await getDataset(ctx.db, org, name).catch((err) => {
      if (err instanceof AppError && err.code === "dataset_not_found" && flags.create) return undefined;
      throw err;
    });
    if (!ds) {
      await createDataset(
        ctx.db,
        ctx.audit,
        { id: null as unknown as string, name: "system:cli" },
        {
          org,
          name,
          title: flags.title ?? name,
          visibility: (flags.visibility as "draft") ?? "draft",
        },
      );
      ds = await getDataset(ctx.db, org, name);
    }
    const size = statSync(file).size;
    progress.start(Number(mb(size)), 0, {
      stage: "detect",
      done: "0.0",
      size: mb(size),
      rows: 0,
      rate: "0 MB",
    });
    const started = Date.now();
    const version = await ingestUpload(ctx, {
      ds,
      filePath: file,
      options: {
        mode: flags.mode,
        filename: path.basename(file),
        format: flags.format as never,
        encoding: flags.encoding,
        sheet: flags.sheet,
      },
      actor: "system:cli",
      userId: null,
      onProgress: (p) => {
        const seconds = Math.max(0.001, (Date.now() - started) / 1000);
        progress.update(Number(mb(p.bytesDone)), {
          stage: p.stage.padEnd(6),
          done: mb(p.bytesDone),
          rows: p.rows ?? 0,
          rate: `${mb(p.bytesDone / seconds)} MB`,
        });
      },
    });
    progress.update(Number(mb(size)), { stage: "done  ", done: mb(size), rows: version.rows });
    progress.stop();
    console.log(
      `${version.id}: ${version.rows} rows, ${version.bytes} bytes Parquet, sha256 ${version.sha256}`,
    );
    return 0;
  } finally {
    progress.stop();
    await closeContext(ctx);
  }
}

/** A multipart body streamed from disk, counting bytes as they leave. */
function multipartBody(file: string, onBytes: (n: number) => void) {
  const boundary = `mekong-${randomBytes(12).toString("hex")}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${path.basename(file).replace(/"/g, "")}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  async function* parts() {
    yield Buffer.from(head);
    let sent = 0;
    for await (const chunk of createReadStream(file)) {
      sent += (chunk as Buffer).length;
      onBytes(sent);
      yield chunk as Buffer;
    }
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return { boundary, stream: Readable.toWeb(Readable.from(parts())) as ReadableStream };
}

async function ingestRemotely(file: string, flags: IngestFlags): Promise<number> {
  const { org, name } = parseDatasetId(flags.dataset);
  const base = (flags.server ?? "").replace(/\/$/, "");
  const token = process.env.MEKONG_TOKEN;
  if (!token) throw new AppError("unauthenticated", "set MEKONG_TOKEN to an API token (POST /api/v1/tokens)");
  const auth = { authorization: `Bearer ${token}` };
  if (flags.create) {
    const res = await fetch(`${base}/api/v1/datasets`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        org,
        name,
        title: flags.title ?? name,
        visibility: flags.visibility ?? "draft",
      }),
    });
    if (res.status !== 201 && res.status !== 409)
      throw new Error(`creating ${org}/${name}: ${await res.text()}`);
  }
  const size = statSync(file).size;
  const progress = bar("MB");
  progress.start(Number(mb(size)), 0, {
    stage: "upload",
    done: "0.0",
    size: mb(size),
    rows: 0,
    rate: "0 MB",
  });
  const started = Date.now();
  const body = multipartBody(file, (sent) =>
    progress.update(Number(mb(sent)), {
      done: mb(sent),
      rate: `${mb(sent / Math.max(0.001, (Date.now() - started) / 1000))} MB`,
    }),
  );
  const query = new URLSearchParams({ mode: flags.mode });
  for (const k of ["format", "encoding", "sheet"] as const) if (flags[k]) query.set(k, String(flags[k]));
  const res = await fetch(`${base}/api/v1/datasets/${org}/${name}/versions?${query}`, {
    method: "POST",
    headers: { ...auth, "content-type": `multipart/form-data; boundary=${body.boundary}` },
    body: body.stream,
    duplex: "half",
  } as RequestInit);
  let answer = (await res.json()) as Record<string, unknown>;
  if (res.status === 202) {
    const jobUrl = `${base}${(answer.links as { job: string }).job}`;
    progress.setTotal(100);
    for (;;) {
      const job = (await (await fetch(jobUrl, { headers: auth })).json()) as Record<string, unknown>;
      progress.update(Math.round(Number(job.progress) * 100), {
        stage: "ingest",
        done: "",
        size: "",
        rows: 0,
      });
      if (job.state === "succeeded") {
        answer = job.result as Record<string, unknown>;
        break;
      }
      if (job.state === "failed" || job.state === "cancelled") {
        progress.stop();
        console.error(`mekong: ingest ${job.state}: ${JSON.stringify(job.error)}`);
        return 1;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } else if (res.status !== 201) {
    progress.stop();
    console.error(`mekong: ${answer.code}: ${answer.detail ?? answer.title}`);
    return 1;
  }
  progress.stop();
  console.log(`${answer.id}: ${answer.rows} rows, ${answer.bytes} bytes Parquet, sha256 ${answer.sha256}`);
  return 0;
}

export function registerIngestCommand(program: Command) {
  program
    .command("ingest <file>")
    .description("load a file (CSV/TSV/XLSX/JSON/NDJSON/Parquet) as a dataset's next version")
    .requiredOption("--dataset <org/name>", "the dataset to add the version to")
    .option("--mode <mode>", "replace | append | upsert", "replace")
    .option("--create", "create the dataset if it does not exist")
    .option("--title <title>", "title for a dataset created with --create")
    .option("--visibility <v>", "draft | private | shared | open, for --create", "draft")
    .option("--format <format>", "force the format instead of detecting it")
    .option("--encoding <encoding>", "force the text encoding (e.g. windows-1258)")
    .option("--sheet <name>", "the XLSX sheet to read (default: the first)")
    .option(
      "--server <url>",
      "upload to a running Mekong (token from MEKONG_TOKEN) instead of the data directory",
    )
    .option("--data <dir>", "data directory (default ./data or MEKONG_DATA_DIR)")
    .action((file: string, flags: IngestFlags) =>
      runCommand(async () => {
        if (!["replace", "append", "upsert"].includes(flags.mode)) {
          throw new AppError("validation_failed", "--mode must be replace, append or upsert");
        }
        return flags.server ? ingestRemotely(file, flags) : ingestLocally(file, flags);
      }),
    );
}
