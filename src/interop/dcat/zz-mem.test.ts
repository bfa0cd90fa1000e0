import { it } from "vitest";
import { testApp } from "../../../test/helpers/test-app.ts";
it("mem", async () => {
  const t = await testApp();
  const org = await t.makeOrg({ name: "tong-cuc-thong-ke" });
  const N = 100_000;
  await t.ctx.database.query(
    `insert into datasets (org_id, name, title, description, visibility, metadata)
     select $1, 'bang-' || lpad(i::text, 6, '0'), 'Bảng thống kê số ' || i, 'Mô tả bảng thống kê số ' || i, 'open', '{"keywords": ["thống kê", "dân số"], "themes": ["SOCI"], "spatial": ["01","79"], "licence": "CC-BY-4.0", "frequency": "ANNUAL"}'::jsonb
     from generate_series(1, $2::int) as i`, [org.id, N]);
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  const addr = t.app.server.address() as { port: number };
  global.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss, peakHeap = before.heapUsed;
  const timer = setInterval(() => { const m = process.memoryUsage(); peakRss = Math.max(peakRss, m.rss); peakHeap = Math.max(peakHeap, m.heapUsed); }, 200);
  const started = Date.now();
  const res = await fetch(`http://127.0.0.1:${addr.port}/catalog.ttl?page_size=all`);
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  clearInterval(timer);
  console.log(JSON.stringify({ N, bytes, seconds: (Date.now() - started) / 1000, rssBeforeMB: before.rss / 2**20, peakRssMB: peakRss / 2**20, heapBeforeMB: before.heapUsed / 2**20, peakHeapMB: peakHeap / 2**20 }));
  await t.close();
}, 900_000);
