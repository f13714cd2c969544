/**
 * Several processes on one PostgreSQL queue: three schedulers, each with its own connection pool (as
 * separate processes would have), never run a job twice. Runs when TEST_DATABASE_URL is set.
 */
import { describe, expect, it } from "vitest";
import { createScheduler } from "../../../src/scheduler/scheduler.js";
import type { JobHandler } from "../../../src/scheduler/types.js";
import { openStore, type Store } from "../../../src/store/index.js";
import { manualClock } from "../../../src/watchalong/clock.js";
import { pgUrl, postgresBackend } from "../store/backends.js";
import { silent, T0, turn } from "./helpers.js";

describe.skipIf(!pgUrl)(pgUrl ? "scheduler on PostgreSQL" : "scheduler PostgreSQL tests skipped: TEST_DATABASE_URL not set", () => {
  it("three owners with separate pools never run the same job twice", async () => {
    const db = await postgresBackend(pgUrl ?? "").fresh();
    const clock = manualClock(T0);
    const stores: Store[] = [];
    try {
      for (let i = 0; i < 3; i++) stores.push(await openStore(db.url, { ...db.opts, clock: () => clock.now() }));
      const runs = new Map<string, number>();
      const handler: JobHandler = {
        kind: "t",
        async run(job) {
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          await turn();
          return { type: "done" };
        },
      };
      const schedulers = stores.map((store, i) =>
        createScheduler({ store, clock, logger: silent, handlers: [handler], owner: `owner-${i}`, heartbeat: false, concurrency: 8, batch: 8 }),
      );
      await stores[0]!.transaction(async (tx) => {
        for (let i = 0; i < 300; i++) await tx.jobs.enqueue({ id: `j${i}`, guildId: "g", kind: "t", dueAt: T0 - i });
      });
      const done = () => schedulers.reduce((n, s) => n + s.metrics.done, 0);
      for (let round = 0; round < 2000 && done() < 300; round++) {
        await Promise.all(schedulers.map((s) => s.tick()));
      }
      await Promise.all(schedulers.map((s) => s.idle()));
      expect(runs.size).toBe(300);
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      expect(schedulers.filter((s) => s.metrics.done > 0).length).toBeGreaterThan(1);
      expect(await stores[0]!.jobs.countPending()).toBe(0);
    } finally {
      for (const s of stores) await s.close();
      await db.cleanup();
    }
  });
});
