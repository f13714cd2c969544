/**
 * One text normaliser for both the index and the query, so a phrasing and a member's question always meet
 * on the same tokens.
 *
 * - Folding: NFKD (which also turns full-width Latin into half-width and the ideographic space into a
 *   space), diacritics stripped ("Tiěxī" → "tiexi"), lower case.
 * - Latin words: light stemming (plural s, -ing, -ed, final e), a small stop-word list, a synonym map onto
 *   canonical tokens, and spaced pinyin merged into an extra token ("tie xi qu" → "tiexiqu").
 * - Chinese: Intl.Segmenter words (locale zh) plus character bigrams for recall.
 * - Aliases: phrases in either language add a canonical token ("下岗", "laid off", "xia gang" → "xiagang"),
 *   which lets a Chinese question meet an English keyword and the other way round.
 *
 * Pure, no I/O. The segmenter is created once.
 */

const segmenter = new Intl.Segmenter("zh", { granularity: "word" });

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;
/** A run of CJK ideographs (global: for `match` and `replace`). */
export const CJK_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/gu;
const CJK_START = /^[\u3400-\u9fff\uf900-\ufaff]/u;
const LATIN_WORD = /[a-z0-9]+/g;
const HAS_LATIN = /[a-z0-9]/;
/** A character outside printable ASCII and ordinary white space. */
const NON_ASCII = /[^ -~\t\n\r]/;
/** Printable ASCII, white space and unified CJK ideographs only (NFKD leaves such a text as it is). */
const PLAIN_CJK = /^[ -~\t\n\r\u3400-\u4dbf\u4e00-\u9fff]*$/;

/** True when the text holds any CJK ideograph (the question is then answered in Chinese). */
export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

/** True when the text starts with a CJK ideograph (a Chinese token). */
export function startsWithCjk(text: string): boolean {
  return CJK_START.test(text);
}

/** NFKD, diacritics stripped, lower case; curly apostrophes straightened. */
export function fold(text: string): string {
  // Plain ASCII (most phrasings and many questions) has nothing to decompose, and neither have unified
  // ideographs (Chinese phrasings): only full-width forms, compatibility ideographs and accents do.
  if (!NON_ASCII.test(text) || PLAIN_CJK.test(text)) return (text.includes("`") ? text.replace(/`/g, "'") : text).toLowerCase();
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[’‘`´]/g, "'")
    .toLowerCase();
}

/** Function words dropped from English queries. Question words are kept but are "weak" (see below). */
const EN_STOP = new Set(
  (
    "a an the is are was were be been being am do does did doing of in on at to for by with from into it its " +
    "this that these those i you he she we they me my your his her our their them him there here and or but so " +
    "if then than any ever just also really please tell know want can could should would will shall may might " +
    "have has had get got s t d ll re ve m o y eh hey hi ok okay pls plz thanks thank some one too either very quite even yet " +
    // Contractions once the apostrophe is gone, and chat shorthand ("r u", "idk", "tbh").
    "im ive id youre youve theyre weve thats theres heres lets r u ur idk tbh imo imho ngl lmao omg tho cuz bc thx ty"
  ).split(" "),
);

/**
 * True for a word the analysis knows without the index: a function word it drops ("pls") or a word its
 * synonym map reads ("jist" → about). Spelling correction leaves such words alone.
 */
export function isKnownWord(word: string): boolean {
  return EN_STOP.has(word) || SYNONYMS.has(word);
}

