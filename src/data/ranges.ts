/**
 * HTTP byte ranges (RFC 9110 §14) for the whole-version Parquet download: one range of `bytes=a-b`,
 * `bytes=a-` or `bytes=-n`. A header this does not understand, or several ranges, is ignored (the whole
 * file is answered, as the RFC allows); a well-formed range past the end is unsatisfiable.
 */

export interface InclusiveRange {
  start: number;
  end: number;
}

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

export function parseRange(header: string, size: number): InclusiveRange | "unsatisfiable" | undefined {
  const m = SINGLE_RANGE.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (!Number.isSafeInteger(suffix)) return undefined;
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? Number.MAX_SAFE_INTEGER : Number(m[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}
