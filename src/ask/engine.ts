/**
 * The question-answering engine: a MiniSearch index over the curated topics, re-ranked by the closest
 * curated phrasing and the question's intent cues, a calibrated confidence, an explicit out-of-scope
 * detector, and autocomplete. Pure: no discord.js, no I/O (topics are passed in).
 *
 * How a question is judged:
 * 1. Cleaned: mentions, channel links, custom and Unicode emoji, markdown marks are removed. Empty →
 *    `invalid: empty`; nothing left → `invalid: no-text`; over 1,000 characters → `invalid: too-long` (we
 *    refuse rather than judge a prefix: a wall of text is not a question, and a silent cut could answer
 *    the wrong one).
 * 2. Spelling-corrected (./spell.ts), analysed by the shared normaliser (./normalize.ts, the same one that
 *    analysed the topics) and searched with MiniSearch (BM25; phrasings boosted most, then keywords, then
 *    the answer text; a prefix match for the word being typed), then re-ranked (see searchTopics).
 * 3. Scored. Each content word weighs by its rarity (idf over topics); a word the index has never seen
 *    (after spelling correction) weighs as much as the rarest word. coverage = share of that weight the best topic
 *    matched; margin = how far the best topic leads the second; specificity = whether a rare word matched.
 *    confidence = coverage × (0.75 + 0.25 × margin) × specificity, in [0, 1].
 * 4. Out of scope when the question names something known to be off-topic (other films, weather, food…),
 *    or its unknown words outweigh its known ones and it names nothing of the film's own (title, people,
 *    places, parts, festivals), or nothing matched. Above UNSURE_THRESHOLD, a best topic that lacks the
 *    form of answer asked for (a number, a date, a name, a sum…) or the thing asked about makes the question
 *    one about the film whose detail is not known: out of scope, with the closest topics. Otherwise `answer`
 *    above ANSWER_THRESHOLD, `unsure` (with suggestions) above UNSURE_THRESHOLD, else out of scope.
 */
import MiniSearch from "minisearch";
import type { Locale, PartId } from "../knowledge/schema.js";
import { analyze, CJK_ALIAS_PHRASES, CJK_RUN, fold, hasCjk, startsWithCjk, isLatinToken, isPinyin, isKnownWord, isWeak, latinPhraseAt, PART_TOKENS, tokenOf, type Analysis, type WordMemo } from "./normalize.js";
import type { AskTopic } from "./schema.js";
import { CONFLICTS, detectIntents, formsAsked, type Form, type Intent } from "./intent.js";
import { isSpoiler } from "./spoiler.js";
import { buildSpellIndex, correctThreeLetters, correctWord, unstretch, type SpellIndex } from "./spell.js";
import { buildReadingTable, chineseFromPinyin, correctHomophones, type ReadingTable } from "./pinyin.js";

export const MAX_QUESTION_CHARS = 1000;
export const ANSWER_THRESHOLD = 0.5;
export const UNSURE_THRESHOLD = 0.25;
const MAX_RELATED = 3;
const MAX_SUGGESTIONS = 3;
const AUTOCOMPLETE_MAX_CHARS = 100;

export type InvalidReason = "empty" | "too-long" | "no-text";

export type AskResult =
  | {
      kind: "answer";
      locale: Locale;
      topic: AskTopic;
      confidence: number;
      /** The topic concerns a part the club has not watched and spoilers were not asked for. */
      spoiler: boolean;
      related: AskTopic[];
    }
  | { kind: "unsure"; locale: Locale; confidence: number; suggestions: AskTopic[] }
  | {
      kind: "out-of-scope";
      locale: Locale;
      /**
       * For a question about the film asking a detail no topic gives (the best topic matches its words but
       * not the form or the thing asked for: "how much compensation…" against a topic that names no sum),
       * the closest topics, best first; empty for a question about something else.
       */
      closest: AskTopic[];
    }
  | { kind: "invalid"; reason: InvalidReason };

export interface AnswerOptions {
  spoilers: boolean;
  watched: ReadonlySet<PartId>;
}

interface Phrasing {
  topicId: string;
  display: string;
  folded: string;
}

/** One topic's hit for a search: its score and which query tokens it matched. */
export interface Hit {
  id: string;
  score: number;
  queryTerms: string[];
}

/** A topic as MiniSearch indexes it: each field's distinct tokens, already in their stored form (see indexTerm). */
interface TopicDoc {
  id: number;
  questions: string[];
  keywords: string[];
  answer: string[];
}

/**
 * The curated phrasings as the re-ranker sees them: each phrasing's topic and weight (square root of the sum
 * of its distinct tokens' idf², weak words weighed down as in the query), and for each token the phrasings
 * that hold it, so a question's cosine against every phrasing costs only the postings of its own tokens.
 */
interface CuratedPhrasings {
  readonly topic: Uint16Array;
  readonly norm: Float64Array;
  /** Each token's slot: the phrasings holding the token in slot s are list[start[s]] … list[start[s + 1] - 1]. */
  readonly slot: ReadonlyMap<string, number>;
  readonly start: Uint32Array;
  readonly list: Uint32Array;
  /**
   * Scratch space for one search: the dot product of each phrasing (zero between searches: each search clears
   * what it touched) and the phrasings touched. Kept with the index so that a search allocates no array as
   * long as the index (tens of kB): the garbage collector's pauses are what set the latency's tail.
   */
  readonly dots: Float64Array;
  readonly touched: Uint32Array;
}

export interface AskIndex {
  readonly topics: readonly AskTopic[];
  readonly byId: ReadonlyMap<string, AskTopic>;
  /** Topic frequency of each token (in how many topics it occurs). */
  readonly df: ReadonlyMap<string, number>;
  readonly maxIdf: number;
  /** MiniSearch over the topics (fields: phrasings, keywords, answer texts; document id = topic index). */
  readonly topicSearch: MiniSearch<TopicDoc>;
  /** The topics' curated phrasings (both languages), for re-ranking by the closest phrasing. */
  readonly phrasings: CuratedPhrasings;
  /** Every token of each topic (phrasings, keywords, answer and context), by topic id. */
  readonly topicTokens: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Per topic, the share of its curated phrasings (in the language naming it most) that name each place,
   * festival, work or critic (by its place in ENTITY_NAMES).
   */
  readonly entityShare: ReadonlyMap<string, ReadonlyMap<number, number>>;
  /** The Chinese words of the phrasings and keywords (segmenter words and alias phrases), for ./pinyin.ts. */
  readonly chineseWords: ReadonlySet<string>;
  /** Spelling correction over the Latin words of the index texts. */
  readonly spell: SpellIndex;
}

/**
 * The tokens of names, as a question's or a topic's analysis has them: a Latin name its token ("berlinale"),
 * a Chinese one its first two characters (the segmenter splits longer names, but the first two are always a
 * token, a bigram, of a text that holds them).
 */
function nameTokens(...lists: string[]): Set<string> {
  return new Set(
    lists
      .join(" ")
      .split(" ")
      .map((w) => (hasCjk(w) ? w.slice(0, 2) : (tokenOf(w) ?? w))),
  );
}

/**
 * Kinds a focus word can name, and the tokens that are instances of them: "which festival" is answered by a
 * topic naming the Berlinale, "which city" needs no word "city".
 */
const FESTIVAL_NAMES = ["berlinale berlin 柏林", "yamagata 山形", "doclisboa lisbon 里斯本", "rotterdam iffr 鹿特丹", "busan 釜山", "marseille fid 马赛", "nantes 南特"];
const FESTIVALS: ReadonlySet<string> = nameTokens(...FESTIVAL_NAMES);

