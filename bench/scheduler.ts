/**
 * `npm run bench:scheduler`: the durable scheduler with 100,000 pending jobs over 10,000 guilds (due over
 * the next 30 days) in a temporary SQLite file, against the naive design (one node-cron task per job).
 *
 *  - idle tick p50/p99 over 2,000 ticks                        target p99 ≤ 1 ms
 *  - restore after a restart (reopen store, new scheduler, first tick done)   target ≤ 1 s
 *  - lone-job lateness (real clock, precise timer), p50/p99   target p99 ≤ 1.1 s
 *  - 1,000 jobs due at once handed to a handler that awaits a ~1 ms fake REST send
 *  - RSS and CPU over an idle 10 s window, durable vs naive  target ≥ 10× less memory
 *
 * BENCH_JOBS, BENCH_IDLE_S and BENCH_LONE override the sizes (for a quick look).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";
import { sql } from "kysely";
import cron, { type ScheduledTask } from "node-cron";
import { pino } from "pino";
import { createScheduler, type Scheduler } from "../src/scheduler/scheduler.js";
import type { JobHandler } from "../src/scheduler/types.js";
import { kyselyOf, openStore, type Store } from "../src/store/index.js";
import { systemClock } from "../src/watchalong/clock.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const JOBS = Number(process.env.BENCH_JOBS ?? 100_000);
const GUILDS = 10_000;
const IDLE_TICKS = 2_000;
const IDLE_WINDOW_S = Number(process.env.BENCH_IDLE_S ?? 10);
const LONE_SAMPLES = Number(process.env.BENCH_LONE ?? 60);
const LONE_DIRECT_SAMPLES = Math.ceil(LONE_SAMPLES / 3);
const BURST = 1_000;
const DAY = 86_400_000;

const logger = pino({ level: "silent" });
const clock = systemClock();

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (x: number, digits = 3) => `${x.toFixed(digits)} ms`;
const sleep = (t: number) => new Promise<void>((r) => setTimeout(r, t));

function memory() {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external + m.arrayBuffers };
}

/** CPU (user + system, ms) spent by the process during an idle window of `seconds`. */
async function idleCpu(seconds: number): Promise<number> {
  const before = process.cpuUsage();
  await sleep(seconds * 1000);
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}

/**
 * 100,000 pending jobs, 10 per guild, due between 1 minute and 30 days from now. Run in a child process
 * so the bench process's memory holds only what the scheduler itself needs.
 */
async function seed(url: string, now: number): Promise<void> {
  const store = await openStore(url, { logger });
  const db = kyselyOf(store);
  let seedState = 42;
  const random = () => ((seedState = (seedState * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < JOBS; start += 1_000) {
      const rows = [];
      for (let i = start; i < Math.min(JOBS, start + 1_000); i++) {
        const due = now + 60_000 + Math.floor(random() * 30 * DAY);
        const guild = String(100_000_000_000_000_000n + BigInt(i % GUILDS));
        rows.push({
          id: `bench-${i}`,
          guild_id: guild,
          kind: "bench.moment",
          due_at: due,
          payload: JSON.stringify({ sessionId: `s-${i % (GUILDS * 3)}`, step: i % 12 }),
          status: "pending",
          attempts: 0,
          dedupe_key: `session:s-${i}:moment`,
          created_at: now,
          updated_at: now,
        });
      }
      await trx.insertInto("jobs").values(rows).execute();
    }
  });
  await sql`analyze`.execute(db);
  await store.close();
}

