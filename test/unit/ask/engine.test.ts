import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  analyze,
  answer,
  buildAskIndex,
  cacheTerms,
  evalSet,
  forgetQueryCaches,
  evaluate,
  indexTerm,
  isSpoiler,
  loadAskTopics,
  searchTopics,
  suggest,
  type AskResult,
} from "../../../src/ask/index.js";
import { formsAsked } from "../../../src/ask/intent.js";
import { isKnownWord } from "../../../src/ask/normalize.js";
import type { PartId } from "../../../src/knowledge/schema.js";
import { projectRoot } from "../../../src/paths.js";

const index = buildAskIndex(loadAskTopics());
const all = { spoilers: true, watched: new Set<PartId>(["rust", "remnants", "rails"]) };

function topicOf(r: AskResult): string {
  return r.kind === "answer" ? r.topic.id : r.kind;
}

describe("normalize", () => {
  it("folds accents, width and case, and merges spaced pinyin", () => {
    expect(analyze("Tiěxī Qū").tokens).toContain("tiexiqu");
    expect(analyze("ＴＩＥ ＸＩ ＱＵ").tokens).toContain("tiexiqu");
    expect(analyze("铁西区").tokens).toContain("tiexiqu");
  });
  it("maps synonyms in both languages onto one token", () => {
    expect(analyze("laid off").tokens).toContain("xiagang");
    expect(analyze("下岗").tokens).toContain("xiagang");
    expect(analyze("how long").tokens).toContain("runtime");
    expect(analyze("片长").tokens).toContain("runtime");
    expect(analyze("teenagers").tokens).toEqual(analyze("kids").tokens);
    expect(analyze("theatres").tokens).toEqual(analyze("cinemas").tokens);
    expect(analyze("who does he look up to").tokens).toContain(analyze("admire").tokens[0]);
    expect(analyze("why does nobody ever screen it").tokens).toContain(analyze("rarely").tokens[0]);
    expect(analyze("the jist of it").tokens).toContain("about");
    expect(analyze("can someone sum up remnants").tokens).toContain("about");
    expect(analyze("is it an actual place").tokens).toContain("real");
    expect(analyze("was it made up").tokens).toContain("fake");
    expect(analyze("the workers made up most of the town").tokens).not.toContain("fake");
    // "film" before "all this" is the verb: to shoot.
    expect(analyze("when did wang bing film all this").tokens).toContain("shoot");
  });
  it("reads a number glued to its unit as the number and the unit", () => {
    expect(analyze("a 5hr version").tokens).toEqual(["5", "hour", "version"]);
    expect(analyze("240min").tokens).toEqual(analyze("240 minutes").tokens);
    expect(analyze("is rust 4h").tokens).toContain("hour");
    expect(analyze("9h30").tokens).toEqual(["9", "hour", "30"]);
  });
  it("knows its synonym words, and nothing from an object's prototype", () => {
    expect(isKnownWord("jist")).toBe(true);
    expect(isKnownWord("pls")).toBe(true);
    expect(isKnownWord("constructor")).toBe(false);
    expect(analyze("the constructor scene").tokens[0]).toBe("constructor");
  });
  it("drops contractions and chat shorthand, which say nothing of the subject", () => {
    expect(analyze("ok so i'm starting it tonight, r u in? idk tbh").units.map((u) => u.text)).toEqual(["starting"]);
    expect(formsAsked("what's it actually about lol").has("about")).toBe(true);
  });
});

