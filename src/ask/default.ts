/**
 * The process-wide ask topics and index. The topics are loaded and validated once (the bot does it at start,
 * so broken data stops it before it connects); the index, its pinyin reading table and its question pool
 * are built once, at first use or when the bot warms them just after it is ready, never per interaction.
 */
import { buildAskIndex, questionPool, readingTable, type AskIndex } from "./engine.js";
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
