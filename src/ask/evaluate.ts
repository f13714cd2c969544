/**
 * Scores the engine against an eval set (test/fixtures/ask-eval.json). Shared by the unit test (accuracy
 * assertions) and bench/ask.ts (figures and timings). Pure: the caller reads the file.
 */
import { z } from "zod";
import type { PartId } from "../knowledge/schema.js";
import { answer, type AskIndex, type AskResult } from "./engine.js";
import { hasCjk } from "./normalize.js";

export const evalItem = z.strictObject({
  q: z.string().min(1),
  expect: z.string().min(1),
  mustContain: z.array(z.string()).optional(),
  tags: z.array(z.enum(["typo"])).optional(),
  heldOut: z.boolean().optional(),
});
export type EvalItem = z.infer<typeof evalItem>;
export const evalSet = z.array(evalItem).min(1);

export interface EvalOutcome {
  item: EvalItem;
  result: AskResult;
  /** Answered with the expected topic (and its text holds every mustContain word), or refused as expected. */
  correct: boolean;
  /** Answered (kind 'answer') with a wrong topic, or answered an out-of-scope question. */
  confidentWrong: boolean;
}

export interface Rate {
  n: number;
  correct: number;
  rate: number;
}

export interface EvalReport {
  outcomes: EvalOutcome[];
  overall: Rate;
  english: Rate;
  chinese: Rate;
  typos: Rate;
  tuning: Rate;
  heldOut: Rate;
  /** In-scope questions whose best candidate (the answer, or the first topic offered) is right. */
  top1Candidate: Rate;
  /** Out-of-scope questions not answered (kind out-of-scope or unsure). */
  refusals: Rate;
  /** Out-of-scope questions classified exactly as out-of-scope. */
  outOfScopeKind: Rate;
  /** Of those, the ones told the detail is not known, with the closest topics offered (not refused outright). */
  notKnownOutOfScope: Rate;
  /** In-scope questions told the detail is not known (a miss, with topics offered). */
  notKnownInScope: Rate;
  confidentWrong: Rate;
}

const ALL_WATCHED = { spoilers: true, watched: new Set<PartId>(["rust", "remnants", "rails"]) };

function rate(list: EvalOutcome[], pick: (o: EvalOutcome) => boolean): Rate {
  const correct = list.filter(pick).length;
  return { n: list.length, correct, rate: list.length === 0 ? 1 : correct / list.length };
}

export function judgeItem(index: AskIndex, item: EvalItem): EvalOutcome {
  const result = answer(index, item.q, ALL_WATCHED);
  if (item.expect === "out-of-scope") {
    return { item, result, correct: result.kind === "out-of-scope", confidentWrong: result.kind === "answer" };
  }
  if (result.kind !== "answer") return { item, result, correct: false, confidentWrong: false };
  const right = result.topic.id === item.expect;
  const text = `${result.topic.answer[result.locale]} ${result.topic.context[result.locale]}`;
  const contains = (item.mustContain ?? []).every((w) => text.includes(w));
  return { item, result, correct: right && contains, confidentWrong: !right };
}

const notKnown = (o: EvalOutcome): boolean => o.result.kind === "out-of-scope" && o.result.closest.length > 0;

/** The topic a result states or offers first (the first button under "not sure" or "not known"). */
function firstCandidate(result: AskResult): string | undefined {
  switch (result.kind) {
    case "answer":
      return result.topic.id;
    case "unsure":
      return result.suggestions[0]?.id;
    case "out-of-scope":
      return result.closest[0]?.id;
    case "invalid":
      return undefined;
  }
}

export function evaluate(index: AskIndex, items: readonly EvalItem[]): EvalReport {
  const outcomes = items.map((item) => judgeItem(index, item));
  const ok = (o: EvalOutcome): boolean => o.correct;
  const inScope = outcomes.filter((o) => o.item.expect !== "out-of-scope");
  const oos = outcomes.filter((o) => o.item.expect === "out-of-scope");
  return {
    outcomes,
    overall: rate(outcomes, ok),
    english: rate(outcomes.filter((o) => !hasCjk(o.item.q)), ok),
    chinese: rate(outcomes.filter((o) => hasCjk(o.item.q)), ok),
    typos: rate(outcomes.filter((o) => o.item.tags?.includes("typo")), ok),
    tuning: rate(outcomes.filter((o) => !o.item.heldOut), ok),
    heldOut: rate(outcomes.filter((o) => o.item.heldOut), ok),
    top1Candidate: rate(inScope, (o) => firstCandidate(o.result) === o.item.expect),
    refusals: rate(oos, (o) => o.result.kind !== "answer"),
    outOfScopeKind: rate(oos, (o) => o.result.kind === "out-of-scope"),
    notKnownOutOfScope: rate(oos, notKnown),
    notKnownInScope: rate(inScope, notKnown),
    confidentWrong: rate(outcomes, (o) => o.confidentWrong),
  };
}
