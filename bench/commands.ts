/**
 * `npm run bench`: handler time of every /westofthetracks subcommand, in process, 10,000 invocations each
 * (both languages alternating), including rendering and the payload conversion the adapter applies.
 * Target: p99 ≤ 1 ms. Also prints the RSS after loading everything the bot loads at start.
 */
import { performance } from "node:perf_hooks";
import { westofthetracks } from "../commands/westofthetracks.js";
import { offlineCommand, offlineServices, percentile, type OfflineInput } from "./lib/offline.js";

const N = Number(process.env.BENCH_N ?? 10_000);
const services = await offlineServices();

const cases: { name: string; input: Omit<OfflineInput, "services"> }[] = [
  { name: "about", input: { subcommand: "about" } },
  { name: "part rust", input: { subcommand: "part", options: { name: "rust" } } },
  { name: "part rails", input: { subcommand: "part", options: { name: "rails" } } },
  { name: "credits", input: { subcommand: "credits" } },
  { name: "reception", input: { subcommand: "reception" } },
  { name: "glossary xiagang", input: { subcommand: "glossary", options: { term: "xiagang" } } },
  { name: "glossary (typo)", input: { subcommand: "glossary", options: { term: "shenyng" } } },
  { name: "glossary (6000 chars)", input: { subcommand: "glossary", options: { term: "x".repeat(6000) } } },
  { name: "help", input: { subcommand: "help" } },
  { name: "settings", input: { subcommand: "settings" } },
];

async function main() {
  console.log(`Handler time per subcommand, ${N} invocations each (en and zh-CN alternating), milliseconds`);
  console.log("subcommand".padEnd(24) + "p50".padStart(9) + "p99".padStart(9) + "max".padStart(9));
  let worstP99 = 0;
  for (const { name, input } of cases) {
    // Warm up so the JIT has settled before measuring.
    for (let i = 0; i < 500; i++) await westofthetracks.execute(offlineCommand({ ...input, services }).ctx);
    const times: number[] = [];
    for (let i = 0; i < N; i++) {
      const { ctx } = offlineCommand({ ...input, services, locale: i % 2 === 0 ? "en" : "zh-CN" });
      const start = performance.now();
      await westofthetracks.execute(ctx);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const p99 = percentile(times, 99);
    worstP99 = Math.max(worstP99, p99);
    console.log(
      name.padEnd(24) +
        percentile(times, 50).toFixed(4).padStart(9) +
        p99.toFixed(4).padStart(9) +
        (times[times.length - 1] ?? 0).toFixed(3).padStart(9),
    );
  }
  console.log(`worst p99: ${worstP99.toFixed(4)} ms (target ≤ 1 ms) — ${worstP99 <= 1 ? "met" : "NOT met"}`);
  console.log(`RSS after loading commands and knowledge: ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MiB`);
}

await main();
await services.store.close();
