/**
 * The durable job scheduler. Every future moment is a row in the store's `jobs` table; this module only
 * decides *when to look* and *what to do with what it finds*:
 *
 *  - a heartbeat: ONE node-cron task (every second by default). node-cron keeps nothing across restarts
 *    and skips late runs, which is fine because it holds no state: it only says "look now";
 *  - one precise timer for the earliest due job when that is before the next heartbeat (re-armed after
 *    every tick and by `enqueue`), so a lone job runs within milliseconds of its due time;
 *  - a tick: one indexed read when idle (`nextDueAt`); otherwise an atomic, leased `claimDue` of at most
 *    as many jobs as there are free handler slots (so no claimed job waits in memory, and other
 *    processes can take the rest), handlers started without waiting for them. When a claim filled every
 *    free slot, each finishing handler asks for another tick soon, so a burst drains in due-time order.
 *
 * Leases are in real time (`leaseMs`) and converted to virtual time with the clock's speed; a running
 * handler's lease is extended periodically, and a crashed process's jobs are reclaimed by `claimDue`
 * once their lease has expired. On PostgreSQL several processes may share the queue.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "../log.js";
import type { Job, NewJob, Store } from "../store/index.js";
import type { Clock } from "../watchalong/clock.js";
import type { JobContext, JobHandler, JobOutcome } from "./types.js";

/** Timer functions, injectable so tests can observe the precise timer without waiting. */
export interface TimerApi {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: TimerApi = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SchedulerOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** One handler per job kind (a `JobHandler<P>` for any payload type P). */
  handlers: readonly JobHandler[];
  /** Lease owner name; default `hostname:pid:random`. */
  owner?: string;
  /** Real milliseconds a claim's lease lasts (extended while the handler runs). Default 60 000. */
  leaseMs?: number;
  /** Most jobs claimed in one statement. Default 100. */
  batch?: number;
  /** Most handlers running at once. Default 32. */
  concurrency?: number;
  /** Runs allowed before a failing job is given up. Default 8. */
  maxAttempts?: number;
  /** Virtual ms to wait before retry number `attempt` (1 after the first failure). */
  backoff?: (attempt: number) => number;
  /** Called once when a job is failed for good (e.g. to tell the host). */
  onFailed?: (job: Job, error: string) => Promise<void>;
  /** The heartbeat's cron expression. Default every second: `* * * * * *`. */
  tickCron?: string;
  /** Run the node-cron heartbeat after `start()`. Default true; tests turn it off. */
  heartbeat?: boolean;
  /** How long `stop()` waits for running handlers by default (real ms). Default 10 000. */
  stopTimeoutMs?: number;
  /** Timer functions (tests). */
  timers?: TimerApi;
}

export interface TickReport {
  /** Jobs claimed by this tick (including reclaimed ones whose lease had expired). */
  claimed: number;
  /** Handlers running when the tick returned. */
  inFlight: number;
  /** The claim filled every free slot: more may be due, another tick follows as handlers finish. */
  backlog: boolean;
  /** The earliest pending due time (or lease expiry) after the tick; null when the queue is empty. */
  nextDueAt: number | null;
  /** Real ms the tick took. */
  durationMs: number;
  /** Why the tick did nothing, if it did nothing on purpose. */
  skipped?: "stopped" | "busy";
}

export interface SchedulerMetrics {
  ticks: number;
  claimed: number;
  done: number;
  retried: number;
  rescheduled: number;
  failed: number;
  /** Outcome writes refused because the lease was lost (reclaimed by another owner or cancelled). */
  lostLease: number;
  inFlight: number;
  maxInFlight: number;
  /** The most recent `lateByMs` values (virtual ms), oldest first; at most LATENESS_SAMPLES. */
  lateness: number[];
}

