import { pino } from "pino";
import { createScheduler, type Scheduler, type SchedulerOptions, type TimerApi } from "../../../src/scheduler/scheduler.js";
import type { JobHandler } from "../../../src/scheduler/types.js";
import { openStore, type Store } from "../../../src/store/index.js";
import { manualClock, type ManualClock } from "../../../src/watchalong/clock.js";

export const T0 = Date.UTC(2030, 0, 1, 20, 0, 0);
export const silent = pino({ level: "silent" });

export async function memoryStore(clock: ManualClock): Promise<Store> {
  return openStore("sqlite::memory:", { clock: () => clock.now() });
}

/** Timers that never fire by themselves: tests look at what was armed and fire it by hand. */
export interface FakeTimers extends TimerApi {
  pending: Map<number, { fn: () => void; ms: number }>;
  fireAll(): void;
}

export function fakeTimers(): FakeTimers {
  let next = 1;
  const pending = new Map<number, { fn: () => void; ms: number }>();
  return {
    pending,
    setTimeout(fn, ms) {
      const id = next++;
      pending.set(id, { fn, ms });
      return id;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
    fireAll() {
      const all = [...pending.values()];
      pending.clear();
      for (const t of all) t.fn();
    },
  };
}

export interface Harness {
  clock: ManualClock;
  store: Store;
  timers: FakeTimers;
  make(handlers: JobHandler[], opts?: Partial<SchedulerOptions>): Scheduler;
  close(): Promise<void>;
}

export async function harness(speed = 1): Promise<Harness> {
  const clock = manualClock(T0, speed);
  const store = await memoryStore(clock);
  const timers = fakeTimers();
  const made: Scheduler[] = [];
  return {
    clock,
    store,
    timers,
    make(handlers, opts = {}) {
      const s = createScheduler({
        store,
        clock,
        logger: silent,
        handlers,
        heartbeat: false,
        timers,
        backoff: (attempt) => attempt * 1000,
        ...opts,
      });
      made.push(s);
      return s;
    },
    async close() {
      for (const s of made) await s.stop(1000);
      await store.close();
    },
  };
}

/** Lets queued promise callbacks and immediates run. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function until(cond: () => boolean, maxTurns = 200_000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (cond()) return;
    await turn();
  }
  throw new Error("condition never became true");
}

export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
