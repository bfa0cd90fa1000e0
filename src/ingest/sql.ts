// Quoting for the few places DuckDB takes no parameters: table-function options (file paths, column lists,
// null strings) and COPY targets must be constants. Every identifier and literal the ingest SQL contains
// goes through these two functions; nothing else is spliced.

/** A DuckDB identifier, always quoted. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A DuckDB string literal. Standard strings have no backslash escapes, so doubling quotes is complete. */
export function literal(text: string): string {
  if (text.includes("\0")) throw new RangeError("NUL cannot appear in a SQL string literal");
  return `'${text.replaceAll("'", "''")}'`;
}

/** `[ 'a', 'b' ]` */
export function literalList(texts: readonly string[]): string {
  return `[${texts.map(literal).join(", ")}]`;
}

/** `{'name': 'TYPE', …}` for read_csv/read_json `columns`. */
export function columnsStruct(columns: readonly { id: string; type: string }[]): string {
  return `{${columns.map((c) => `${literal(c.id)}: ${literal(c.type)}`).join(", ")}}`;
}