interface Waiter {
  resolve: () => void;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "wott-bench-scheduler-"));
  const url = `sqlite:${join(dir, "bench.sqlite")}`;
  const base = memory();
  console.log(`Scheduler bench: ${JOBS.toLocaleString("en")} pending jobs over ${GUILDS.toLocaleString("en")} guilds (next 30 days), SQLite file, Node ${process.version}`);
  console.log(`baseline (imports loaded): RSS ${mb(base.rss)}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} (timings' tails depend on it)`);

  // ---- seed (child process) --------------------------------------------------------------------
  let t = performance.now();
  execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--seed", url], { stdio: "inherit" });
  console.log(`seeded in ${ms(performance.now() - t, 0)} (child process)`);
  let store = await openStore(url, { logger });
  const storeOnly = memory();
  const storeCpu = await idleCpu(IDLE_WINDOW_S / 2);
  console.log(`store open, no scheduler: RSS +${mb(storeOnly.rss - base.rss)} over baseline, CPU over idle ${IDLE_WINDOW_S / 2} s ${ms(storeCpu, 1)} (background WAL checkpointer)`);

  // Handlers: the bench's moments never come due during the run; lone and burst jobs report back.
  const lateness: number[] = [];
  let loneWaiter: Waiter | null = null;
  const burstStarts: number[] = [];
  let burstDone = 0;
  const handlers: JobHandler[] = [
    { kind: "bench.moment", run: () => Promise.resolve({ type: "done" }) },
    {
      kind: "bench.lone",
      run: (job) => {
        lateness.push(Date.now() - job.dueAt);
        loneWaiter?.resolve();
        return Promise.resolve({ type: "done" });
      },
    },
    {
      kind: "bench.burst",
      run: async () => {
        burstStarts.push(Date.now());
        await sleep(1); // a fake REST send
        burstDone++;
        return { type: "done" };
      },
    },
  ];
  const make = (s: Store): Scheduler => createScheduler({ store: s, clock, logger, handlers });

  // ---- idle tick ---------------------------------------------------------------------------------
  let scheduler = make(store);
  for (let i = 0; i < 200; i++) await scheduler.tick();
  const ticks: number[] = [];
  for (let i = 0; i < IDLE_TICKS; i++) {
    t = performance.now();
    const r = await scheduler.tick();
    ticks.push(performance.now() - t);
    if (r.claimed !== 0) throw new Error("an idle tick claimed jobs");
  }
  const tickSorted = sortNum(ticks);
  const tickP99 = percentile(tickSorted, 99);
  console.log(`idle tick over ${IDLE_TICKS} ticks: p50 ${ms(percentile(tickSorted, 50))}, p99 ${ms(tickP99)}, max ${ms(tickSorted.at(-1)!)}`);
  await scheduler.stop();

  // ---- restore after restart ------------------------------------------------------------------------
  const restores: number[] = [];
  for (let i = 0; i < 5; i++) {
    await store.close();
    t = performance.now();
    store = await openStore(url, { logger });
    scheduler = make(store);
    await scheduler.tick();
    restores.push(performance.now() - t);
    await scheduler.stop();
  }
  const restoreMax = Math.max(...restores);
  console.log(`restore (reopen store + create scheduler + first tick), 5 restarts: first ${ms(restores[0]!, 1)}, max ${ms(restoreMax, 1)}`);

  // ---- durable design idle window ------------------------------------------------------------------
  scheduler = make(store);
  scheduler.start(); // node-cron heartbeat every second
  await scheduler.idle();
  const durableMem = memory();
  const durableCpu = await idleCpu(IDLE_WINDOW_S);
  const durableMemAfter = memory();
  console.log(
    `durable, idle ${IDLE_WINDOW_S} s with the heartbeat running: RSS ${mb(durableMemAfter.rss)} ` +
      `(+${mb(durableMem.rss - base.rss)} over baseline), CPU ${ms(durableCpu, 1)}`,
  );

  // ---- lone-job lateness ---------------------------------------------------------------------------
  const lone = async (viaScheduler: boolean, i: number) => {
    const due = Date.now() + 50 + Math.floor(Math.random() * 450);
    const ran = new Promise<void>((resolve) => (loneWaiter = { resolve }));
    const job = { id: `lone-${viaScheduler ? "s" : "d"}-${i}`, guildId: "1", kind: "bench.lone", dueAt: due };
    if (viaScheduler) await scheduler.enqueue(job);
    else await store.jobs.enqueue(job); // as another process would: the heartbeat has to notice it
    await ran;
    await scheduler.idle();
  };
  for (let i = 0; i < LONE_SAMPLES; i++) await lone(true, i);
  const loneSorted = sortNum(lateness);
  const loneP99 = percentile(loneSorted, 99);
  console.log(`lone-job lateness, enqueued through the scheduler (${LONE_SAMPLES} jobs due in 50–500 ms): p50 ${ms(percentile(loneSorted, 50), 0)}, p99 ${ms(loneP99, 0)}, max ${ms(loneSorted.at(-1)!, 0)}`);
  lateness.length = 0;
  for (let i = 0; i < LONE_DIRECT_SAMPLES; i++) await lone(false, i);
  const directSorted = sortNum(lateness);
  console.log(`lone-job lateness, enqueued straight into the store (${LONE_DIRECT_SAMPLES} jobs, heartbeat finds them): p50 ${ms(percentile(directSorted, 50), 0)}, p99 ${ms(percentile(directSorted, 99), 0)}, max ${ms(directSorted.at(-1)!, 0)}`);

  // ---- burst ---------------------------------------------------------------------------------------------
  const burstDue = Date.now() + 700;
  await store.transaction(async (tx) => {
    for (let i = 0; i < BURST; i++) await tx.jobs.enqueue({ id: `burst-${i}`, guildId: String(i % 100), kind: "bench.burst", dueAt: burstDue });
  });
  await scheduler.tick(); // arms the precise timer for the burst
  while (burstDone < BURST) await sleep(5);
  await scheduler.idle();
  const handedOver = Math.max(...burstStarts) - burstDue;
  const firstStart = Math.min(...burstStarts) - burstDue;
  const allDone = Date.now() - burstDue;
  console.log(
    `burst of ${BURST} due at once (concurrency 32, ~1 ms fake send): first handed over +${ms(firstStart, 0)}, ` +
      `all handed over +${ms(handedOver, 0)}, all done +${ms(allDone, 0)} after due (max in flight ${scheduler.metrics.maxInFlight})`,
  );
  await scheduler.stop();
  const dues = (await kyselyOf(store).selectFrom("jobs").select("due_at").where("kind", "=", "bench.moment").execute()).map((r) => r.due_at);
  await store.close();

  // ---- naive design: one node-cron task per job -------------------------------------------------------
  const naiveBase = memory();
  t = performance.now();
  const tasks: ScheduledTask[] = [];
  for (const due of dues) {
    const d = new Date(due);
    const expr = `${d.getSeconds()} ${d.getMinutes()} ${d.getHours()} ${d.getDate()} ${d.getMonth() + 1} *`;
    tasks.push(cron.schedule(expr, () => undefined, { logger: { info() {}, warn() {}, error() {}, debug() {} } }));
  }
  const naiveSetup = performance.now() - t;
  const naiveMem = memory();
  const naiveCpu = await idleCpu(IDLE_WINDOW_S);
  const naiveDelta = naiveMem.rss - naiveBase.rss;
  const naiveHeapDelta = naiveMem.heap - naiveBase.heap;
  console.log(
    `naive, ${tasks.length.toLocaleString("en")} node-cron tasks: scheduled in ${ms(naiveSetup, 0)}, RSS +${mb(naiveDelta)} ` +
      `(heap+external +${mb(naiveHeapDelta)}), CPU over idle ${IDLE_WINDOW_S} s ${ms(naiveCpu, 1)}`,
  );
  t = performance.now();
  await Promise.all(tasks.map((task) => Promise.resolve(task.destroy())));
  console.log(`naive tasks destroyed in ${ms(performance.now() - t, 0)}`);
  rmSync(dir, { recursive: true, force: true });

  // ---- summary --------------------------------------------------------------------------------------------
  const durableDelta = durableMem.rss - base.rss;
  const memRatio = naiveDelta / Math.max(1, durableDelta);
  const pass = (ok: boolean) => (ok ? "PASS" : "FAIL");
  console.log("");
  console.log(`memory: naive +${mb(naiveDelta)} vs durable +${mb(durableDelta)} RSS → ${memRatio.toFixed(1)}× less (target ≥ 10×) ${pass(memRatio >= 10)}`);
  console.log(`idle CPU over ${IDLE_WINDOW_S} s: naive ${ms(naiveCpu, 1)} vs durable ${ms(durableCpu, 1)} → ${(naiveCpu / Math.max(0.001, durableCpu)).toFixed(1)}×`);
  console.log(`idle tick p99 ${ms(tickP99)} (target ≤ 1 ms) ${pass(tickP99 <= 1)}`);
  console.log(`lone-job lateness p99 ${ms(loneP99, 0)} (target ≤ 1100 ms) ${pass(loneP99 <= 1100)}`);
  console.log(`restore ${ms(restoreMax, 1)} (target ≤ 1000 ms) ${pass(restoreMax <= 1000)}`);
}

// The store's close() awaits its (unref'd) checkpointer worker; keep the event loop alive meanwhile.
const keepAlive = setInterval(() => undefined, 1000);
try {
  if (process.argv[2] === "--seed") await seed(process.argv[3]!, Date.now());
  else await main();
} finally {
  clearInterval(keepAlive);
}
