import { describe, expect, it } from "vitest";
import { KNOWLEDGE_FILE_NAMES, loadKnowledge } from "../../../src/knowledge/load.js";
import { rawData } from "./helpers.js";

const k = loadKnowledge();
const raw = rawData();

/** Every localized pair in the data, with where it was found. */
function localizedPairs(): { where: string; en: string; zh: string }[] {
  const pairs: { where: string; en: string; zh: string }[] = [];
  const walk = (value: unknown, where: string): void => {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${where}.${i}`));
    else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (typeof record.en === "string" && typeof record["zh-CN"] === "string") {
        pairs.push({ where, en: record.en, zh: record["zh-CN"] });
      } else for (const [key, child] of Object.entries(record)) walk(child, `${where}.${key}`);
    }
  };
  for (const file of KNOWLEDGE_FILE_NAMES) walk(raw[file], file);
  return pairs;
}

const allText = JSON.stringify(raw);

describe("content rules", () => {
  it("writes the Chinese side in Chinese wherever the English is a sentence", () => {
    const sentences = localizedPairs().filter((p) => p.en.split(" ").length >= 6);
    expect(sentences.length).toBeGreaterThan(100);
    expect(sentences.filter((p) => !/\p{Script=Han}/u.test(p.zh)).map((p) => p.where)).toEqual([]);
    expect(sentences.filter((p) => p.en === p.zh).map((p) => p.where)).toEqual([]);
  });

  it("gives the year as first shown 2002, completed 2003, and runtimes with their spread", () => {
    expect(k.film.year).toMatchObject({ firstShown: 2002, completed: 2003 });
    expect(k.film.runtime).toMatchObject({ minutes: 551, min: 545, max: 558 });
    expect(k.parts.map((p) => p.runtime.minutes)).toEqual([240, 176, 135]);
    for (const runtime of [k.film.runtime, ...k.parts.map((p) => p.runtime)]) {
      expect(runtime.note.en).toMatch(/about/i);
      expect(runtime.note["zh-CN"]).toMatch(/约/);
    }
  });

  it("gives each part 3–5 things to watch for and 3–5 discussion prompts", () => {
    for (const part of k.parts) {
      expect(part.watchFor.length).toBeGreaterThanOrEqual(3);
      expect(part.watchFor.length).toBeLessThanOrEqual(5);
      expect(part.discussion.length).toBeGreaterThanOrEqual(3);
      expect(part.discussion.length).toBeLessThanOrEqual(5);
    }
    expect(k.parts.find((p) => p.id === "rails")?.people).toEqual(["old-du"]);
  });

  it("notes both spellings of the editor's name and the 3 Continents credit", () => {
    const editing = k.credits.find((c) => c.role.en === "Editing");
    expect(editing?.people).toEqual(["wang-bing", "adam-kerby", "zhang-huimin"]);
    expect(editing?.note?.en).toMatch(/Adam Kerby.*Adam Kerdy/);
    expect(editing?.note?.["zh-CN"]).toMatch(/Adam Kerby.*Adam Kerdy/);
    expect(editing?.note?.en).toContain("3 Continents");
  });

  it("has a glossary of at least 18 entries covering the key terms", () => {
    expect(k.glossary.length).toBeGreaterThanOrEqual(18);
    const ids = new Set(k.glossary.map((g) => g.id));
    for (const id of ["tiexi", "tiexi-district", "shenyang", "xiagang", "yanfen-street", "soe", "dongbei", "chinas-ruhr", "liaoning", "dv", "direct-cinema", "hubert-bals-fund", "flaherty-prize", "montgolfiere-dor", "lu-xun-academy", "beijing-film-academy"]) {
      expect(ids.has(id), id).toBe(true);
    }
  });

  it("never states what FACTS.md says not to", () => {
    expect(allText).not.toMatch(/Du Yang|one-eyed/i);
    expect(allText).not.toMatch(/top[ -]?100/i);
    expect(allText).not.toMatch(/Criterion|Icarus Films|Distortion/);
    expect(allText).not.toMatch(/sheet[- ]metal|steel[- ]rolling|轧钢|钢板/i);
    expect(allText).not.toMatch(/November 1967|1967年11月|maid's grave|胭粉|rouge/i);
    expect(allText).not.toMatch(/box office|票房|budget|预算/i);
  });

  it("records the reception facts the brief asks for", () => {
    const events = k.reception.festivals.map((f) => `${f.year} ${f.event.en} ${f.award?.en ?? ""}`);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^2002 Berlinale Forum/),
        expect.stringMatching(/^2002 Doclisboa.*Grand Prize/),
        expect.stringMatching(/^2003 International Film Festival Rotterdam/),
        expect.stringMatching(/^2003 FIDMarseille.*Grand Prix/),
        expect.stringMatching(/^2003 Yamagata.*Flaherty/),
        expect.stringMatching(/^2003 Festival des 3 Continents.*Montgolfière d'Or/),
        expect.stringMatching(/^2025 30th Busan/),
      ]),
    );
    expect(k.reception.polls.map((p) => `${p.year}: ${p.result.en}`)).toEqual(["2010: No. 7", "2012: Eight critics named it in their personal top ten.", "2014: Joint 17th"]);
  });
});