describe("search index", () => {
  it("stores a Chinese token as hex codes (the radix tree then branches narrowly) and a Latin token as it is", () => {
    expect(indexTerm("铁西")).toBe("~94c1897f");
    expect(indexTerm("rust")).toBe("rust");
    expect(indexTerm("tiexiqu")).toBe("tiexiqu");
  });
  it("scores a question the same from MiniSearch's term results whether they are worked out now or kept", () => {
    const topics = loadAskTopics();
    const cold = buildAskIndex(topics);
    const warm = buildAskIndex(topics);
    cacheTerms(warm, warm.df.keys());
    for (const q of ["how long is remnants", "这部片子在中国上映过吗", "who chaired the yamagata jury", "what did jia zhangke", "criter"]) {
      const tokens = analyze(q).tokens;
      forgetQueryCaches(cold);
      const fresh = searchTopics(cold, tokens);
      expect(fresh.length, q).toBeGreaterThan(0);
      expect(searchTopics(warm, tokens), q).toEqual(fresh);
      // Asked again, from the kept results.
      expect(searchTopics(cold, tokens), q).toEqual(fresh);
      // The first stage is MiniSearch's own OR query of the searched terms: same topics, same matched terms
      // (the word being typed, "criter", is searched as a prefix: left out here).
      if (q === "criter") continue;
      const searched = tokens.filter((t) => cold.df.has(t));
      const direct = cold.topicSearch.search(searched.join(" "), { combineWith: "OR" });
      expect(new Set(fresh.flatMap((h) => h.queryTerms)), q).toEqual(new Set(direct.flatMap((r) => r.queryTerms.map((t) => searched.find((x) => indexTerm(x) === t) ?? t))));
    }
  });
  it("finds Chinese tokens and reports the matched terms as the question has them", () => {
    const hits = searchTopics(index, analyze("铁西区片长多少").tokens);
    expect(hits[0]?.id).toBe("runtime-total");
    const terms = hits.flatMap((h) => h.queryTerms);
    expect(terms).toEqual(expect.arrayContaining(["runtime", "片长"]));
    expect(terms.some((t) => t.startsWith("~"))).toBe(false);
  });
  it("re-ranks by the closest curated phrasing: nearly every phrasing puts its own topic first", () => {
    // MiniSearch's ranking alone puts 96% first; the closest-phrasing lift brings it over 99%.
    let first = 0;
    let n = 0;
    for (const topic of index.topics) {
      for (const q of [...topic.questions.en, ...topic.questions["zh-CN"]]) {
        n++;
        if (searchTopics(index, analyze(q).tokens)[0]?.id === topic.id) first++;
      }
    }
    expect(first / n).toBeGreaterThan(0.99);
  });
});

describe("answer: the issue's examples", () => {
  it.each([
    ["how old are the kids in Remnants?", "remnants-kids-ages", "en"],
    ["who chaird the yamagata jury", "yamagata-jury-president", "en"],
    ["was it ever shown in chinese cinemas", "china-release", "en"],
    ["这部片子在中国上映过吗", "china-release", "zh-CN"],
    ["tie xi qu meaning", "title-meaning", "en"],
    ["xiagang?", "xiagang", "en"],
  ])("%s → %s", (q, id, locale) => {
    const r = answer(index, q, all);
    expect(topicOf(r)).toBe(id);
    if (r.kind === "answer") expect(r.locale).toBe(locale);
  });

  it("names the jury president", () => {
    const r = answer(index, "who chaird the yamagata jury", all);
    expect(r.kind === "answer" && r.topic.answer[r.locale]).toContain("Bergala");
  });
});

describe("answer: refusals and invalid input", () => {
  it.each([
    "what was the box office of titanic",
    "weather in beijing tomorrow",
    "who directed parasite",
    "recommend a pizza place",
    "今天天气怎么样",
  ])("refuses %s", (q) => {
    const r = answer(index, q, all);
    expect(r.kind).toBe("out-of-scope");
  });

  it("says why input is not a question", () => {
    expect(answer(index, "   ", all)).toEqual({ kind: "invalid", reason: "empty" });
    expect(answer(index, "@everyone <@&123> <@123> <#1> 😀 **", all)).toEqual({ kind: "invalid", reason: "no-text" });
    expect(answer(index, "x".repeat(1001), all)).toEqual({ kind: "invalid", reason: "too-long" });
    expect(topicOf(answer(index, "<@123> how long is rust", all))).toBe("runtime-rust");
  });
});

describe("spoilers", () => {
  const kids = index.byId.get("remnants-kids-ages")!;
  it("flags part-specific topics for unwatched parts unless spoilers are asked for", () => {
    expect(isSpoiler(kids, new Set(), false)).toBe(true);
    expect(isSpoiler(kids, new Set<PartId>(["remnants"]), false)).toBe(false);
    expect(isSpoiler(kids, new Set(), true)).toBe(false);
    expect(isSpoiler(index.byId.get("director")!, new Set(), false)).toBe(false);
  });
  it("sets the flag in answers", () => {
    const r = answer(index, "how old are the kids in remnants", { spoilers: false, watched: new Set<PartId>(["rust"]) });
    expect(r.kind === "answer" && r.spoiler).toBe(true);
  });
});

