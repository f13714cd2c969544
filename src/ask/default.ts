/**
 * The process-wide ask topics and index. The topics are loaded and validated once (the bot does it at start,
 * so broken data stops it before it connects); the index, its pinyin reading table and its question pool
 * are built once, at first use or when the bot warms them just after it is ready, never per interaction.
 */
import { answer, buildAskIndex, cacheTerms, questionPool, readingTable, suggest, type AskIndex } from "./engine.js";
import { loadAskTopics } from "./load.js";
import type { AskTopic } from "./schema.js";

let topics: readonly AskTopic[] | undefined;
let cached: AskIndex | undefined;

export function defaultAskTopics(): readonly AskTopic[] {
  topics ??= loadAskTopics();
  return topics;
}

export function defaultAskIndex(): AskIndex {
  if (cached === undefined) {
    cached = buildAskIndex(defaultAskTopics());
    readingTable(cached);
    questionPool(cached);
  }
  return cached;
}

/**
 * Builds the index and then runs one phrasing of each topic in each language through the answer and
 * autocomplete paths, yielding to the event loop between topics: a fresh process compiles that code on its
 * first questions, which would otherwise make the first members' questions tens of times slower than the
 * rest (bench:ask measures both). Then it works out the results of every index term (see cacheTerms).
 * Answers are unchanged by it. Returns how many phrasings it asked.
 */
export async function warmAskIndex(): Promise<number> {
  const index = defaultAskIndex();
  const options = { spoilers: false, watched: new Set<never>() };
  let asked = 0;
  for (const topic of defaultAskTopics()) {
    for (const locale of ["en", "zh-CN"] as const) {
      const phrasing = topic.questions[locale][0];
      if (phrasing === undefined) continue;
      answer(index, phrasing, options);
      suggest(index, phrasing.slice(0, 4), locale);
      asked++;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  // Then every term of the index, a batch at a time: a question's terms are then all worked out already.
  const terms = [...index.df.keys()];
  for (let at = 0; at < terms.length; at += TERM_BATCH) {
    cacheTerms(index, terms.slice(at, at + TERM_BATCH));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return asked;
}

/** Terms worked out between two yields to the event loop (a few milliseconds). */
const TERM_BATCH = 200;
