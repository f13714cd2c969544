import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answer, AskDataError, buildAskIndex, defaultAskIndex, loadAskTopics, warmAskIndex } from "../../../src/ask/index.js";
import { projectRoot } from "../../../src/paths.js";

const factsPath = join(projectRoot, "..", "shared", "film", "FACTS.md");

describe("ask topics", () => {
  const topics = loadAskTopics();

  it("validate and cover the film broadly", () => {
    expect(topics.length).toBeGreaterThanOrEqual(90);
    expect(new Set(topics.map((t) => t.id)).size).toBe(topics.length);
  });

  it("name the file, the entry and the path when invalid", () => {
    const dir = mkdtempSync(join(tmpdir(), "ask-"));
    writeFileSync(join(dir, "bad.json"), JSON.stringify([{ id: "x-topic", facts: ["T01"], part: null }]));
    expect(() => loadAskTopics(dir)).toThrow(AskDataError);
    expect(() => loadAskTopics(dir)).toThrow(/bad\.json: entry 0 \(x-topic\): answer/);
  });

  it.skipIf(!existsSync(factsPath))("rest on no low-confidence fact (FACTS.md present)", () => {
    const known = new Map<string, string>();
    for (const line of readFileSync(factsPath, "utf8").split("\n")) {
      const m = /^- \[([A-Z]\d{2}[a-z]?)\].*—\s*([^—]*)$/.exec(line);
      if (m?.[1]) known.set(m[1], (m[2] ?? "").trim());
    }
    expect(known.size).toBeGreaterThan(100);
    for (const topic of topics) {
      for (const id of topic.facts) {
        expect(known.has(id), `${topic.id} cites unknown fact ${id}`).toBe(true);
        expect(known.get(id), `${topic.id} rests on low fact ${id}`).not.toMatch(/^low$/);
      }
    }
  });

  if (!existsSync(factsPath)) it.skip(`FACTS.md not found at ${factsPath}; the low-fact check is skipped`, () => {});

  it("never state the 'Do NOT state' items", () => {
    const all = topics.map((t) => `${t.answer.en} ${t.context.en} ${t.answer["zh-CN"]} ${t.context["zh-CN"]}`).join("\n");
    expect(all).not.toMatch(/Du Yang|one-eyed|top 100 of/i);
    expect(all).not.toMatch(/born in Shenyang|Peking University/i);
  });
});

describe("the bot's warm-up of the ask index", () => {
  it("asks one phrasing per topic and language, and leaves the answers as a fresh index gives them", async () => {
    const topics = loadAskTopics();
    expect(await warmAskIndex()).toBe(topics.length * 2);
    const warmed = defaultAskIndex();
    const fresh = buildAskIndex(topics);
    const options = { spoilers: true, watched: new Set<never>() };
    const summary = (r: ReturnType<typeof answer>): string =>
      r.kind === "answer" ? `${r.topic.id} ${r.confidence.toFixed(6)}` : r.kind === "unsure" ? `unsure ${r.suggestions.map((t) => t.id).join()}` : r.kind;
    for (const q of ["how long is remnants?", "这部片子在中国上映过吗", "who chaird the yamagata jury", "tie xi qu shi shen me yi si", "what's the weather"]) {
      expect(summary(answer(warmed, q, options)), q).toBe(summary(answer(fresh, q, options)));
    }
    expect(summary(answer(warmed, "how long is remnants?", options))).toMatch(/^runtime-remnants /);
  });
});