/**
 * Places, works and people a question can name to say which release, screening or fact it means ("日本是哪年
 * 上映的": Japan's release, not the first one): a topic that never mentions what the question names is
 * pushed down (see ENTITY_PENALTY), and one about it is lifted (ENTITY_FOCUS). Each entry is one thing under
 * its names in both languages. The festivals, and:
 */
const ENTITY_NAMES: readonly string[] = [
  ...FESTIVAL_NAMES,
  // Not "us" (it reads as the token "usa").
  ...["france french 法国", "japan japanese 日本", "germany german 德国", "korea korean 韩国", "britain british 英国"],
  ...["italy italian 意大利", "canada 加拿大", "美国", "beijing 北京", "shenyang 沈阳", "paris 巴黎", "cannes 戛纳", "venice 威尼斯"],
  ...["locarno 洛迦诺", "toronto 多伦多", "london 伦敦", "纽约", "fribourg"],
  // Wang Bing's other films (not titles that are everyday words: "crude", "bitter"), and the critics and artists
  // the topics quote.
  ...["fengming 和凤鸣", "taang 德昂", "原油", "夹边沟", "三姊妹", "苦钱", "方绣英", "死灵魂", "无名者", "疯爱"],
  ...["zhangke 贾樟柯", "xinyu 吕新雨", "aiweiwei 艾未未", "xianmin 张献民", "bergala", "kerby"],
];
/** Each named thing's tokens, and the thing each token names (by its place in ENTITY_NAMES). */
const ENTITY_TOKENS: readonly ReadonlySet<string>[] = ENTITY_NAMES.map((names) => nameTokens(names));
const ENTITY_OF: ReadonlyMap<string, number> = new Map(ENTITY_TOKENS.flatMap((tokens, e) => Array.from(tokens, (t): [string, number] => [t, e])));

/**
 * Tokens that name the film's own world: a question holding one is never judged off-topic for unknown words.
 * Made with nameTokens, so each is the token the analysis gives ("remnants", "cabl", "fengm"), whatever the
 * stemming does. The festivals, and:
 */
const ANCHORS = nameTokens(
  ...FESTIVAL_NAMES,
  "tiexi tiexiqu wangbing wang bing rust remnants rails yanfen yanfenjie laodu duxiyun xiagang shenyang " +
    "liaoning bergala flaherty hubert bals aiweiwei criterion cahiers sightandsound kerby kerdy smelter smelting cable " +
    "sanatorium zhu fengming crude ditch jiabiangou rainbow ruhr west tracks",
  "铁西 王兵 艳粉街 老杜 杜锡云 下岗 沈阳 工厂 铁路 艾未未 吕新雨 贾樟柯 夹边沟 和凤鸣",
);

