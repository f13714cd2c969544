import { describe, expect, it } from "vitest";
import {
  closeQuestion,
  createRound,
  currentQuestion,
  isFinished,
  RoundError,
  shouldClose,
  standings,
  startQuestion,
  submitAnswer,
  timeLeftMs,
} from "../../../src/trivia/engine.js";
import type { RoundState, SubmitAnswer, SubmitOutcome } from "../../../src/trivia/engine.js";
import type { RoundQuestion } from "../../../src/trivia/select.js";

function question(id: string, answer: number): RoundQuestion {
  const opt = (s: string) => ({ en: s, "zh-CN": s });
  return {
    id,
    question: opt(`${id}?`),
    options: [opt("A"), opt("B"), opt("C"), opt("D")],
    answer,
    explanation: opt(`${id}.`),
    difficulty: "easy",
    part: null,
    facts: ["T06"],
    order: [0, 1, 2, 3],
  };
}

const QUESTIONS = [question("q1", 1), question("q2", 3), question("q3", 0)];
const MEMBERS = ["alice", "bob", "carol"];

/** Applies a press and checks its outcome; keeps the tests short. */
function press(state: RoundState, submit: SubmitAnswer, expected: SubmitOutcome): RoundState {
  const r = submitAnswer(state, submit);
  expect(r.outcome, JSON.stringify(submit)).toBe(expected);
  if (expected !== "locked-in") expect(r.state).toBe(state);
  return r.state;
}

describe("createRound", () => {
  it("refuses bad settings", () => {
    expect(() => createRound({ questions: [], secondsPerQuestion: 20 })).toThrow(RoundError);
    for (const s of [9, 61, 12.5]) expect(() => createRound({ questions: QUESTIONS, secondsPerQuestion: s })).toThrow(RoundError);
  });

  it("starts ready, with joined members at 0", () => {
    const s = createRound({ questions: QUESTIONS, secondsPerQuestion: 20, participants: ["a", "a", "b"] });
    expect(s.phase).toBe("ready");
    expect(s.joined).toEqual(["a", "b"]);
    expect(standings(s).map((x) => [x.userId, x.points, x.rank])).toEqual([["a", 0, 1], ["b", 0, 1]]);
    expect(currentQuestion(s)).toBeUndefined();
    expect(submitAnswer(s, { userId: "a", choice: 0, now: 0 }).outcome).toBe("closed");
    expect(() => closeQuestion(s, 0)).toThrow(RoundError);
  });
});

