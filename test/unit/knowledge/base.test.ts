import { describe, expect, it } from "vitest";
import { KnowledgeBase, MAX_SUGGESTIONS, defaultKnowledgeBase } from "../../../src/knowledge/base.js";
import { loadKnowledge } from "../../../src/knowledge/load.js";
import { editDistance, normaliseKey, normaliseQuery } from "../../../src/knowledge/normalise.js";

const kb = new KnowledgeBase(loadKnowledge());

describe("normalisation", () => {
  it("ignores case, tone marks, spaces and punctuation but keeps Chinese", () => {
    expect(normaliseKey("Tiěxī Qū")).toBe("tiexiqu");
    expect(normaliseKey("  Xia-gang! ")).toBe("xiagang");
    expect(normaliseKey("“China's Ruhr”")).toBe("chinasruhr");
    expect(normaliseKey("下岗")).toBe("下岗");
  });

  it("truncates queries to 100 characters before normalising", () => {
    expect(normaliseQuery("a".repeat(6000))).toBe("a".repeat(100));
  });

  it("computes edit distance and gives up beyond the limit", () => {
    expect(editDistance("shenyng", "shenyang")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("abc", "xyzxyzxyz", 2)).toBe(3);
  });
});

describe("parts", () => {
  it("lists the three parts in order and finds them by id", () => {
    expect(kb.parts().map((p) => [p.id, p.number])).toEqual([
      ["rust", 1],
      ["remnants", 2],
      ["rails", 3],
    ]);
    expect(kb.part("rails").chineseTitle).toBe("铁路");
    expect(kb.part("factory")).toBeUndefined();
  });

  it("gives each part its neighbours", () => {
    expect(kb.neighbours("rust").previous).toBeUndefined();
    expect(kb.neighbours("rust").next?.id).toBe("remnants");
    expect(kb.neighbours("remnants").previous?.id).toBe("rust");
    expect(kb.neighbours("remnants").next?.id).toBe("rails");
    expect(kb.neighbours("rails").previous?.id).toBe("remnants");
    expect(kb.neighbours("rails").next).toBeUndefined();
  });
});

describe("people, places, editions", () => {
  it("finds people and places by id", () => {
    expect(kb.person(kb.film.director)?.name.en).toBe("Wang Bing");
    expect(kb.person("old-du")?.parts).toEqual(["rails"]);
    expect(kb.place("yanfen-street")?.chinese).toBe("艳粉街");
    expect(kb.person("du-yang")).toBeUndefined();
  });

  it("has the festival edition as default, with Rust in two halves", () => {
    const edition = kb.defaultEdition();
    expect(edition.id).toBe("festival");
    expect(edition.blocks.map((b) => [b.part, b.minutes])).toEqual([
      ["rust", 120],
      ["rust", 120],
      ["remnants", 176],
      ["rails", 135],
    ]);
    expect(kb.edition("french-2004")?.blocks.map((b) => b.minutes)).toEqual([124, 119, 178, 135]);
    expect(kb.edition("three-parts")?.blocks.map((b) => b.minutes)).toEqual([240, 176, 135]);
    expect(kb.edition("nope")).toBeUndefined();
  });

  it("loads the default knowledge base once", () => {
    expect(defaultKnowledgeBase()).toBe(defaultKnowledgeBase());
  });
});

describe("findGlossary (exact after normalisation)", () => {
  it.each([
    ["xiagang", "xiagang"],
    ["xia gang", "xiagang"],
    ["Xiàgǎng", "xiagang"],
    ["下岗", "xiagang"],
    ["laid off", "xiagang"],
    ["Rainbow row", "yanfen-street"],
    ["yanfen jie", "yanfen-street"],
    ["艳粉街", "yanfen-street"],
    ["tiexi", "tiexi"],
    ["Tiěxī", "tiexi"],
    ["TIE XI QU", "tiexi-district"],
    ["铁西区", "tiexi-district"],
    ["SOE", "soe"],
    ["国企", "soe"],
    ["东方鲁尔", "chinas-ruhr"],
    ["China's Ruhr", "chinas-ruhr"],
    ["flaherty prize", "flaherty-prize"],
    ["Montgolfière d'Or", "montgolfiere-dor"],
  ])("%s → %s", (query, id) => {
    expect(kb.findGlossary(query)?.id).toBe(id);
  });

  it("finds nothing for empty, unknown or near-miss queries", () => {
    expect(kb.findGlossary("")).toBeUndefined();
    expect(kb.findGlossary("  ?! ")).toBeUndefined();
    expect(kb.findGlossary("shenyng")).toBeUndefined();
    expect(kb.findGlossary("banana")).toBeUndefined();
  });
});

