import { describe, expect, it } from "vitest";
import { scoreAnswer, scoringRules, speedBonus, streakBonus } from "../../../src/trivia/scoring.js";

const D = 20_000;

describe("scoring", () => {
  it("exposes its numbers for the help text", () => {
    expect(scoringRules).toEqual({ base: 100, speedMax: 50, streakStep: 10, streakMax: 50, wrong: 0 });
    expect(Object.isFrozen(scoringRules)).toBe(true);
  });

  it("scores a fast right answer", () => {
    expect(scoreAnswer({ correct: true, latencyMs: 2_000, durationMs: D, streakBefore: 0 })).toEqual({ points: 145, base: 100, speed: 45, streak: 0, streakAfter: 1 });
    expect(scoreAnswer({ correct: true, latencyMs: 0, durationMs: D, streakBefore: 0 }).points).toBe(150);
  });

  it("scores a slow right answer, rounding the speed bonus down", () => {
    expect(scoreAnswer({ correct: true, latencyMs: 19_999, durationMs: D, streakBefore: 0 })).toEqual({ points: 100, base: 100, speed: 0, streak: 0, streakAfter: 1 });
    expect(scoreAnswer({ correct: true, latencyMs: 12_345, durationMs: D, streakBefore: 0 }).speed).toBe(19); // 50 × 7655 / 20000 = 19.1375
    expect(speedBonus(10_000, 30_000)).toBe(33); // 33.33…
  });

  it("gives nothing for a wrong or late answer, and breaks the streak", () => {
    const zero = { points: 0, base: 0, speed: 0, streak: 0, streakAfter: 0 };
    expect(scoreAnswer({ correct: false, latencyMs: 1_000, durationMs: D, streakBefore: 4 })).toEqual(zero);
    expect(scoreAnswer({ correct: true, latencyMs: D, durationMs: D, streakBefore: 4 })).toEqual(zero);
  });

  it("adds 10 per consecutive correct answer beyond the first, capped at 50", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((s) => streakBonus(s))).toEqual([0, 10, 20, 30, 40, 50, 50, 50]);
    expect(scoreAnswer({ correct: true, latencyMs: 5_000, durationMs: D, streakBefore: 2 })).toEqual({ points: 157, base: 100, speed: 37, streak: 20, streakAfter: 3 });
    expect(scoreAnswer({ correct: true, latencyMs: 5_000, durationMs: D, streakBefore: 9 }).streak).toBe(50);
  });

  it("treats a negative latency (clock skew) as instant", () => {
    expect(scoreAnswer({ correct: true, latencyMs: -300, durationMs: D, streakBefore: 0 }).speed).toBe(50);
  });
});
