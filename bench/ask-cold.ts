/**
 * One fresh process for bench/ask.ts: builds the ask index as the bot does at start (with `--warm`, also runs
 * the bot's warm-up), then times its first questions, and prints the figures as JSON. Not run on its own.
 */
import { performance } from "node:perf_hooks";
import { answer, defaultAskIndex, warmAskIndex } from "../src/ask/index.js";

const warm = process.argv.includes("--warm");
const t0 = performance.now();
defaultAskIndex();
const built = performance.now() - t0;
if (warm) await warmAskIndex();
const ready = performance.now() - t0;
const index = defaultAskIndex();
// Questions of every kind a member asks first: English, Chinese, a typo, pinyin, another subject.
const questions = ["how long is remnants?", "这部片子在中国上映过吗", "who chaird the yamagata jury", "tie xi qu shi shen me yi si", "what's the weather like tonight"];
const times = questions.map((q) => {
  const t = performance.now();
  answer(index, q, { spoilers: false, watched: new Set() });
  return performance.now() - t;
});
console.log(JSON.stringify({ built, ready, times }));