describe("a full round with three members", () => {
  it("scores right, wrong, late and double presses exactly", () => {
    const t0 = 1_000_000;
    let s = createRound({ questions: QUESTIONS, secondsPerQuestion: 20, participants: MEMBERS });
    const joined = { joinedUserIds: MEMBERS };

    // Question 1 (answer 1): alice right in 2 s; bob wrong, then presses again; carol too late.
    s = startQuestion(s, t0);
    expect(startQuestion(s, t0 + 1)).toBe(s);
    expect(s.deadline).toBe(t0 + 20_000);
    expect(timeLeftMs(s, t0 + 5_000)).toBe(15_000);
    s = press(s, { userId: "alice", choice: 1, now: t0 + 2_000, questionIndex: 0 }, "locked-in");
    s = press(s, { userId: "bob", choice: 0, now: t0 + 5_000 }, "locked-in");
    s = press(s, { userId: "bob", choice: 1, now: t0 + 6_000 }, "already-answered");
    s = press(s, { userId: "bob", choice: 4, now: t0 + 6_500 }, "invalid-choice");
    expect(shouldClose(s, t0 + 10_000, joined)).toBe(false);
    s = press(s, { userId: "carol", choice: 1, now: t0 + 20_000 }, "closed");
    expect(shouldClose(s, t0 + 20_000, joined)).toBe(true);
    const c1 = closeQuestion(s, t0 + 20_000);
    s = c1.state;
    expect(c1.reveal).toMatchObject({ questionIndex: 0, questionId: "q1", correctIndex: 1, correctUsers: ["alice"], wrongUsers: ["bob"], missedUsers: ["carol"] });
    expect(c1.reveal.scores.alice).toMatchObject({ points: 145, speed: 45, streak: 0, streakAfter: 1 });
    expect(c1.reveal.scores.bob?.points).toBe(0);
    const again = closeQuestion(s, t0 + 21_000);
    expect(again.alreadyClosed).toBe(true);
    expect(again.state).toBe(s);
    expect(again.reveal).toBe(c1.reveal);
    s = press(s, { userId: "carol", choice: 1, now: t0 + 22_000 }, "closed");

    // Persist and resume: the state is plain JSON.
    s = JSON.parse(JSON.stringify(s)) as RoundState;

    // Question 2 (answer 3): everybody right; closes early once all joined members answered.
    const t1 = t0 + 30_000;
    s = startQuestion(s, t1);
    s = press(s, { userId: "alice", choice: 3, now: t1 + 4_000, questionIndex: 1 }, "locked-in");
    s = press(s, { userId: "bob", choice: 3, now: t1 + 1_000 }, "locked-in");
    expect(shouldClose(s, t1 + 5_000, joined)).toBe(false);
    s = press(s, { userId: "carol", choice: 3, now: t1 + 10_000 }, "locked-in");
    expect(shouldClose(s, t1 + 10_000, joined)).toBe(true);
    expect(shouldClose(s, t1 + 10_000)).toBe(true); // defaults to the round's participants
    const c2 = closeQuestion(s, t1 + 10_000);
    s = c2.state;
    expect(c2.reveal.correctUsers).toEqual(["bob", "alice", "carol"]);
    expect(Object.fromEntries(Object.entries(c2.reveal.scores).map(([k, v]) => [k, v.points]))).toEqual({ alice: 150, bob: 147, carol: 125 });

    // Question 3 (answer 0): alice wrong (breaks her streak); a press for an old question; bob and carol right.
    const t2 = t1 + 20_000;
    s = startQuestion(s, t2);
    s = press(s, { userId: "bob", choice: 0, now: t2 + 500, questionIndex: 1 }, "not-current");
    s = press(s, { userId: "alice", choice: 2, now: t2 + 3_000, questionIndex: 2 }, "locked-in");
    s = press(s, { userId: "bob", choice: 0, now: t2 + 8_000 }, "locked-in");
    s = press(s, { userId: "carol", choice: 0, now: t2 + 9_000 }, "locked-in");
    expect(isFinished(s)).toBe(false);
    const c3 = closeQuestion(s, t2 + 9_000);
    s = c3.state;
    expect(Object.fromEntries(Object.entries(c3.reveal.scores).map(([k, v]) => [k, v.points]))).toEqual({ alice: 0, bob: 140, carol: 137 });
    expect(isFinished(s)).toBe(true);
    expect(startQuestion(s, t2 + 30_000)).toBe(s);

    expect(standings(s)).toEqual([
      { userId: "alice", points: 295, correct: 2, answered: 3, streak: 0, bestStreak: 2, totalLatencyMs: 6_000, rank: 1 },
      { userId: "bob", points: 287, correct: 2, answered: 3, streak: 2, bestStreak: 2, totalLatencyMs: 9_000, rank: 2 },
      { userId: "carol", points: 262, correct: 2, answered: 2, streak: 2, bestStreak: 2, totalLatencyMs: 19_000, rank: 3 },
    ]);
    expect(s.results.map((r) => r.questionId)).toEqual(["q1", "q2", "q3"]);
  });

  it("breaks ties in points by the smaller total latency, and lets late joiners play", () => {
    let s = createRound({ questions: [question("q1", 0), question("q2", 0)], secondsPerQuestion: 10 });
    s = startQuestion(s, 0);
    s = press(s, { userId: "slow", choice: 0, now: 4_000 }, "locked-in"); // 100 + 30
    s = press(s, { userId: "fast", choice: 1, now: 1_000 }, "locked-in"); // wrong
    expect(shouldClose(s, 5_000)).toBe(false); // nobody joined: only the deadline closes it
    s = closeQuestion(s, 10_000).state;
    s = startQuestion(s, 20_000);
    s = press(s, { userId: "fast", choice: 0, now: 21_000 }, "locked-in"); // 100 + 45
    s = press(s, { userId: "slow", choice: 1, now: 21_000 }, "locked-in");
    s = press(s, { userId: "newcomer", choice: 0, now: 29_999 }, "locked-in"); // 100 + 0
    s = closeQuestion(s, 30_000).state;
    const table = standings(s).map((x) => [x.userId, x.points, x.rank]);
    expect(table).toEqual([["fast", 145, 1], ["slow", 130, 2], ["newcomer", 100, 3]]);
  });

  it("does not mutate the state it is given", () => {
    const s0 = createRound({ questions: QUESTIONS, secondsPerQuestion: 15, participants: ["a"] });
    const frozen = JSON.stringify(s0);
    const s1 = startQuestion(s0, 0);
    const s2 = submitAnswer(s1, { userId: "a", choice: 1, now: 100 }).state;
    const snap1 = JSON.stringify(s1);
    closeQuestion(s2, 200);
    expect(JSON.stringify(s0)).toBe(frozen);
    expect(JSON.stringify(s1)).toBe(snap1);
  });
});
