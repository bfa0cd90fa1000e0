import { it } from "vitest";
import { makeDatasetWithRows } from "../../../test/helpers/datasets.ts";
import { testApp } from "../../../test/helpers/test-app.ts";
it("probe", async () => {
  const t = await testApp();
  await t.makeOrg({ name: "so-gtvt" });
  await makeDatasetWithRows(t.ctx, { org: "so-gtvt", name: "pt", columns: { a: "VARCHAR", b: "BIGINT", c: "DOUBLE", d: "BOOLEAN", e: "DATE", f: "TIMESTAMP" }, rows: [{ a: "x", b: 9007199254740993, c: 1.5, d: true, e: "2024-03-01", f: "2024-03-01T09:30:00" }, { a: null, b: null, c: null, d: null, e: null, f: null }] });
  const res = await t.app.inject({ url: "/api/v1/datasets/so-gtvt/pt/rows?total=exact" });
  console.error("OUT", res.statusCode, res.body);
  const r2 = await t.app.inject({ url: "/api/v1/datasets/so-gtvt/pt/rows?limit=1" });
  console.error("OUT2", r2.body);
  await t.close();
}, 60000);
