/**
 * Ask bench: accuracy on the eval sets in test/fixtures (ask-eval*.json) and timings.
 * `npm run bench:ask` (builds first). Console output only; nothing is asserted here (the unit test asserts
 * accuracy, this prints the figures).
 * Targets: accuracy ≥ 95%, refusals 100%, confident-wrong ≤ 1%, build ≤ 50 ms, p99 ≤ 1 ms.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { answer, buildAskIndex, cacheTerms, evalSet, evaluate, forgetQueryCaches, hasCjk, loadAskTopics, questionPool, readingTable, type Rate } from "../src/ask/index.js";
import type { PartId } from "../src/knowledge/schema.js";
import { projectRoot } from "../src/paths.js";

const BUILDS = 20;
const REPEATS = 50;

function pct(r: Rate): string {
  return `${(r.rate * 100).toFixed(1)}% (${r.correct}/${r.n})`;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const args = new Set(process.argv.slice(2));
const topics = loadAskTopics(process.env.ASK_DIR);
const fixtures = join(projectRoot, "test", "fixtures");
/**
 * The eval sets: ask-eval.json was written with the engine (its held-out items were not looked at while
 * tuning); ask-eval-fresh.json and ask-eval-blind*.json were written by someone who saw
 * only the topics' answers, never the phrasings or the engine. The blind sets are measured, never tuned on;
 * ask-eval-dev*.json, written the same way, are the development sets (their misses are read).
 */
const SETS: [string, string][] = process.env.ASK_EVAL
  ? [["custom", process.env.ASK_EVAL]]
  : [
      ["main (written with the engine)", join(fixtures, "ask-eval.json")],
      ["fresh (written blind; its misses were read)", join(fixtures, "ask-eval-fresh.json")],
      ["blind (written blind; only its totals have been seen)", join(fixtures, "ask-eval-blind.json")],
      ["blind 2 (written blind, first measured near the end; only its totals have been seen)", join(fixtures, "ask-eval-blind2.json")],
      ["blind 3 (written blind in session 3, measured once at its end; only its totals have been seen)", join(fixtures, "ask-eval-blind3.json")],
      ["blind 4 (written blind in session 4, first measured near its start; only its totals have been seen)", join(fixtures, "ask-eval-blind4.json")],
      ["blind 5 (written blind in session 5, first measured at its start; only its totals have been seen)", join(fixtures, "ask-eval-blind5.json")],
      ["dev (written blind in session 3, then tuned on: its misses were read)", join(fixtures, "ask-eval-dev.json")],
      ["dev 2 (written blind in session 4, then tuned on: its misses were read)", join(fixtures, "ask-eval-dev2.json")],
      ["dev 3 (written blind in session 5, then tuned on: its misses were read)", join(fixtures, "ask-eval-dev3.json")],
      ["dev 4 (written blind in session 5, first measured late in it, then tuned on)", join(fixtures, "ask-eval-dev4.json")],
    ];

const buildTimes: number[] = [];
let index = buildAskIndex(topics);
for (let i = 0; i < BUILDS; i++) {
  const t0 = performance.now();
  index = buildAskIndex(topics);
  buildTimes.push(performance.now() - t0);
}
buildTimes.sort((a, b) => a - b);
const tableStart = performance.now();
readingTable(index);
const tableMs = performance.now() - tableStart;
const poolStart = performance.now();
questionPool(index);
const poolMs = performance.now() - poolStart;

const phrasings = topics.reduce((n, t) => n + t.questions.en.length + t.questions["zh-CN"].length, 0);
console.log(`ask bench: ${topics.length} topics, ${phrasings} curated phrasings`);
const everything: string[] = [];
/** Each set, read and validated once. */
const LOADED = SETS.map(([name, file]) => ({ name, items: evalSet.parse(JSON.parse(readFileSync(file, "utf8"))) }));
for (const { name, items } of LOADED) {
  everything.push(...items.map((i) => i.q));
  const report = evaluate(index, items);
  console.log(`\n${name}: ${items.length} questions`);
  console.log(`  top-1 accuracy  overall ${pct(report.overall)}`);
  console.log(`                  english ${pct(report.english)}, chinese ${pct(report.chinese)}, typos ${pct(report.typos)}`);
  if (report.heldOut.n > 0) console.log(`                  tuning ${pct(report.tuning)}, held-out ${pct(report.heldOut)}`);
  console.log(`  best candidate right (in scope: the answer, or the first topic offered) ${pct(report.top1Candidate)}`);
  console.log(`  out-of-scope refused ${pct(report.refusals)}; classified out-of-scope ${pct(report.outOfScopeKind)}`);
  console.log(`  told 'not known' (closest topics offered): out of scope ${pct(report.notKnownOutOfScope)}, in scope ${pct(report.notKnownInScope)}`);
  console.log(`  confident-wrong ${pct(report.confidentWrong)}`);
  if (args.has("--misses")) {
    for (const o of report.outcomes) {
      if (o.correct) continue;
      const got =
        o.result.kind === "answer"
          ? `answer ${o.result.topic.id} (${o.result.confidence.toFixed(2)})`
          : o.result.kind === "unsure"
            ? `unsure ${o.result.confidence.toFixed(2)} [${o.result.suggestions.map((t) => t.id).join(", ")}]`
            : o.result.kind === "out-of-scope" && o.result.closest.length > 0
              ? `not known [${o.result.closest.map((t) => t.id).join(", ")}]`
              : o.result.kind;
      console.log(`  MISS${o.item.heldOut ? " (held-out)" : ""}: "${o.item.q}" expected ${o.item.expect}, got ${got}`);
    }
  }
}

