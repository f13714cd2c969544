/**
 * Pinyin for `ask`, by pinyin-pro: two things Chinese-speaking members do that the word index alone
 * cannot follow.
 *
 * - Input-method slips: a pinyin keyboard offers homophones, so "鹿特丹" comes out as "鹿特单", "上映" as
 *   "上应", "纪录片" as "记录片". A run of 2–4 characters the index has never seen is replaced by the
 *   index word that reads the same (toneless) and shares a character in the same place with it.
 * - Questions typed in toneless pinyin ("tie xi qu shi shen me yi si"): runs of 1–4 typed words are
 *   matched, longest first, against the readings of the index's Chinese words, and the Chinese words
 *   found are added to the question; a lone syllable that spells no word is read as the character that
 *   reads so and that many topics hold ("pian" → 片), if there is one.
 *
 * The reading table covers the index's Chinese words of two to four characters (segmenter words of the
 * phrasings and keywords, and the alias phrases). It is built on first use and kept per index (see
 * readingTable in ./engine.ts; the bot builds it at start). Pure: no I/O.
 */
import { pinyin } from "pinyin-pro";
import { CJK_RUN, hasCjk, isBigramStopChar, latinWords, readsAsPinyin } from "./normalize.js";

const MAX_WORD = 4;

/** Toneless reading of a Chinese text, one syllable per character ("铁西区" → ["tie", "xi", "qu"]). */
export function readingOf(text: string): string[] {
  return pinyin(text, { toneType: "none", type: "array", v: true }).map((s) => s.toLowerCase());
}

export interface ReadingTable {
  /** Joined toneless reading → the index words that read so, most frequent first ("lutedan" → ["鹿特丹"]). */
  readonly byReading: ReadonlyMap<string, readonly string[]>;
  /**
   * One syllable → the character that reads so and that most topics hold, among characters held by at least
   * COMMON_CHAR_TOPICS topics ("pai" → 拍, "pian" → 片): for a pinyin syllable that spells no word.
   */
  readonly common: ReadonlyMap<string, string>;
}

/** How many topics must hold a single character before a lone pinyin syllable is read as it. */
const COMMON_CHAR_TOPICS = 8;

/**
 * Builds the reading table from the index's Chinese words (segmenter words and alias phrases of two to four
 * characters: word readings, not the readings of arbitrary bigrams across word boundaries), most frequent
 * (by topic frequency) first.
 */
export function buildReadingTable(words: Iterable<string>, df: ReadonlyMap<string, number>): ReadingTable {
  const byReading = new Map<string, string[]>();
  for (const word of words) {
    if (word.length < 2 || word.length > MAX_WORD || ![...word].every(hasCjk)) continue;
    const key = readingOf(word).join("");
    const list = byReading.get(key);
    if (list === undefined) byReading.set(key, [word]);
    else if (!list.includes(word)) list.push(word);
  }
  // Equal frequencies keep the order the words came in: the alias phrases first, each with its simplified form
  // before its traditional one ("tiexiqu" → 铁西区 before 鐵西區). The sort is stable.
  for (const list of byReading.values()) list.sort((a, b) => (df.get(b) ?? 0) - (df.get(a) ?? 0));
  const common = new Map<string, string>();
  const best = new Map<string, number>();
  for (const [token, n] of df) {
    if (token.length !== 1 || !hasCjk(token) || n < COMMON_CHAR_TOPICS) continue;
    const key = readingOf(token).join("");
    if (n > (best.get(key) ?? 0)) {
      best.set(key, n);
      common.set(key, token);
    }
  }
  return { byReading, common };
}

/** Same length, and at least one character equal in the same place: a homophone slip, not another word. */
function isSlipOf(typed: string, word: string): boolean {
  if (typed.length !== word.length || typed === word) return false;
  for (let i = 0; i < typed.length; i++) if (typed[i] === word[i]) return true;
  return false;
}

