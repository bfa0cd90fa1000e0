import { DuckDBInstance } from "@duckdb/node-api";
const inst = await DuckDBInstance.create(":memory:", { threads: "2" });
const c = await inst.connect();
c.interrupt();
try { console.log("after idle interrupt:", (await c.runAndReadAll("SELECT 1 AS x")).getRowObjectsJson()); } catch (e) { console.log("idle interrupt leaked:", (e as Error).message); }
const t0 = Date.now();
const timer = setTimeout(() => c.interrupt(), 300);
try {
  const prep = await c.prepare("SELECT count(*) FROM range(10000000000)");
  const res = await prep.stream();
  console.log("streaming", res.isStreaming);
  const ch = await res.fetchChunk();
  console.log("chunk", ch?.rowCount);
} catch (e) { console.log("interrupted after", Date.now() - t0, (e as Error).message); }
clearTimeout(timer);
try { console.log("after:", (await c.runAndReadAll("SELECT 2 AS x")).getRowObjectsJson()); } catch (e) { console.log("after err:", (e as Error).message); }
// early stop
const prep2 = await c.prepare("SELECT i, i AS i FROM range(10000000) t(i)");
const r2 = await prep2.stream();
console.log(r2.deduplicatedColumnNames(), r2.columnTypes().map(String));
let n = 0; while (n < 5000) { const ch = await r2.fetchChunk(); if (!ch || ch.rowCount === 0) break; n += ch.rowCount; }
console.log("fetched", n);
console.log("next:", (await c.runAndReadAll("SELECT 3 AS x")).getRowObjectsJson());
// cross join timeout
const t1 = Date.now();
const timer2 = setTimeout(() => c.interrupt(), 300);
try { const r3 = await (await c.prepare("SELECT a.i * b.i FROM range(1000000) a(i), range(1000000) b(i) ORDER BY 1 DESC")).stream(); await r3.fetchChunk(); } catch (e) { console.log("x interrupted after", Date.now() - t1, (e as Error).message); }
clearTimeout(timer2);
const t2 = Date.now();
const timer3 = setTimeout(() => c.interrupt(), 300);
try { const r3 = await (await c.prepare("SELECT sleep_ms(3000)")).stream(); await r3.fetchChunk(); console.log("sleep done", Date.now()-t2) } catch (e) { console.log("sleep interrupted after", Date.now() - t2, (e as Error).message); }
clearTimeout(timer3);
