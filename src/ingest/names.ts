// Field names from header texts: the text stays as the field's title, the name becomes a safe identifier
// (lowercase ASCII, Vietnamese diacritics folded, `đ` → `d`) that SQL, Parquet and URLs take unquoted.

/** PostgreSQL's identifier limit, the tightest of the systems the names travel to. */
const MAX_NAME_LENGTH = 63;

/** "Hà Nội" → "Ha Noi", "Đường" → "Duong": diacritics removed, the rest untouched. */
export function foldDiacritics(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Mn}/gu, "")
    .replaceAll("đ", "d")
    .replaceAll("Đ", "D");
}

/** One header text as an identifier, or "" when nothing usable is left. */
export function toIdentifier(text: string): string {
  const base = foldDiacritics(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  const name = /^[0-9]/.test(base) ? `_${base}` : base;
  return name.slice(0, MAX_NAME_LENGTH).replace(/_+$/, "");
}

/**
 * Safe, unique names for a header row: `column_N` (1-based position) for an empty or unusable header,
 * and `_2`, `_3`… appended to repeats ("Tên", "tên" → `ten`, `ten_2`).
 */
export function fieldNames(headers: readonly (string | null | undefined)[]): string[] {
  const taken = new Set<string>();
  const bases = headers.map((header, i) => toIdentifier(header ?? "") || `column_${i + 1}`);
  // Names that are already unique keep priority over generated suffixes: `a`, `a`, `a_2` → `a`, `a_3`, `a_2`.
  const counts = new Map<string, number>();
  for (const base of bases) counts.set(base, (counts.get(base) ?? 0) + 1);
  for (const base of bases) if (counts.get(base) === 1) taken.add(base);
  const seen = new Set<string>();
  return bases.map((base) => {
    if (counts.get(base) === 1) return base;
    if (!seen.has(base)) {
      seen.add(base);
      taken.add(base);
      return base;
    }
    for (let n = 2; ; n++) {
      const suffix = `_${n}`;
      const candidate = `${base.slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
      if (!taken.has(candidate)) {
        taken.add(candidate);
        return candidate;
      }
    }
  });
}
