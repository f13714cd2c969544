import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSpellIndex, correctWord, detectIntents, editDistance, evalSet, fold, loadAskTopics } from "../../../src/ask/index.js";
import { projectRoot } from "../../../src/paths.js";

describe("spelling correction (SymSpell style)", () => {
  const spell = buildSpellIndex(new Map([["chaired", 2], ["long", 5], ["remnants", 3], ["criterion", 1], ["lung", 1]]));
  it("corrects one edit, swaps and two edits for long words", () => {
    expect(correctWord(spell, "chaird")).toBe("chaired");
    expect(correctWord(spell, "lnog")).toBe("long");
    expect(correctWord(spell, "remants")).toBe("remnants");
    expect(correctWord(spell, "criterian")).toBe("criterion");
    expect(correctWord(spell, "zzzz")).toBeNull();
  });
  it("prefers the commoner word on a tie, and caches", () => {
    expect(correctWord(spell, "lang")).toBe("long");
    expect(spell.cache.get("lang")).toBe("long");
  });
  it("keeps the first letter, or swaps the first two, but never drops or adds one", () => {
    const words = buildSpellIndex(new Map([["each", 4], ["the", 9], ["long", 2]]));
    expect(correctWord(words, "teach")).toBeNull();
    expect(correctWord(words, "hte")).toBe("the");
    expect(correctWord(words, "olng")).toBe("long");
  });
  it("counts a swap as one edit", () => {
    expect(editDistance("lnog", "long", 2)).toBe(1);
    expect(editDistance("abc", "xyz", 1)).toBe(2);
  });
});

describe("intent cues", () => {
  it.each([
    ["how long is rust", "duration"],
    ["铁路部分多少分钟", "duration"],
    ["where was it filmed", "filming"],
    ["在哪拍的", "filming"],
    ["where can i watch it", "watch"],
    ["在哪里能看", "watch"],
    ["where is tiexi", "place"],
    ["who directed it", "person"],
    ["导演是谁", "person"],
    ["what year is it from", "when"],
    ["what does xiagang mean", "meaning"],
  ])("%s → %s", (q, intent) => {
    expect(detectIntents(fold(q)).has(intent as never)).toBe(true);
  });
  it("keeps watching and filming apart", () => {
    expect(detectIntents("where can i watch it").has("filming")).toBe(false);
    expect(detectIntents("where did they film it").has("watch")).toBe(false);
  });
});

const fixtures = join(projectRoot, "test", "fixtures");
/** Every eval set: the tuning set with its held-out items, the blind sets and the development sets (see bench/ask.ts). */
const EVAL_FILES = readdirSync(fixtures).filter((f) => /^ask-eval.*\.json$/.test(f));

describe("eval set honesty", () => {
  it("finds the eleven eval sets", () => {
    expect(EVAL_FILES.sort()).toEqual([
      "ask-eval-blind.json",
      "ask-eval-blind2.json",
      "ask-eval-blind3.json",
      "ask-eval-blind4.json",
      "ask-eval-blind5.json",
      "ask-eval-dev.json",
      "ask-eval-dev2.json",
      "ask-eval-dev3.json",
      "ask-eval-dev4.json",
      "ask-eval-fresh.json",
      "ask-eval.json",
    ]);
  });
  it.each(EVAL_FILES)("no question of %s is copied verbatim into the topics' phrasings", (file) => {
    const items = evalSet.parse(JSON.parse(readFileSync(join(fixtures, file), "utf8")));
    const key = (s: string) => fold(s).replace(/[?!.,;:?!。,;:]/g, "").replace(/'/g, " ").replace(/\s+/g, " ").trim();
    const phrasings = new Set(loadAskTopics().flatMap((t) => [...t.questions.en, ...t.questions["zh-CN"]].map(key)));
    expect(items.filter((i) => phrasings.has(key(i.q))).map((i) => i.q)).toEqual([]);
  });
});
