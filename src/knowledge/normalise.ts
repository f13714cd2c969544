/**
 * Text normalisation and fuzzy matching for lookups typed by members (glossary terms, aliases, pinyin).
 * Pure: no I/O.
 */

/** Queries are cut to this many characters before any matching, so a huge paste stays cheap. */
export const MAX_QUERY_LENGTH = 100;

/**
 * The form in which keys are compared: lower case, diacritics removed (NFKD, so "Tiěxī" is "tiexi"),
 * and everything that is not a letter or a digit dropped ("Xia-gang " is "xiagang"). Chinese characters
 * are letters and are kept.
 */
export function normaliseKey(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
}

/** Normalises a member's query after truncating it to MAX_QUERY_LENGTH characters. */
export function normaliseQuery(query: string): string {
  return normaliseKey(Array.from(query.slice(0, MAX_QUERY_LENGTH * 2)).slice(0, MAX_QUERY_LENGTH).join(""));
}

/**
 * Levenshtein distance between two strings (by UTF-16 code unit, enough for pinyin and CJK in the BMP),
 * giving up early: any result above `max` is reported as `max + 1`.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [previous, current] = [current, previous];
  }
  const result = previous[b.length] ?? 0;
  return result > max ? max + 1 : result;
}

/** How many typos a query of this (normalised) length may contain and still match. */
export function typoAllowance(length: number): number {
  if (length < 3) return 0;
  if (length < 6) return 1;
  if (length < 10) return 2;
  return 3;
}