describe("suggest", () => {
  it("offers well-formed phrasings, at most 25", () => {
    const s = suggest(index, "how long", "en");
    expect(s.length).toBeGreaterThan(0);
    expect(s.length).toBeLessThanOrEqual(25);
    expect(s[0]).toMatch(/^How long.*\?$/);
    expect(suggest(index, "", "zh-CN").length).toBe(25);
    expect(suggest(index, "片长", "zh-CN").some((x) => x.includes("片长"))).toBe(true);
  });
});

/** Set from the final blind measurement (bench:ask), a little under it. */
const BLIND_FLOOR = 0.91;
const BLIND_WRONG = 0.05;

describe("eval set", () => {
  const load = (file: string) => evalSet.parse(JSON.parse(readFileSync(join(projectRoot, "test", "fixtures", file), "utf8")));
  const items = load("ask-eval.json");
  const report = evaluate(index, items);

  it("is large and varied enough", () => {
    expect(items.length).toBeGreaterThanOrEqual(160);
    expect(report.chinese.n).toBeGreaterThanOrEqual(45);
    expect(report.typos.n).toBeGreaterThanOrEqual(22);
    expect(items.filter((i) => i.expect === "out-of-scope").length).toBeGreaterThanOrEqual(18);
  });

  it.each(readdirSync(join(projectRoot, "test", "fixtures")).filter((f) => /^ask-eval.*\.json$/.test(f)))("%s names only existing topics", (file) => {
    for (const i of load(file)) if (i.expect !== "out-of-scope") expect(index.byId.has(i.expect), i.expect).toBe(true);
  });

  // The targets, on the set written with the engine: accuracy ≥ 0.95, confident-wrong ≤ 0.01, every
  // out-of-scope question refused.
  it("answers accurately and refuses every out-of-scope question", () => {
    expect(report.overall.rate).toBeGreaterThanOrEqual(0.95);
    expect(report.confidentWrong.rate).toBeLessThanOrEqual(0.01);
    expect(report.refusals.rate).toBe(1);
  });

  // The blind sets were written by someone who saw only the answers; they fall short of the targets (see the
  // bench), and these floors, just under today's figures, catch a regression.
  it.each([
    ["ask-eval-fresh.json", 0.85, 0.06],
    ["ask-eval-blind.json", BLIND_FLOOR, BLIND_WRONG],
    ["ask-eval-blind2.json", 0.8, 0.06],
    // Written blind in session 3 and first measured at its end: 79.3% / 4.3%, then 80.0% / 3.6% (as the
    // session-start engine) once two rules the blind sets did not bear out were reverted; 85.0% / 3.6% at the
    // end of session 4 (much of the gain: a detail the best topic lacks is said to be not known).
    // 87.9% / 2.9% at the end of session 5.
    ["ask-eval-blind3.json", 0.85, 0.05],
    // Written blind in session 4 (with everyday paraphrase asked for) and first measured near its start:
    // 70.0% / 7.3% (the engine as session 4 began: 64.7% / 7.3%); at the session's end 70.7% / 7.3%; at the end
    // of session 5 74.7% / 6.7%.
    ["ask-eval-blind4.json", 0.72, 0.08],
    // Written blind in session 5 and measured twice, totals only: at its start 75.3% / 6.7%; at its end 74.0% /
    // 7.3% (the session-start engine on the session-end data: 75.3% / 6.0%).
    ["ask-eval-blind5.json", 0.71, 0.09],
    // The development set of session 3 (written blind, then tuned on): 71.4% / 5.2%; 83.3% / 3.3% at the end
    // of session 4; 88.1% / 1.9% at the end of session 5.
    ["ask-eval-dev.json", 0.85, 0.04],
    // The development set of session 4 (written blind, then tuned on): 71.5% / 11.0% at first, 76.0% / 7.0%
    // at the session's end; 79.0% / 6.5% at the end of session 5.
    ["ask-eval-dev2.json", 0.76, 0.08],
    // The development sets of session 5 (written blind, then tuned on): dev 3 first measured at 83.5% / 6.5%,
    // 89.0% / 4.5% at the session's end; dev 4, written late in it, first measured at 79.5% / 6.0% (the
    // session-start engine: 77.0% / 6.0%), 82.0% / 5.0% at the end.
    ["ask-eval-dev3.json", 0.86, 0.06],
    ["ask-eval-dev4.json", 0.79, 0.07],
  ] as const)("%s stays at or above its measured floor", (file, accuracy, wrong) => {
    const r = evaluate(index, load(file));
    expect(r.overall.rate).toBeGreaterThanOrEqual(accuracy);
    expect(r.confidentWrong.rate).toBeLessThanOrEqual(wrong);
  });
});
