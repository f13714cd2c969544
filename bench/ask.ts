/**
 * Ask bench: accuracy on test/fixtures/ask-eval.json and timings.
 * `npm run bench:ask` (builds first). Console output only; nothing is asserted here (the unit test asserts
 * accuracy, this prints the figures).
 * Targets: accuracy ≥ 95%, refusals 100%, confident-wrong ≤ 1%, build ≤ 50 ms, p99 ≤ 1 ms.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { answer, buildAskIndex, evalSet, evaluate, loadAskTopics, type Rate } from "../src/ask/index.js";
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
const items = evalSet.parse(JSON.parse(readFileSync(process.env.ASK_EVAL ?? join(projectRoot, "test", "fixtures", "ask-eval.json"), "utf8")));

const buildTimes: number[] = [];
let index = buildAskIndex(topics);
for (let i = 0; i < BUILDS; i++) {
  const t0 = performance.now();
  index = buildAskIndex(topics);
  buildTimes.push(performance.now() - t0);
}
buildTimes.sort((a, b) => a - b);

const report = evaluate(index, items);

const options = { spoilers: false, watched: new Set<PartId>(["rust"]) };
for (const item of items) answer(index, item.q, options); // warm-up
const latencies: number[] = [];
for (let r = 0; r < REPEATS; r++) {
  for (const item of items) {
    const t0 = performance.now();
    answer(index, item.q, options);
    latencies.push(performance.now() - t0);
  }
}
latencies.sort((a, b) => a - b);

console.log(`ask bench: ${topics.length} topics, ${items.length} eval questions`);
console.log(`top-1 accuracy  overall ${pct(report.overall)}`);
console.log(`                english ${pct(report.english)}`);
console.log(`                chinese ${pct(report.chinese)}`);
console.log(`                typos   ${pct(report.typos)}`);
console.log(`                tuning  ${pct(report.tuning)}`);
console.log(`                held-out ${pct(report.heldOut)}`);
console.log(`best candidate right (in scope, answer or first suggestion) ${pct(report.top1Candidate)}`);
console.log(`out-of-scope refused ${pct(report.refusals)}; classified out-of-scope ${pct(report.outOfScopeKind)}`);
console.log(`confident-wrong ${pct(report.confidentWrong)}`);
console.log(`index build median ${quantile(buildTimes, 0.5).toFixed(2)} ms over ${BUILDS} builds`);
console.log(
  `query latency p50 ${quantile(latencies, 0.5).toFixed(3)} ms, p99 ${quantile(latencies, 0.99).toFixed(3)} ms over ${latencies.length} queries`,
);

if (args.has("--misses")) {
  for (const o of report.outcomes) {
    if (o.correct) continue;
    const got =
      o.result.kind === "answer"
        ? `answer ${o.result.topic.id} (${o.result.confidence.toFixed(2)})`
        : o.result.kind === "unsure"
          ? `unsure ${o.result.confidence.toFixed(2)} [${o.result.suggestions.map((t) => t.id).join(", ")}]`
          : o.result.kind;
    console.log(`MISS${o.item.heldOut ? " (held-out)" : ""}: "${o.item.q}" expected ${o.item.expect}, got ${got}`);
  }
}
