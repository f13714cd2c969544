import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PART_IDS } from "../../../src/knowledge/schema.js";
import { DIFFICULTIES, isSpoiler, loadTriviaBank, normaliseText, TriviaBankError, validateTriviaBank } from "../../../src/trivia/bank.js";
import { projectRoot } from "../../../src/paths.js";

const fixtures = join(projectRoot, "test", "fixtures", "trivia");

/** FACTS.md facts marked `low`: never the basis of a question. */
const LOW_FACTS = new Set(["W03", "Y05", "L03", "L05", "L06", "B02"]);

function problemsOf(dir: string): string[] {
  try {
    loadTriviaBank(join(fixtures, dir));
  } catch (error) {
    expect(error).toBeInstanceOf(TriviaBankError);
    return [...(error as TriviaBankError).problems];
  }
  throw new Error(`expected ${dir} to be rejected`);
}

describe("the real trivia bank", () => {
  const bank = loadTriviaBank();

  it("has enough questions, spread over parts and difficulties", () => {
    expect(bank.length).toBeGreaterThanOrEqual(90);
    for (const part of PART_IDS) expect(bank.filter((q) => q.part === part).length, part).toBeGreaterThanOrEqual(15);
    expect(bank.filter((q) => q.part === null).length).toBeGreaterThanOrEqual(30);
    for (const d of DIFFICULTIES) expect(bank.filter((q) => q.difficulty === d).length, d).toBeGreaterThanOrEqual(15);
  });

  it("puts the correct answer in every position, roughly evenly", () => {
    const counts = [0, 0, 0, 0];
    for (const q of bank) counts[q.answer] = (counts[q.answer] ?? 0) + 1;
    for (const c of counts) {
      expect(c).toBeGreaterThanOrEqual(bank.length * 0.18);
      expect(c).toBeLessThanOrEqual(bank.length * 0.32);
    }
  });

  it("rests only on facts that are not low-confidence", () => {
    for (const q of bank) for (const f of q.facts) expect(LOW_FACTS.has(f), `${q.id} cites ${f}`).toBe(false);
  });

  it("has non-spoiler questions for every part, so unwatched parts can still be played", () => {
    for (const part of PART_IDS) expect(bank.filter((q) => q.part === part && !isSpoiler(q)).length, part).toBeGreaterThanOrEqual(3);
  });

  it("keeps explanations to one line and texts distinct from their options", () => {
    for (const q of bank) {
      expect(q.explanation.en.includes("\n"), q.id).toBe(false);
      expect(q.explanation["zh-CN"].includes("\n"), q.id).toBe(false);
      expect(q.question["zh-CN"]).toMatch(/[\u4e00-\u9fff]/u);
    }
  });
});

describe("broken banks are refused with the entry named", () => {
  it("accepts the valid fixture", () => {
    expect(loadTriviaBank(join(fixtures, "valid")).map((q) => q.id)).toEqual(["fixture-director", "fixture-rust-length", "fixture-old-du"]);
  });

  it.each([
    ["duplicate-id", "questions.json: fixture-director.id: duplicate id (also in questions.json)"],
    ["duplicate-question", "questions.json: fixture-old-du.question.en: duplicate question (same text as fixture-director)"],
    ["missing-zh", "questions.json: fixture-rust-length.explanation.zh-CN: missing translation (zh-CN)"],
    ["answer-out-of-range", "questions.json: fixture-director.answer: answer 4 is out of range (0–3)"],
    ["unknown-part", 'questions.json: fixture-rust-length.part: unknown part "rainbow-row" (expected rust, remnants, rails or null)'],
    ["duplicate-option", "questions.json: fixture-old-du.options.1.en: duplicate option (same as option 0)"],
    ["bad-fact-id", "questions.json: fixture-director.facts.0: must be a FACTS.md id such as T01 or W02a"],
  ])("%s", (dir, expected) => {
    expect(problemsOf(dir)).toEqual([expected]);
  });

  it("names the index when an entry has no id, and checks the option count", () => {
    let caught: unknown;
    try {
      validateTriviaBank([{ file: "x.json", data: [{ question: { en: "Q?", "zh-CN": "问？" }, options: [], answer: 0 }] }]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TriviaBankError);
    const problems = (caught as TriviaBankError).problems;
    expect(problems).toContain("x.json: 0.id: missing");
    expect(problems).toContain("x.json: 0.options: must have exactly 4 options");
    expect(problems).toContain("x.json: 0.explanation: missing");
  });

  it("refuses 'all of the above'", () => {
    const q = {
      id: "q",
      question: { en: "Q?", "zh-CN": "问？" },
      options: [
        { en: "A", "zh-CN": "甲" },
        { en: "B", "zh-CN": "乙" },
        { en: "C", "zh-CN": "丙" },
        { en: "All of the above", "zh-CN": "以上都是" },
      ],
      answer: 3,
      explanation: { en: "E.", "zh-CN": "解。" },
      difficulty: "easy",
      part: null,
      facts: ["T01"],
    };
    expect(() => validateTriviaBank([{ file: "y.json", data: [q] }])).toThrow(/y\.json: q\.options\.3\.en: "all\/none of the above"/);
  });

  it("reports an unreadable folder", () => {
    expect(() => loadTriviaBank(join(fixtures, "no-such-folder"))).toThrow(TriviaBankError);
  });

  it("normalises case, spacing and punctuation", () => {
    expect(normaliseText("Who  directed the FILM?")).toBe(normaliseText("who directed the film"));
    expect(normaliseText("导演是谁？")).toBe(normaliseText("导演是谁"));
  });
});
