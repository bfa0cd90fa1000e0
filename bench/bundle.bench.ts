/**
 * The portal's weight on the wire: builds it (`npm run build:web`) and reports each JS and CSS asset's
 * size, raw and gzipped (level 6, what servers and CDNs use by default).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT_DIR, round, writeResult } from "./lib/results.ts";

const kib = (n: number) => round(n / 1024, 1);

execFileSync("npm", ["run", "build:web", "--silent"], { cwd: ROOT_DIR, stdio: "inherit" });
const dir = path.join(ROOT_DIR, "web/dist/assets");
const assets = readdirSync(dir)
  .filter((f) => f.endsWith(".js") || f.endsWith(".css"))
  .map((f) => {
    const bytes = readFileSync(path.join(dir, f));
    return {
      file: f,
      kind: path.extname(f).slice(1),
      rawKiB: kib(bytes.length),
      gzipKiB: kib(gzipSync(bytes, { level: 6 }).length),
    };
  })
  .sort((a, b) => b.gzipKiB - a.gzipKiB);
const total = (kind: string) =>
  round(
    assets.filter((a) => a.kind === kind).reduce((s, a) => s + a.gzipKiB, 0),
    1,
  );
const file = writeResult("bundle", { assets, gzipKiB: { js: total("js"), css: total("css") } });
console.table(assets);
console.log(`[bundle] gzipped: ${total("js")} KiB JS, ${total("css")} KiB CSS; figures in ${file}`);