/** Words that carry intent but no subject: kept as tokens, but never count as evidence of the topic. */
const WEAK = new Set(
  (
    "what whats which who whos whom whose when where why how many much wat waht whre wher wht " +
    "big bigger large small huge number numbers total overall whole entire roughly approximately " +
    "film movie documentary doc make made like time happen happened happens take took taken go going went come came see saw seen look say said think thought find found need use used thing things kind type sort actually exactly still " +
    "describe explain info information detail details anything something everything talk mention mentioned curious wonder wondering " +
    "quick q btw lol guys everyone anyone someone somebody remind again nutshell brief briefly short shortly basically seriously " +
    "tonight today yesterday tomorrow later right sure ok okay hmm um uh wait hey yo " +
    "谁 什么 哪 哪里 哪儿 哪个 哪些 哪位 哪一 怎么 怎么样 怎样 为什么 为啥 多少 几 吗 呢 吧 是不是 有没有 啥 咋 电影 片子 影片 纪录片 叫 " +
    "没 没有 不 有 要 能 去 来 做 干 干嘛 说 讲 介绍 一些 一点 情况 问题 知道 详细"
  ).split(" "),
);

/** Chinese segmenter words dropped outright. */
const ZH_STOP = new Set(
  (
    "的 了 吗 呢 吧 啊 呀 嘛 是 在 这 那 这部 那部 这个 那个 个 部 过 也 都 就 和 与 还 又 把 被 " +
    "请问 请 一下 我 你 他 她 我们 你们 他们 想 知道 告诉 能 可以 会 吗 么 啦 呗 里 上 中 之 其 其中 一 一个"
  ).split(" "),
);
/** Characters that make a CJK bigram worthless. */
const ZH_STOP_CHARS = new Set([..."的了吗呢吧啊呀嘛是这那个么啦呗我你他她有"]);
/** The same, by UTF-16 code (tested without making a one-character string per character). */
const ZH_STOP_CODES = new Set([...ZH_STOP_CHARS].map((c) => c.charCodeAt(0)));

/** Single-word synonyms onto canonical tokens (looked up before and after stemming). */
const SYNONYMS = new Map<string, string>();
function syn(canon: string, words: string): void {
  for (const w of words.split(" ")) SYNONYMS.set(w, canon);
}
syn("kid", "kids kid teenagers teenager teens teen children child youths youngsters adolescents");
syn("show", "shown show showed showing screened screen screening screenings released release releas releasing play played");
syn("cinema", "cinemas cinema theaters theatres theater theatre theatrical");
syn("chair", "chaired chair chairs chairman chairwoman chairperson president presided head headed");
syn("runtime", "runtime runtimes length lengths duration minutes minute mins min long lengthy");
syn("direct", "directed director directors direct directing directs filmmaker");
syn("film", "film films movie movies documentary documentaries doc docs flick picture");
syn("shoot", "shot shoot shooting shoots filmed filming");
syn("award", "award awards prize prizes won win wins winning awarded");
syn("fund", "funded fund funding funds financed finance financing financier backer");
syn("xiagang", "layoffs layoff xiagang");
syn("age", "old age ages aged");
syn("jury", "jury juries juror jurors judges judge");
syn("edit", "edited editor editors edit editing");
syn("subtitle", "subtitles subtitle subtitled subs sub");
syn("dvd", "dvd dvds bluray disc discs");
syn("stream", "stream streaming streamed online netflix mubi");
syn("photo", "photo photos photograph photographs photography photographer");
syn("china", "china chinese mainland prc");
syn("yamagata", "yamagata yidff");
syn("cost", "cost costs costed expensive");
syn("about", "about plot story synopsis summary gist jist premise recap summarise summarize rundown tldr");
syn("rare", "rare rarely seldom");
syn("factory", "factory factories plant plants works mill");
syn("produce", "produced producer producers produce producing");
syn("alone", "alone solo himself");
syn("distribute", "distributes distributed distributor distributors distribution distributing distribute");
syn("usa", "us usa america american states");
syn("study", "study studied studies studying school schooling student");
syn("hour", "hour hours hrs hr");
syn("differ", "differ differs differed different difference differences vary varies disagree");
syn("born", "born birth birthday birthplace");
syn("buy", "buy buying bought purchase purchased sell sold selling");
syn("remnants", "remnants remnant");
syn("rails", "rails rail");

/**
 * Phrase aliases. A Latin phrase is replaced by its canonical token ("running time" → "runtime", so the
 * phrase counts once); a Chinese phrase adds the canonical token and stands in for the words it covers.
 */
