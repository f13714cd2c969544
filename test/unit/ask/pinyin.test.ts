import { describe, expect, it } from "vitest";
import { answer, buildAskIndex, correctSpelling, judge, loadAskTopics, readingTable } from "../../../src/ask/index.js";
import { buildReadingTable, chineseFromPinyin, correctHomophones, readingOf } from "../../../src/ask/pinyin.js";
import type { PartId } from "../../../src/knowledge/schema.js";

const words = ["鹿特丹", "上映", "纪录片", "铁西区", "什么", "意思", "多长", "王兵", "出生", "哪年", "下岗", "工厂"];
const df = new Map<string, number>(words.map((w) => [w, 1]));
// The index also knows every pair of neighbouring characters of its words.
for (const w of words) for (let i = 0; i + 1 < w.length; i++) df.set(w.slice(i, i + 2), 1);
const table = buildReadingTable(words, df);
const known = (t: string): boolean => df.has(t);
const fix = (text: string): string => correctHomophones(text, known, () => table);

describe("toneless readings", () => {
  it("reads one syllable per character", () => {
    expect(readingOf("铁西区")).toEqual(["tie", "xi", "qu"]);
    expect(table.byReading.get("lutedan")).toEqual(["鹿特丹"]);
  });
});

describe("homophone slips of a pinyin keyboard", () => {
  it.each([
    ["鹿特单电影节放过吗", "鹿特丹电影节放过吗"],
    ["为什么没在国内上应", "为什么没在国内上映"],
    ["记录片", "纪录片"],
    ["铁西去多长", "铁西区多长"],
  ])("%s → %s", (typed, meant) => {
    expect(fix(typed)).toBe(meant);
  });
  it("leaves known words and unrelated words alone", () => {
    expect(fix("铁西区什么意思")).toBe("铁西区什么意思");
    // Reads as "shang ying" too, but shares no character with 上映: another word, not a slip.
    expect(fix("伤影")).toBe("伤影");
    expect(fix("天气怎么样")).toBe("天气怎么样");
  });
});

describe("questions typed in toneless pinyin", () => {
  it("finds the Chinese words a pinyin question spells, longest first", () => {
    expect(chineseFromPinyin("tie xi qu shi shen me yi si", () => table)).toEqual({ chinese: ["铁西区", "什么", "意思"], rest: [] });
    expect(chineseFromPinyin("wang bing na nian chu sheng de", () => table)?.chinese).toEqual(["王兵", "哪年", "出生"]);
    expect(chineseFromPinyin("xiagang shi shen me", () => table)?.chinese).toEqual(["下岗", "什么"]);
  });
  it("reads words of two long syllables once the question reads as pinyin", () => {
    expect(chineseFromPinyin("ta zai na li shangying de", () => table)?.chinese).toContain("上映");
    expect(chineseFromPinyin("gongchang you duo chang", () => table)?.chinese).toEqual(["工厂", "多长"]);
  });
  it("reads a simplified word before its traditional form when both are as frequent", () => {
    const both = buildReadingTable(["铁西区", "鐵西區"], new Map());
    expect(both.byReading.get("tiexiqu")).toEqual(["铁西区", "鐵西區"]);
  });
  it("reads a lone syllable as the character most topics hold, if enough do", () => {
    const withChars = buildReadingTable(["多长"], new Map([["片", 9], ["篇", 1], ["部", 2], ["多长", 3]]));
    expect(chineseFromPinyin("zhe bu pian duo chang", () => withChars)?.chinese).toEqual(["片", "多长"]);
  });
  it("keeps an English word the index knows even where it spells syllables", () => {
    const wordsOf = (known: (w: string) => boolean) =>
      chineseFromPinyin("wang bing de camera shi shen me", () => table, known);
    expect(wordsOf(() => false)).toEqual({ chinese: ["王兵", "什么"], rest: [] });
    expect(wordsOf((w) => w === "camera")).toEqual({ chinese: ["王兵", "什么"], rest: ["camera"] });
  });
  it("does not read English as pinyin", () => {
    expect(chineseFromPinyin("how long is the whole film", () => table)).toBeUndefined();
    expect(chineseFromPinyin("who is wang bing", () => table)).toBeUndefined();
    expect(chineseFromPinyin("铁西区 duo chang", () => table)).toBeUndefined();
  });
});

describe("the engine with pinyin and typos", () => {
  const index = buildAskIndex(loadAskTopics());
  const all = { spoilers: true, watched: new Set<PartId>(["rust", "remnants", "rails"]) };
  const topicOf = (q: string) => {
    const r = answer(index, q, all);
    return r.kind === "answer" ? [r.topic.id, r.locale] : [r.kind];
  };
  it("answers a homophone slip as the word meant", () => {
    expect(topicOf("鹿特单电影节放过吗")).toEqual(["rotterdam", "zh-CN"]);
    expect(topicOf("王兵的青春三步曲讲的是什么")).toEqual(["youth-trilogy", "zh-CN"]);
    // A title the answers give in brackets (《和凤鸣》) is a word the slip is corrected to.
    expect(topicOf("和风鸣拿过什么奖")).toEqual(["fengming", "zh-CN"]);
  });
  it("answers a question typed in pinyin, in Chinese", () => {
    expect(topicOf("wang bing na nian chu sheng de")).toEqual(["wb-born", "zh-CN"]);
    // "camera" spells syllables (ca-me-ra) but is an English word the index knows: it is kept.
    expect(judge(index, "wang bing de camera shi shenme xinghao").ranked.slice(0, 3).map((r) => r.topic.id)).toContain("camera");
    // Read as 铁西区哪里拍的: the cue "哪里拍" spans two words, and the title is read in simplified characters.
    expect(topicOf("tie xi qu zai na li pai de")).toEqual(["where-filmed", "zh-CN"]);
  });
  it("leaves chat shorthand alone rather than correct it into a word ('pls' is no 'plus')", () => {
    expect(correctSpelling(index, "whats it about? no big spoilers pls")).toBe("whats it about? no big spoilers pls");
    // Nor a word the synonym map reads ("jist": what it is about), which is no typo of "just".
    expect(correctSpelling(index, "the jist of it")).toBe("the jist of it");
  });
  it("corrects a swapped three-letter word", () => {
    expect(topicOf("hwo many parts are there")).toEqual(["parts", "en"]);
    expect(topicOf("crude oli length")).toEqual(["crude-oil", "en"]);
  });
  it("puts back the letter a vowel-less three-letter word lost, and corrects a long word beside pinyin", () => {
    expect(topicOf("how lng is rust")).toEqual(["runtime-rust", "en"]);
    expect(topicOf("tie xi qu maening")).toEqual(["title-meaning", "en"]);
  });
  it("leaves a misspelled adverb weak instead of turning it into an index word", () => {
    // "legaly" is one letter from "legacy", and the significance topic speaks of legacy.
    expect(topicOf("how can i legaly watch it")).toEqual(["where-to-watch", "en"]);
  });
  it("builds the reading table once per index", () => {
    expect(readingTable(index)).toBe(readingTable(index));
    expect(readingTable(index).byReading.get("tiexiqu")).toContain("铁西区");
  });
});