/** Words and phrases that put a question about something else (other films, daily life, other topics). */
const OFF_TOPIC: RegExp[] = [
  /\b(titanic|parasite|godfather|oppenheimer|avatar|inception|barbie|avengers?|marvel|star wars|harry potter|joker|interstellar|matrix|frozen|spider-?man|batman|dune)\b/,
  /\b(weather|forecast|rain(ing)?|temperature|pizza|restaurant|recipe|bake|baking|cook(ing)?|bitcoin|crypto|stocks?|python|javascript|football|soccer|world cup|nba|oscars?|academy awards?|taylor swift|capital of|joke|horoscope|homework|president of the united states|prime minister|what time is it|time is it now)\b/,
  /(天气|下雨|气温|火锅|餐厅|饭店|好吃|菜谱|股票|比特币|笑话|寄生虫|泰坦尼克|教父|奥斯卡|世界杯|足球|作业|现在几点|几点了|美国总统)/,
  // Other films and film-makers the knowledge base says nothing about.
  /\b(still life|palme d['’ ]?or|zhang yimou|chen kaige|wong kar-?wai|ang lee|to live|farewell my concubine|red sorghum|kurosawa|ozu)\b/,
  /(三峡好人|金棕榈|张艺谋|陈凯歌|王家卫|霸王别姬|红高粱|黑泽明|小津安二郎)/,
  // Ratings and scores (no source here gives one), private lives, property prices.
  /\b(rating|ratings|rated|score out of|imdb score|douban score|rotten tomatoes|metacritic)\b|\bletterboxd (score|rating|average)\b/,
  /\b(wife|husband|married|marry|divorced?|spouse|girlfriend|boyfriend|dating|gender|male or female|man or a woman|house prices?|property prices?|rent prices?)\b/,
  /(评分|打分|豆瓣分|几颗星|老婆|妻子|丈夫|老公|结婚|离婚|私生活|私下|私交|男朋友|女朋友|男的还是女的|性别|房价|租金)/,
  // Everyday life and other entertainment.
  /\b(tv shows?|tv series|sitcoms?|anime|video games?|blue screen|wifi|wi-fi|my (computer|laptop|pc) (is|keeps|won't|wont))\b/,
  /(电视剧|综艺|动漫|游戏|蓝屏|死机|重装系统|网速|开会|几点开|好听的歌|推荐.{0,4}歌)/,
  // Meals, chores asked of the bot (a request to write something: "for my essay" alone is a film question), sport.
  /\b(breakfast|lunch|dinner tonight|what should i (eat|cook)|takeaway|takeout|write (me|my)( an?| the)? (essay|report|poem|email|cover letter|resume)|champions league|premier league|super bowl|formula (1|one)|nfl)\b/,
  /(帮我写|帮我做|吃啥|吃什么好|午饭|晚饭|早饭|夜宵|外卖|欧冠|英超|中超)/,
  // Programming and setting up Discord or this bot: for a server's admins and the bot's help, not the film.
  /\b(typescript|node ?js|npm|json|code|coding|programming|compile|compiler|permissions?|discord server|server settings|bot settings|set up the bot|setup the bot)\b/,
  /(代码|编程|报错|机器人|权限|服务器设置)/,
  // Using Discord itself: one's own name and profile, subscriptions ("Tiexi's nickname" is a film question).
  /\b(?:my|change|changing|set|reset|discord|server) (?:nickname|username|avatar|profile pic(?:ture)?)s?\b|\bnickname (?:here|on discord|in (?:this|the) server)\b|\b(?:nitro|server boosts?|pfp|emoji pack)\b/,
  /(?:我的|改|换|修改|设置)(?:昵称|头像|用户名)|(?:昵称|头像|用户名)(?:怎么|如何)(?:改|换|设置)|表情包/,
];

const MENTION = /<a?:\w+:\d+>|<@[!&]?\d+>|<#\d+>|<\/[^>]+:\d+>|@everyone|@here|<t:\d+(:\w)?>/g;
const EMOJI = /\p{Extended_Pictographic}|[\u{1F1E6}-\u{1F1FF}]|\u{FE0F}|\u{200D}|\u{20E3}/gu;
const MARKDOWN = /[*_~`|>#\\[\]()]/g;

/** Strips mentions, emoji and markdown; says why a text is not a question, or returns the text to judge. */
export function cleanQuestion(question: string): { text: string } | { invalid: InvalidReason } {
  if (question.trim().length === 0) return { invalid: "empty" };
  if (question.length > MAX_QUESTION_CHARS) return { invalid: "too-long" };
  const text = question.replace(MENTION, " ").replace(EMOJI, " ").replace(MARKDOWN, " ").replace(/\s+/g, " ").trim();
  if (!/[\p{L}\p{N}]/u.test(text)) return { invalid: "no-text" };
  return { text };
}

function displayPhrasing(text: string, locale: Locale, names: ReadonlyMap<string, string>): string {
  if (locale === "zh-CN") return `${text}?`;
  const fixed = text
    .replace(/\b(\w+) (s|t)\b/g, "$1'$2")
    .replace(/\bi\b/g, "I")
    .replace(/\b(do|does|did|is|was|are|were|ca|could|would|should|have|has)nt\b/g, "$1n't")
    .replace(/\b(what|who|where|how|that|there)s\b/g, "$1's")
    .replace(/[a-z]+/g, (w) => names.get(w) ?? w);
  return `${fixed.charAt(0).toUpperCase()}${fixed.slice(1)}?`;
}

/**
 * Names as the English answers write them ("rust" → "Rust", "yamagata" → "Yamagata"): words written with a
 * capital where no sentence starts, and never in lower case, so phrasings shown as questions spell them right.
 */
function namesOf(topics: readonly AskTopic[]): Map<string, string> {
  const capital = new Map<string, string>();
  const lower = new Set<string>();
  for (const topic of topics) {
    for (const text of [topic.answer.en, topic.context.en]) {
      for (const m of text.matchAll(/(^|[.!?:;]\s+|\(|")?\b([A-Za-z][A-Za-z]+)\b/g)) {
        const word = m[2] ?? "";
        if (!/[A-Z]/.test(word)) lower.add(word);
        else if (m[1] === undefined || /[A-Z]/.test(word.slice(1))) capital.set(word.toLowerCase(), word);
      }
    }
  }
  for (const w of lower) capital.delete(w);
  return capital;
}

/** Field boosts: a token in a curated phrasing says most, a keyword less, the answer text least. */
const BOOST_QUESTIONS = 3;
const BOOST_KEYWORDS = 2;
const BOOST_ANSWER = 1;

/** How much a topic tagged with the question's intent is lifted, and one tagged with a conflicting intent lowered. */
const INTENT_BOOST = 1.5;
const INTENT_PENALTY = 0.6;
/** A topic that never mentions a place, work or person the question names (see ENTITY_NAMES) keeps this share of its score. */
const ENTITY_PENALTY = 0.3;
/**
 * A topic that does mention what the question names is lifted by up to 1 + ENTITY_FOCUS, by the share of its
 * curated phrasings that name it too: a topic about that place or festival, not one that lists it among others.
 */
const ENTITY_FOCUS = 0.75;
/** Query-term weights: question words say little about the subject; a part's name says a lot. */
const WEAK_FACTOR = 0.35;
const PART_FACTOR = 2;
/** Weight of a prefix match of the word being typed ("remn" → "remnants"). */
const PREFIX_WEIGHT = 0.3;
/**
 * Largest lift re-ranking can give a topic over the best one: (1 + 1)² for the closest phrasing × intent boost
 * / penalty (and × (1 + ENTITY_FOCUS) / ENTITY_PENALTY more when the question names a place, a work or a person).
 */
const RERANK_SPAN = (4 * INTENT_BOOST) / INTENT_PENALTY;

/** A question's tokens reach MiniSearch space-joined (documents are handed over as token arrays). */
const splitTokens = (text: string): string[] => text.split(" ");

const HEX = "0123456789abcdef";

/**
 * How a token is stored in MiniSearch: Latin tokens as they are, a Chinese token as "~" and the hex code of
 * each character ("铁西" → "~94c1897f"). MiniSearch's radix tree scans a node's children one by one, and
 * Chinese words start with over a thousand different characters, so unencoded they make the root node's scan
 * the index build's main cost; encoded, no node has more than 37 children. Terms are only compared whole (the
 * prefix match applies to Latin words alone), so the encoding changes no score.
 */
export function indexTerm(token: string): string {
  if (!startsWithCjk(token)) return token;
  let term = "~";
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    term += HEX.charAt(c >> 12) + HEX.charAt((c >> 8) & 15) + HEX.charAt((c >> 4) & 15) + HEX.charAt(c & 15);
  }
  return term;
}

/** A title in Chinese title brackets, of two to four characters (the reading table's words). */
const BRACKETED_TITLE = /《([\u3400-\u9fff]{2,4})》/gu;

function termFactor(token: string): number {
  return isWeak(token) ? WEAK_FACTOR : PART_TOKENS.has(token) ? PART_FACTOR : 1;
}

/**
 * Builds the search index: a MiniSearch index over the topics (phrasings, keywords, answer texts), each
 * topic's analysed phrasings for re-ranking, topic frequencies and the spelling vocabulary. The bench
 * measures it; the reading table and the question pool are built on first use (see readingTable, questionPool).
 */
export function buildAskIndex(topics: readonly AskTopic[]): AskIndex {
  const df = new Map<string, number>();
  const wordCount = new Map<string, number>();
  const phraseTokens: string[][] = [];
  const phraseTopicList: number[] = [];
  const topicDocs: TopicDoc[] = [];
  const chineseWords = new Set<string>(CJK_ALIAS_PHRASES);
  const topicTokens = new Map<string, Set<string>>();
  const entityShare = new Map<string, Map<number, number>>();
  const stored = (tokens: ReadonlySet<string>): string[] => Array.from(tokens, indexTerm);
  const memo: WordMemo = new Map();
  /** The spelling vocabulary counts the Latin words of the English phrasings, the keywords and the English answers. */
  const countWords = (words: readonly string[]): void => {
    for (const w of words) if (w.length >= 3 && !/\d/.test(w)) wordCount.set(w, (wordCount.get(w) ?? 0) + 1);
  };
  topics.forEach((topic, ti) => {
    // Each distinct token once per field: what counts is whether a field holds a word, not how many phrasings
    // repeat it (and indexing a third of the tokens keeps the build fast).
    const seen = new Set<string>();
    const questionTokens = new Set<string>();
    /** How many of the topic's phrasings in each language name each place, festival, work or critic. */
    const named: Record<Locale, Map<number, number>> = { en: new Map(), "zh-CN": new Map() };
    const phrasing = (q: string, locale: Locale): Analysis => {
      const analysis = analyze(q, { tokensOnly: true, memo });
      for (const w of analysis.segments) chineseWords.add(w);
      const things = new Set<number>();
      for (const t of analysis.tokens) {
        questionTokens.add(t);
        const e = ENTITY_OF.get(t);
        if (e !== undefined) things.add(e);
      }
      for (const e of things) named[locale].set(e, (named[locale].get(e) ?? 0) + 1);
      phraseTokens.push(analysis.tokens);
      phraseTopicList.push(ti);
      return analysis;
    };
    for (const q of topic.questions.en) countWords(phrasing(q, "en").words);
    for (const q of topic.questions["zh-CN"]) phrasing(q, "zh-CN");
    // The larger share of the two languages' phrasings (the questions of either language name it).
    const shares = new Map<number, number>();
    for (const locale of ["en", "zh-CN"] as const) {
      const n = topic.questions[locale].length;
      for (const [e, count] of named[locale]) shares.set(e, Math.max(shares.get(e) ?? 0, count / n));
    }
    if (shares.size > 0) entityShare.set(topic.id, shares);
    const keywordTokens = new Set<string>();
    const keyword = (k: string): Analysis => {
      const analysis = analyze(k, { tokensOnly: true, memo });
      for (const t of analysis.tokens) keywordTokens.add(t);
      for (const w of analysis.segments) chineseWords.add(w);
      return analysis;
    };
    for (const k of topic.keywords ?? []) countWords(keyword(k).words);
    keyword(topic.id.replace(/-/g, " "));
    const answerTokens = new Set<string>();
    const answerEn = analyze(`${topic.answer.en}\n${topic.context.en}`, { segment: false, tokensOnly: true, memo });
    const zhText = `${topic.answer["zh-CN"]}\n${topic.context["zh-CN"]}`;
    const answerZh = analyze(zhText, { segment: false, tokensOnly: true, memo });
    // Titles the answers give (《和凤鸣》) are words too: a pinyin keyboard's slip in one (和风鸣) is corrected.
    for (const [, title] of zhText.matchAll(BRACKETED_TITLE)) if (title !== undefined) chineseWords.add(title);
    for (const t of answerEn.tokens) answerTokens.add(t);
    for (const t of answerZh.tokens) answerTokens.add(t);
    countWords(answerEn.words);
    for (const field of [questionTokens, keywordTokens, answerTokens]) for (const t of field) seen.add(t);
    for (const t of seen) df.set(t, (df.get(t) ?? 0) + 1);
    topicTokens.set(topic.id, seen);
    topicDocs.push({ id: ti, questions: stored(questionTokens), keywords: stored(keywordTokens), answer: stored(answerTokens) });
  });
  const topicSearch = new MiniSearch<TopicDoc>({
    fields: ["questions", "keywords", "answer"],
    // Documents are analysed already (./normalize.ts): each field is an array of stored terms, handed through
    // as it is, with no join, split or second pass over the terms. Questions are tokenized at search time.
    stringifyField: (tokens: string[]) => tokens as unknown as string,
    tokenize: (tokens) => tokens as unknown as string[],
    processTerm: (term) => term,
    searchOptions: { tokenize: splitTokens, processTerm: indexTerm },
  });
  topicSearch.addAll(topicDocs);

  const maxIdf = Math.log(1 + topics.length / 0.5);
  const idfOf = (t: string): number => {
    const n = df.get(t);
    return n === undefined ? maxIdf : Math.log(1 + topics.length / n);
  };
  // Each distinct token gets a slot, with its squared weight worked out once (phrasings repeat their words) and
  // the number of phrasings holding it; then the postings are laid out in one array, slot by slot.
  const slot = new Map<string, number>();
  const squared: number[] = [];
  const counts: number[] = [];
  const norm = new Float64Array(phraseTokens.length);
  // Each posting's token slot, phrasing by phrasing, for the second pass.
  const slots: number[] = [];
  phraseTokens.forEach((tokens, pi) => {
    let sum = 0;
    for (const t of tokens) {
      let s = slot.get(t);
      if (s === undefined) {
        s = counts.length;
        slot.set(t, s);
        squared.push((idfOf(t) * termFactor(t)) ** 2);
        counts.push(0);
      }
      sum += squared[s] ?? 0;
      counts[s] = (counts[s] ?? 0) + 1;
      slots.push(s);
    }
    norm[pi] = Math.sqrt(sum) || 1;
  });
  const start = new Uint32Array(counts.length + 1);
  for (let s = 0; s < counts.length; s++) start[s + 1] = (start[s] ?? 0) + (counts[s] ?? 0);
  const fill = start.slice(0, counts.length);
  const list = new Uint32Array(start[counts.length] ?? 0);
  let k = 0;
  phraseTokens.forEach((tokens, pi) => {
    for (let n = 0; n < tokens.length; n++) {
      const s = slots[k++] ?? 0;
      const at = fill[s] ?? 0;
      list[at] = pi;
      fill[s] = at + 1;
    }
  });
  const phrasings: CuratedPhrasings = {
    topic: Uint16Array.from(phraseTopicList),
    norm,
    slot,
    start,
    list,
    dots: new Float64Array(phraseTokens.length),
    touched: new Uint32Array(phraseTokens.length),
  };
  return {
    topics,
    byId: new Map(topics.map((t) => [t.id, t])),
    df,
    maxIdf,
    topicSearch,
    phrasings,
    topicTokens,
    entityShare,
    chineseWords,
    spell: buildSpellIndex(wordCount),
  };
}

const questionPools = new WeakMap<AskIndex, Readonly<Record<Locale, readonly Phrasing[]>>>();

/**
 * The curated phrasings shown as questions (autocomplete, buttons, titles), per language: built on first use
 * and kept, like the reading table; the bot builds both at start.
 */
export function questionPool(index: AskIndex): Readonly<Record<Locale, readonly Phrasing[]>> {
  let pool = questionPools.get(index);
  if (pool === undefined) {
    const built: Record<Locale, Phrasing[]> = { en: [], "zh-CN": [] };
    const names = namesOf(index.topics);
    for (const topic of index.topics) {
      for (const locale of ["en", "zh-CN"] as const) {
        for (const q of topic.questions[locale]) {
          built[locale].push({ topicId: topic.id, display: displayPhrasing(q, locale, names), folded: fold(q) });
        }
      }
    }
    pool = built;
    questionPools.set(index, pool);
  }
  return pool;
}

const readingTables = new WeakMap<AskIndex, ReadingTable>();

/**
 * The reading table of an index's Chinese words (./pinyin.ts), built on first use and kept; call it ahead
 * to take its cost (tens of ms) before the first question rather than during it.
 */
export function readingTable(index: AskIndex): ReadingTable {
  let table = readingTables.get(index);
  if (table === undefined) {
    table = buildReadingTable(index.chineseWords, index.df);
    readingTables.set(index, table);
  }
  return table;
}

function idf(index: AskIndex, token: string): number {
  const n = index.df.get(token);
  return n === undefined ? index.maxIdf : Math.log(1 + index.topics.length / n);
}

/**
 * Scores every topic for a set of query tokens. MiniSearch retrieves and ranks the topics (BM25 over the
 * phrasings, keywords and answer fields, with per-term weights and a prefix match for the word being typed);
 * the score is then lifted by how closely the question matches the topic's single closest curated phrasing
 * (cosine over idf weights, weak words weighed down as in the query), and by the question's intent cues.
 * Returns hits best first.
 */
export function searchTopics(index: AskIndex, tokens: readonly string[], intents: ReadonlySet<Intent> = new Set()): Hit[] {
  if (tokens.length === 0) return [];
  const query = [...tokens];
  const lastAt = query.length - 1;
  const last = query[lastAt] ?? "";
  const prefixLast = isLatinToken(last) && last.length >= 3 && !index.df.has(last);
  // Only tokens the index holds are searched (and the word being typed, matched as a prefix): the others
  // would find nothing, and each searched term costs MiniSearch a pass and its garbage.
  const searched = query.filter((t, i) => index.df.has(t) || (prefixLast && i === lastAt));
  // MiniSearch scores each term (see termHits); as its own "OR" query does, a topic's score is the sum over the
  // terms it matched, in the question's order, times how many it matched.
  const summed = new Map<number, { score: number; queryTerms: string[] }>();
  searched.forEach((t, i) => {
    for (const [ti, score] of termHits(index, t, prefixLast && i === searched.length - 1 && t === last)) {
      const seen = summed.get(ti);
      if (seen === undefined) summed.set(ti, { score, queryTerms: [t] });
      else {
        seen.score = seen.score + score;
        if (!seen.queryTerms.includes(t)) seen.queryTerms.push(t);
      }
    }
  });
  if (summed.size === 0) return [];
  const found = Array.from(summed, ([ti, r]) => ({ ti, score: r.score * r.queryTerms.length, queryTerms: r.queryTerms }));
  found.sort((a, b) => b.score - a.score);

  // Re-ranking: the closest curated phrasing of each candidate topic (cosine between the question and the
  // phrasing over idf weights) lifts its score by up to (1 + 1)², and intent cues by INTENT_BOOST /
  // INTENT_PENALTY; a topic scoring under 1/RERANK_SPAN of the best cannot overtake it, so it is not re-ranked.
  const weights = new Map<string, number>();
  let qnorm = 0;
  for (const t of query) {
    const w = (index.df.has(t) ? idf(index, t) : index.maxIdf) * termFactor(t);
    qnorm += w * w;
    if (index.df.has(t)) weights.set(t, w * w);
  }
  const qlen = Math.sqrt(qnorm) || 1;
  // The closest phrasing of each topic: dot products gathered over the postings of the question's tokens.
  const { topic: phrasingTopic, norm, slot, start, list, dots, touched } = index.phrasings;
  let touchedCount = 0;
  for (const [t, w2] of weights) {
    const s = slot.get(t);
    if (s === undefined) continue;
    for (let k = start[s] ?? 0, end = start[s + 1] ?? 0; k < end; k++) {
      const pi = list[k] ?? 0;
      if (dots[pi] === 0) touched[touchedCount++] = pi;
      dots[pi] = (dots[pi] ?? 0) + w2;
    }
  }
  const closestOf = new Float64Array(index.topics.length);
  for (let k = 0; k < touchedCount; k++) {
    const pi = touched[k] ?? 0;
    const ti = phrasingTopic[pi] ?? 0;
    closestOf[ti] = Math.max(closestOf[ti] ?? 0, (dots[pi] ?? 0) / (qlen * (norm[pi] ?? 1)));
    dots[pi] = 0;
  }
  const entities = [...new Set(tokens.flatMap((t) => ENTITY_OF.get(t) ?? []))];
  const floor = (found[0]?.score ?? 0) / (entities.length > 0 ? (RERANK_SPAN * (1 + ENTITY_FOCUS)) / ENTITY_PENALTY : RERANK_SPAN);
  const hits: Hit[] = [];
  for (const r of found) {
    if (r.score < floor) break;
    const ti = r.ti;
    const closest = closestOf[ti] ?? 0;
    const near = 1 + Math.min(1, closest);
    let s = r.score * near * near;
    const topic = index.topics[ti];
    const id = topic?.id ?? "";
    if (entities.length > 0) {
      const own = index.topicTokens.get(id);
      if (own !== undefined && entities.some((e) => ![...(ENTITY_TOKENS[e] ?? [])].some((t) => own.has(t)))) s *= ENTITY_PENALTY;
      else {
        // A topic whose phrasings mostly name it is about it (Yamagata's prize, not the list of awards).
        const shares = index.entityShare.get(id);
        if (shares !== undefined) s *= 1 + ENTITY_FOCUS * Math.max(0, ...entities.map((e) => shares.get(e) ?? 0));
      }
    }
    const tags = topic?.intent;
    if (intents.size > 0 && tags !== undefined && tags.length > 0) {
      if (tags.some((tag) => intents.has(tag))) s *= INTENT_BOOST;
      else if (tags.some((tag) => [...intents].some((q) => CONFLICTS.get(q)?.includes(tag) === true))) s *= INTENT_PENALTY;
    }
    hits.push({ id, score: s, queryTerms: r.queryTerms });
  }
  hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  return hits;
}

type TermResults = Map<string, readonly (readonly [number, number])[]>;
/**
 * Each index's term results, kept: questions share many terms, and a message's sentences share all theirs with
 * the whole message. Only index terms are searched exactly, so these are bounded by the index (a few thousand
 * terms, about 2 MB, never dropped); prefix searches for a word being typed are kept apart, bounded, and
 * cleared when full, so that typing never empties the others.
 */
const termResults = new WeakMap<AskIndex, { exact: TermResults; prefix: TermResults }>();
const PREFIX_CACHE_MAX = 2048;

/**
 * Works out the results of these terms ahead, as a question holding them would (the bot does it for every
 * index term once it is connected, so that questions find them ready).
 */
export function cacheTerms(index: AskIndex, terms: Iterable<string>): void {
  for (const term of terms) termHits(index, term, false);
}

/** Empties an index's query caches (term results, spelling corrections): for benchmarks of a first question. */
export function forgetQueryCaches(index: AskIndex): void {
  termResults.delete(index);
  index.spell.cache.clear();
}

/**
 * One term's results from MiniSearch: each topic (by its place in the index) and its score (BM25 over the
 * phrasings, keywords and answer fields, with the term's weight; a prefix match for the word being typed).
 */
function termHits(index: AskIndex, term: string, prefix: boolean): readonly (readonly [number, number])[] {
  let caches = termResults.get(index);
  if (caches === undefined) {
    caches = { exact: new Map(), prefix: new Map() };
    termResults.set(index, caches);
  }
  const cache = prefix ? caches.prefix : caches.exact;
  let hits = cache.get(term);
  if (hits === undefined) {
    hits = index.topicSearch
      .search(term, {
        boost: { questions: BOOST_QUESTIONS, keywords: BOOST_KEYWORDS, answer: BOOST_ANSWER },
        boostTerm: () => termFactor(term),
        prefix,
        fuzzy: false,
        weights: { fuzzy: 0, prefix: PREFIX_WEIGHT },
      })
      .map((r) => [Number(r.id), r.score] as const);
    if (prefix && cache.size >= PREFIX_CACHE_MAX) cache.clear();
    cache.set(term, hits);
  }
  return hits;
}

/**
 * Spelling correction for Latin words the index has never seen ("chaird" → "chaired", "lnog" → "long"):
 * the closest index word within one edit (two for words of eight letters or more); see ./spell.ts.
 */
export function correctSpelling(index: AskIndex, text: string): string {
  const folded = fold(text);
  const all = folded.match(/[a-z]+/g) ?? [];
  let at = -1;
  const known = (w: string): boolean => index.spell.count.has(w);
  return folded.replace(/[a-z]+/g, (typed) => {
    at++;
    if (known(typed) || isKnownWord(typed)) return typed;
    const word = unstretch(index.spell, typed);
    if (word !== typed && known(word)) return word;
    if (word.length === 3) return correctThreeLetters(index.spell, word);
    if (word.length < 4) return word;
    // Spaced pinyin ("xia gang": syllables of at most six letters) is merged later, not corrected; an English
    // word beside it ("mean") is no pinyin.
    const pinyinNext = (w: string | undefined): boolean => w !== undefined && w.length <= 6 && isPinyin(w) && !known(w);
    if (word.length <= 6 && isPinyin(word) && (pinyinNext(all[at - 1]) || pinyinNext(all[at + 1]))) return word;
    // An adverb, even misspelled ("legaly", "basicaly"), says how, not what: it stays weak, rather than be
    // turned into an index word one letter away ("legacy").
    if (isWeak(word)) return word;
    return correctWord(index.spell, word) ?? word;
  });
}


/** Internal scoring, exposed for the bench and tests. */
export interface Judgement {
  locale: Locale;
  ranked: { topic: AskTopic; score: number }[];
  confidence: number;
  coverage: number;
  margin: number;
  /** The form of answer the question asks for in so many words (see formsAsked). */
  forms: ReadonlySet<Form>;
  /**
   * The thing a which/what/how-many question asks about ("which song" → "song"), as typed and as
   * spelling-corrected; empty when there is none (or either reading finds none).
   */
  focus: readonly string[];
  offTopic: boolean;
  unknownOutweighs: boolean;
  anchored: boolean;
}

/** A question read and ranked: its language, its folded and spelling-corrected text, its analysis and the topics best first. */
interface Reading {
  locale: Locale;
  folded: string;
  analysisText: string;
  analysis: Analysis;
  results: Hit[];
  ranked: { topic: AskTopic; score: number }[];
}

/** Reads and ranks a question (what autocomplete needs; `judge` goes on to weigh it). */
function readQuestion(index: AskIndex, text: string): Reading {
  let locale: Locale = hasCjk(text) ? "zh-CN" : "en";
  let folded = fold(text);
  const table = (): ReadingTable => readingTable(index);
  if (locale === "zh-CN") {
    folded = correctHomophones(folded, (t) => index.df.has(t), table);
  } else {
    // Typed in toneless pinyin: add the Chinese words it spells, and answer in Chinese.
    const spelled = chineseFromPinyin(folded, table, (w) => index.df.has(tokenOf(w) ?? ""));
    if (spelled !== undefined && spelled.chinese.length >= 2) {
      locale = "zh-CN";
      // The Chinese words run together, as typed in Chinese, so that cues spanning two words ("哪里拍") are read.
      folded = [spelled.chinese.join(""), ...spelled.rest].join(" ");
    }
  }
  const analysisText = locale === "en" || /[a-z]{4,}/.test(folded) ? correctSpelling(index, folded) : folded;
  const analysis: Analysis = analyze(analysisText);
  const results = analysis.tokens.length > 0 ? searchTopics(index, analysis.tokens, detectIntents(folded)) : [];
  const ranked = results.flatMap((r) => {
    const topic = index.byId.get(String(r.id));
    return topic ? [{ topic, score: r.score }] : [];
  });
  return { locale, folded, analysisText, analysis, results, ranked };
}

/**
 * The film's own title, as the analysis gives it: no evidence for a topic, and no anchor either (a question
 * naming it is about the film, but maybe about something the topics do not tell).
 */
const OWN_TITLE: ReadonlySet<string> = new Set(["westofthetracks"]);

/** A title in Chinese title brackets or in quotation marks. */
const TITLE = /《[^》]+》|“[^”]+”|"[^"]+"|「[^」]+」/g;

/** Where a clause ends: a comma or a stop, in either script. */
const CLAUSE_BREAK = /[,;:.!?\n，；：。！？、]+/u;
/**
 * How much a word the best topic lacks weighs when it is only in a remark beside the question ("how old are
 * the boys in Remnants, they look like 15 to me", "后来还拍了哪些纪录片，想搞个马拉松"): a clause that asks
 * nothing while another clause asks.
 */
const REMARK_WEIGHT = 0.25;

/** A remark is a clause of at least this many Latin words, or this many Chinese characters plus one. */
const REMARK_MIN_WORDS = 3;

/**
 * The clauses of a question that ask (a question word or particle) and, when some clause asks, the others
 * long enough to say something of their own: remarks beside the question ("…, they look like 15 to me"). A
 * short clause before the question names its subject instead ("satantango, how long is it").
 */
function clausesOf(text: string): { asking: string[]; remarks: string[] } {
  const clauses = text.split(CLAUSE_BREAK).filter((c) => /[\p{L}\p{N}]/u.test(c));
  const asking = clauses.filter((c) => ASKS.test(c));
  if (asking.length === 0) return { asking, remarks: [] };
  const long = (c: string): boolean => (c.match(/[a-z0-9]+/g)?.length ?? 0) >= REMARK_MIN_WORDS || (c.match(CJK_RUN)?.join("").length ?? 0) > REMARK_MIN_WORDS;
  return { asking, remarks: clauses.filter((c) => !ASKS.test(c) && long(c)) };
}

/** Whether any of the clauses holds a word: a whole Latin word, or Chinese text anywhere. */
function anyHolds(clauses: readonly string[], words: ReadonlySet<string>, word: string): boolean {
  return hasCjk(word) ? clauses.some((c) => c.includes(word)) : words.has(word);
}

/** The Latin words of some clauses, each once. */
const wordsOf = (clauses: readonly string[]): Set<string> => new Set(clauses.flatMap((c) => c.split(/[^a-z0-9']+/)));

/** Scores a cleaned question against the index. */
export function judge(index: AskIndex, text: string): Judgement {
  const { locale, folded, analysisText, analysis, results, ranked } = readQuestion(index, text);
  const offTopic = OFF_TOPIC.some((re) => re.test(folded));
  // Read before and after spelling correction ("what did he thnk of it" asks for a view too).
  const forms = analysisText === folded ? formsAsked(folded) : new Set([...formsAsked(folded), ...formsAsked(analysisText)]);
  const typedFocus = focusOf(index, folded);
  const correctedFocus = analysisText === folded ? typedFocus : focusOf(index, analysisText);
  const focus = typedFocus === undefined || correctedFocus === undefined ? [] : [...new Set([typedFocus, correctedFocus])];
  const anchored = analysis.tokens.some((t) => ANCHORS.has(t));
  const top = results[0];
  if (!top) return { locale, ranked, confidence: 0, coverage: 0, margin: 0, forms, focus, offTopic, unknownOutweighs: true, anchored };

  const matchedTop = new Set(top.queryTerms);
  const matchedAny = new Set<string>();
  for (const r of results) for (const t of r.queryTerms) matchedAny.add(t);
  const extrasTop = analysis.extras.filter((e) => matchedTop.has(e));

  // The film's own title says nothing of which topic is meant (every topic is about the film): no evidence
  // either way, unless it is all the question holds.
  const aboutFilm = analysis.units.filter((u) => !u.tokens.every((t) => OWN_TITLE.has(t)));
  let units = aboutFilm.length > 0 ? aboutFilm : analysis.units;
  const weakOnly = units.length === 0;
  if (weakOnly) {
    // Only weak words ("who made it"): judge on those.
    units = analysis.tokens.map((t) => ({ text: t, tokens: [t], cjk: !isLatinToken(t) }));
  }
  let total = 0;
  let covered = 0;
  let known = 0;
  let unknown = 0;
  let bestMatchedIdf = 0;
  const titles = folded.match(TITLE) ?? [];
  const { asking, remarks } = clausesOf(analysisText);
  const remarkWords = wordsOf(remarks);
  const askingWords = wordsOf(asking);
  const inRemarkOnly = (word: string): boolean => anyHolds(remarks, remarkWords, word) && !anyHolds(asking, askingWords, word);
  for (const unit of units) {
    const isKnown = unit.tokens.some((t) => matchedAny.has(t));
    // An unseen Chinese word is most often conversational filler the phrasings did not use ("场景", "大概"),
    // so it weighs a third of an unseen Latin word (mostly a name or title the index does not know); inside
    // a title in brackets or quotes (《漫长的季节》) it is a name, and weighs as much.
    const unseen = unit.cjk && !titles.some((title) => title.includes(unit.text)) ? index.maxIdf / 3 : index.maxIdf;
    // A Chinese word the index knows from other topics but that is missing from the best one is often
    // filler ("每个地方", "写的"); it weighs half.
    const inTopAny = unit.tokens.some((t) => matchedTop.has(t));
    const knownWeight = isKnown ? Math.max(...unit.tokens.filter((t) => matchedAny.has(t)).map((t) => idf(index, t))) : 0;
    const full = isKnown ? (unit.cjk && !inTopAny ? knownWeight / 2 : knownWeight) : unseen;
    // A word the best topic lacks that is only in a remark beside the question weighs less (REMARK_WEIGHT):
    // context, not what is asked. A remark's word the topic holds still counts in full for it.
    const weight = !inTopAny && inRemarkOnly(unit.text) ? full * REMARK_WEIGHT : full;
    total += weight;
    if (isKnown) known += weight;
    else unknown += weight;
    const inTop = unit.tokens.some((t) => matchedTop.has(t)) || extrasTop.some((e) => !unit.cjk && e.includes(unit.text));
    if (inTop) {
      covered += weight;
      bestMatchedIdf = Math.max(bestMatchedIdf, weight);
    }
  }
  for (const e of extrasTop) bestMatchedIdf = Math.max(bestMatchedIdf, idf(index, e));
  const coverage = total > 0 ? covered / total : 0;
  const second = results.find((r) => r.id !== top.id);
  const margin = second ? Math.max(0, 1 - second.score / top.score) : 1;
  // A rare word matched (in roughly three topics or fewer) gives full weight; only common words halve it.
  const specificIdf = Math.log(1 + index.topics.length / 3);
  const specificity = Math.min(1, 0.5 + (0.5 * bestMatchedIdf) / specificIdf);
  // Only question words matched ("what time is it"): never confident enough to answer.
  const cap = weakOnly ? ANSWER_THRESHOLD - 0.05 : 1;
  const confidence = Math.min(cap, coverage * (0.75 + 0.25 * margin) * specificity);
  return { locale, ranked, confidence, coverage, margin, forms, focus, offTopic, unknownOutweighs: unknown >= known, anchored };
}

/** The topic's related topics that exist, at most three (the buttons under an answer). */
export function relatedTopics(index: AskIndex, topic: AskTopic): AskTopic[] {
  return topic.related.flatMap((id) => {
    const t = index.byId.get(id);
    return t ? [t] : [];
  }).slice(0, MAX_RELATED);
}

const NUMBER = /\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|dozen|half|single)\b|[一二两三四五六七八九十百千万亿半]/i;
const YEAR_OR_DATE = /\b(1[89]\d\d|20\d\d)s?\b|\b(january|february|march|april|may|june|july|august|september|october|november|december)\b|\d年/i;
const DURATION = /\d+\s*(minutes?|mins?|hours?|hrs?|分钟|小时)|\b(minutes?|hours?|years?|months?|weeks?|days?)\b|[一二两三四五六七八九十半]+(个)?(小时|分钟)|\d年/i;
/** The present: an answer about how things are now, not how they were. */
const PRESENT = /\b(today|now|nowadays|currently|current|present|still)\b|现在|目前|如今|今天|至今|仍然|依然/i;
/**
 * A person's name: two capitalised words ("Wang Bing", "Old Du", "Alain Bergala") that do not name a place or
 * an institution ("Beijing Normal University", "Jingwen Hall", "Hubert Bals Fund"), or a capitalised word after
 * a role.
 */
const NAME =
  /\b[A-Z][a-z]+ (?!(?:Normal|University|College|Hall|Festival|Fund|Street|Forum|Film|Films|Centre|Center|Releases|Museum|Institute|Review|Press|Square|Station|District|Province|Prize|Award|Awards|Cinema|Theatre|Theater|Library|Academy|School|Group|Company|Editions|Éditions|Records|Times)\b)[A-Z][a-z]+|\b(by|director|editor|producer|critic|artist|with)\s+[A-Z]/;
/** A sum of money, or an answer saying that no figure is known. */
const MONEY = /\d[\d,.]*\s*(yuan|rmb|dollars?|euros?|francs?|usd|eur)\b|[$€¥£]\s?\d|\d[\d,.]*\s*(万|千)?(元|美元|欧元|块)|[一二两三四五六七八九十百千万]+(元|块)|\bno [\w -]{0,20}figures?\b|没有.{0,8}(数字|数据)/i;
/** A title quoted (“Ruins of the Future”, 《未来的废墟》). */
const QUOTED_TITLE = new RegExp(TITLE.source);
/** Someone's opinion reported: called, praised, wrote, ranked…, or a quotation. */
const OPINION = /\b(calls?|called|praised?|describe[sd]?|wrote|writes|said|says|hailed|ranked|compared|admired|considers?|considered|regarded|acclaimed|celebrated)\b|“|称|评价|认为|写道|誉为|称赞|赞扬|评论|说过/;

/**
 * Whether a topic's answer has the form the question asks for: a number for "how many", a year or date for
 * "when", a length for "how long", a name for "who", the present for "today" / "现在", a sum for "how much
 * money", a reported view for "what did … think of", a topic tagged "about" for "what is … about", a quoted title for the title of an essay. A topic
 * that matches the words but not the form ("how long is The Ditch" against a topic that says what The Ditch
 * is) is not stated as the answer: the detail is said to be not known, and the topic offered.
 */
function answersForm(topic: AskTopic, forms: ReadonlySet<Form>): boolean {
  if (forms.size === 0) return true;
  const given = formsGiven(topic);
  for (const form of forms) if (!given.has(form)) return false;
  return true;
}

/** Each topic's forms, worked out once (the texts do not change) and kept. */
const givenForms = new WeakMap<AskTopic, ReadonlySet<Form>>();

/** The forms of answer a topic gives (see answersForm). */
function formsGiven(topic: AskTopic): ReadonlySet<Form> {
  let given = givenForms.get(topic);
  if (given !== undefined) return given;
  const en = `${topic.answer.en} ${topic.context.en}`;
  const zh = `${topic.answer["zh-CN"]} ${topic.context["zh-CN"]}`;
  const either = (re: RegExp): boolean => re.test(en) || re.test(zh);
  const found = new Set<Form>();
  if (either(NUMBER)) found.add("count");
  if (either(YEAR_OR_DATE)) found.add("when");
  if (either(DURATION)) found.add("duration");
  // A topic tagged "person" names people the pattern cannot see ("Tarkovsky", "Antonioni").
  if (NAME.test(en) || topic.intent?.includes("person") === true) found.add("person");
  if (either(PRESENT)) found.add("now");
  if (either(MONEY)) found.add("money");
  if (either(OPINION)) found.add("opinion");
  if (topic.intent?.includes("about") === true) found.add("about");
  if (either(QUOTED_TITLE)) found.add("title");
  given = found;
  givenForms.set(topic, given);
  return given;
}

/**
 * "Which" or "what" that asks: at the start of a clause, or after a preposition, a conjunction or chat filler
 * ("in which section", "lol which festival"); not a relative pronoun ("four years which seems a lot"). "How
 * many" and "how much" ask wherever they are.
 */
const FOCUS_EN =
  /(?:(?:^|[.?!;:,]\s*|\b(?:and|so|but|or|ok|okay|then|hey|hi|lol|btw|also|wait|like|idea|sure|in|at|on|for|of|to|from|by|with|about|know|tell me|wonder|wondering)\s+)(?:which|what|whats)|\bhow (?:many|much))\s+((?:[a-z']+\s*){0,6})/;
/** 什么 / 哪个 / 多少 / 几个 and the thing asked about; not 第几 (which in order), and 几部分 names no focus. */
const FOCUS_ZH = /(?:(?<!为)什么|哪(?:个|首|些|部(?!分)|种|家|位)|多少(?:个|首|部(?!分)|种|家|位|次)?|(?<!第)几(?:个|首|部(?!分)|种|家|位|次))([\u3400-\u9fff]+)/u;
/** Words that name the kind of answer, not its subject ("which city", "how much longer", "什么时候"). */
const NOT_FOCUS = new Set(
  (
    "city country place year date day time kind type sort version part thing way reason longer more less bigger " +
    "position rank ranking spot problem problems issue issues " +
    "smaller older younger later earlier 城市 国家 地方 时候 年份 时间 版本 部分 东西 原因 意思 样子 关于 方面 名次 排名 不一样 不同 区别 差别 关系 联系 人 钱 年 岁 天 次 样 么 的"
  ).split(" "),
);

const OTHER = new Set(["else", "other", "another"]);

/**
 * The thing a which/what/how-many question asks about: the first content word after the question word
 * ("which song do they sing" → "song", "what are the names of the boys" → "name", "多少工人" → "工人"). It is
 * read before and after spelling correction (which fixes "abut" but would also turn an unknown "song" into
 * a known "son"); the topic must mention either. Spaced pinyin ("what does xia gang mean") and words naming
 * the kind of answer are skipped. An answer that never mentions the focus answers a neighbouring question,
 * so its topic is offered, not stated.
 */
function focusOf(index: AskIndex, folded: string): string | undefined {
  const en = FOCUS_EN.exec(folded);
  if (en) {
    // "wang bing's childhood": the name, without its possessive.
    const words = (en[1] ?? "").trim().split(/\s+/).map((w) => w.replace(/'s$/, ""));
    for (let i = 0; i < words.length; i++) {
      const word = words[i] ?? "";
      // A name or phrase of several words is one focus ("what happens to old du": "laodu", not "old").
      const phrase = latinPhraseAt(words, i)?.canonical;
      if (phrase !== undefined) return NOT_FOCUS.has(phrase) || isWeak(phrase) ? undefined : phrase;
      if (isPinyin(word) && index.df.has(word + (words[i + 1] ?? ""))) break;
      // "what else", "what other prizes": the subject, if any, comes after.
      if (OTHER.has(word)) continue;
      const token = analyze(word).units[0]?.tokens[0];
      if (token === undefined) continue;
      return NOT_FOCUS.has(word) || NOT_FOCUS.has(token) ? undefined : token;
    }
  }
  const rest = FOCUS_ZH.exec(folded)?.[1];
  if (rest !== undefined) {
    const unit = analyze(rest).units[0];
    // One character can be the thing asked about ("什么歌": a song) unless it names the kind of answer (人, 钱).
    if (unit !== undefined && !NOT_FOCUS.has(unit.text) && rest.startsWith(unit.text)) return unit.text;
  }
  return undefined;
}

const INSTANCES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["festival", FESTIVALS],
  ["电影节", FESTIVALS],
]);

/** Whether a topic mentions a focus word, or an instance of the kind it names. */
function mentions(index: AskIndex, topic: AskTopic, focus: string): boolean {
  const tokens = index.topicTokens.get(topic.id);
  if (tokens === undefined) return false;
  if (tokens.has(focus)) return true;
  const instances = INSTANCES.get(focus);
  return instances !== undefined && [...instances].some((t) => tokens.has(t));
}

/** Not judged out of scope: something matched, nothing off-topic named, known words not outweighed by unknown ones. */
function admissible(j: Judgement): boolean {
  return j.ranked.length > 0 && !j.offTopic && !(j.unknownOutweighs && !j.anchored);
}

/** A sentence and what ends it ("." stops a sentence only before a space or the end: "5.5", "d'or" stay whole). */
const SENTENCE = /(?:[^?!.;\n\u3002\uFF1F\uFF01\uFF1B]|\.(?=\S))+(?:[?!.;\n\u3002\uFF1F\uFF01\uFF1B]+|$)/gu;
/** A sentence that asks in words: a question word first, or a Chinese question word or particle. */
const ASKS =
  /^\s*(who|whos|what|whats|when|where|why|how|which|is|are|was|were|do|does|did|can|could|will|would|should|has|have)\b|[吗呢谁哪几多啥]|什么|怎么|为什么|是不是|有没有/i;
/** A sentence that ends in a question mark. */
const QUESTION_MARK = /[?\uFF1F]\s*$/;

/**
 * A message of several sentences ("loved part 1. how long is Remnants?") is judged whole and sentence by
 * sentence; among the sentences that ask in words (else those that end in a question mark, else all of them),
 * the most confident admissible reading wins, in the language of the whole message. A fragment that only
 * ends in a question mark after a question ("what camera did he use? some cheap dv cam?") adds to the
 * question; it is not read as another one. A message naming something off-topic anywhere stays off-topic.
 */
function judgeMessage(index: AskIndex, text: string): Judgement {
  const whole = judge(index, text);
  if (whole.offTopic) return whole;
  const split = (text.match(SENTENCE) ?? []).map((x) => x.trim()).filter((x) => /[\p{L}\p{N}]/u.test(x));
  if (split.length < 2) return whole;
  // A follow-up with one word of its own or none ("which section was that") is not judged on its own: it is
  // joined to the sentence before it (the whole message is judged too).
  const sentences = split.map((x, i) => (i > 0 && analyze(x).units.length <= 1 ? `${split[i - 1] ?? ""} ${x}` : x));
  const inWords = sentences.filter((x) => ASKS.test(fold(x)));
  const marked = inWords.length > 0 ? inWords : sentences.filter((x) => QUESTION_MARK.test(x));
  let best = whole;
  for (const sentence of marked.length > 0 ? marked : sentences) {
    const j = judge(index, sentence);
    if (admissible(j) && (!admissible(best) || j.confidence > best.confidence)) best = j;
  }
  return best === whole ? whole : { ...best, locale: whole.locale };
}

/** Answers a member's free-text question. */
export function answer(index: AskIndex, question: string, options: AnswerOptions): AskResult {
  const cleaned = cleanQuestion(question);
  if ("invalid" in cleaned) return { kind: "invalid", reason: cleaned.invalid };
  const j = judgeMessage(index, cleaned.text);
  const best = j.ranked[0];
  if (!best || !admissible(j)) return { kind: "out-of-scope", locale: j.locale, closest: [] };
  const offered = j.ranked.slice(0, MAX_SUGGESTIONS).map((r) => r.topic);
  const givesDetail = (topic: AskTopic): boolean =>
    answersForm(topic, j.forms) && (j.focus.length === 0 || j.focus.some((f) => mentions(index, topic, f)));
  if (j.confidence >= ANSWER_THRESHOLD) {
    // Sure of the topic: it is the answer if it gives the detail asked for; if not, the detail is not known
    // (said so, with the closest topics offered) rather than the question not understood.
    if (!givesDetail(best.topic)) return { kind: "out-of-scope", locale: j.locale, closest: offered };
    return {
      kind: "answer",
      locale: j.locale,
      topic: best.topic,
      confidence: j.confidence,
      spoiler: isSpoiler(best.topic, options.watched, options.spoilers),
      related: relatedTopics(index, best.topic),
    };
  }
  if (j.confidence >= UNSURE_THRESHOLD) {
    // Unsure of the topic: not known only when none of the offered topics gives the detail either.
    if (!offered.some(givesDetail)) return { kind: "out-of-scope", locale: j.locale, closest: offered };
    return { kind: "unsure", locale: j.locale, confidence: j.confidence, suggestions: offered };
  }
  return { kind: "out-of-scope", locale: j.locale, closest: [] };
}

/**
 * Autocomplete: well-formed question phrasings (in the member's language) for what they have typed so far.
 * Phrasings that start with the text come first, then phrasings holding every typed word, then the first
 * phrasing of the best-matching topics. At most `limit` (Discord allows 25), each at most 100 characters.
 */
export function suggest(index: AskIndex, prefix: string, locale: Locale, limit = 25): string[] {
  const max = Math.max(0, Math.min(limit, 25));
  const typed = fold(prefix).replace(/[?!.,;:?!。,;:'"]/g, "").replace(/\s+/g, " ").trim();
  const pool = questionPool(index)[locale];
  const out: string[] = [];
  const seen = new Set<string>();
  const push = (p: Phrasing): void => {
    if (out.length < max && !seen.has(p.display) && p.display.length <= AUTOCOMPLETE_MAX_CHARS) {
      seen.add(p.display);
      out.push(p.display);
    }
  };
  if (typed.length === 0) {
    const firstOfTopic = new Set<string>();
    for (const p of pool) {
      if (!firstOfTopic.has(p.topicId)) {
        firstOfTopic.add(p.topicId);
        push(p);
      }
    }
    return out;
  }
  for (const p of pool) if (p.folded.startsWith(typed)) push(p);
  const words = typed.split(" ");
  const last = words.at(-1) ?? "";
  const rest = words.slice(0, -1);
  if (out.length < max) {
    for (const p of pool) {
      const pw = p.folded.split(" ");
      if (rest.every((w) => pw.includes(w)) && (pw.some((w) => w.startsWith(last)) || p.folded.includes(last))) push(p);
    }
  }
  if (out.length < max) {
    for (const { topic } of readQuestion(index, typed).ranked.slice(0, max)) {
      const p = pool.find((x) => x.topicId === topic.id);
      if (p) push(p);
    }
  }
  return out;
}

/** The question a topic answers, as shown on buttons and titles ("How long is Rust?" / "工厂多长?"). */
export function topicQuestion(index: AskIndex, topic: AskTopic, locale: Locale): string {
  return questionPool(index)[locale].find((p) => p.topicId === topic.id)?.display ?? topic.id;
}
