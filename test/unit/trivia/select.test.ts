import { describe, expect, it } from "vitest";
import type { PartId } from "../../../src/knowledge/schema.js";
import { isSpoiler, loadTriviaBank } from "../../../src/trivia/bank.js";
import type { TriviaQuestion } from "../../../src/trivia/bank.js";
import { eligibleQuestions, isAllowed, seededRng, selectQuestions, shuffle } from "../../../src/trivia/select.js";

const bank = loadTriviaBank();
const byId = new Map(bank.map((q) => [q.id, q]));
const none = new Set<PartId>();

function pick(options: Partial<Parameters<typeof selectQuestions>[1]> & { count: number }) {
  return selectQuestions(bank, { watched: none, spoilers: false, rng: seededRng(42), ...options });
}

describe("seededRng", () => {
  it("is reproducible and stays in [0, 1)", () => {
    const a = seededRng(7);
    const b = seededRng(7);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    expect(seededRng("round-1")()).toBe(seededRng("round-1")());
    expect(seededRng("round-1")()).not.toBe(seededRng("round-2")());
  });

  it("shuffles into a permutation", () => {
    const out = shuffle([1, 2, 3, 4, 5, 6], seededRng(1));
    expect([...out].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe("selectQuestions", () => {
  it("refuses 0, 21 and 500 questions", () => {
    for (const count of [0, 21, 500, 2.5]) {
      const r = pick({ count });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toBe("count-out-of-range");
    }
  });

  it("without spoilers, asks only general questions, non-spoilers and watched parts", () => {
    for (const watched of [none, new Set<PartId>(["rust"]), new Set<PartId>(["rust", "remnants"])]) {
      const pool = eligibleQuestions(bank, { watched, spoilers: false });
      for (const q of pool) expect(q.part === null || !isSpoiler(q) || watched.has(q.part), q.id).toBe(true);
      const r = pick({ count: 20, watched });
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(r.questions).toHaveLength(20);
      for (const rq of r.questions) expect(isAllowed(byId.get(rq.id)!, watched, false)).toBe(true);
    }
    const rustWatched = eligibleQuestions(bank, { watched: new Set<PartId>(["rust"]), spoilers: false });
    expect(rustWatched.some((q) => q.part === "rust" && isSpoiler(q))).toBe(true);
    expect(rustWatched.some((q) => q.part === "rails" && isSpoiler(q))).toBe(false);
  });

  it("with spoilers on, everything is eligible", () => {
    expect(eligibleQuestions(bank, { watched: none, spoilers: true })).toHaveLength(bank.length);
  });

  it("a general question marked as a spoiler needs all three parts watched", () => {
    const q: TriviaQuestion = { ...bank[0]!, part: null, spoiler: true };
    expect(isAllowed(q, new Set<PartId>(["rust", "rails"]), false)).toBe(false);
    expect(isAllowed(q, new Set<PartId>(["rust", "remnants", "rails"]), false)).toBe(true);
  });

  it("filters by part and difficulty, and says how many are available when too few", () => {
    const railsSafe = bank.filter((q) => q.part === "rails" && !isSpoiler(q)).length;
    const r = pick({ count: 20, part: "rails" });
    expect(r).toEqual({ ok: false, error: "not-enough-questions", available: railsSafe });
    const ok = pick({ count: 5, part: "remnants", difficulty: "medium", watched: new Set<PartId>(["remnants"]) });
    expect(ok.ok).toBe(true);
    if (ok.ok) for (const q of ok.questions) expect([q.part, q.difficulty]).toEqual(["remnants", "medium"]);
  });

  it("shuffles the options and remaps the answer, reproducibly", () => {
    const a = pick({ count: 20, spoilers: true });
    const b = pick({ count: 20, spoilers: true });
    expect(a).toEqual(b);
    if (!a.ok) throw new Error("expected questions");
    expect(new Set(a.questions.map((q) => q.id)).size).toBe(20);
    let moved = 0;
    for (const q of a.questions) {
      const original = byId.get(q.id)!;
      expect([...q.order].sort()).toEqual([0, 1, 2, 3]);
      expect(q.options[q.answer]).toEqual(original.options[original.answer]);
      q.order.forEach((from, to) => expect(q.options[to]).toEqual(original.options[from]));
      if (q.answer !== original.answer) moved++;
    }
    expect(moved).toBeGreaterThan(0);
    const c = pick({ count: 20, spoilers: true, rng: seededRng(43) });
    expect(c).not.toEqual(a);
  });

  it("avoids recently asked questions while others remain", () => {
    const pool = eligibleQuestions(bank, { watched: none, spoilers: false, difficulty: "easy" });
    const recentIds = new Set(pool.slice(5).map((q) => q.id));
    const r = pick({ count: 5, difficulty: "easy", recentIds });
    expect(r.ok).toBe(true);
    if (r.ok) for (const q of r.questions) expect(recentIds.has(q.id)).toBe(false);

    const r2 = pick({ count: 8, difficulty: "easy", recentIds });
    expect(r2.ok).toBe(true);
    if (r2.ok) {
      const fresh = r2.questions.filter((q) => !recentIds.has(q.id));
      expect(fresh).toHaveLength(5);
    }
  });
});
