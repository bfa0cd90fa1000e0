// Conversion between DuckDB values and plain JSON-ready JavaScript: bound parameters in, row objects out.
// Integers become numbers while they are exact (else decimal strings), DECIMAL becomes a number, dates and
// timestamps become ISO 8601 strings; everything else follows @duckdb/node-api's JSON conversion.

import {
  blobValue,
  type DuckDBDateValue,
  type DuckDBDecimalValue,
  type DuckDBTimestampMillisecondsValue,
  type DuckDBTimestampNanosecondsValue,
  type DuckDBTimestampSecondsValue,
  type DuckDBTimestampTZValue,
  type DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBValue,
  type DuckDBValueConverter,
  type Json,
  JsonDuckDBValueConverter,
  listValue,
  timestampTZValue,
} from "@duckdb/node-api";
import { EngineParameterError } from "./errors.ts";

/** A value in a result row: what JSON can carry. */
export type SqlValue = Json;
export type Row = Record<string, SqlValue>;
export type QueryParams = readonly unknown[] | Readonly<Record<string, unknown>>;

const MS_PER_DAY = 86_400_000;

function exactNumber(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/**
 * ISO 8601 text for a count of `units` since the epoch, where `unitsPerMs` of them make a millisecond and
 * `fractionDigits` sub-second digits are shown. Naive timestamps get no zone; TIMESTAMPTZ gets `Z`.
 */
function isoFromEpoch(units: bigint, unitsPerMs: bigint, fractionDigits: number, zone: "" | "Z"): string {
  let ms = units / unitsPerMs;
  let rest = units % unitsPerMs;
  if (rest < 0n) {
    ms -= 1n;
    rest += unitsPerMs;
  }
  const base = new Date(Number(ms)).toISOString().slice(0, -1); // drop the Z
  const subMs = fractionDigits > 3 ? rest.toString().padStart(fractionDigits - 3, "0") : "";
  const fraction = `${base.slice(-3)}${subMs}`.replace(/0+$/, "");
  return `${base.slice(0, -4)}${fraction ? `.${fraction}` : ""}${zone}`;
}

type Timestamp = { isFinite: boolean; toString(): string };

function finiteOr(value: Timestamp, toIso: () => string): string {
  if (!value.isFinite) return value.toString(); // "infinity" / "-infinity"
  try {
    return toIso();
  } catch {
    return value.toString(); // outside the range a JavaScript Date can express
  }
}

/** Converts one DuckDB value (recursing into lists, structs and maps) to its JSON-ready form. */
export const convertValue: DuckDBValueConverter<Json> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return exactNumber(value as bigint);
    case DuckDBTypeId.DECIMAL:
      return (value as DuckDBDecimalValue).toDouble();
    case DuckDBTypeId.DATE: {
      const date = value as DuckDBDateValue;
      return finiteOr(date, () => new Date(date.days * MS_PER_DAY).toISOString().slice(0, -14));
    }
    case DuckDBTypeId.TIMESTAMP: {
      const ts = value as DuckDBTimestampValue;
      return finiteOr(ts, () => isoFromEpoch(ts.micros, 1000n, 6, ""));
    }
    case DuckDBTypeId.TIMESTAMP_TZ: {
      const ts = value as DuckDBTimestampTZValue;
      return finiteOr(ts, () => isoFromEpoch(ts.micros, 1000n, 6, "Z"));
    }
    case DuckDBTypeId.TIMESTAMP_S: {
      const ts = value as DuckDBTimestampSecondsValue;
      return finiteOr(ts, () => isoFromEpoch(ts.seconds * 1000n, 1n, 3, ""));
    }
    case DuckDBTypeId.TIMESTAMP_MS: {
      const ts = value as DuckDBTimestampMillisecondsValue;
      return finiteOr(ts, () => isoFromEpoch(ts.millis, 1n, 3, ""));
    }
    case DuckDBTypeId.TIMESTAMP_NS: {
      const ts = value as DuckDBTimestampNanosecondsValue;
      return finiteOr(ts, () => isoFromEpoch(ts.nanos, 1_000_000n, 9, ""));
    }
    default:
      return JsonDuckDBValueConverter(value, type, converter);
  }
};

function toDuckDBValue(value: unknown, name: string): DuckDBValue {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
    case "bigint":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new EngineParameterError(name, "must be a finite number");
      return value;
    case "object":
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new EngineParameterError(name, "is an invalid Date");
        return timestampTZValue(BigInt(value.getTime()) * 1000n);
      }
      if (value instanceof Uint8Array) return blobValue(value);
      if (Array.isArray(value))
        return listValue(value.map((item, i) => toDuckDBValue(item, `${name}[${i}]`)));
      break;
  }
  throw new EngineParameterError(name, `cannot bind a value of type ${typeof value}`);
}

/**
 * Converts positional (`$1`, `?`) or named (`$name`) parameters to DuckDB values. Accepts null, string,
 * boolean, finite number, bigint, Date (bound as TIMESTAMPTZ), Uint8Array (BLOB) and arrays of those
 * (LIST); anything else, including `undefined`, throws `EngineParameterError`.
 */
export function toDuckDBParams(params: QueryParams): DuckDBValue[] | Record<string, DuckDBValue> {
  if (Array.isArray(params)) return params.map((value, i) => toDuckDBValue(value, `$${i + 1}`));
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => [name, toDuckDBValue(value, `$${name}`)]),
  );
}
