/**
 * The part of Solr's query syntax CKAN clients put in `q` and `fq`: `field:value` clauses (bare, `"quoted"`,
 * `(a OR b)` or a `[from TO to]` range), `+`/`-`/`NOT` prefixes, `AND`/`OR` between clauses, `*:*`, and
 * free-text words. Clauses are AND-ed, as CKAN's filter queries are; `OR` may join values of one field
 * (`organization:a OR organization:b`, how ckanext-harvest writes an organization filter). Anything else —
 * OR across fields, nested boolean groups — is a syntax this surface does not answer, and says so.
 */

export interface SolrClause {
  /** Field name, lower case. */
  field: string;
  /** Values OR-ed together (empty for a range). */
  values: string[];
  /** `[from TO to]`; an open end (`*`) is undefined. */
  range?: { from?: string; to?: string };
  negate: boolean;
}

export interface SolrQuery {
  /** Free-text words and phrases. */
  text: string[];
  clauses: SolrClause[];
}

export class SolrSyntaxError extends Error {
  override name = "SolrSyntaxError";
}

const OPENERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** Splits on whitespace outside quotes, parentheses and brackets, keeping backslash escapes. */
function splitTopLevel(input: string): string[] {
  const tokens: string[] = [];
  const closers: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] as string;
    if (ch === "\\") {
      current += ch + (input[i + 1] ?? "");
      i++;
      continue;
    }
    if (quoted) {
      current += ch;
      if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (OPENERS[ch]) closers.push(OPENERS[ch] as string);
    else if (ch === ")" || ch === "]" || ch === "}") {
      if (closers.pop() !== ch) throw new SolrSyntaxError(`unbalanced ${ch}`);
    } else if (/\s/.test(ch) && closers.length === 0) {
      if (current) tokens.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  if (quoted) throw new SolrSyntaxError("unterminated quote");
  if (closers.length > 0) throw new SolrSyntaxError(`missing ${closers.at(-1)}`);
  if (current) tokens.push(current);
  return tokens;
}

/** A bare or quoted term without its quotes and escapes. */
function unquote(term: string): string {
  const inner = term.length >= 2 && term.startsWith('"') && term.endsWith('"') ? term.slice(1, -1) : term;
  return inner.replace(/\\(.)/g, "$1");
}

/** Index of the first `:` that is not escaped or inside quotes, or -1. */
function fieldSeparator(token: string): number {
  let quoted = false;
  for (let i = 0; i < token.length; i++) {
    const ch = token[i];
    if (ch === "\\") i++;
    else if (ch === '"') quoted = !quoted;
    else if (ch === ":" && !quoted) return i;
    else if (!quoted && (ch === "(" || ch === "[" || ch === "{")) return -1;
  }
  return -1;
}

function parseRange(raw: string): { from?: string; to?: string } {
  const parts = splitTopLevel(raw.slice(1, -1));
  if (parts.length !== 3 || parts[1] !== "TO") throw new SolrSyntaxError(`not a range: ${raw}`);
  const end = (part: string) => (part === "*" ? undefined : unquote(part));
  return { from: end(parts[0] as string), to: end(parts[2] as string) };
}

function parseValues(raw: string): string[] {
  if (!raw.startsWith("(")) return [unquote(raw)];
  const values: string[] = [];
  for (const part of splitTopLevel(raw.slice(1, -1))) {
    if (part === "OR" || part === "||") continue;
    if (part === "AND" || part === "&&" || part.startsWith("(")) {
      throw new SolrSyntaxError(`only OR may join values inside ${raw}`);
    }
    values.push(unquote(part));
  }
  if (values.length === 0) throw new SolrSyntaxError(`no values in ${raw}`);
  return values;
}

type Parsed = { kind: "text"; text: string } | { kind: "clause"; clause: SolrClause } | { kind: "all" };

function parseToken(token: string, negateByNot: boolean): Parsed[] {
  const sign = token[0] === "+" || token[0] === "-" ? token[0] : "";
  const body = token.slice(sign.length);
  const negate = negateByNot !== (sign === "-");
  if (!body) throw new SolrSyntaxError(`empty clause ${JSON.stringify(token)}`);
  if (body.startsWith("(") && body.endsWith(")")) {
    // A parenthesised group of clauses: allowed when it is one OR-ed field, e.g. (tags:a OR tags:b).
    const inner = parseSolrQuery(body.slice(1, -1));
    if (inner.text.length > 0 || inner.clauses.length !== 1) {
      throw new SolrSyntaxError(`groups of different clauses are not supported: ${token}`);
    }
    const clause = inner.clauses[0] as SolrClause;
    return [{ kind: "clause", clause: { ...clause, negate: clause.negate !== negate } }];
  }
  const at = fieldSeparator(body);
  if (at <= 0) {
    if (negate) throw new SolrSyntaxError(`negated free text is not supported: ${token}`);
    return [{ kind: "text", text: unquote(body) }];
  }
  const field = unquote(body.slice(0, at)).toLowerCase();
  const raw = body.slice(at + 1);
  if (!raw) throw new SolrSyntaxError(`no value for ${field}`);
  if (field === "*" && raw === "*") return [{ kind: "all" }];
  if (raw.startsWith("[") || raw.startsWith("{")) {
    return [{ kind: "clause", clause: { field, values: [], range: parseRange(raw), negate } }];
  }
  return [{ kind: "clause", clause: { field, values: parseValues(raw), negate } }];
}

/** Parses one `q` or `fq` string. @throws SolrSyntaxError for syntax this surface does not answer. */
export function parseSolrQuery(input: string): SolrQuery {
  const query: SolrQuery = { text: [], clauses: [] };
  let pendingOr = false;
  let pendingNot = false;
  let last: Parsed | undefined;
  for (const token of splitTopLevel(input)) {
    if (token === "AND" || token === "&&") continue;
    if (token === "OR" || token === "||") {
      if (!last) throw new SolrSyntaxError("OR without a clause before it");
      pendingOr = true;
      continue;
    }
    if (token === "NOT" || token === "!") {
      pendingNot = true;
      continue;
    }
    for (const parsed of parseToken(token, pendingNot)) {
      if (parsed.kind === "all") continue;
      if (parsed.kind === "text") query.text.push(parsed.text);
      else if (pendingOr && last?.kind === "clause") mergeOr(last.clause, parsed.clause);
      else if (pendingOr && last?.kind === "text") {
        throw new SolrSyntaxError("OR between free text and a field clause is not supported");
      } else query.clauses.push(parsed.clause);
      if (!(pendingOr && last?.kind === "clause" && parsed.kind === "clause")) last = parsed;
    }
    pendingOr = false;
    pendingNot = false;
  }
  if (pendingOr || pendingNot) throw new SolrSyntaxError("the query ends with an operator");
  return query;
}

function mergeOr(into: SolrClause, next: SolrClause): void {
  if (into.field !== next.field || into.negate || next.negate || into.range || next.range) {
    throw new SolrSyntaxError("OR is supported only between values of one field");
  }
  into.values.push(...next.values);
}
