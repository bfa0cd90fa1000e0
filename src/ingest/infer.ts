// Schema inference over text columns: a guess per column from a sample, then one set-based scan of the
// whole relation in DuckDB that counts, per column and candidate, the values that do not fit. Candidates
// of a column are nested (each accepts all the previous accepts), so a later check only runs on the values
// the earlier ones rejected, and the first candidate with zero failures wins; none means string.

import { checkExpr } from "./casts.ts";
import { type Candidate, classifyColumn } from "./classify.ts";
import { resolveGuesses } from "./resolve.ts";
import { ident } from "./sql.ts";

/** Rows of the sample that inference and header detection look at. */
export const SAMPLE_ROWS = 10_000;

export interface CheckPlan {
  ids: string[];
  chains: Candidate[][];
  warnings: string[];
}

/** Guesses from `sample` (rows of text, null = missing) for the relation's columns `ids`. */
export function planChecks(
  ids: string[],
  names: string[],
  sample: readonly (readonly (string | null)[])[],
): CheckPlan {
  const guesses = ids.map((_, j) => classifyColumn(sample.map((row) => row[j] ?? null)));
  const { chains, warnings } = resolveGuesses(guesses, names);
  return { ids, chains, warnings };
}

/**
 * One scan of `from`: per column, the index of the first candidate each value fits (a CASE evaluates a
 * later check only on the values the earlier ones rejected), and its maximum over the file. Nested chains
 * make that maximum's candidate fit every value; past the end of the chain, nothing fits but text.
 */
export function checkSql(from: string, plan: CheckPlan): string {
  const aggregates = ["count(*) AS row_count"];
  plan.ids.forEach((id, j) => {
    const chain = plan.chains[j] ?? [];
    if (chain.length === 0) return;
    const whens = chain.map((candidate, k) => `WHEN ${checkExpr(id, candidate, "infer")} THEN ${k}`);
    const level = `CASE WHEN ${ident(id)} IS NULL THEN -1 ${whens.join(" ")} ELSE ${chain.length} END`;
    aggregates.push(`max(${level}) AS ${ident(`level_${j}`)}`);
  });
  return `SELECT ${aggregates.join(", ")} FROM ${from}`;
}

export interface CheckOutcome {
  rows: number;
  /** Chosen candidate per column; undefined = string. */
  candidates: (Candidate | undefined)[];
}

/** Reads the scan's answer; a column without any value (level −1 or no rows) is text. */
export function pickCandidates(row: Record<string, unknown>, plan: CheckPlan): CheckOutcome {
  const candidates = plan.ids.map((_, j) => {
    const level = row[`level_${j}`];
    if (level === null || level === undefined) return undefined;
    return (plan.chains[j] ?? [])[Number(level)];
  });
  return { rows: Number(row.row_count ?? 0), candidates };
}
