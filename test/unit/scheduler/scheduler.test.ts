import cron from "node-cron";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createScheduler, defaultBackoff, preciseDelay } from "../../../src/scheduler/scheduler.js";
import type { JobContext, JobHandler, JobOutcome } from "../../../src/scheduler/types.js";
import type { Job } from "../../../src/store/index.js";
import { manualClock } from "../../../src/watchalong/clock.js";
import { deferred, harness, silent, T0, turn, until, type Harness } from "./helpers.js";

function recorder(kind = "test", outcome: (job: Job, ctx: JobContext) => JobOutcome | Promise<JobOutcome> = () => ({ type: "done" })) {
  const runs: { id: string; ctx: JobContext }[] = [];
  const handler: JobHandler = {
    kind,
    async run(job, ctx) {
      runs.push({ id: job.id, ctx });
      return outcome(job, ctx);
    },
  };
  return { handler, runs };
}

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

describe("running due jobs", () => {
  it("runs a due job once and leaves future jobs alone", async () => {
    const { handler, runs } = recorder();
    const s = h.make([handler]);
    await s.enqueue({ id: "due", guildId: "g1", kind: "test", dueAt: T0 - 1000 });
    await s.enqueue({ id: "later", guildId: "g1", kind: "test", dueAt: T0 + 60_000 });

    const r = await s.tick();
    expect(r.claimed).toBe(1);
    expect(r.nextDueAt).toBe(T0 + 60_000);
    await s.idle();
    await s.tick();
    await s.idle();
    expect(runs.map((x) => x.id)).toEqual(["due"]);
    expect((await h.store.jobs.get("due"))?.status).toBe("done");
    expect((await h.store.jobs.get("later"))?.status).toBe("pending");

    h.clock.advance(59_999);
    expect((await s.tick()).claimed).toBe(0);
    h.clock.advance(1);
    await s.tick();
    await s.idle();
    expect(runs.map((x) => x.id)).toEqual(["due", "later"]);
    expect(s.metrics.done).toBe(2);
  });

  it("reports lateByMs, now and attempt to the handler", async () => {
    const { handler, runs } = recorder();
    const s = h.make([handler]);
    await s.enqueue({ id: "late", guildId: "g1", kind: "test", dueAt: T0 - 5_000 });
    await s.enqueue({ id: "ontime", guildId: "g1", kind: "test", dueAt: T0 });
    await s.tick();
    await s.idle();
    const late = runs.find((r) => r.id === "late")!.ctx;
    const ontime = runs.find((r) => r.id === "ontime")!.ctx;
    expect(late.lateByMs).toBe(5_000);
    expect(late.now).toBe(T0);
    expect(late.attempt).toBe(1);
    expect(ontime.lateByMs).toBe(0);
    expect(s.metrics.lateness).toEqual([5_000, 0]);
  });

  it("an idle tick claims nothing and says when the next job is due", async () => {
    const s = h.make([recorder().handler]);
    expect(await s.tick()).toMatchObject({ claimed: 0, nextDueAt: null, backlog: false });
    await h.store.jobs.enqueue({ guildId: null, kind: "test", dueAt: T0 + 5 });
    expect(await s.tick()).toMatchObject({ claimed: 0, nextDueAt: T0 + 5 });
  });
});