/**
 * Robustness to one typo: every English in-scope question answered right is asked again with one typo (a swap,
 * a dropped, doubled or neighbouring-key letter) in one word of four letters or more, three seeds.
 */
const ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
function typoRobustness(seed: number): { n: number; kept: number; wrong: number } {
  let state = seed;
  const rnd = (): number => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const near = (c: string): string => {
    for (const row of ROWS) {
      const i = row.indexOf(c);
      if (i >= 0) return row.charAt(Math.max(0, Math.min(row.length - 1, i + (rnd() < 0.5 ? -1 : 1))));
    }
    return c;
  };
  const typo = (w: string): string => {
    const i = 1 + Math.floor(rnd() * (w.length - 2));
    const a = w.charAt(i);
    const b = w.charAt(i + 1);
    switch (Math.floor(rnd() * 4)) {
      case 0:
        return w.slice(0, i) + b + a + w.slice(i + 2);
      case 1:
        return w.slice(0, i) + w.slice(i + 1);
      case 2:
        return w.slice(0, i) + a + w.slice(i);
      default:
        return w.slice(0, i) + near(a) + w.slice(i + 1);
    }
  };
  const all = { spoilers: true, watched: new Set<PartId>(["rust", "remnants", "rails"]) };
  const right = (q: string, expect: string): 1 | 0 | -1 => {
    const r = answer(index, q, all);
    return r.kind !== "answer" ? 0 : r.topic.id === expect ? 1 : -1;
  };
  let n = 0;
  let kept = 0;
  let wrong = 0;
  for (const item of englishInScope) {
    if (right(item.q, item.expect) !== 1) continue;
    const words = item.q.split(" ");
    const at = words.flatMap((w, i) => (/^[a-z]{4,}$/i.test(w) ? [i] : []));
    if (at.length === 0) continue;
    const i = at[Math.floor(rnd() * at.length)] ?? 0;
    words[i] = typo((words[i] ?? "").toLowerCase());
    n++;
    const r = right(words.join(" "), item.expect);
    if (r === 1) kept++;
    else if (r === -1) wrong++;
  }
  return { n, kept, wrong };
}
const englishInScope: { q: string; expect: string }[] = [];
for (const { items } of LOADED) {
  for (const item of items) {
    if (item.expect !== "out-of-scope" && !hasCjk(item.q) && !(item.tags ?? []).includes("typo")) englishInScope.push(item);
  }
}
const robust = [1, 2, 3].map(typoRobustness);
const sum = robust.reduce((a, r) => ({ n: a.n + r.n, kept: a.kept + r.kept, wrong: a.wrong + r.wrong }), { n: 0, kept: 0, wrong: 0 });
console.log(
  `\none typo in an English question answered right: still right ${((sum.kept / sum.n) * 100).toFixed(1)}% (${sum.kept}/${sum.n} over 3 seeds), confidently wrong ${sum.wrong}`,
);

