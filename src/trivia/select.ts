/**
 * Picks the questions for a round: spoiler-aware, filtered by part and difficulty, avoiding recently
 * asked questions when the bank allows, with each question's options shuffled for the round.
 *
 * Spoiler policy (unless the round allows spoilers): a question may be asked when it is not a spoiler
 * (general questions, and part questions marked `"spoiler": false` such as a part's title), or when it
 * is about a part the club has watched. A general question marked as a spoiler needs all three parts
 * watched.
 *
 * Pure: randomness comes from the `rng` passed in (`seededRng` gives a reproducible one).
 */
import { PART_IDS } from "../knowledge/schema.js";
import type { Localized, PartId } from "../knowledge/schema.js";
import { isSpoiler } from "./bank.js";
import type { Difficulty, TriviaQuestion } from "./bank.js";

/** A function returning a float in [0, 1), like Math.random. */
export type Rng = () => number;

export const MIN_QUESTIONS = 1;
export const MAX_QUESTIONS = 20;

/** A question as asked in a round: options in the round's order, `answer` remapped to that order. */
export interface RoundQuestion {
  id: string;
  question: Localized;
  /** Options in display order. */
  options: Localized[];
  /** Index into `options` (display order) of the correct one. */
  answer: number;
  explanation: Localized;
  difficulty: Difficulty;
  part: PartId | null;
  facts: string[];
  /** `order[i]` is the bank's index of the option shown at position i. */
  order: number[];
}

export interface SelectOptions {
  /** How many questions (1–20). */
  count: number;
  /** Only questions about this part. */
  part?: PartId;
  difficulty?: Difficulty;
  /** Parts the club has watched. */
  watched: ReadonlySet<PartId>;
  /** Allow spoilers for parts not watched. */
  spoilers: boolean;
  rng: Rng;
  /** Question ids asked recently; avoided while enough other questions remain. */
  recentIds?: ReadonlySet<string>;
}

export type SelectResult =
  | { ok: true; questions: RoundQuestion[] }
  | { ok: false; error: "count-out-of-range" | "not-enough-questions"; available: number };

/**
 * A small, fast, seedable generator (mulberry32). Strings are hashed first, so any seed works;
 * the same seed always gives the same sequence.
 */
export function seededRng(seed: number | string): Rng {
  let state: number;
  if (typeof seed === "number") {
    state = Math.floor(seed) >>> 0;
  } else {
    // FNV-1a over UTF-16 code units.
    state = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) {
      state ^= seed.charCodeAt(i);
      state = Math.imul(state, 0x01000193) >>> 0;
    }
  }
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shuffled copy (Fisher–Yates). */
export function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(rng() * (i + 1)));
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

/** Whether a question may be asked to a club that has watched `watched`, with or without spoilers. */
export function isAllowed(question: TriviaQuestion, watched: ReadonlySet<PartId>, spoilers: boolean): boolean {
  if (spoilers || !isSpoiler(question)) return true;
  if (question.part !== null) return watched.has(question.part);
  return PART_IDS.every((p) => watched.has(p));
}

/** The questions that match the filters and the spoiler policy (before counting and shuffling). */
export function eligibleQuestions(bank: readonly TriviaQuestion[], options: Omit<SelectOptions, "count" | "rng" | "recentIds">): TriviaQuestion[] {
  return bank.filter(
    (q) =>
      (options.part === undefined || q.part === options.part) &&
      (options.difficulty === undefined || q.difficulty === options.difficulty) &&
      isAllowed(q, options.watched, options.spoilers),
  );
}

/** The question with its options shuffled and its answer remapped. */
export function prepareQuestion(question: TriviaQuestion, rng: Rng): RoundQuestion {
  const order = shuffle(
    question.options.map((_, i) => i),
    rng,
  );
  return {
    id: question.id,
    question: question.question,
    options: order.map((i) => question.options[i] as Localized),
    answer: order.indexOf(question.answer),
    explanation: question.explanation,
    difficulty: question.difficulty,
    part: question.part,
    facts: question.facts.slice(),
    order,
  };
}

export function selectQuestions(bank: readonly TriviaQuestion[], options: SelectOptions): SelectResult {
  const eligible = eligibleQuestions(bank, options);
  const { count } = options;
  if (!Number.isInteger(count) || count < MIN_QUESTIONS || count > MAX_QUESTIONS) {
    return { ok: false, error: "count-out-of-range", available: eligible.length };
  }
  if (eligible.length < count) return { ok: false, error: "not-enough-questions", available: eligible.length };

  const recent = options.recentIds ?? new Set<string>();
  const fresh = shuffle(
    eligible.filter((q) => !recent.has(q.id)),
    options.rng,
  );
  const stale = shuffle(
    eligible.filter((q) => recent.has(q.id)),
    options.rng,
  );
  const picked = [...fresh, ...stale].slice(0, count);
  // Recent questions that had to be reused should not all come last.
  const ordered = stale.length > 0 && fresh.length < count ? shuffle(picked, options.rng) : picked;
  return { ok: true, questions: ordered.map((q) => prepareQuestion(q, options.rng)) };
}
