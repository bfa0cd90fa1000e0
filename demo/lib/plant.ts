/**
 * Planting quality problems in generated rows on purpose, and remembering where: each problem is recorded
 * with its 1-based data row numbers for the manifest, so the quality checks can be tested against them.
 */
import type { PlantedProblem } from "../../src/demo/manifest.ts";
import type { Random } from "./random.ts";

export type Row = Record<string, string | number | boolean | null>;

export class Planter {
  readonly problems: PlantedProblem[] = [];
  private readonly touched = new Set<Row>();

  constructor(
    private readonly rng: Random,
    private readonly rows: Row[],
  ) {}

  /**
   * Copies `count` rows and inserts each copy a little later in the file (as a re-sent batch would),
   * recording both positions. Call before planting anything else: it shifts row numbers.
   */
  duplicateRows(count: number, detail: string): void {
    const pairs: [Row, Row][] = [];
    for (const original of this.pickRows(count)) {
      const copy = { ...original };
      const at = Math.min(this.rows.length, this.rows.indexOf(original) + this.rng.int(1, 40));
      this.rows.splice(at, 0, copy);
      this.touched.add(copy);
      pairs.push([original, copy]);
    }
    this.problems.push({
      kind: "duplicate_row",
      rows: pairs
        .flatMap(([a, b]) => [this.rows.indexOf(a) + 1, this.rows.indexOf(b) + 1])
        .sort((a, b) => a - b),
      detail,
    });
  }

  /** Changes `count` untouched rows (optionally only those `where` accepts) and records them. */
  plant(
    problem: Omit<PlantedProblem, "rows">,
    count: number,
    change: (row: Row, n: number) => void,
    where: (row: Row) => boolean = () => true,
  ): Row[] {
    const picked = this.pickRows(count, where);
    picked.forEach((row, n) => {
      change(row, n);
    });
    this.problems.push({
      ...problem,
      rows: picked.map((row) => this.rows.indexOf(row) + 1).sort((a, b) => a - b),
    });
    return picked;
  }

  /** Gives one row the key (`field`) of another, different row, and records both. */
  reuseKey(field: string, detail: (key: Row[string]) => string): void {
    const [first, second] = this.pickRows(2);
    if (!first || !second) return;
    second[field] = first[field];
    this.record({ kind: "duplicate_key", field, detail: detail(first[field] ?? null) }, [first, second]);
  }

  /** Records a problem on rows already chosen by the caller. */
  record(problem: Omit<PlantedProblem, "rows">, rows: Row[]): void {
    for (const row of rows) this.touched.add(row);
    this.problems.push({
      ...problem,
      rows: rows.map((row) => this.rows.indexOf(row) + 1).sort((a, b) => a - b),
    });
  }

  private pickRows(count: number, where: (row: Row) => boolean = () => true): Row[] {
    const candidates = this.rows.filter((row) => !this.touched.has(row) && where(row));
    if (candidates.length < count)
      throw new Error(`only ${candidates.length} rows to plant ${count} problems in`);
    const picked = new Set<Row>();
    while (picked.size < count) picked.add(this.rng.pick(candidates));
    for (const row of picked) this.touched.add(row);
    return [...picked];
  }
}