/** A window holds a pair of characters the index has never seen together (pairs with particles do not count). */
function hasUnseenPair(window: string, known: (token: string) => boolean): boolean {
  for (let i = 0; i + 1 < window.length; i++) {
    const a = window.charAt(i);
    const b = window.charAt(i + 1);
    if (!isBigramStopChar(a) && !isBigramStopChar(b) && !known(a + b)) return true;
  }
  return false;
}

/**
 * Replaces homophone slips in the Chinese runs of a text with the index words they were meant to be.
 * Known runs are kept; at each place the longest window (4 down to 2 characters) decides. Only a window
 * holding a character pair the index has never seen is a candidate: a slip makes such a pair, and ordinary
 * words made of known pairs ("为什么") are never touched.
 */
export function correctHomophones(text: string, known: (token: string) => boolean, table: () => ReadingTable): string {
  return text.replace(CJK_RUN, (run) => {
    if (run.length < 2) return run;
    let syllables: string[] | undefined;
    let out = "";
    let i = 0;
    while (i < run.length) {
      let step = 1;
      let piece = run.charAt(i);
      for (let len = Math.min(MAX_WORD, run.length - i); len >= 2; len--) {
        const window = run.slice(i, i + len);
        if (known(window)) {
          step = len;
          piece = window;
          break;
        }
        if (!hasUnseenPair(window, known)) continue;
        syllables ??= readingOf(run);
        const candidates = table().byReading.get(syllables.slice(i, i + len).join(""));
        const fix = candidates?.find((w) => isSlipOf(window, w));
        if (fix !== undefined) {
          step = len;
          piece = fix;
          break;
        }
      }
      out += piece;
      i += step;
    }
    return out;
  });
}

/** Share of a question's words that must read as pinyin before it is treated as typed in pinyin. */
const PINYIN_SHARE = 0.7;
const MIN_PINYIN_WORDS = 3;
/** The longest typed word read as pinyin syllables once a question reads as pinyin ("zhuangchuang": two syllables). */
const LONG_WORD = 12;

/**
 * For a question typed in toneless pinyin, the Chinese index words its words spell (longest runs of typed
 * words first: "xiagang", or "xia gang", is 下岗), and the words that are not pinyin (kept as typed). A lone
 * syllable that spells no word is read as the common character that reads so ("pian" → 片; see
 * ReadingTable.common); one that has none ("de") is dropped, unless `isIndexWord` knows it as English
 * ("camera"). Undefined when the question does not read as pinyin.
 */
export function chineseFromPinyin(
  folded: string,
  table: () => ReadingTable,
  isIndexWord: (word: string) => boolean = () => false,
): { chinese: string[]; rest: string[] } | undefined {
  if (hasCjk(folded)) return undefined;
  const words = latinWords(folded);
  const pinyinWords = words.filter((w) => readsAsPinyin(w));
  // Read as pinyin: a word of two long syllables ("shangying", "gongchang") counts too.
  const syllables = (w: string): boolean => readsAsPinyin(w, LONG_WORD);
  if (pinyinWords.length < MIN_PINYIN_WORDS || pinyinWords.length < PINYIN_SHARE * words.length) return undefined;
  const chinese: string[] = [];
  const rest: string[] = [];
  let i = 0;
  while (i < words.length) {
    const word = words[i] ?? "";
    let step = 1;
    let hit: string | undefined;
    for (let len = Math.min(MAX_WORD, words.length - i); len >= 1 && hit === undefined; len--) {
      const run = words.slice(i, i + len);
      if (!run.every(syllables)) continue;
      hit = table().byReading.get(run.join(""))?.[0];
      if (hit !== undefined) step = len;
    }
    // A lone syllable that spells no word: the common character that reads so, if there is one.
    hit ??= table().common.get(word);
    if (hit !== undefined) chinese.push(hit);
    // A long word that spelled nothing is kept: it may be English ("language"); so is an English word the index
    // knows that happens to spell syllables ("camera": ca-me-ra).
    else if (!readsAsPinyin(word) || (word.length >= 4 && isIndexWord(word))) rest.push(word);
    i += step;
  }
  return { chinese, rest };
}