const LATIN_PHRASES = new Map<string, string>();
const CJK_PHRASES = new Map<string, string[]>();
function alias(canon: string, ...patterns: string[]): void {
  for (const p of patterns) {
    if (CJK.test(p)) CJK_PHRASES.set(p, [...(CJK_PHRASES.get(p) ?? []), canon]);
    else LATIN_PHRASES.set(p, canon);
  }
}
alias("tiexiqu", "tie xi qu", "tiexi qu", "tie xiqu", "铁西区", "鐵西區");
alias("tiexi", "铁西", "鐵西", "铁西区", "鐵西區", "tie xi");
alias("wangbing", "王兵", "wang bing");
alias("westofthetracks", "west of the tracks", "west of tracks");
alias("xiagang", "下岗", "xia gang", "laid off", "lay off", "lost their jobs", "lost jobs", "unemployment");
alias("yamagata", "山形");
alias("runtime", "how long", "running times", "running time", "run times", "run time", "多长", "片长", "时长", "分钟", "几个小时", "多少小时");
alias("direct", "导演", "执导");
alias("show", "上映", "放映", "放过", "公映", "播放");
alias("cinema", "电影院", "影院", "院线", "戏院");
alias("chair", "主席");
alias("jury", "评委", "评审");
alias("kid", "孩子", "少年", "年轻人", "男孩", "青少年");
alias("film", "电影", "片子", "影片", "纪录片");
alias("award", "奖", "获奖");
alias("laodu", "old du", "lao du", "老杜");
alias("aiweiwei", "艾未未", "ai wei wei");
alias("about", "sum up", "sum it up");
alias("real", "actual place", "actual street", "genuine place");
alias("fake", "is it made up", "was it made up", "just made up", "all made up", "made up by");
alias("rare", "hardly ever", "nobody ever", "almost never", "basically never", "hardly anyone", "hardly anywhere");
// The stem of "admire": a filmmaker someone looks up to is one they admire.
alias("admir", "look up to", "looks up to", "looked up to");
alias("china", "中国", "大陆", "国内");
alias("age", "年龄", "多大", "几岁", "岁数");
alias("alone", "一个人", "独自", "单枪匹马");
alias("parts", "几部分", "分成", "分为", "几集");
alias("shoot", "拍摄", "拍", "did they film", "did he film", "they film", "he film", "film it", "to film", "film all", "film this", "film these", "film those", "film there");
alias("differ", "不一样", "不同", "不一致", "差别", "区别");
alias("english", "英文", "英语");
alias("boxoffice", "box office", "票房");
alias("sightandsound", "sight and sound", "sight sound", "sight n sound", "视与听");
alias("cahiers", "电影手册");
alias("criterion", "标准收藏");
alias("dvd", "blu ray", "光盘", "蓝光");
alias("stream", "在线", "网上", "流媒体");
alias("subtitle", "字幕");
alias("edit", "剪辑");
alias("photo", "照片", "摄影");
alias("fund", "资助", "基金", "资金", "出的钱", "出钱", "gave money", "give money", "paid for", "pay for", "put up the money", "money come from", "money came from");
alias("buy", "买", "卖", "购买", "买到");
alias("cost", "预算", "成本");
alias("about", "讲什么", "讲的是什么", "讲了什么", "讲的什么", "讲啥", "说的是什么", "内容", "简介", "剧情", "什么故事");
alias("study", "读书", "读的书", "上学", "学校", "学习", "毕业", "专业");
alias("factory", "工厂", "厂");
alias("rust", "工厂", "第一部分", "第一部", "工厂部分", "工厂那部分", "part 1", "part one", "first part");
alias("remnants", "艳粉街", "艷粉街", "豔粉街", "第二部分", "第二部", "艳粉街部分", "艳粉街那部分", "part 2", "part two", "second part");
alias("rails", "第三部分", "第三部", "铁路部分", "铁路那部分", "铁路篇", "part 3", "part three", "third part", "last part");