export interface Scheduler {
  readonly owner: string;
  readonly metrics: Readonly<SchedulerMetrics>;
  /** Starts the heartbeat and the precise timer. */
  start(): void;
  /** Stops claiming, waits for running handlers (up to `timeoutMs` real ms), then stops timers. */
  stop(timeoutMs?: number): Promise<void>;
  /** Claims due jobs and starts their handlers; does not wait for the handlers. Ticks never overlap. */
  tick(): Promise<TickReport>;
  /** Adds a job (idempotent with a dedupe key) and re-arms the precise timer if it is due sooner. */
  enqueue<P>(job: NewJob<P>): Promise<{ id: string; created: boolean }>;
  /** Resolves when no handler is running and no tick is in progress. */
  idle(): Promise<void>;
  /** Extends the leases of every running handler now (also done periodically). Returns how many held. */
  renewLeases(): Promise<number>;
  /** The precise timer currently armed: virtual due time and real delay, or null. */
  armed(): { at: number; realDelayMs: number } | null;
}

export const LATENESS_SAMPLES = 4096;
export const DEFAULT_LEASE_MS = 60_000;
export const DEFAULT_BATCH = 100;
export const DEFAULT_CONCURRENCY = 32;
export const DEFAULT_MAX_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_CAP_MS = 10 * 60_000;
/** Longest delay setTimeout accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Exponential backoff from 5 s (virtual), doubling per attempt, capped at 10 minutes, with "equal
 * jitter": half the delay fixed, half random, so retries of a burst spread out.
 */
export function defaultBackoff(attempt: number, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(n - 1, 30));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

