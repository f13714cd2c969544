import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  KnowledgeError,
  describeKnowledge,
  formatIssue,
  loadKnowledge,
  parseKnowledge,
  validateKnowledge,
} from "../../../src/knowledge/load.js";
import type { Knowledge } from "../../../src/knowledge/schema.js";
import { dataWithFixture, knowledgeError, rawData } from "./helpers.js";

/** Schema-valid knowledge from the real data, deep-copied so a test can break one thing. */
function realKnowledge(): Knowledge {
  return structuredClone(loadKnowledge());
}

function problems(k: Knowledge): string[] {
  return validateKnowledge(k).map(formatIssue);
}

describe("the real data in data/film", () => {
  it("loads and passes every check", () => {
    const k = loadKnowledge();
    expect(validateKnowledge(k)).toEqual([]);
    expect(k.parts.map((p) => p.id)).toEqual(["rust", "remnants", "rails"]);
    expect(describeKnowledge(k)).toMatch(/^3 parts, \d+ people, \d+ places, \d+ glossary entries/);
  });
});

describe("file-level problems (on-disk fixtures)", () => {
  it("names the file and the line of a JSON syntax error", () => {
    const data = dataWithFixture("json-syntax");
    try {
      const error = knowledgeError(() => loadKnowledge(data.dir));
      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]?.file).toBe("glossary.json");
      // The trailing comma on line 5 makes the "}" on line 6 unexpected.
      expect(error.message).toContain("glossary.json: line 6 column 3: invalid JSON");
    } finally {
      data.remove();
    }
  });

  it("names the file and path of a missing or blank translation", () => {
    const data = dataWithFixture("missing-translation");
    try {
      const error = knowledgeError(() => loadKnowledge(data.dir));
      expect(error.message).toContain("people.json: 0.name.zh-CN: ");
      expect(error.message).toContain("people.json: 0.bio.zh-CN: must not be empty");
    } finally {
      data.remove();
    }
  });

  it("names the file and path of an unknown part id", () => {
    const data = dataWithFixture("unknown-part");
    try {
      const error = knowledgeError(() => loadKnowledge(data.dir));
      expect(error.message).toContain('places.json: 0.parts.1: unknown part id "factory"');
    } finally {
      data.remove();
    }
  });

  it("reports a missing file", () => {
    const data = dataWithFixture();
    try {
      rmSync(join(data.dir, "credits.json"));
      const error = knowledgeError(() => loadKnowledge(data.dir));
      expect(error.message).toContain("credits.json: (file): file not found");
    } finally {
      data.remove();
    }
  });
});

describe("schema problems (real data, one thing broken)", () => {
  it("reports an empty and a missing translation with file and path", () => {
    const raw = rawData();
    const parts = raw["parts.json"] as { synopsis: Record<string, string>; title: Record<string, string> }[];
    parts[1]!.synopsis["zh-CN"] = "";
    delete parts[2]!.title["zh-CN"];
    const error = knowledgeError(() => parseKnowledge(raw));
    expect(error.message).toContain("parts.json: 1.synopsis.zh-CN: must not be empty");
    expect(error.message).toMatch(/parts\.json: 2\.title\.zh-CN: \S/);
  });

  it("reports an unknown part id in an edition block", () => {
    const raw = rawData();
    const film = raw["film.json"] as { editions: { blocks: { part: string }[] }[] };
    film.editions[0]!.blocks[0]!.part = "intermission";
    const error = knowledgeError(() => parseKnowledge(raw));
    expect(error.message).toContain('film.json: editions.0.blocks.0.part: unknown part id "intermission"');
  });

  it("reports a FACTS id of the wrong shape and an unexpected key", () => {
    const raw = rawData();
    const glossary = raw["glossary.json"] as Record<string, unknown>[];
    glossary[0]!.facts = ["fact-1"];
    glossary[1]!.extra = true;
    const error = knowledgeError(() => parseKnowledge(raw));
    expect(error.message).toContain("glossary.json: 0.facts.0: must be a FACTS.md id");
    expect(error.message).toMatch(/glossary\.json: 1: .*extra/);
  });

  it("lists every problem across files, one per line", () => {
    const raw = rawData();
    (raw["people.json"] as { roles: unknown[] }[])[0]!.roles = [];
    (raw["reception.json"] as { polls: unknown[] }).polls = [];
    const error = knowledgeError(() => parseKnowledge(raw));
    expect(error).toBeInstanceOf(KnowledgeError);
    expect(error.issues.map((i) => i.file)).toEqual(["people.json", "reception.json"]);
    const lines = error.message.split("\n");
    expect(lines[0]).toMatch(/2 problems/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^people\.json: 0\.roles: /), expect.stringMatching(/^reception\.json: polls: /)]);
  });
});

