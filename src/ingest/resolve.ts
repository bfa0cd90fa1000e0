// From per-column guesses to candidate chains. Numbers are settled file-wide: a column that only shows
// `1.234` or `1,234` cannot tell thousands from decimals, so the columns that can tell (`1,5`, `3.14`,
// `1.234.567`) vote on the file's decimal separator, and without a vote three digits after the separator
// read as a thousands group — with a warning naming the column.

import {
  type Candidate,
  type ColumnGuess,
  NUMBER_PARSE,
  type NumberConvention,
  withTrim,
} from "./classify.ts";

type NumberGuess = Extract<ColumnGuess, { kind: "number" }>;
type DecimalChar = "." | ",";

/** The decimal separator a number column proves, if it proves one. */
function decimalVote(guess: NumberGuess): DecimalChar | undefined {
  if (!guess.conventions.includes("vi")) return ".";
  if (guess.conventions.length === 1) return ",";
  return undefined;
}

function fileDecimal(guesses: readonly ColumnGuess[]): DecimalChar | undefined {
  const votes = new Set<DecimalChar>();
  for (const guess of guesses) {
    if (guess.kind !== "number") continue;
    const vote = decimalVote(guess);
    if (vote) votes.add(vote);
  }
  return votes.size === 1 ? [...votes][0] : undefined;
}

function chooseConvention(
  guess: NumberGuess,
  decimal: DecimalChar | undefined,
): { convention: NumberConvention; ambiguous: boolean } {
  const { conventions, integers } = guess;
  if (conventions.length === 1) return { convention: conventions[0] as NumberConvention, ambiguous: false };
  if (!conventions.includes("vi")) {
    return { convention: conventions.includes("plain") ? "plain" : "en", ambiguous: false };
  }
  if (conventions.includes("plain")) {
    const noSeparators = integers.includes("plain") && integers.includes("vi");
    if (noSeparators || decimal === ".") return { convention: "plain", ambiguous: false };
    return { convention: "vi", ambiguous: decimal === undefined };
  }
  if (decimal === ",") return { convention: "vi", ambiguous: false };
  return { convention: "en", ambiguous: decimal === undefined };
}

const YEAR_NAME = /(^|_)(nam|year|yr)(_|$)/;

function numberChain(guess: NumberGuess, convention: NumberConvention, name: string): Candidate[] {
  const parse = NUMBER_PARSE[convention];
  if (!guess.integers.includes(convention)) return withTrim({ type: "number", parse, trim: guess.trim });
  // exact variants first, then space-tolerant ones: every candidate accepts all the previous ones accept
  const chain = withTrim({ type: "integer", parse, trim: guess.trim });
  chain.push({ type: "number", parse, trim: true });
  if (convention === "plain" && guess.yearLike && !guess.trim && YEAR_NAME.test(name)) {
    chain.unshift({ type: "year", parse: {}, trim: false });
  }
  return chain;
}

/** Candidates tried for a column the sample saw no value in. */
const EMPTY_CHAIN: Candidate[] = [
  { type: "integer", parse: {}, trim: false },
  { type: "integer", parse: {}, trim: true },
  { type: "number", parse: {}, trim: true },
];

export interface ResolvedColumns {
  /** Per column: candidates from most to least specific, each accepting all the previous accepts; [] = string. */
  chains: Candidate[][];
  warnings: string[];
}

/** Turns guesses into nested candidate chains; `names` (field names) label warnings and hint at years. */
export function resolveGuesses(guesses: readonly ColumnGuess[], names: readonly string[]): ResolvedColumns {
  const decimal = fileDecimal(guesses);
  const warnings: string[] = [];
  const chainOf = (guess: ColumnGuess, name: string): Candidate[] => {
    if (guess.kind === "string") return [];
    if (guess.kind === "empty") return EMPTY_CHAIN;
    if (guess.kind === "typed") {
      if (guess.note) warnings.push(`Column "${name}": ${guess.note}.`);
      return guess.chain;
    }
    const { convention, ambiguous } = chooseConvention(guess, decimal);
    if (ambiguous) {
      const sep = NUMBER_PARSE[convention].groupChar;
      warnings.push(
        `Column "${name}": "${sep}" followed by three digits was read as a thousands separator; ` +
          "pass a schema with decimalChar to read it as a decimal point.",
      );
    }
    return numberChain(guess, convention, name);
  };
  const chains = guesses.map((guess, i) => chainOf(guess, names[i] ?? `column_${i + 1}`));
  return { chains, warnings };
}
