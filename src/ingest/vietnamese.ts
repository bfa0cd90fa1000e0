// How Vietnamese a decoded text looks: the measure encoding detection uses to choose between the legacy
// 8-bit code pages, which all decode any byte to *something*. A wrong code page turns "Nguyễn" into words
// no Vietnamese syllable can be (two tone marks, foreign letters, control characters).

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;

/** Onset, vowel nucleus (with ă â ê ô ơ ư), optional coda: the shape of every Vietnamese syllable. */
const SYLLABLE =
  /^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?[aăâeêioôơuưy]{1,3}(ch|ng|nh|[cmnptk])?$/;

/** True if `word` (letters only) is a well-formed Vietnamese syllable: one tone mark at most. */
export function isVietnameseSyllable(word: string): boolean {
  const decomposed = word.toLowerCase().normalize("NFD");
  const tones = decomposed.match(TONE_MARKS)?.length ?? 0;
  if (tones > 1) return false;
  return SYLLABLE.test(decomposed.replace(TONE_MARKS, "").normalize("NFC"));
}

const WORD = /\p{L}[\p{L}\p{M}]*/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this counts
const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f\ufffd]/g;

/**
 * Score of `text` as Vietnamese: +1 per word with diacritics that is a valid syllable, −2 per word with
 * non-ASCII letters that is not, −5 per control or replacement character. Plain ASCII words count 0: every
 * 8-bit code page decodes them the same.
 */
export function vietnameseScore(text: string): number {
  let score = 0;
  for (const match of text.normalize("NFC").matchAll(WORD)) {
    const word = match[0];
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range test
    if (/^[\u0000-\u007f]*$/.test(word)) continue;
    score += isVietnameseSyllable(word) ? 1 : -2;
  }
  score -= 5 * (text.match(CONTROL)?.length ?? 0);
  return score;
}
