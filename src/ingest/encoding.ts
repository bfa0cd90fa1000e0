// Text encodings: which one a file is in (byte-order marks, UTF-8 validity, then the legacy Vietnamese code
// pages scored by how Vietnamese they make the text look), and a streaming transcoder to UTF-8 in NFC
// that holds one chunk in memory at a time.

import { createReadStream, createWriteStream } from "node:fs";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import iconv from "iconv-lite";
import { IngestError } from "./errors.ts";
import { vietnameseScore } from "./vietnamese.ts";

/** Canonical names this library reports, and the iconv-lite codec behind each. */
const CODECS: Record<string, string> = {
  "utf-8": "utf8",
  "utf-16le": "utf16le",
  "utf-16be": "utf16be",
  "windows-1258": "windows1258",
  tcvn3: "tcvn",
  viscii: "viscii",
  "windows-1252": "windows1252",
};

const ALIASES: Record<string, string> = {
  utf8: "utf-8",
  utf16le: "utf-16le",
  utf16be: "utf-16be",
  cp1258: "windows-1258",
  windows1258: "windows-1258",
  win1258: "windows-1258",
  tcvn: "tcvn3",
  tcvn3: "tcvn3",
  tcvn5712: "tcvn3",
  abc: "tcvn3",
  cp1252: "windows-1252",
  windows1252: "windows-1252",
};

/** The legacy code pages tried, most common first (ties go to the earlier one). */
const LEGACY_CANDIDATES = ["windows-1258", "tcvn3", "viscii"] as const;

/**
 * The canonical name of an encoding a caller asked for ("UTF8", "cp1258", "TCVN3"…), or any other name
 * iconv-lite knows as given. Throws `encoding_error` for names it does not know.
 */
export function normalizeEncoding(name: string): string {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
  const canonical = ALIASES[key] ?? Object.keys(CODECS).find((c) => c.replace(/[^a-z0-9]/g, "") === key);
  if (canonical) return canonical;
  if (iconv.encodingExists(name)) return name.trim().toLowerCase();
  throw new IngestError("encoding_error", `Unknown encoding "${name}"`, { encoding: name });
}

function codecOf(encoding: string): string {
  return CODECS[encoding] ?? encoding;
}

export interface DetectedEncoding {
  /** Canonical name, or "binary" when the bytes are not text in any encoding tried. */
  encoding: string;
  /** The file starts with a byte-order mark. */
  bom: boolean;
}

function bomEncoding(head: Buffer): string | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return "utf-8";
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  return undefined;
}

/** UTF-16 without a BOM: ASCII-heavy text has a zero in every other byte. */
function utf16WithoutBom(head: Buffer): string | undefined {
  const pairs = Math.floor(head.length / 2);
  if (pairs < 8) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return "utf-16le";
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return "utf-16be";
  return undefined;
}

/** Drops a partial UTF-8 sequence cut at either end of a chunk taken from the middle of a file. */
function trimUtf8Edges(chunk: Buffer, atStart: boolean): Buffer {
  let start = 0;
  if (!atStart) while (start < chunk.length && start < 4 && ((chunk[start] ?? 0) & 0xc0) === 0x80) start++;
  let end = chunk.length;
  for (let back = 1; back <= 4 && end - back >= start; back++) {
    const byte = chunk[end - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (need > back) end -= back;
    break;
  }
  return chunk.subarray(start, end);
}

function isValidUtf8(chunk: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(chunk);
    return true;
  } catch {
    return false;
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this counts
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000e-\u001a\u001c-\u001f\u007f]/g;

/** More than 1% control characters (NUL, BEL, …, not tab/newline/form feed) is not a text file. */
export function looksBinary(text: string): boolean {
  const controls = text.match(CONTROL_CHARS)?.length ?? 0;
  return text.length > 0 && controls / text.length > 0.01;
}

/**
 * The encoding of a file from samples of it: `samples[0]` is its first bytes, the rest are chunks from
 * further in (so a file whose first kilobytes are ASCII is still judged on its Vietnamese text).
 */
export function detectEncoding(samples: readonly Buffer[]): DetectedEncoding {
  const head = samples[0] ?? Buffer.alloc(0);
  const bom = bomEncoding(head);
  if (bom) return { encoding: bom, bom: true };
  const utf16 = utf16WithoutBom(head);
  if (utf16) return { encoding: utf16, bom: false };
  if (samples.some((s) => s.includes(0))) return { encoding: "binary", bom: false };
  if (samples.every((s, i) => isValidUtf8(trimUtf8Edges(s, i === 0))))
    return { encoding: "utf-8", bom: false };

  const bytes = Buffer.concat(samples.map((s) => s.subarray(0, 256 * 1024)));
  let best: { encoding: string; score: number } | undefined;
  for (const encoding of LEGACY_CANDIDATES) {
    const score = vietnameseScore(iconv.decode(bytes, codecOf(encoding)));
    if (!best || score > best.score) best = { encoding, score };
  }
  const chosen = best && best.score > 0 ? best.encoding : "windows-1252";
  if (looksBinary(iconv.decode(bytes, codecOf(chosen)))) return { encoding: "binary", bom: false };
  return { encoding: chosen, bom: false };
}

/** Decodes a sample (head of a file) for sniffing; a partial character at the end is dropped. */
export function decodeSample(bytes: Buffer, encoding: string): string {
  const text = iconv.decode(bytes, codecOf(encoding)).normalize("NFC");
  return text.endsWith("\ufffd") ? text.slice(0, -1) : text;
}

const COMBINING = /[\u0300-\u036f]/;

/** UTF-8 text written decomposed (macOS, some web forms): transcoding to NFC makes "Hà" one letter. */
export function hasCombiningMarks(text: string): boolean {
  return COMBINING.test(text);
}

/** Decodes byte chunks to NFC UTF-8, holding back a trailing base letter until its marks have arrived. */
class Utf8NfcTranscoder extends Transform {
  readonly #decoder: ReturnType<typeof iconv.getDecoder>;
  #carry = "";
  #done = 0;
  readonly #onBytes: ((done: number) => void) | undefined;

  constructor(encoding: string, onBytes?: (done: number) => void) {
    super();
    this.#decoder = iconv.getDecoder(codecOf(encoding), { stripBOM: true });
    this.#onBytes = onBytes;
  }

  #emit(text: string, final: boolean): void {
    const all = this.#carry + text;
    let cut = all.length;
    if (!final) {
      // keep the last base character (and any marks after it) for the next chunk
      cut = all.length - 1;
      while (cut > 0 && COMBINING.test(all[cut] ?? "")) cut--;
    }
    this.#carry = all.slice(cut);
    if (cut > 0) this.push(Buffer.from(all.slice(0, cut).normalize("NFC"), "utf8"));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#emit(this.#decoder.write(chunk), false);
      this.#done += chunk.length;
      this.#onBytes?.(this.#done);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#emit(this.#decoder.end() ?? "", true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}

/** Streams `source` (in `encoding`) to `target` as UTF-8 without BOM, NFC-normalised. */
export async function transcodeToUtf8(
  source: string,
  target: string,
  encoding: string,
  opts: { signal?: AbortSignal; onBytes?: (done: number) => void } = {},
): Promise<void> {
  await pipeline(
    createReadStream(source, { highWaterMark: 1 << 20 }),
    new Utf8NfcTranscoder(encoding, opts.onBytes),
    createWriteStream(target, { flags: "wx" }),
    { signal: opts.signal },
  );
}