/** The canonical token of a Latin alias phrase starting at words[at] ("old du" → "laodu"), with its length in words. */
export function latinPhraseAt(words: readonly string[], at: number): { canonical: string; words: number } | undefined {
  for (let n = Math.min(4, words.length - at); n >= 2; n--) {
    const canonical = LATIN_PHRASES.get(words.slice(at, at + n).join(" "));
    if (canonical !== undefined) return { canonical, words: n };
  }
  return undefined;
}

/** The Chinese alias phrases ("铁西区", "下岗", "多长"…): words the index knows even where the segmenter splits them. */
export const CJK_ALIAS_PHRASES: readonly string[] = [...CJK_PHRASES.keys()];

/** True for a character that never forms an indexed bigram (particles, pronouns: see ZH_STOP_CHARS). */
export function isBigramStopChar(ch: string): boolean {
  return ZH_STOP_CHARS.has(ch);
}

const escape = (p: string): string => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const byLength = (a: string, b: string): number => b.length - a.length;
const LATIN_PHRASE_RE = new RegExp(`\\b(?:${[...LATIN_PHRASES.keys()].sort(byLength).map(escape).join("|")})\\b`, "g");
/** The first words of the Latin alias phrases: a text holding none of them holds no phrase (the scan is skipped). */
const LATIN_PHRASE_FIRST = new Set([...LATIN_PHRASES.keys()].map((p) => p.split(" ")[0] ?? p));
/** Chinese alias phrases by first character, longest first (a scan is much cheaper than one big alternation). */
const CJK_PHRASES_BY_FIRST = new Map<number, string[]>();
for (const p of [...CJK_PHRASES.keys()].sort(byLength)) {
  const first = p.charCodeAt(0);
  CJK_PHRASES_BY_FIRST.set(first, [...(CJK_PHRASES_BY_FIRST.get(first) ?? []), p]);
}

/** Leftmost-longest, non-overlapping alias phrases in a Chinese run: [start, phrase] pairs. */
function cjkPhrasesIn(run: string): [number, string][] {
  const found: [number, string][] = [];
  let i = 0;
  while (i < run.length) {
    const phrase = CJK_PHRASES_BY_FIRST.get(run.charCodeAt(i))?.find((p) => run.startsWith(p, i));
    if (phrase === undefined) i++;
    else {
      found.push([i, phrase]);
      i += phrase.length;
    }
  }
  return found;
}

const PINYIN_SYLLABLE = "(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?[aeiouv]+(?:ng|n|r)?";
const PINYIN_WORD = new RegExp(`^(?:${PINYIN_SYLLABLE})+$`);

/** Light English stemming: plural s, -ing, -ed, a doubled final consonant, final e. */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith("ing") && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith("ed") && w.length > 4) w = w.slice(0, -2);
  if (w.length > 3 && /([bdgmnprt])\1$/.test(w)) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

/** Canonical tokens made by aliases: never stemmed again ("boxoffice" stays "boxoffice"). */
const CANONICAL = new Set<string>();
for (const canon of LATIN_PHRASES.values()) CANONICAL.add(canon);
for (const list of CJK_PHRASES.values()) for (const canon of list) CANONICAL.add(canon);
for (const canon of SYNONYMS.values()) CANONICAL.add(canon);

/** The stems of the weak words, so "describes" is as weak as "describe". */
const WEAK_STEMS = new Set([...WEAK].filter((w) => /^[a-z]+$/.test(w)).map(stem));

/** An adverb ("seriously", "legally", "roughly"): manner, never the subject of a question. */
const ADVERB = /^[a-z]{4,}ly$/;
/** Nouns that look like adverbs. */
const NOT_ADVERB = new Set("family assembly supply anomaly monopoly butterfly italy emily kelly".split(" "));

/** True for a question word or another token that carries intent but no subject (see WEAK). */
export function isWeak(token: string): boolean {
  return WEAK.has(token) || WEAK_STEMS.has(token) || (ADVERB.test(token) && !NOT_ADVERB.has(token));
}

