/**
 * How trivia answers are scored. This module is the only place that decides it; the help text reads
 * `scoringRules` and formats the numbers through i18n.
 *
 * For each question a member answers (only the first press counts):
 *
 * - Wrong, late (at or after the deadline) or no answer: 0 points, and the streak is broken.
 * - Correct, before the deadline: `base` (100) + speed bonus + streak bonus.
 * - Speed bonus: linear from `speedMax` (50) for an answer at 0 ms down to 0 at the deadline, rounded
 *   down: floor(speedMax × (durationMs − latencyMs) / durationMs). Integer arithmetic only, so the same
 *   inputs always give the same points.
 * - Streak bonus: `streakStep` (10) for each consecutive correct answer in this round beyond the first,
 *   capped at `streakMax` (50): 1st correct in a row +0, 2nd +10, 3rd +20, …, 6th and later +50.
 *
 * Pure: no clock, no randomness.
 */

export const scoringRules = Object.freeze({
  /** Points for a correct answer before the deadline. */
  base: 100,
  /** Speed bonus for an instant answer; falls linearly to 0 at the deadline. */
  speedMax: 50,
  /** Bonus per consecutive correct answer beyond the first in the same round. */
  streakStep: 10,
  /** The streak bonus never exceeds this. */
  streakMax: 50,
  /** Points for a wrong, late or missing answer. */
  wrong: 0,
});
export type ScoringRules = typeof scoringRules;

export interface AnswerToScore {
  correct: boolean;
  /** Milliseconds from the question opening to the press (negative values count as 0). */
  latencyMs: number;
  /** Milliseconds the question was open for (its deadline minus its start). */
  durationMs: number;
  /** Consecutive correct answers this member gave just before this question, in this round. */
  streakBefore: number;
}

export interface ScoredAnswer {
  /** Total: base + speed + streak. */
  points: number;
  base: number;
  speed: number;
  streak: number;
  /** The member's streak after this answer (0 when it was wrong or late). */
  streakAfter: number;
}

export const NO_POINTS: Readonly<ScoredAnswer> = Object.freeze({ points: 0, base: 0, speed: 0, streak: 0, streakAfter: 0 });

/** The speed bonus for a correct answer after `latencyMs` of a `durationMs` window. */
export function speedBonus(latencyMs: number, durationMs: number, rules: ScoringRules = scoringRules): number {
  const duration = Math.max(1, Math.floor(durationMs));
  const latency = Math.min(duration, Math.max(0, Math.floor(latencyMs)));
  return Math.floor((rules.speedMax * (duration - latency)) / duration);
}

/** The streak bonus for a correct answer that makes a run of `streakAfter` correct answers. */
export function streakBonus(streakAfter: number, rules: ScoringRules = scoringRules): number {
  return Math.min(rules.streakMax, rules.streakStep * Math.max(0, streakAfter - 1));
}

export function scoreAnswer(answer: AnswerToScore, rules: ScoringRules = scoringRules): ScoredAnswer {
  const late = answer.latencyMs >= answer.durationMs;
  if (!answer.correct || late) return { ...NO_POINTS };
  const streakAfter = Math.max(0, Math.floor(answer.streakBefore)) + 1;
  const base = rules.base;
  const speed = speedBonus(answer.latencyMs, answer.durationMs, rules);
  const streak = streakBonus(streakAfter, rules);
  return { points: base + speed + streak, base, speed, streak, streakAfter };
}
