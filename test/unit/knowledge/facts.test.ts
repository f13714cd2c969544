import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KNOWLEDGE_FILE_NAMES } from "../../../src/knowledge/load.js";
import { projectRoot } from "../../../src/paths.js";
import { rawData } from "./helpers.js";

const factsPath = join(projectRoot, "..", "shared", "film", "FACTS.md");
const haveFacts = existsSync(factsPath);

/** FACTS.md ids with their confidence (the last "— …" segment of the line). */
function readFacts(): Map<string, string> {
  const facts = new Map<string, string>();
  for (const line of readFileSync(factsPath, "utf8").split("\n")) {
    const match = /^- \[([A-Z]\d{2}[a-z]?)\] (.*)$/.exec(line);
    if (!match) continue;
    const segments = match[2]!.split(" — ");
    facts.set(match[1]!, (segments.at(-1) ?? "").trim());
  }
  return facts;
}

/** Every `facts` array in the data, with where it was found. */
function citedFacts(): { where: string; id: string }[] {
  const cited: { where: string; id: string }[] = [];
  const walk = (value: unknown, where: string): void => {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${where}.${i}`));
    else if (value !== null && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) {
        if (key === "facts" && Array.isArray(child)) child.forEach((id) => cited.push({ where: `${where}.facts`, id: String(id) }));
        else walk(child, `${where}.${key}`);
      }
    }
  };
  const raw = rawData();
  for (const file of KNOWLEDGE_FILE_NAMES) walk(raw[file], file);
  return cited;
}

describe.skipIf(!haveFacts)(`facts cited in data/film (skipped: ${factsPath} not found)`, () => {
  it("finds the fact sheet's ids", () => {
    const facts = readFacts();
    expect(facts.size).toBeGreaterThan(100);
    expect(facts.get("W03")).toMatch(/^low/);
    expect(facts.get("T01")).toBe("high");
  });

  it("cites only ids that exist in FACTS.md", () => {
    const facts = readFacts();
    const cited = citedFacts();
    expect(cited.length).toBeGreaterThan(100);
    expect(cited.filter((c) => !facts.has(c.id))).toEqual([]);
  });

  it("never rests on a low-confidence fact", () => {
    const facts = readFacts();
    expect(citedFacts().filter((c) => /^low\b/.test(facts.get(c.id) ?? ""))).toEqual([]);
  });
});
