/**
 * `npm run bench:trivia`: 50 trivia rounds at once in 50 channels, then 1,000 answer presses (20 members
 * in each channel) fired within one second, through the local emulator against the bot as its own
 * process (what `npm start` runs). Prints the dispatch -> acknowledgement latency (target p99 ≤ 50 ms;
 * Discord's limit is 3 s) and checks in the database that every answer was recorded exactly once.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { PermissionFlagsBits, type APIMessage } from "discord-api-types/v10";
import { projectRoot } from "../src/paths.js";
import { startEmulator, type InteractionHandle } from "../src/sandbox/emulator.js";
import { percentile } from "./lib/offline.js";

const ROUNDS = 50;
const MEMBERS = 20;
const WINDOW_MS = 1000;

const emu = await startEmulator({ specPath: null });
const guild = emu.createGuild({ name: "Trivia night" });
const hostRole = emu.createRole(guild.id, { name: "Hosts", permissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ManageEvents });
const host = emu.createUser({ username: "host" }).id;
emu.addMember(guild.id, host, { roles: [hostRole.id] });
const members = Array.from({ length: MEMBERS }, (_, i) => {
  const id = emu.createUser({ username: `member${i}` }).id;
  emu.addMember(guild.id, id);
  return id;
});
const channels = Array.from({ length: ROUNDS }, (_, i) => emu.createChannel(guild.id, { name: `table-${i}` }).id);

const dir = mkdtempSync(join(tmpdir(), "wott-bench-trivia-"));
const dbFile = join(dir, "trivia.sqlite");
// BENCH_PROFILE=DIR writes a CPU profile of the bot to DIR.
const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
const bot = spawn(process.execPath, [...profile, join(projectRoot, "dist", "src", "main.js")], {
  cwd: projectRoot,
  env: { ...process.env, DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.apiBase, DATABASE_URL: `sqlite:${dbFile}`, LOG_LEVEL: "warn", CLOCK_SPEED: "", HEALTH_PORT: "" },
  stdio: ["ignore", "ignore", "inherit"],
});

try {
  for (let i = 0; emu.commands().length === 0; i++) {
    if (i > 300) throw new Error("the bot did not start");
    await sleep(100);
  }

  // 50 rounds start at once (questions open for 60 s, so all presses land in an open question).
  const starts = channels.map((channelId) =>
    emu.command({ user: host, guildId: guild.id, channelId, name: "westofthetracks", group: "trivia", subcommand: "start", options: { questions: 1, seconds: 60, spoilers: true } }),
  );
  await Promise.all(starts.map((s) => s.response(10_000)));
  const isQuestion = (m: APIMessage) => JSON.stringify(m.components ?? []).includes("wt1:trivia:");
  const questions = await Promise.all(channels.map((c) => emu.waitForMessage(c, isQuestion, 30_000)));

  const cpu = (pid: number) => {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, in ms (100 Hz)
  };
  const botCpu0 = cpu(bot.pid!);
  const benchCpu0 = process.cpuUsage();
  // 1,000 presses spread over one second.
  const presses: Promise<{ latency: number | null; content: string }>[] = [];
  const begin = performance.now();
  for (const [i, message] of questions.entries()) {
    const button = (JSON.stringify(message.components).match(/wt1:trivia:[^"]+/g) ?? [])[0]!;
    const base = button.slice(0, button.lastIndexOf(":") + 1);
    for (const [j, member] of members.entries()) {
      const at = ((i * MEMBERS + j) / (ROUNDS * MEMBERS)) * WINDOW_MS;
      presses.push(
        (async () => {
          await sleep(Math.max(0, at - (performance.now() - begin)));
          const handle: InteractionHandle = emu.button({ user: member, message, customId: `${base}${(i + j) % 4}` });
          try {
            const response = await handle.response(10_000);
            const content = (response.data as { content?: string } | undefined)?.content ?? "";
            return { latency: handle.latencyMs, content };
          } catch {
            // Answered after Discord's 3 s (the emulator refused it) or not at all.
            return { latency: null, content: "" };
          }
        })(),
      );
    }
  }
  const results = await Promise.all(presses);
  const firedIn = performance.now() - begin;
  const botCpu = cpu(bot.pid!) - botCpu0;
  const benchCpu = process.cpuUsage(benchCpu0);
  const latencies = results.map((r) => r.latency).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const lockedIn = results.filter((r) => /locked in/i.test(r.content)).length;
  const within3s = latencies.filter((x) => x < 3000).length;

  await sleep(500);
  const db = new Database(dbFile, { readonly: true });
  const row = db
    .prepare("select count(*) as n, count(distinct round_id || ':' || question_index || ':' || user_id) as d from trivia_answers")
    .get() as { n: number; d: number };
  db.close();

  console.log(`${ROUNDS} concurrent rounds, ${results.length} presses fired within ${firedIn.toFixed(0)} ms (bot in its own process; machine load ${loadavg().map((x) => x.toFixed(2)).join(" ")})`);
  console.log(`  acknowledged: ${latencies.length}/${results.length}, within Discord's 3 s: ${within3s}, "locked in": ${lockedIn}`);
  console.log(`  ack latency p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${latencies.at(-1)!.toFixed(2)} ms (target p99 ≤ 50 ms) — ${percentile(latencies, 99) <= 50 ? "met" : "NOT met"}`);
  console.log(`  answers in the database: ${row.n} rows, ${row.d} distinct (member, question) — ${row.n === results.length && row.d === row.n ? "every answer recorded exactly once" : "MISMATCH"}`);
  console.log(`  emulator findings: ${emu.findings.length}`);
  console.log(`  CPU during the presses: bot ${botCpu} ms (${(botCpu / results.length).toFixed(2)} ms a press), emulator and driver ${((benchCpu.user + benchCpu.system) / 1000).toFixed(0)} ms`);
} finally {
  bot.kill("SIGTERM");
  await once(bot, "exit");
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
}