describe("outcomes", () => {
  it("records done, retry (at and backoff), reschedule, fail and throw", async () => {
    const onFailed = vi.fn(() => Promise.resolve());
    const handler: JobHandler<{ o: string }> = {
      kind: "o",
      run(job) {
        switch (job.payload.o) {
          case "done":
            return Promise.resolve({ type: "done" });
          case "retry-at":
            return Promise.resolve({ type: "retry", error: "busy", at: T0 + 42_000 });
          case "retry":
            return Promise.resolve({ type: "retry", error: "flaky" });
          case "reschedule":
            return Promise.resolve({ type: "reschedule", at: T0 + 3_600_000 });
          case "fail":
            return Promise.resolve({ type: "fail", error: "channel gone" });
          case "bad":
            return Promise.resolve({ type: "nonsense" } as unknown as JobOutcome);
          default:
            return Promise.reject(new Error("boom"));
        }
      },
    };
    const s = h.make([handler], { onFailed });
    for (const o of ["done", "retry-at", "retry", "reschedule", "fail", "throw", "bad"]) {
      await s.enqueue({ id: o, guildId: "g", kind: "o", dueAt: T0, payload: { o } });
    }
    await s.tick();
    await s.idle();
    const get = async (id: string) => (await h.store.jobs.get(id))!;

    expect((await get("done")).status).toBe("done");
    expect(await get("retry-at")).toMatchObject({ status: "pending", dueAt: T0 + 42_000, lastError: "busy" });
    // Backoff in the harness is attempt × 1 s.
    expect(await get("retry")).toMatchObject({ status: "pending", dueAt: T0 + 1000, lastError: "flaky" });
    expect(await get("reschedule")).toMatchObject({ status: "pending", dueAt: T0 + 3_600_000 });
    expect(await get("fail")).toMatchObject({ status: "failed", lastError: "channel gone" });
    expect(await get("throw")).toMatchObject({ status: "pending", dueAt: T0 + 1000, lastError: "boom" });
    expect((await get("bad")).lastError).toMatch(/invalid outcome/);
    expect(s.metrics).toMatchObject({ done: 1, retried: 4, rescheduled: 1, failed: 1, lostLease: 0 });
    expect(onFailed).toHaveBeenCalledTimes(1);
    expect(onFailed).toHaveBeenCalledWith(expect.objectContaining({ id: "fail", status: "failed" }), "channel gone");
  });

  it("fails after maxAttempts and calls onFailed exactly once", async () => {
    const onFailed = vi.fn(() => Promise.resolve());
    let runs = 0;
    const s = h.make(
      [
        {
          kind: "flaky",
          run: () => {
            runs++;
            return Promise.reject(new Error(`try ${runs}`));
          },
        },
      ],
      { maxAttempts: 3, onFailed },
    );
    await s.enqueue({ id: "j", guildId: "g", kind: "flaky", dueAt: T0 });
    for (let i = 0; i < 10; i++) {
      await s.tick();
      await s.idle();
      h.clock.advance(60_000);
    }
    expect(runs).toBe(3);
    const job = await h.store.jobs.get("j");
    expect(job).toMatchObject({ status: "failed", attempts: 3 });
    expect(job?.lastError).toBe("try 3 (gave up after 3 attempts)");
    expect(onFailed).toHaveBeenCalledTimes(1);
    expect(s.metrics).toMatchObject({ retried: 2, failed: 1 });
  });

  it("fails an unknown kind with a clear error", async () => {
    const onFailed = vi.fn(() => Promise.resolve());
    const s = h.make([recorder().handler], { onFailed });
    await s.enqueue({ id: "x", guildId: "g", kind: "nobody-knows", dueAt: T0 });
    await s.tick();
    await s.idle();
    expect(await h.store.jobs.get("x")).toMatchObject({ status: "failed", lastError: 'no handler registered for job kind "nobody-knows"' });
    expect(onFailed).toHaveBeenCalledTimes(1);
  });

  it("does not run again a job claimed more than maxAttempts times without an outcome (poison job)", async () => {
    const { handler, runs } = recorder();
    const s = h.make([handler], { maxAttempts: 2 });
    await s.enqueue({ id: "p", guildId: "g", kind: "test", dueAt: T0 });
    // Two earlier owners claimed it and died.
    for (const owner of ["dead1", "dead2"]) {
      await h.store.jobs.claimDue(h.clock.now(), { owner, leaseMs: 1000, limit: 1 });
      h.clock.advance(1001);
    }
    await s.tick();
    await s.idle();
    expect(runs).toHaveLength(0);
    expect((await h.store.jobs.get("p"))?.status).toBe("failed");
  });

  it("keeps an onFailed that throws from breaking the scheduler", async () => {
    const s = h.make([{ kind: "f", run: () => Promise.resolve({ type: "fail", error: "no" }) }], {
      onFailed: () => Promise.reject(new Error("host unreachable")),
    });
    await s.enqueue({ id: "f", guildId: "g", kind: "f", dueAt: T0 });
    await s.tick();
    await s.idle();
    expect(s.metrics.failed).toBe(1);
  });
});

