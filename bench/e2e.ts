/**
 * End-to-end latency: interaction dispatch -> callback, through the local emulator, for the real bot's
 * knowledge commands and, in the same run, for a bare discord.js bot that answers `pong`. Each bot runs
 * as its own process (as in production: Discord is not in the bot's process), each against its own
 * emulator in this process. Blocks of 100 interactions alternate between the two so that machine noise
 * hits both alike. Target: the bot's p99 within 1.5x of the bare bot's. Also prints the bot's RSS.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { projectRoot } from "../src/paths.js";
import { measureInteractionLatency, startEmulator, type Emulator, type InteractionHandle } from "../src/sandbox/emulator.js";
import { percentile } from "./lib/offline.js";

const N = Number(process.env.BENCH_E2E_N ?? 1000);
const BLOCK = 100;

async function world(emu: Emulator) {
  const guild = emu.createGuild({ name: "Bench club" });
  const channelId = emu.createChannel(guild.id, { name: "screenings" }).id;
  const user = emu.createUser({ username: "bench" });
  emu.addMember(guild.id, user.id);
  return { guildId: guild.id, channelId, userId: user.id };
}

/** Starts a bot as its own process against a fresh emulator and waits until its commands are registered. */
async function processBot(script: string, extraEnv: Record<string, string> = {}) {
  const emu = await startEmulator({ specPath: null });
  const w = await world(emu);
  const dir = mkdtempSync(join(tmpdir(), "wott-bench-"));
  const child = spawn(process.execPath, [script], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      DISCORD_TOKEN: emu.token,
      DISCORD_API_URL: emu.apiBase,
      DATABASE_URL: `sqlite:${join(dir, "bench.sqlite")}`,
      LOG_LEVEL: "silent",
      ...extraEnv,
    },
    stdio: "ignore",
  });
  for (let t = 0; emu.commands().length === 0; t++) {
    if (t > 300 || child.exitCode !== null) throw new Error(`${script} did not start`);
    await sleep(100);
  }
  const stop = async () => {
    child.kill("SIGTERM");
    await once(child, "exit");
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { emu, w, child, stop };
}

async function bareBot() {
  const bot = await processBot(join(projectRoot, "dist", "bench", "lib", "pong-bot.js"));
  const make = (): InteractionHandle => bot.emu.command({ user: bot.w.userId, guildId: bot.w.guildId, channelId: bot.w.channelId, name: "ping" });
  return { ...bot, make };
}

const KNOWLEDGE: { subcommand: string; options?: Record<string, string> }[] = [
  { subcommand: "about" },
  { subcommand: "part", options: { name: "rust" } },
  { subcommand: "part", options: { name: "rails" } },
  { subcommand: "credits" },
  { subcommand: "reception" },
  { subcommand: "glossary", options: { term: "xiagang" } },
  { subcommand: "help" },
];

async function ourBot() {
  const bot = await processBot(join(projectRoot, "dist", "src", "main.js"));
  let i = 0;
  const make = (): InteractionHandle => {
    const c = KNOWLEDGE[i++ % KNOWLEDGE.length]!;
    return bot.emu.command({
      user: bot.w.userId,
      guildId: bot.w.guildId,
      channelId: bot.w.channelId,
      locale: i % 2 === 0 ? "en-US" : "zh-CN",
      name: "westofthetracks",
      options: { subcommand: c.subcommand, ...(c.options ? { options: c.options } : {}) },
    });
  };
  return { ...bot, make };
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

const bare = await bareBot();
const ours = await ourBot();
const rssAfterStart = rssMiB(ours.child.pid!);
// Warm-up: JIT, sockets, the first compile of every route.
await measureInteractionLatency(bare.emu, bare.make, 100);
await measureInteractionLatency(ours.emu, ours.make, 100);

const bareSamples: number[] = [];
const ourSamples: number[] = [];
let failures = 0;
for (let done = 0; done < N; done += BLOCK) {
  const a = await measureInteractionLatency(bare.emu, bare.make, BLOCK);
  const b = await measureInteractionLatency(ours.emu, ours.make, BLOCK);
  bareSamples.push(...a.samples);
  ourSamples.push(...b.samples);
  failures += a.failures + b.failures;
}
const findings = bare.emu.findings.length + ours.emu.findings.length;
const rssAfterBench = rssMiB(ours.child.pid!);
await bare.stop();
await ours.stop();

const sort = (xs: number[]) => [...xs].sort((x, y) => x - y);
const b = sort(bareSamples);
const o = sort(ourSamples);
const ratio = percentile(o, 99) / percentile(b, 99);
console.log(`End-to-end dispatch -> callback latency, ${N} interactions each, interleaved in blocks of ${BLOCK} (ms)`);
console.log(`  bare discord.js bot (pong):      p50 ${percentile(b, 50).toFixed(2)}  p99 ${percentile(b, 99).toFixed(2)}  max ${b.at(-1)!.toFixed(2)}`);
console.log(`  this bot (knowledge commands):   p50 ${percentile(o, 50).toFixed(2)}  p99 ${percentile(o, 99).toFixed(2)}  max ${o.at(-1)!.toFixed(2)}`);
console.log(`  p99 ratio: ${ratio.toFixed(2)}x (target ≤ 1.5x) — ${ratio <= 1.5 ? "met" : "NOT met"}; failures ${failures}; emulator findings ${findings}`);
console.log(`RSS of the bot process: ${rssAfterStart.toFixed(1)} MiB after start (connected, commands registered), ${rssAfterBench.toFixed(1)} MiB after the bench`);
