/**
 * The process-wide ask index: loaded from data/ask and built once, at first use (like
 * `defaultKnowledgeBase()`), never per interaction; its pinyin reading table and question pool are built
 * with it, so the first question pays for none of them (the bot calls this at start, before connecting).
 */
import { buildAskIndex, questionPool, readingTable, type AskIndex } from "./engine.js";
import { loadAskTopics } from "./load.js";

let cached: AskIndex | undefined;

export function defaultAskIndex(): AskIndex {
  if (cached === undefined) {
    cached = buildAskIndex(loadAskTopics());
    readingTable(cached);
    questionPool(cached);
  }
  return cached;
}