describe("ownership and leases", () => {
  it("two schedulers on one store never run the same job twice", async () => {
    const seen = new Map<string, string[]>();
    const handler = (name: string): JobHandler => ({
      kind: "t",
      async run(job) {
        seen.set(job.id, [...(seen.get(job.id) ?? []), name]);
        await turn();
        return { type: "done" };
      },
    });
    const a = h.make([handler("a")], { owner: "A", concurrency: 7, batch: 5 });
    const b = h.make([handler("b")], { owner: "B", concurrency: 5, batch: 7 });
    for (let i = 0; i < 300; i++) await h.store.jobs.enqueue({ id: `j${String(i).padStart(3, "0")}`, guildId: "g", kind: "t", dueAt: T0 - i });
    for (let i = 0; i < 500 && a.metrics.done + b.metrics.done < 300; i++) {
      await Promise.all([a.tick(), b.tick(), turn().then(() => a.tick())]);
      await turn();
    }
    await Promise.all([a.idle(), b.idle()]);
    expect(seen.size).toBe(300);
    for (const runs of seen.values()) expect(runs).toHaveLength(1);
    expect(a.metrics.done + b.metrics.done).toBe(300);
    expect(a.metrics.done).toBeGreaterThan(0);
    expect(b.metrics.done).toBeGreaterThan(0);
    expect(await h.store.jobs.countPending()).toBe(0);
  });

  it("reclaims the jobs of a crashed owner once their lease expires", async () => {
    const { handler, runs } = recorder();
    const b = h.make([handler], { owner: "B", leaseMs: 60_000 });
    await h.store.jobs.enqueue({ id: "c", guildId: "g", kind: "test", dueAt: T0 });
    const claimed = await h.store.jobs.claimDue(h.clock.now(), { owner: "A", leaseMs: 30_000, limit: 10 });
    expect(claimed).toHaveLength(1);
    // A crashes: never completes.
    expect((await b.tick()).claimed).toBe(0);
    h.clock.advance(29_999);
    expect((await b.tick()).claimed).toBe(0);
    h.clock.advance(1);
    expect((await b.tick()).claimed).toBe(1);
    await b.idle();
    expect(runs).toHaveLength(1);
    expect(await h.store.jobs.get("c")).toMatchObject({ status: "done", leaseOwner: "B", attempts: 2 });
  });

  it("leases are real time: a sped-up clock makes them longer in virtual time", async () => {
    const fast = await harness(100);
    try {
      const gate = deferred();
      const s = fast.make([{ kind: "t", run: () => gate.promise.then(() => ({ type: "done" as const })) }], { leaseMs: 1000 });
      await s.enqueue({ id: "j", guildId: "g", kind: "t", dueAt: fast.clock.now() });
      await s.tick();
      expect((await fast.store.jobs.get("j"))?.leaseUntil).toBe(fast.clock.now() + 100_000);
      gate.resolve();
      await s.idle();
    } finally {
      await fast.close();
    }
  });

  it("a long handler keeps its lease by renewing; a handler whose lease was lost cannot record its outcome", async () => {
    const gate = deferred();
    const slow: JobHandler = { kind: "slow", run: () => gate.promise.then(() => ({ type: "done" as const })) };
    const a = h.make([slow], { owner: "A", leaseMs: 60_000 });
    const { handler, runs } = recorder("slow");
    const b = h.make([handler], { owner: "B", leaseMs: 60_000 });
    await a.enqueue({ id: "long", guildId: "g", kind: "slow", dueAt: T0 });
    await a.tick();

    h.clock.advance(40_000);
    expect(await a.renewLeases()).toBe(1);
    h.clock.advance(40_000); // 80 s after the claim, 40 s after the renewal
    expect((await b.tick()).claimed).toBe(0);

    h.clock.advance(60_001); // A stopped renewing (as if frozen): B takes over
    expect((await b.tick()).claimed).toBe(1);
    await b.idle();
    expect(runs).toHaveLength(1);
    expect(await a.renewLeases()).toBe(0);
    gate.resolve();
    await a.idle();
    expect(a.metrics.lostLease).toBe(1); // A's "done" was refused: B owns the job now
    expect((await h.store.jobs.get("long"))?.leaseOwner).toBe("B");
    expect(a.metrics.done).toBe(0);
  });
});