const options = { spoilers: false, watched: new Set<PartId>(["rust"]) };
// First asking: a fresh index as the bot has it after start (reading table and question pool built), each
// distinct question timed once, with warm code (the sets were just evaluated). Twice: with every query cache
// emptied before each question (the bot before its warm-up is done), then as the bot has it after its warm-up
// (every index term's results worked out; the spelling cache emptied before each question).
const fresh = buildAskIndex(topics);
readingTable(fresh);
questionPool(fresh);
const coldTime: number[] = [];
for (const q of new Set(everything)) {
  forgetQueryCaches(fresh);
  const t0 = performance.now();
  answer(fresh, q, options);
  coldTime.push(performance.now() - t0);
}
cacheTerms(fresh, fresh.df.keys());
const firstTime: number[] = [];
for (const q of new Set(everything)) {
  // Only the spelling cache is emptied: prefix results of earlier questions may stay (slightly optimistic).
  fresh.spell.cache.clear();
  const t0 = performance.now();
  answer(fresh, q, options);
  firstTime.push(performance.now() - t0);
}
coldTime.sort((a, b) => a - b);
firstTime.sort((a, b) => a - b);
for (const q of everything) answer(index, q, options); // warm-up
const latencies: number[] = [];
/** Each set's own latencies too: long messages and near-misses (judged sentence by sentence) cost most. */
const perSet = new Map<string, number[]>(SETS.map(([name]) => [name, []]));
const setOf = new Map<string, string>();
for (const { name, items } of LOADED) for (const item of items) if (!setOf.has(item.q)) setOf.set(item.q, name);
for (let r = 0; r < REPEATS; r++) {
  for (const q of everything) {
    const t0 = performance.now();
    answer(index, q, options);
    const ms = performance.now() - t0;
    latencies.push(ms);
    perSet.get(setOf.get(q) ?? "")?.push(ms);
  }
}
latencies.sort((a, b) => a - b);
console.log(`\nindex build median ${quantile(buildTimes, 0.5).toFixed(2)} ms (min ${quantile(buildTimes, 0).toFixed(2)}) over ${BUILDS} builds`);
console.log(
  `built on first use (the bot builds them at start): pinyin reading table ${tableMs.toFixed(2)} ms, question pool ${poolMs.toFixed(2)} ms`,
);
console.log(
  `query latency (each set asked ${REPEATS} times: caches warm) p50 ${quantile(latencies, 0.5).toFixed(3)} ms, p99 ${quantile(latencies, 0.99).toFixed(3)} ms over ${latencies.length} queries`,
);
for (const [name, list] of perSet) {
  list.sort((a, b) => a - b);
  if (list.length > 0) console.log(`  ${name.split(" (")[0]}: p50 ${quantile(list, 0.5).toFixed(3)} ms, p99 ${quantile(list, 0.99).toFixed(3)} ms`);
}
console.log(
  `first asking of each question, as after the bot's warm-up (index terms worked out, spelling cache empty; warm code): p50 ${quantile(firstTime, 0.5).toFixed(3)} ms, p99 ${quantile(firstTime, 0.99).toFixed(3)} ms over ${firstTime.length} queries`,
);
console.log(
  `  with every query cache emptied before each question (before the warm-up is done): p50 ${quantile(coldTime, 0.5).toFixed(3)} ms, p99 ${quantile(coldTime, 0.99).toFixed(3)} ms`,
);

// A fresh process, as after the bot starts: the index built with cold code, then the first questions, with and
// without the warm-up the bot runs once connected (src/ask/default.ts). Five processes each, alternating.
const COLD_RUNS = 5;
const cold: Record<"plain" | "warm", { built: number[]; ready: number[]; first: number[]; next: number[] }> = {
  plain: { built: [], ready: [], first: [], next: [] },
  warm: { built: [], ready: [], first: [], next: [] },
};
const coldScript = join(dirname(fileURLToPath(import.meta.url)), "ask-cold.js");
for (let run = 0; run < COLD_RUNS; run++) {
  for (const mode of ["plain", "warm"] as const) {
    const out = execFileSync(process.execPath, [coldScript, ...(mode === "warm" ? ["--warm"] : [])], { encoding: "utf8" });
    const r = JSON.parse(out) as { built: number; ready: number; times: number[] };
    cold[mode].built.push(r.built);
    cold[mode].ready.push(r.ready);
    cold[mode].first.push(r.times[0] ?? Number.NaN);
    cold[mode].next.push(...r.times.slice(1));
  }
}
const med = (list: number[]): string => quantile([...list].sort((a, b) => a - b), 0.5).toFixed(2);
console.log(
  `fresh process (medians of ${COLD_RUNS}): index, reading table and question pool built in ${med(cold.plain.built)} ms with cold code; ` +
    `first question ${med(cold.plain.first)} ms, the next four ${med(cold.plain.next)} ms`,
);
console.log(
  `  after the bot's warm-up (over ${med(cold.warm.ready)} ms from start, yielding to the event loop after each topic and each batch of terms): ` +
    `first question ${med(cold.warm.first)} ms, the next four ${med(cold.warm.next)} ms`,
);