/** The three parts' canonical tokens: naming one says which part a question is about. */
export const PART_TOKENS: ReadonlySet<string> = new Set(["rust", "remnants", "rails"]);

/** The token the analysis makes of one Latin word (undefined for a stop word): "cameras" → "camera", "long" → "runtime". */
export function tokenOf(word: string): string | undefined {
  return EN_STOP.has(word) ? undefined : canonical(word);
}

function canonical(word: string): string {
  if (CANONICAL.has(word)) return SYNONYMS.get(word) ?? word;
  const direct = SYNONYMS.get(word);
  if (direct) return direct;
  const stemmed = stem(word);
  return SYNONYMS.get(stemmed) ?? stemmed;
}

/** One piece of evidence in a question: a content word and the tokens it produced. */
export interface Unit {
  readonly text: string;
  readonly tokens: readonly string[];
  readonly cjk: boolean;
}

export interface Analysis {
  /** Every token, for MiniSearch (content tokens, weak tokens, aliases, merges, bigrams). */
  readonly tokens: string[];
  /** Content units (no stop or weak words), used to judge coverage and unknown words. */
  readonly units: Unit[];
  /** Canonical tokens added by aliases and pinyin merges. */
  readonly extras: string[];
  /** The Chinese words the segmenter found (stop words left out). */
  readonly segments: string[];
  /** The Latin words as written (folded, apostrophes dropped), before stop words, phrases and stemming. */
  readonly words: string[];
}

function addUnique(list: string[], seen: Set<string>, token: string): void {
  if (token.length > 0 && !seen.has(token)) {
    seen.add(token);
    list.push(token);
  }
}

/** Latin words of a folded text, in order (used to build the spelling-correction vocabulary). */
export function latinWords(folded: string): string[] {
  if (!HAS_LATIN.test(folded)) return [];
  return folded.replace(CJK_RUN, " ").match(LATIN_WORD) ?? [];
}

export interface AnalyzeOptions {
  /** Run the Chinese word segmenter (default true). Long answer texts are indexed with bigrams only. */
  segment?: boolean;
  /** Tokens only (the index side): skip the content units a question is judged by. */
  tokensOnly?: boolean;
  /**
   * What is known of each Latin word seen so far (see wordFacts): the index build passes one memo for all its
   * texts, which repeat a few hundred words thousands of times. Answers are the same with or without it.
   */
  memo?: WordMemo;
}

/** Of one Latin word: whether it reads as pinyin, and its token (undefined for a stop word). */
interface WordFacts {
  readonly pinyin: boolean;
  readonly token: string | undefined;
}
export type WordMemo = Map<string, WordFacts>;

function wordFacts(memo: WordMemo, word: string): WordFacts {
  let facts = memo.get(word);
  if (facts === undefined) {
    facts = { pinyin: isPinyin(word), token: EN_STOP.has(word) ? undefined : canonical(word) };
    memo.set(word, facts);
  }
  return facts;
}

const GLUED_UNIT = /(\d)(hrs?|hours?|h|mins?|minutes?)(?=\d|\b)/g;
/** "5h" is five hours; the other units are words the synonym map reads. */
const unglue = (_: string, digits: string, unit: string): string => `${digits} ${unit === "h" ? "hour" : unit} `;
const DIGIT = /\d/;