describe("bursts", () => {
  it("runs 1,000 simultaneously due jobs exactly once, FIFO, with bounded concurrency", async () => {
    const starts: string[] = [];
    const counts = new Map<string, number>();
    let current = 0;
    let maxCurrent = 0;
    const handler: JobHandler = {
      kind: "burst",
      async run(job) {
        starts.push(job.id);
        counts.set(job.id, (counts.get(job.id) ?? 0) + 1);
        current++;
        maxCurrent = Math.max(maxCurrent, current);
        await turn();
        await turn();
        current--;
        return { type: "done" };
      },
    };
    const s = h.make([handler], { concurrency: 16, batch: 100 });
    const ids: string[] = [];
    await h.store.transaction(async (tx) => {
      for (let i = 0; i < 1000; i++) {
        const id = `b${String(i).padStart(4, "0")}`;
        ids.push(id);
        await tx.jobs.enqueue({ id, guildId: `g${i % 37}`, kind: "burst", dueAt: T0 - 1000 + i });
      }
    });
    h.clock.advance(1000);
    s.start();
    const first = await s.tick();
    expect(first.claimed).toBeLessThanOrEqual(16);
    await until(() => s.metrics.done === 1000);
    await s.idle();
    expect(counts.size).toBe(1000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(maxCurrent).toBeLessThanOrEqual(16);
    expect(maxCurrent).toBeGreaterThan(1);
    expect(s.metrics.maxInFlight).toBeLessThanOrEqual(16);
    expect(starts).toEqual(ids); // due-time order
    expect(await h.store.jobs.countPending()).toBe(0);
  });
});

describe("follow-up jobs", () => {
  it("ctx.enqueue with a dedupe key is idempotent across retries", async () => {
    let n = 0;
    const results: boolean[] = [];
    const s = h.make([
      {
        kind: "plan",
        async run(job, ctx) {
          const r = await ctx.enqueue({ guildId: job.guildId, kind: "next", dueAt: ctx.now + 60_000, dedupeKey: `next:${job.id}` });
          results.push(r.created);
          n++;
          return n === 1 ? { type: "retry", error: "crashed after planning" } : { type: "done" };
        },
      },
      recorder("next").handler,
    ]);
    await s.enqueue({ id: "p", guildId: "g", kind: "plan", dueAt: T0 });
    await s.tick();
    await s.idle();
    h.clock.advance(1000);
    await s.tick();
    await s.idle();
    expect(results).toEqual([true, false]);
    const live = await h.store.jobs.listForGuild("g", { kinds: ["next"] });
    expect(live).toHaveLength(1);
    expect(live[0]?.dueAt).toBe(T0 + 60_000);
  });
});

describe("stop", () => {
  it("waits for running handlers, then refuses to tick", async () => {
    const gate = deferred();
    const s = h.make([{ kind: "w", run: () => gate.promise.then(() => ({ type: "done" as const })) }]);
    await s.enqueue({ id: "w", guildId: "g", kind: "w", dueAt: T0 });
    s.start();
    await s.tick();
    expect(s.metrics.inFlight).toBe(1);
    let stopped = false;
    const stopping = s.stop(60_000).then(() => (stopped = true));
    for (let i = 0; i < 20; i++) await turn();
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(stopped).toBe(true);
    expect((await h.store.jobs.get("w"))?.status).toBe("done");
    expect((await s.tick()).skipped).toBe("stopped");
  });

  it("gives up waiting after the timeout; the job stays leased for reclaiming", async () => {
    const s = h.make([{ kind: "w", run: () => new Promise<JobOutcome>(() => undefined) }]);
    await s.enqueue({ id: "w", guildId: "g", kind: "w", dueAt: T0 });
    await s.tick();
    await s.stop(5);
    expect((await h.store.jobs.get("w"))?.status).toBe("running");
  });

  it("starts and destroys its single node-cron heartbeat", async () => {
    const before = cron.getTasks().size;
    const s = createScheduler({ store: h.store, clock: h.clock, logger: silent, handlers: [], timers: h.timers });
    s.start();
    expect(cron.getTasks().size).toBe(before + 1);
    await s.stop(1000);
    expect(cron.getTasks().size).toBe(before);
  });
});

describe("the precise timer", () => {
  it("arms for the soonest job and re-arms when an earlier one is enqueued", async () => {
    const { handler, runs } = recorder();
    const s = h.make([handler]);
    s.start();
    await s.idle();
    expect(s.armed()).toBeNull();

    await s.enqueue({ id: "5s", guildId: "g", kind: "test", dueAt: T0 + 5000 });
    expect(s.armed()).toEqual({ at: T0 + 5000, realDelayMs: 5000 });
    await s.enqueue({ id: "2s", guildId: "g", kind: "test", dueAt: T0 + 2000 });
    expect(s.armed()).toEqual({ at: T0 + 2000, realDelayMs: 2000 });
    await s.enqueue({ id: "9s", guildId: "g", kind: "test", dueAt: T0 + 9000 });
    expect(s.armed()?.at).toBe(T0 + 2000);
    expect(h.timers.pending.size).toBe(1); // one timer, the earlier ones cleared

    h.clock.advance(2000);
    h.timers.fireAll();
    await until(() => runs.length === 1);
    await s.idle();
    expect(runs[0]?.id).toBe("2s");
    // After the tick it points at the next job.
    expect(s.armed()).toEqual({ at: T0 + 5000, realDelayMs: 3000 });
  });

  it("does not count reschedules as attempts: a job may wait many times and still run", async () => {
    let waits = 0;
    const handler: JobHandler = {
      kind: "test",
      run: (_job, ctx) => Promise.resolve(waits++ < 20 ? { type: "reschedule", at: ctx.now } : { type: "done" }),
    };
    const s = h.make([handler], { maxAttempts: 3 });
    await s.enqueue({ id: "w", guildId: "g", kind: "test", dueAt: T0 });
    for (let i = 0; i < 25; i++) {
      await s.tick();
      await s.idle();
    }
    expect(waits).toBe(21);
    expect((await h.store.jobs.get("w"))?.status).toBe("done");
  });

  it("re-arms for a job its handler rescheduled soon, without waiting for the heartbeat", async () => {
    let first = true;
    const handler: JobHandler = {
      kind: "test",
      run: (_job, ctx) => {
        if (!first) return Promise.resolve({ type: "done" });
        first = false;
        return Promise.resolve({ type: "reschedule", at: ctx.now + 1000 });
      },
    };
    const s = h.make([handler]);
    s.start();
    await s.idle();
    await s.enqueue({ id: "r", guildId: "g", kind: "test", dueAt: T0 + 500 });
    h.clock.advance(500);
    h.timers.fireAll();
    await until(() => !first);
    await s.idle();
    // The tick re-armed before the handler answered; the reschedule itself must arm the timer.
    expect(s.armed()).toEqual({ at: T0 + 1500, realDelayMs: 1000 });
  });

  it("converts virtual delays with the clock speed", async () => {
    const fast = await harness(60);
    try {
      const s = fast.make([recorder().handler]);
      s.start();
      await s.enqueue({ guildId: "g", kind: "test", dueAt: fast.clock.now() + 60_000 });
      expect(s.armed()?.realDelayMs).toBe(1000);
    } finally {
      await fast.close();
    }
  });

  it("leaves jobs after the next heartbeat to the heartbeat", () => {
    const clock = manualClock(T0);
    expect(preciseDelay(T0 + 300, T0, clock, 700)).toBe(300);
    expect(preciseDelay(T0 + 700, T0, clock, 700)).toBeNull();
    expect(preciseDelay(T0 - 50, T0, clock, 700)).toBe(0);
    expect(preciseDelay(T0 + 10 * 86_400_000 * 30, T0, clock, null)).toBe(2 ** 31 - 1);
  });
});

describe("configuration", () => {
  it("refuses bad options and duplicate kinds", () => {
    const base = { store: h.store, clock: h.clock, logger: silent, handlers: [] };
    expect(() => createScheduler({ ...base, tickCron: "every second" })).toThrow(/tickCron/);
    expect(() => createScheduler({ ...base, concurrency: 0 })).toThrow(/concurrency/);
    const r = recorder("dup").handler;
    expect(() => createScheduler({ ...base, handlers: [r, r] })).toThrow(/two handlers/);
  });

  it("default backoff grows from 5 s, is capped at 10 min, and jitters within half", () => {
    expect(defaultBackoff(1, () => 0)).toBe(2500);
    expect(defaultBackoff(1, () => 1)).toBe(5000);
    expect(defaultBackoff(3, () => 1)).toBe(20_000);
    expect(defaultBackoff(30, () => 1)).toBe(600_000);
    expect(defaultBackoff(30, () => 0)).toBe(300_000);
  });
});
