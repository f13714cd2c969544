/**
 * The watch-party handlers under the real durable scheduler (createScheduler, heartbeat off, handlers
 * running side by side): a whole part plays in order, once.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createScheduler, type Scheduler, type TimerApi } from "../../../src/scheduler/scheduler.js";
import { notifyHostOfFailure, watchJobHandlers } from "../../../src/watchalong/runner.js";
import { HOUR, T0, world, type World } from "./runner-harness.js";

const noTimers: TimerApi = { setTimeout: () => 0, clearTimeout: () => undefined };

let w: World;
let scheduler: Scheduler;
beforeEach(async () => {
  w = await world();
  scheduler = createScheduler({
    store: w.store,
    clock: w.clock,
    logger: w.deps.logger,
    handlers: watchJobHandlers(w.deps),
    heartbeat: false,
    timers: noTimers,
    onFailed: (job, error) => notifyHostOfFailure(w.deps, job, error),
  });
});
afterEach(async () => {
  await scheduler.stop();
  await w.close();
});

/** An always-on scheduler: tick at every due time until `t`. */
async function runUntil(t: number): Promise<void> {
  for (let guard = 0; guard < 2000; guard++) {
    const next = await w.store.jobs.nextDueAt();
    if (next === null || next > t) break;
    if (next > w.clock.now()) w.clock.set(next);
    await scheduler.tick();
    await scheduler.idle();
  }
  if (t > w.clock.now()) w.clock.set(t);
}

describe("under the real scheduler", () => {
  it("plays a three-part marathon once, in order, each end before its discussion and break", async () => {
    await w.schedule({ parts: "all", when: "in 2 hours", checkpointsMin: 30 });
    await runUntil(T0 + 24 * HOUR);
    const keys = w.announcer.sends().map((s) => s.key.split(":").slice(2).join(":"));
    expect(new Set(keys).size).toBe(keys.length);
    for (const n of [1, 2, 3]) {
      expect(keys.indexOf(`s${n}:end`)).toBeGreaterThan(keys.indexOf(`s${n}:start`));
      expect(keys.indexOf(`s${n}:discussion`)).toBeGreaterThan(keys.indexOf(`s${n}:end`));
    }
    expect(keys.indexOf("s1:break")).toBeGreaterThan(keys.indexOf("s1:end"));
    expect(w.watched.map((x) => x.partId)).toEqual(["rust", "remnants", "rails"]);
    expect(scheduler.metrics.failed).toBe(0);
  });
});
