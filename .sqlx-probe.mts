import { DuckDBInstance } from "@duckdb/node-api";
const inst = await DuckDBInstance.create(":memory:");
const c = await inst.connect();
const full = process.env.FULL === "1";
for (const s of process.argv.slice(2)) {
  console.log("=== " + s);
  const r = await c.runAndReadAll("SELECT json_serialize_sql($1::VARCHAR) AS j", [s]);
  const j = JSON.parse(String(r.getRowObjectsJson()[0]?.j));
  if (full || j.error) { console.log(JSON.stringify(j)); continue; }
  const seen = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (typeof o.class === "string") seen.add(`E:${o.class}/${o.type}${o.function_name ? ":" + o.function_name : ""}${o.schema ? " schema=" + o.schema : ""}`);
      else if (typeof o.type === "string") seen.add(`T:${o.type}${o.table_name ? ":" + o.table_name : ""}${o.schema_name ? " schema=" + o.schema_name : ""}${o.catalog_name ? " cat=" + o.catalog_name : ""}${o.at_clause ? " AT" : ""}`);
      for (const x of Object.values(o)) walk(x);
    }
  };
  walk(j.statements);
  console.log([...seen].join("  "));
}