describe("cross-file checks (validateKnowledge)", () => {
  it("reports a dangling place reference", () => {
    const k = realKnowledge();
    k.parts[2]!.places[0] = "foo";
    expect(problems(k)).toEqual(['parts.json: 2.places.0: unknown place "foo"']);
  });

  it("reports dangling people in parts, credits and film.director", () => {
    const k = realKnowledge();
    k.parts[2]!.people = ["du-yang"];
    k.credits[0]!.people.push("nobody");
    k.film.director = "someone-else";
    expect(problems(k)).toEqual([
      'film.json: director: unknown person "someone-else"',
      'parts.json: 2.people.0: unknown person "du-yang"',
      'credits.json: 0.people.1: unknown person "nobody"',
    ]);
  });

  it("reports dangling glossary links and self-links", () => {
    const k = realKnowledge();
    k.glossary[0]!.related = ["no-such-term", k.glossary[0]!.id];
    expect(problems(k)).toEqual([
      'glossary.json: 0.related.0: unknown glossary entry "no-such-term"',
      "glossary.json: 0.related.1: an entry cannot be related to itself",
    ]);
  });

  it("reports duplicate ids", () => {
    const k = realKnowledge();
    k.places[3]!.id = k.places[0]!.id;
    k.film.editions[1]!.id = k.film.editions[0]!.id;
    const found = problems(k);
    expect(found).toContain(`places.json: 3.id: duplicate id "${k.places[0]!.id}" (first used at 0)`);
    expect(found).toContain('film.json: editions.1.id: duplicate id "festival" (first used at editions.0)');
  });

  it("reports a glossary key shared by two entries after normalisation", () => {
    const k = realKnowledge();
    const shenyang = k.glossary.findIndex((g) => g.id === "shenyang");
    k.glossary[shenyang]!.aliases.push("Tie-Xi Qū");
    expect(problems(k)).toEqual([
      expect.stringMatching(new RegExp(`^glossary\\.json: ${shenyang}\\.aliases\\.\\d+: "Tie-Xi Qū" is already used by glossary entry "tiexi-district"`)),
    ]);
  });

  it("checks parts: all three, numbered 1–3, distinct colours, sane runtimes", () => {
    const k = realKnowledge();
    k.parts[1]!.number = 3;
    k.parts[2]!.colour = k.parts[0]!.colour;
    k.parts[0]!.runtime.minutes = 250;
    expect(problems(k).sort()).toEqual([
      "parts.json: 0.runtime: minutes (250) must lie between min (240) and max (246)",
      'parts.json: 1.number: part "remnants" must be number 2, not 3',
      'parts.json: 2.colour: colour is the same as part "rust"',
    ]);
  });

  it("checks editions: default exists, every part covered, minutes add up", () => {
    const k = realKnowledge();
    k.film.defaultEdition = "directors-cut";
    const threeParts = k.film.editions.findIndex((e) => e.id === "three-parts");
    k.film.editions[threeParts]!.blocks = k.film.editions[threeParts]!.blocks.filter((b) => b.part !== "rails");
    k.film.editions[0]!.blocks[0]!.minutes = 60;
    const found = problems(k);
    expect(found).toContain('film.json: defaultEdition: unknown edition "directors-cut"');
    expect(found).toContain(`film.json: editions.${threeParts}.blocks: edition "three-parts" does not cover part "rails"`);
    expect(found).toContain('film.json: editions.0.blocks: blocks of part "rust" add up to 180 minutes, outside 230–256');
    expect(found).toHaveLength(3);
  });

  it("checks that an edition's blocks follow the parts' order", () => {
    const k = realKnowledge();
    k.film.editions[0]!.blocks.reverse();
    expect(problems(k)).toContain('film.json: editions.0.blocks.1.part: part "remnants" comes after a later part');
  });

  it("parseKnowledge runs the cross-file checks too", () => {
    const raw = rawData();
    (raw["credits.json"] as { people: string[] }[])[0]!.people = ["ghost"];
    const error = knowledgeError(() => parseKnowledge(raw));
    expect(error.message).toContain('credits.json: 0.people.0: unknown person "ghost"');
  });
});