/** Analyses a text into tokens and content units. Deterministic; the same function serves index and query. */
export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  // A number glued to its unit ("5hr", "240min", "9h30") is read as the number and the unit.
  const plain = fold(text);
  const lowered = DIGIT.test(plain) ? plain.replace(GLUED_UNIT, unglue) : plain;
  const base = (lowered.includes("'") ? lowered.replace(/'s\b/g, "").replace(/'/g, "") : lowered).replace(/\s+/g, " ");
  const tokens: string[] = [];
  const seen = new Set<string>();
  const units: Unit[] = [];
  const extras: string[] = [];
  const segments: string[] = [];
  const judging = options.tokensOnly !== true;
  // A question brings no memo: it gets its own (a few words, each looked at once or twice).
  const memo = options.memo ?? new Map<string, WordFacts>();

  // Spaced pinyin merged ("tie xi qu" → "tiexiqu"), before phrases replace anything.
  const raw = latinWords(base);
  for (let i = 0; i < raw.length; i++) {
    if (!wordFacts(memo, raw[i] ?? "").pinyin) continue;
    let merged = raw[i] ?? "";
    for (let j = i + 1; j < Math.min(raw.length, i + 4); j++) {
      const next = raw[j] ?? "";
      if (!wordFacts(memo, next).pinyin) break;
      merged += next;
      if (!extras.includes(merged)) extras.push(merged);
    }
  }
  const folded =
    raw.length > 1 && raw.some((w) => LATIN_PHRASE_FIRST.has(w)) ? base.replace(LATIN_PHRASE_RE, (m) => ` ${LATIN_PHRASES.get(m) ?? m} `) : base;
  for (const e of extras) addUnique(tokens, seen, e);

  for (const word of folded === base ? raw : latinWords(folded)) {
    const token = wordFacts(memo, word).token;
    if (token === undefined) continue;
    addUnique(tokens, seen, token);
    if (judging && !isWeak(token)) units.push({ text: word, tokens: [token], cjk: false });
  }

  // Chinese runs: phrase aliases, segmenter words outside them, bigrams.
  for (const run of folded.match(CJK_RUN) ?? []) {
    const covered = judging ? new Uint8Array(run.length) : undefined;
    for (const [at, phrase] of cjkPhrasesIn(run)) {
      covered?.fill(1, at, at + phrase.length);
      for (const canon of CJK_PHRASES.get(phrase) ?? []) {
        if (seen.has(canon)) continue;
        addUnique(tokens, seen, canon);
        if (judging && !isWeak(canon)) units.push({ text: phrase, tokens: [canon], cjk: true });
      }
    }
    if (options.segment !== false) {
      // Stepping with containing() is about 40% faster than iterating the segments.
      const words = segmenter.segment(run);
      for (let index = 0; index < run.length; ) {
        const segment = words.containing(index)?.segment ?? run.charAt(index);
        const at = index;
        index += segment.length;
        if (ZH_STOP.has(segment)) continue;
        addUnique(tokens, seen, segment);
        segments.push(segment);
        if (covered === undefined || isWeak(segment) || covered.subarray(at, at + segment.length).every((c) => c === 1)) continue;
        const own: string[] = [segment];
        for (let i = 0; i + 1 < segment.length; i++) own.push(segment.slice(i, i + 2));
        units.push({ text: segment, tokens: own, cjk: true });
      }
    }
    let stopBefore = ZH_STOP_CODES.has(run.charCodeAt(0));
    for (let i = 0; i + 1 < run.length; i++) {
      const stopAfter = ZH_STOP_CODES.has(run.charCodeAt(i + 1));
      if (!stopBefore && !stopAfter) addUnique(tokens, seen, run.slice(i, i + 2));
      stopBefore = stopAfter;
    }
  }
  return { tokens, units, extras, segments, words: raw };
}

/** True for a word that reads as pinyin (one or more syllables, no tones). */
export function isPinyin(word: string): boolean {
  return word.length >= 2 && !EN_STOP.has(word) && readsAsPinyin(word);
}

/**
 * True for a word spelled as one or more toneless pinyin syllables, English function words included ("you",
 * "me"). Up to seven letters by default (longer English words too often spell syllables: "changing"); a
 * question already read as pinyin passes a longer limit, for words of two long syllables ("shangying").
 */
export function readsAsPinyin(word: string, maxLength = 7): boolean {
  return word.length >= 1 && word.length <= maxLength && PINYIN_WORD.test(word);
}

/** True for a token made of Latin letters or digits (fuzzy and prefix matching apply to those only). */
export function isLatinToken(token: string): boolean {
  return /^[a-z0-9]+$/.test(token);
}
