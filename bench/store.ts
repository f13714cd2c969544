/**
 * `npm run bench:store`: the store's hot paths with production-sized data.
 *
 * Loads 10,000 guilds' settings, 100,000 pending jobs spread over 30 days and 1,000,000 trivia answers
 * (with their trivia_scores aggregates) into SQLite (a temp file) and, when TEST_DATABASE_URL or
 * DATABASE_URL is a postgres:// URL, into a fresh PostgreSQL schema (dropped afterwards). Then measures
 * p50/p99 over 2,000 iterations of:
 *   claimDue   one scheduler tick, limit 100: idle (nothing due: the usual tick of a film-club bot) and
 *              busy (the clock advances so ~10 jobs fall due every tick; they are completed, untimed)
 *   settings   settings.get for a random guild
 *   board      one leaderboard page (limit 10), random guild, period and page among the first five
 *   enqueue    jobs.enqueue (one committed write)
 * Target: p99 ≤ 2 ms on SQLite. Console output only.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { analyze, bulkInsert } from "../src/store/bulk.js";
import { defaultPeriodKeys, openStore, type Store } from "../src/store/index.js";
import type { NewRow } from "../src/store/schema.js";

const GUILDS = 10_000;
const JOBS = 100_000;
const ANSWERS = 1_000_000;
const ITERATIONS = 2_000;
const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const JOB_WINDOW = 30 * DAY;
const TRIVIA_GUILDS = 100;
const QUESTIONS_PER_ROUND = 10;
const PLAYERS_PER_ROUND = 20;

/** Deterministic PRNG (mulberry32) so every run loads the same data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const guildId = (i: number) => `${100000000000000000n + BigInt(i)}`;

interface Timing {
  p50: number;
  p99: number;
  max: number;
}

function summarize(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
  return { p50: q(0.5), p99: q(0.99), max: s[s.length - 1] ?? Number.NaN };
}

async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < Math.min(100, n); i++) await fn(i); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return summarize(samples);
}

async function load(store: Store): Promise<Record<string, number>> {
  const rand = rng(42);
  const seconds: Record<string, number> = {};
  const step = async (name: string, fn: () => Promise<void>) => {
    const t = performance.now();
    await fn();
    seconds[name] = (performance.now() - t) / 1000;
  };

  await step("settings", async () => {
    const rows: NewRow<"guild_settings">[] = [];
    for (let i = 0; i < GUILDS; i++) {
      rows.push({
        guild_id: guildId(i),
        announce_channel_id: `2${i}`,
        host_role_id: i % 3 === 0 ? `3${i}` : null,
        timezone: i % 2 === 0 ? "Asia/Shanghai" : null,
        language: (["auto", "en", "zh-CN"] as const)[i % 3],
        created_at: T0,
        updated_at: T0,
      });
    }
    await bulkInsert(store, "guild_settings", rows);
  });

  await step("jobs", async () => {
    const rows: NewRow<"jobs">[] = [];
    for (let i = 0; i < JOBS; i++) {
      const g = Math.floor(rand() * GUILDS);
      const dueAt = T0 + Math.floor(rand() * JOB_WINDOW);
      rows.push({
        id: `job-${i}`,
        guild_id: guildId(g),
        kind: ["reminder", "start", "checkpoint", "intermission", "end"][i % 5] ?? "reminder",
        due_at: dueAt,
        payload: JSON.stringify({ sessionId: `s${g}-${i % 7}`, n: i }),
        dedupe_key: `bench:${i}`,
        created_at: T0,
        updated_at: T0,
      });
    }
    await bulkInsert(store, "jobs", rows);
  });

  await step("trivia", async () => {
    // Guild 0 is a big club (20,000 members, a fifth of all answers); 99 smaller ones (500 members).
    const rounds: NewRow<"trivia_rounds">[] = [];
    const answers: NewRow<"trivia_answers">[] = [];
    const scores = new Map<string, NewRow<"trivia_scores"> & { points: number; answered: number; correct: number; current_streak: number; best_streak: number; rounds: number }>();
    const totalRounds = ANSWERS / (QUESTIONS_PER_ROUND * PLAYERS_PER_ROUND);
    const bigRounds = Math.floor(totalRounds / 5);
    for (let r = 0; r < totalRounds; r++) {
      const g = r < bigRounds ? 0 : 1 + ((r - bigRounds) % (TRIVIA_GUILDS - 1));
      const pool = g === 0 ? 20_000 : 500;
      const gid = guildId(g);
      const roundId = `round-${r}`;
      const startedAt = T0 - 365 * DAY + Math.floor(rand() * 365 * DAY);
      rounds.push({
        id: roundId,
        guild_id: gid,
        channel_id: `chan-${g}-${r}`,
        started_by: `u${g}-0`,
        status: "ended",
        question_ids: JSON.stringify(Array.from({ length: QUESTIONS_PER_ROUND }, (_, q) => `q${(r + q) % 141}`)),
        current_index: QUESTIONS_PER_ROUND - 1,
        settings: "{}",
        created_at: startedAt,
        ended_at: startedAt + 10 * 60_000,
      });
      const players = new Set<number>();
      while (players.size < PLAYERS_PER_ROUND) players.add(Math.floor(rand() * pool));
      const periodKeys = defaultPeriodKeys(startedAt);
      for (const p of players) {
        const userId = `u${g}-${p}`;
        for (let q = 0; q < QUESTIONS_PER_ROUND; q++) {
          const correct = rand() < 0.6;
          const latency = 1_000 + Math.floor(rand() * 19_000);
          const points = correct ? 100 + Math.floor((20_000 - latency) / 200) : 0;
          answers.push({
            round_id: roundId,
            question_index: q,
            user_id: userId,
            guild_id: gid,
            question_id: `q${(r + q) % 141}`,
            choice: correct ? 0 : 1 + Math.floor(rand() * 3),
            correct: correct ? 1 : 0,
            points,
            answered_at: startedAt + q * 30_000 + latency,
            latency_ms: latency,
          });
          for (const periodKey of periodKeys) {
            const key = `${gid}|${userId}|${periodKey}`;
            let s = scores.get(key);
            if (!s) {
              s = { guild_id: gid, user_id: userId, period_key: periodKey, points: 0, answered: 0, correct: 0, current_streak: 0, best_streak: 0, rounds: 0, updated_at: startedAt };
              scores.set(key, s);
            }
            s.points += points;
            s.answered += 1;
            s.correct += correct ? 1 : 0;
            s.current_streak = correct ? s.current_streak + 1 : 0;
            s.best_streak = Math.max(s.best_streak, s.current_streak);
            if (q === 0) s.rounds += 1;
          }
        }
      }
    }
    await bulkInsert(store, "trivia_rounds", rounds);
    await bulkInsert(store, "trivia_answers", answers);
    await bulkInsert(store, "trivia_scores", [...scores.values()]);
  });

  await step("analyze", () => analyze(store));
  return seconds;
}

interface Result {
  backend: string;
  load: Record<string, number>;
  timings: Record<string, Timing>;
}

async function measure(store: Store): Promise<Record<string, Timing>> {
  const rand = rng(7);
  const timings: Record<string, Timing> = {};
  // ~10 jobs fall due per tick: the tick advances by the time 10 jobs span on average.
  const tickMs = Math.floor((JOB_WINDOW / JOBS) * 10);
  let now = T0;
  let claimed = 0;
  timings["claimDue idle tick"] = await time(ITERATIONS, () =>
    store.jobs.claimDue(T0 - 1, { owner: "bench", leaseMs: 60_000, limit: 100 }),
  );
  const claimSamples: number[] = [];
  for (let i = 0; i < ITERATIONS + 100; i++) {
    now += tickMs;
    const t = performance.now();
    const jobs = await store.jobs.claimDue(now, { owner: "bench", leaseMs: 60_000, limit: 100 });
    const dt = performance.now() - t;
    if (i >= 100) claimSamples.push(dt);
    claimed += jobs.length;
    for (const j of jobs) await store.jobs.complete(j.id, "bench"); // untimed: the handler's work
  }
  timings[`claimDue busy tick (${(claimed / (ITERATIONS + 100)).toFixed(1)} jobs)`] = summarize(claimSamples);

  timings["settings.get"] = await time(ITERATIONS, () => store.settings.get(guildId(Math.floor(rand() * GUILDS * 1.01))));

  const seasons = ["all", "season:2025-2", "season:2025-4"];
  timings["leaderboard page"] = await time(ITERATIONS, () => {
    const g = rand() < 0.5 ? 0 : 1 + Math.floor(rand() * (TRIVIA_GUILDS - 1));
    const period = seasons[Math.floor(rand() * seasons.length)] ?? "all";
    return store.trivia.leaderboard(guildId(g), period, { offset: 10 * Math.floor(rand() * 5), limit: 10 });
  });

  timings["jobs.enqueue (commit)"] = await time(ITERATIONS, (i) =>
    store.jobs.enqueue({ guildId: guildId(i % GUILDS), kind: "reminder", dueAt: T0 + JOB_WINDOW + i, dedupeKey: `enq:${i}` }),
  );
  return timings;
}

async function runSqlite(): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), "wott-bench-"));
  try {
    const store = await openStore(`sqlite:${join(dir, "bench.sqlite")}`);
    try {
      const loadTimes = await load(store);
      return { backend: "sqlite (WAL, synchronous=NORMAL)", load: loadTimes, timings: await measure(store) };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runPostgres(url: string): Promise<Result> {
  const schema = `store_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`); // a generated hex name, never input
  try {
    const store = await openStore(url, { schema });
    try {
      const loadTimes = await load(store);
      return { backend: "postgres", load: loadTimes, timings: await measure(store) };
    } finally {
      await store.close();
    }
  } finally {
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}

function print(r: Result): void {
  const loadLine = Object.entries(r.load)
    .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
    .join(", ");
  console.log(`\n${r.backend}\n  load: ${loadLine}`);
  console.log(`  ${"operation".padEnd(32)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"max ms".padStart(8)}`);
  for (const [name, t] of Object.entries(r.timings)) {
    console.log(`  ${name.padEnd(32)} ${t.p50.toFixed(3).padStart(8)} ${t.p99.toFixed(3).padStart(8)} ${t.max.toFixed(3).padStart(8)}`);
  }
}

const pgUrl = [process.env.TEST_DATABASE_URL, process.env.DATABASE_URL].find((u) => u && /^postgres(ql)?:\/\//.test(u));
console.log(`store bench: ${GUILDS} guilds, ${JOBS} pending jobs, ${ANSWERS} trivia answers, ${ITERATIONS} iterations`);
const sqliteResult = await runSqlite();
print(sqliteResult);
if (pgUrl) print(await runPostgres(pgUrl));
else console.log("\npostgres: skipped (set TEST_DATABASE_URL or DATABASE_URL to a postgres:// URL)");
console.log("\nSQLite p99 against the 2 ms target:");
for (const [name, t] of Object.entries(sqliteResult.timings)) console.log(`  ${name}: ${t.p99 <= 2 ? "ok" : "MISSED"} (${t.p99.toFixed(3)} ms)`);
