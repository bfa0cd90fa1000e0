/**
 * How the data API writes SQL: identifiers go through `quoteIdentifier` only after they were checked
 * against the version's fields, and every value a request carries goes through `Bindings.bind` as a
 * positional parameter. The only literal text is what the server itself owns (a blob's file path).
 */

/** `name` as a DuckDB identifier. Call it only with names checked against the schema. */
export const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A server-owned string (a file path under the blob root) as a SQL literal. Never for request input. */
export const quoteServerLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The parameters of one statement, in the order their `$n` placeholders were handed out. */
export class Bindings {
  readonly values: unknown[] = [];

  /** Adds `value` and returns its placeholder, e.g. `$3`. */
  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