/** When a precise timer is worth arming: the real delay if `dueAt` is before the next heartbeat, else null. */
export function preciseDelay(dueAt: number, now: number, clock: Clock, msToHeartbeat: number | null): number | null {
  const delay = clock.realDelayFor(dueAt - now);
  if (msToHeartbeat !== null && delay >= msToHeartbeat) return null;
  return Math.min(delay, MAX_TIMER_MS);
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

function isOutcome(value: unknown): value is JobOutcome {
  if (typeof value !== "object" || value === null) return false;
  const o = value as { type?: unknown; at?: unknown; error?: unknown };
  switch (o.type) {
    case "done":
      return true;
    case "retry":
      return typeof o.error === "string" && (o.at === undefined || (typeof o.at === "number" && Number.isFinite(o.at)));
    case "reschedule":
      return typeof o.at === "number" && Number.isFinite(o.at);
    case "fail":
      return typeof o.error === "string";
    default:
      return false;
  }
}

interface Running {
  job: Job;
  lost: boolean;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { store, clock } = options;
  const owner = options.owner ?? defaultOwner();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const batch = options.batch ?? DEFAULT_BATCH;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const backoff = options.backoff ?? ((attempt: number) => defaultBackoff(attempt));
  const tickCron = options.tickCron ?? "* * * * * *";
  const useHeartbeat = options.heartbeat ?? true;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const timers = options.timers ?? realTimers;
  const log = options.logger.child({ module: "scheduler", owner });

  for (const [name, value] of [
    ["leaseMs", leaseMs],
    ["batch", batch],
    ["concurrency", concurrency],
    ["maxAttempts", maxAttempts],
  ] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`createScheduler: ${name} must be a positive integer, got ${value}`);
  }
  if (!cron.validate(tickCron)) throw new RangeError(`createScheduler: invalid tickCron "${tickCron}"`);

  const handlers = new Map<string, JobHandler>();
  for (const h of options.handlers) {
    if (handlers.has(h.kind)) throw new Error(`createScheduler: two handlers for job kind "${h.kind}"`);
    handlers.set(h.kind, h);
  }

  /** The lease in virtual ms (claimDue and extendLease take virtual times). */
  const virtualLease = (): number => Math.max(1, Math.ceil(leaseMs * clock.speed));

  const metrics: SchedulerMetrics = {
    ticks: 0,
    claimed: 0,
    done: 0,
    retried: 0,
    rescheduled: 0,
    failed: 0,
    lostLease: 0,
    inFlight: 0,
    maxInFlight: 0,
    lateness: [],
  };

  const running = new Map<string, Running>();
  let started = false;
  let stopping = false;
  let currentTick: Promise<TickReport> | null = null;
  let backlog = false;
  let heartbeatTask: ScheduledTask | null = null;
  let precise: { handle: unknown; at: number; realDelayMs: number } | null = null;
  let soon: NodeJS.Immediate | null = null;
  let leaseKeeper: ReturnType<typeof setInterval> | null = null;
  let idleWaiters: (() => void)[] = [];
  /** The soonest due time enqueued while a tick runs: the tick's own read may have missed it. */
  let enqueuedDuringTick: number | null = null;

  function recordLateness(ms: number): void {
    metrics.lateness.push(ms);
    if (metrics.lateness.length > LATENESS_SAMPLES) metrics.lateness.splice(0, metrics.lateness.length - LATENESS_SAMPLES);
  }

  function checkIdle(): void {
    if (running.size > 0 || currentTick !== null) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  // ---- timers -------------------------------------------------------------------------------

  function msToHeartbeat(): number | null {
    if (!heartbeatTask) return null;
    const ms = heartbeatTask.msToNext();
    return ms === null ? null : Math.max(0, ms);
  }

  function disarm(): void {
    if (precise) timers.clearTimeout(precise.handle);
    precise = null;
  }

  /** Arms the one precise timer for `dueAt` if it is sooner than the heartbeat (and than the armed one, unless `replace`). */
  function arm(dueAt: number | null, replace: boolean): void {
    if (!started || stopping) return;
    if (dueAt === null) {
      if (replace) disarm();
      return;
    }
    if (!replace && precise && precise.at <= dueAt) return;
    const delay = preciseDelay(dueAt, clock.now(), clock, msToHeartbeat());
    if (delay === null) {
      if (replace) disarm();
      return;
    }
    disarm();
    const handle = timers.setTimeout(() => {
      if (precise?.handle === handle) precise = null;
      void safeTick("timer");
    }, delay);
    precise = { handle, at: dueAt, realDelayMs: delay };
  }

  /** Another tick as soon as the event loop allows (coalesced), to keep draining a backlog. */
  function tickSoon(): void {
    if (!started || stopping || soon) return;
    soon = setImmediate(() => {
      soon = null;
      void safeTick("drain");
    });
  }

  function startLeaseKeeper(): void {
    if (leaseKeeper) return;
    leaseKeeper = setInterval(() => void renewLeases(), Math.max(50, Math.floor(leaseMs / 3)));
    leaseKeeper.unref();
  }

  function stopLeaseKeeper(): void {
    if (leaseKeeper) clearInterval(leaseKeeper);
    leaseKeeper = null;
  }

  async function renewLeases(): Promise<number> {
    let held = 0;
    const until = clock.now() + virtualLease();
    for (const r of [...running.values()]) {
      if (r.lost) continue;
      try {
        if (await store.jobs.extendLease(r.job.id, owner, until)) held++;
        else {
          r.lost = true;
          log.warn({ jobId: r.job.id, kind: r.job.kind, guildId: r.job.guildId }, "lease lost while the handler runs (reclaimed or cancelled)");
        }
      } catch (err) {
        log.error({ err, jobId: r.job.id }, "could not extend lease");
      }
    }
    return held;
  }

  // ---- running one job --------------------------------------------------------------------

  async function settle(job: Job, outcome: JobOutcome, jlog: Logger): Promise<void> {
    const now = clock.now();
    let ok: boolean;
    switch (outcome.type) {
      case "done":
        ok = await store.jobs.complete(job.id, owner);
        if (ok) metrics.done++;
        jlog.debug("job done");
        break;
      case "reschedule":
        // Not an error and not an attempt: a job may wait many times (a long pause) without being given up.
        ok = await store.jobs.reschedule(job.id, owner, outcome.at);
        if (ok) metrics.rescheduled++;
        // Handlers often answer after their tick re-armed the timer: a sooner due time must wake it too,
        // or the job waits for the heartbeat (a whole second; minutes of virtual time when sped up).
        if (ok) wake(outcome.at);
        jlog.debug({ at: outcome.at }, "job rescheduled");
        break;
      case "retry": {
        if (job.attempts >= maxAttempts) {
          await giveUp(job, `${outcome.error} (gave up after ${job.attempts} attempts)`, jlog);
          return;
        }
        const at = outcome.at ?? now + Math.max(0, backoff(job.attempts));
        ok = await store.jobs.retryAt(job.id, owner, at, outcome.error);
        if (ok) metrics.retried++;
        if (ok) wake(at);
        jlog.warn({ error: outcome.error, at, inMs: at - now }, "job will be retried");
        break;
      }
      case "fail":
        await giveUp(job, outcome.error, jlog);
        return;
    }
    if (!ok) {
      metrics.lostLease++;
      jlog.warn({ outcome: outcome.type }, "outcome not recorded: the lease was lost (reclaimed or cancelled)");
    }
  }

  async function giveUp(job: Job, error: string, jlog: Logger): Promise<void> {
    const ok = await store.jobs.fail(job.id, owner, error);
    if (!ok) {
      metrics.lostLease++;
      jlog.warn({ error }, "failure not recorded: the lease was lost (reclaimed or cancelled)");
      return;
    }
    metrics.failed++;
    jlog.error({ error }, "job failed");
    if (options.onFailed) {
      try {
        await options.onFailed({ ...job, status: "failed", lastError: error }, error);
      } catch (err) {
        jlog.error({ err }, "onFailed threw");
      }
    }
  }

  async function runJob(job: Job): Promise<void> {
    const now = clock.now();
    const lateByMs = Math.max(0, now - job.dueAt);
    recordLateness(lateByMs);
    const jlog = log.child({ jobId: job.id, kind: job.kind, guildId: job.guildId, attempt: job.attempts });
    let outcome: JobOutcome;
    const handler = handlers.get(job.kind);
    if (!handler) {
      outcome = { type: "fail", error: `no handler registered for job kind "${job.kind}"` };
    } else if (job.attempts > maxAttempts) {
      // Claimed more often than allowed without ever recording an outcome: the handler keeps crashing
      // the process or outliving its lease. Do not run it again.
      outcome = { type: "fail", error: `claimed ${job.attempts} times without finishing (max ${maxAttempts})` };
    } else {
      const ctx: JobContext = {
        now,
        lateByMs,
        attempt: job.attempts,
        clock,
        log: jlog,
        enqueue: (next) => enqueue(next),
      };
      jlog.debug({ lateByMs }, "job started");
      try {
        const result: unknown = await handler.run(job, ctx);
        outcome = isOutcome(result) ? result : { type: "retry", error: `handler returned an invalid outcome: ${JSON.stringify(result)}` };
      } catch (err) {
        jlog.warn({ err }, "job handler threw");
        outcome = { type: "retry", error: errorText(err) };
      }
    }
    try {
      await settle(job, outcome, jlog);
    } catch (err) {
      // The store is unreachable: the lease will expire and the job will be claimed again.
      jlog.error({ err, outcome: outcome.type }, "could not record the job's outcome");
    }
  }

  function launch(job: Job): void {
    running.set(job.id, { job, lost: false });
    metrics.inFlight = running.size;
    metrics.maxInFlight = Math.max(metrics.maxInFlight, running.size);
    startLeaseKeeper();
    void runJob(job).finally(() => {
      running.delete(job.id);
      metrics.inFlight = running.size;
      if (running.size === 0) stopLeaseKeeper();
      if (backlog) tickSoon();
      checkIdle();
    });
  }

  // ---- ticks --------------------------------------------------------------------------------

  /** Re-arms the precise timer after a tick from what it read, plus anything enqueued meanwhile. */
  function rearmAfterTick(next: number | null): void {
    const extra = enqueuedDuringTick;
    enqueuedDuringTick = null;
    arm(next === null ? extra : extra === null ? next : Math.min(next, extra), true);
  }

  async function doTick(): Promise<TickReport> {
    const t0 = performance.now();
    metrics.ticks++;
    const report = (claimed: number, nextDueAt: number | null, skipped?: TickReport["skipped"]): TickReport => ({
      claimed,
      inFlight: running.size,
      backlog,
      nextDueAt,
      durationMs: performance.now() - t0,
      ...(skipped ? { skipped } : {}),
    });
    if (stopping) return report(0, null, "stopped");

    const free = concurrency - running.size;
    // Idle path: one indexed read.
    let next = await store.jobs.nextDueAt();
    const now = clock.now();
    if (next === null || next > now) {
      backlog = false;
      rearmAfterTick(next);
      return report(0, next);
    }
    if (free <= 0) {
      // Every slot is busy; a finishing handler ticks again.
      backlog = true;
      return report(0, next, "busy");
    }
    const limit = Math.min(batch, free);
    const jobs = await store.jobs.claimDue(now, { owner, leaseMs: virtualLease(), limit });
    metrics.claimed += jobs.length;
    backlog = jobs.length === limit;
    for (const job of jobs) launch(job);
    if (jobs.length > 0) log.debug({ claimed: jobs.length, backlog }, "claimed due jobs");

    next = await store.jobs.nextDueAt();
    // Something due that we could not claim (another process got it first): leave it to the heartbeat
    // rather than spin; a backlog is drained by finishing handlers instead.
    if (next !== null && next <= clock.now() && !backlog && jobs.length === 0) rearmAfterTick(null);
    else rearmAfterTick(next);
    return report(jobs.length, next);
  }

  function tick(): Promise<TickReport> {
    if (currentTick) return currentTick;
    const p = doTick().finally(() => {
      currentTick = null;
      checkIdle();
    });
    currentTick = p;
    return p;
  }

  async function safeTick(reason: string): Promise<void> {
    try {
      await tick();
    } catch (err) {
      log.error({ err, reason }, "scheduler tick failed");
    }
  }

  async function enqueue<P>(job: NewJob<P>): Promise<{ id: string; created: boolean }> {
    const r = await store.jobs.enqueue(job);
    if (r.created) wake(job.dueAt);
    return r;
  }

  /**
   * A job is now due at `dueAt` (enqueued, rescheduled or retried): arm the precise timer if that is
   * sooner, and, while a tick is under way, make sure its re-arm does not forget it.
   */
  function wake(dueAt: number): void {
    if (currentTick) enqueuedDuringTick = enqueuedDuringTick === null ? dueAt : Math.min(enqueuedDuringTick, dueAt);
    arm(dueAt, false);
  }

  function idle(): Promise<void> {
    if (running.size === 0 && currentTick === null) return Promise.resolve();
    return new Promise((resolve) => idleWaiters.push(resolve));
  }

  let stopped: Promise<void> | null = null;
  async function doStop(timeoutMs: number): Promise<void> {
    stopping = true;
    if (heartbeatTask) await heartbeatTask.destroy();
    heartbeatTask = null;
    disarm();
    if (soon) clearImmediate(soon);
    soon = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([
      idle().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      log.warn({ running: [...running.keys()] }, "stopped while handlers still run; their leases will expire and be reclaimed");
    }
    stopLeaseKeeper();
    started = false;
    log.info({ ...metrics, lateness: undefined }, "scheduler stopped");
  }

  const cronLogger = {
    info: (m: string) => log.debug({ source: "node-cron" }, m),
    warn: (m: string) => log.debug({ source: "node-cron" }, m),
    error: (m: string | Error, err?: Error) => log.error({ source: "node-cron", err: err ?? m }, "node-cron error"),
    debug: (m: string | Error) => log.trace({ source: "node-cron" }, String(m)),
  };

  return {
    owner,
    metrics,
    start() {
      if (started) return;
      if (stopping) throw new Error("scheduler: cannot start after stop");
      started = true;
      if (useHeartbeat) {
        heartbeatTask = cron.schedule(
          tickCron,
          () => {
            void safeTick("heartbeat");
          },
          { name: `scheduler-heartbeat:${owner}`, logger: cronLogger },
        );
      }
      log.info({ leaseMs, batch, concurrency, maxAttempts, heartbeat: useHeartbeat ? tickCron : null, kinds: [...handlers.keys()] }, "scheduler started");
      void safeTick("start");
    },
    stop(timeoutMs = stopTimeoutMs) {
      stopped ??= doStop(timeoutMs);
      return stopped;
    },
    tick,
    enqueue,
    idle,
    renewLeases,
    armed: () => (precise ? { at: precise.at, realDelayMs: precise.realDelayMs } : null),
  };
}