describe("closestGlossary", () => {
  it("suggests the entry a typo was meant to be", () => {
    expect(kb.closestGlossary("shenyng")[0]?.id).toBe("shenyang");
    expect(kb.closestGlossary("xiagnag")[0]?.id).toBe("xiagang");
    expect(kb.closestGlossary("liaonig", 1).map((g) => g.id)).toEqual(["liaoning"]);
  });

  it("returns at most n entries, and none for nonsense", () => {
    expect(kb.closestGlossary("tiexi", 2)).toHaveLength(2);
    expect(kb.closestGlossary("qqqqqqqqqq")).toEqual([]);
    expect(kb.closestGlossary("")).toEqual([]);
  });
});

describe("suggestGlossary (autocomplete)", () => {
  it("lists every entry alphabetically by the locale's term for an empty query", () => {
    const en = kb.suggestGlossary("", "en");
    expect(en).toHaveLength(Math.min(MAX_SUGGESTIONS, kb.glossary.length));
    const terms = en.map((g) => g.term.en);
    expect(terms).toEqual([...terms].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base", numeric: true })));
    const zh = kb.suggestGlossary("", "zh-CN").map((g) => g.term["zh-CN"]);
    expect(zh).toEqual([...zh].sort((a, b) => a.localeCompare(b, "zh-CN", { sensitivity: "base", numeric: true })));
    expect(kb.suggestGlossary("", "en", 5)).toHaveLength(5);
  });

  it("puts prefix matches before substring matches", () => {
    const ids = kb.suggestGlossary("tiexi", "en").map((g) => g.id);
    expect(ids.slice(0, 2).sort()).toEqual(["tiexi", "tiexi-district"]);
    const row = kb.suggestGlossary("row", "en").map((g) => g.id);
    expect(row).toContain("yanfen-street");
    const academy = kb.suggestGlossary("academy", "en").map((g) => g.id);
    expect(academy.sort()).toEqual(["beijing-film-academy", "lu-xun-academy"]);
  });

  it("matches Chinese and toned pinyin prefixes", () => {
    expect(kb.suggestGlossary("铁西", "zh-CN").map((g) => g.id).sort()).toEqual(["tiexi", "tiexi-district"]);
    expect(kb.suggestGlossary("Shěny", "en")[0]?.id).toBe("shenyang");
  });

  it("falls back to fuzzy matches for typos", () => {
    expect(kb.suggestGlossary("shenyng", "en")[0]?.id).toBe("shenyang");
    expect(kb.suggestGlossary("hubret", "en")[0]?.id).toBe("hubert-bals-fund");
  });
});

describe("very long queries", () => {
  const long = "xiagang" + " ".repeat(5993);
  const junk = "铁西区 Tiexi! ".repeat(500).slice(0, 6000);

  it("are truncated before matching, without throwing", () => {
    expect(long).toHaveLength(6000);
    expect(kb.findGlossary(long)?.id).toBe("xiagang");
    expect(kb.suggestGlossary(long, "en")[0]?.id).toBe("xiagang");
    expect(kb.closestGlossary(long)[0]?.id).toBe("xiagang");
    expect(kb.findGlossary(junk)).toBeUndefined();
    expect(kb.suggestGlossary(junk, "zh-CN")).toEqual([]);
    expect(kb.closestGlossary(junk)).toEqual([]);
    expect(kb.suggestGlossary("z".repeat(6000), "en")).toEqual([]);
  });
});
