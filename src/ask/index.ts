/** The ask domain: curated topics, the normaliser, the engine, the spoiler policy and the eval scorer. */
export { askTopic, askTopicFile, READ_MORE, type AskTopic, type ReadMore } from "./schema.js";
export { loadAskTopics, defaultAskDir, AskDataError } from "./load.js";
export { analyze, fold, hasCjk, stem, isWeak, type Analysis, type Unit } from "./normalize.js";
export {
  buildAskIndex,
  forgetQueryCaches,
  cacheTerms,
  searchTopics,
  indexTerm,
  correctSpelling,
  relatedTopics,
  readingTable,
  questionPool,
  topicQuestion,
  answer,
  suggest,
  judge,
  cleanQuestion,
  MAX_QUESTION_CHARS,
  ANSWER_THRESHOLD,
  UNSURE_THRESHOLD,
  type AskIndex,
  type AskResult,
  type AnswerOptions,
  type InvalidReason,
  type Judgement,
} from "./engine.js";
export { isSpoiler } from "./spoiler.js";
export { defaultAskIndex, defaultAskTopics, warmAskIndex } from "./default.js";
export { detectIntents, INTENTS, type Intent } from "./intent.js";
export { buildSpellIndex, correctWord, editDistance, type SpellIndex } from "./spell.js";
export { evaluate, evalSet, judgeItem, type EvalItem, type EvalReport, type EvalOutcome, type Rate } from "./evaluate.js";
