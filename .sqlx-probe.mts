import { DuckDBInstance } from "@duckdb/node-api";
const inst = await DuckDBInstance.create(":memory:");
const c = await inst.connect();
const r = await c.runAndReadAll(process.argv[2]!);
for (const row of r.getRowsJson()) console.log(row.join("\t"));
