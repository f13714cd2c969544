/**
 * Spelling correction for Latin words the index has never seen ("chaird" → "chaired", "lnog" → "long"),
 * SymSpell style: at index build every vocabulary word files itself under each of its one-letter
 * deletions; a query word looks up itself and its own deletions (one letter, or two for words of eight
 * letters or more), and only those few candidates are checked with an edit distance (a swap of two
 * neighbours counts once). Results are cached per word. Stretched words and three-letter words have their
 * own narrower rules (unstretch, correctThreeLetters). Pure, no I/O.
 */

export interface SpellIndex {
  /** Vocabulary word → how often it occurs (ties go to the commoner word). */
  readonly count: ReadonlyMap<string, number>;
  /**
   * Deletion key → its vocabulary word, or words when several share the key (most keys have one: a string,
   * not a one-element array, keeps the build's garbage down). A key is the 32-bit hash of a word with one
   * letter removed, or of the word itself (see keyOmitting): no string is made for it. Two keys that collide
   * only add a candidate, which the edit distance then weighs like any other.
   */
  readonly deletions: ReadonlyMap<number, string | readonly string[]>;
  /** Corrections already worked out (bounded; cleared when full). */
  readonly cache: Map<string, string | null>;
}

const CACHE_MAX = 4096;

/** FNV-1a hash of a word without the letters at positions `skip` and `skip2` (-1: none). */
function keyOmitting(word: string, skip: number, skip2 = -1): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    if (i === skip || i === skip2) continue;
    h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

function file(map: Map<number, string | string[]>, key: number, word: string): void {
  const entry = map.get(key);
  if (entry === undefined) map.set(key, word);
  else if (typeof entry === "string") {
    if (entry !== word) map.set(key, [entry, word]);
  } else if (!entry.includes(word)) entry.push(word);
}

export function buildSpellIndex(count: ReadonlyMap<string, number>): SpellIndex {
  const deletions = new Map<number, string | string[]>();
  for (const word of count.keys()) {
    for (let i = -1; i < word.length; i++) file(deletions, keyOmitting(word, i), word);
  }
  return { count, deletions, cache: new Map() };
}

/** Optimal-string-alignment distance (a swap of two neighbours counts once), or limit + 1 when over limit. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let best = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      }
      cur[j] = d;
      if (d < best) best = d;
    }
    if (best > limit) return limit + 1;
    const spare = prev2;
    prev2 = prev;
    prev = cur;
    cur = spare;
  }
  return prev[n] ?? limit + 1;
}

/** The deletion keys of a word: itself, its one-letter deletions, and (depth 2) its two-letter deletions. */
function keysOf(word: string, depth: 1 | 2): Set<number> {
  const keys = new Set<number>();
  for (let i = -1; i < word.length; i++) {
    keys.add(keyOmitting(word, i));
    if (depth === 2) for (let k = i + 1; k < word.length; k++) keys.add(keyOmitting(word, i, k));
  }
  return keys;
}

/**
 * The closest vocabulary word within one edit (two for words of eight letters or more), or null. A word of
 * the vocabulary is returned unchanged. Typos rarely touch the first letter except by swapping the first two
 * (see keepsFirstLetter).
 */
export function correctWord(spell: SpellIndex, word: string): string | null {
  if (spell.count.has(word)) return word;
  const cached = spell.cache.get(word);
  if (cached !== undefined) return cached;
  const limit = word.length >= 8 ? 2 : 1;
  let best: string | null = null;
  let bestDistance = limit + 1;
  let bestCount = 0;
  const tried = new Set<string>();
  for (const key of keysOf(word, limit)) {
    const entry = spell.deletions.get(key);
    if (entry === undefined) continue;
    for (const candidate of typeof entry === "string" ? [entry] : entry) {
      if (tried.has(candidate)) continue;
      tried.add(candidate);
      if (!keepsFirstLetter(word, candidate)) continue;
      const d = editDistance(word, candidate, Math.min(limit, bestDistance));
      const n = spell.count.get(candidate) ?? 0;
      if (d < bestDistance || (d === bestDistance && d <= limit && (n > bestCount || (n === bestCount && best !== null && candidate < best)))) {
        best = candidate;
        bestDistance = d;
        bestCount = n;
      }
    }
  }
  if (spell.cache.size >= CACHE_MAX) spell.cache.clear();
  spell.cache.set(word, best);
  return best;
}

/**
 * The candidate starts as the word does, or with its first two letters swapped ("hte" → "the"); not with the
 * first letter dropped or added ("teach" is no typo of "each").
 */
function keepsFirstLetter(word: string, candidate: string): boolean {
  if (candidate.charCodeAt(0) === word.charCodeAt(0)) return true;
  return candidate.charCodeAt(0) === word.charCodeAt(1) && candidate.charCodeAt(1) === word.charCodeAt(0);
}

/**
 * A stretched word ("screeen", "sooo"): a letter typed three times or more stands for two, or one. Returns
 * the known one of the two readings, else the two-letter one (the word itself when nothing is stretched).
 */
export function unstretch(spell: SpellIndex, typed: string): string {
  if (!/([a-z])\1\1/.test(typed)) return typed;
  const two = typed.replace(/([a-z])\1{2,}/g, "$1$1");
  if (spell.count.has(two)) return two;
  const one = typed.replace(/([a-z])\1{2,}/g, "$1");
  return spell.count.has(one) ? one : two;
}

/**
 * A three-letter word: a swap of two neighbours ("hwo" → "how", "oli" → "oil"), or, for a word with no vowel
 * (no English word lacks one: "wth", "lng"), a dropped letter put back; the general one-edit search would
 * reach too much ("who" for "hwo"). The word itself when neither applies.
 */
export function correctThreeLetters(spell: SpellIndex, word: string): string {
  return swapToKnown(word, spell.count) ?? (/[aeiouy]/.test(word) ? word : (insertToKnown(word, spell.count) ?? word));
}

/** The known word a three-letter word becomes by swapping two neighbouring letters (the commoner of two). */
function swapToKnown(word: string, count: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  for (let i = 0; i + 1 < word.length; i++) {
    const swapped = word.slice(0, i) + word.charAt(i + 1) + word.charAt(i) + word.slice(i + 2);
    if (swapped !== word && (count.get(swapped) ?? 0) > (best === undefined ? 0 : (count.get(best) ?? 0))) best = swapped;
  }
  return best;
}

/** The commonest known word a word becomes with one letter put back ("wth" → "with", "lng" → "long"). */
function insertToKnown(word: string, count: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  for (let i = 0; i <= word.length; i++) {
    for (let c = 97; c <= 122; c++) {
      const candidate = word.slice(0, i) + String.fromCharCode(c) + word.slice(i);
      if ((count.get(candidate) ?? 0) > (best === undefined ? 0 : (count.get(best) ?? 0))) best = candidate;
    }
  }
  return best;
}
