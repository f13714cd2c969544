/**
 * The store's behaviour, written once and run against each backend (see sqlite.test.ts and
 * postgres.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../../src/store/index.js";
import type { Backend, FreshDatabase } from "./backends.js";

export function defineStoreSuite(backend: Backend): void {
  let fresh: FreshDatabase;
  let store: Store;
  let now = 1_700_000_000_000;
  const clock = () => now;

  beforeEach(async () => {
    now = 1_700_000_000_000;
    fresh = await backend.fresh();
    store = await openStore(fresh.url, { ...fresh.opts, clock });
  });
  afterEach(async () => {
    await store.close();
    await fresh.cleanup();
  });

  describe("store basics", () => {
    it("reports its kind, schema version and health", async () => {
      expect(store.kind).toBe(backend.name);
      expect(store.schemaVersion).toBe(2);
      expect(await store.healthCheck()).toEqual({ ok: true, kind: backend.name, schemaVersion: 2 });
    });

    it("transaction commits together or rolls back together", async () => {
      await store.transaction(async (tx) => {
        await tx.settings.update("g1", { language: "en" });
        await tx.progress.markWatched("g1", "rust", now);
      });
      expect((await store.settings.get("g1")).language).toBe("en");
      await expect(
        store.transaction(async (tx) => {
          await tx.settings.update("g2", { language: "en" });
          await tx.jobs.enqueue({ guildId: "g2", kind: "k", dueAt: now });
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect((await store.settings.get("g2")).createdAt).toBeNull();
      expect(await store.jobs.countPending()).toBe(0);
    });

    it("close is idempotent", async () => {
      await store.close();
      await store.close();
      store = await openStore(fresh.url, { ...fresh.opts, clock });
    });
  });

  describe("settings", () => {
    it("lists the guilds it holds data for, leaving out removed ones", async () => {
      await store.settings.update("g1", { language: "en" });
      await store.progress.markWatched("g2", "rust", now);
      await store.settings.update("g3", { language: "en" });
      await store.settings.markRemoved("g3", now);
      expect((await store.settings.presentGuildIds()).sort()).toEqual(["g1", "g2"]);
      expect(await store.settings.removedGuildIds()).toEqual(["g3"]);
    });

    it("returns defaults when nothing is stored", async () => {
      expect(await store.settings.get("g1")).toEqual({
        guildId: "g1",
        announceChannelId: null,
        hostRoleId: null,
        timezone: null,
        language: "auto",
        spoilerPolicy: "hide-unwatched",
        triviaAfterPart: false,
        removedAt: null,
        createdAt: null,
        updatedAt: null,
      });
    });

    it("update upserts, keeps absent fields, clears with null, stamps updated_at", async () => {
      const a = await store.settings.update("g1", { announceChannelId: "c1", timezone: "Asia/Shanghai", triviaAfterPart: true });
      expect(a).toMatchObject({ announceChannelId: "c1", timezone: "Asia/Shanghai", triviaAfterPart: true, language: "auto", createdAt: now, updatedAt: now });
      now += 1000;
      const b = await store.settings.update("g1", { language: "zh-CN", spoilerPolicy: "show-all", timezone: null });
      expect(b).toMatchObject({ announceChannelId: "c1", timezone: null, language: "zh-CN", spoilerPolicy: "show-all", triviaAfterPart: true });
      expect(b.createdAt).toBe(now - 1000);
      expect(b.updatedAt).toBe(now);
      expect(await store.settings.get("g1")).toEqual(b);
      expect(await store.settings.count()).toBe(1);
    });

    it("rejects values outside the allowed sets (CHECK constraints)", async () => {
      await expect(store.settings.update("g1", { language: "fr" as never })).rejects.toThrow();
    });

    it("markRemoved / markPresent", async () => {
      await store.settings.markRemoved("g1", 5);
      expect((await store.settings.get("g1")).removedAt).toBe(5);
      await store.settings.markPresent("g1");
      expect((await store.settings.get("g1")).removedAt).toBeNull();
      await store.settings.markPresent("never-seen");
      expect((await store.settings.get("never-seen")).createdAt).toBeNull();
    });

    async function fillGuild(guildId: string): Promise<void> {
      await store.settings.update(guildId, { announceChannelId: `${guildId}-c` });
      const series = await store.sessions.createSeries({ guildId, channelId: "c", cadence: "weekly", partIds: ["rust"], createdBy: "u" });
      const session = await store.sessions.create({ guildId, channelId: "c", partId: "rust", startsAt: now, createdBy: "u", seriesId: series.id });
      await store.rsvps.set({ guildId, sessionId: session.id, userId: "u1", status: "going" });
      await store.rsvps.set({ guildId, seriesId: series.id, userId: "u1", status: "maybe" });
      await store.progress.markWatched(guildId, "rust", now, session.id);
      await store.jobs.enqueue({ guildId, kind: "reminder", dueAt: now, dedupeKey: `${guildId}:r` });
      const r = await store.trivia.createRound({ guildId, channelId: `${guildId}-c`, startedBy: "u", questionIds: ["q1"] });
      if (!r.created) throw new Error("round");
      await store.trivia.recordAnswer({
        roundId: r.round.id, guildId, questionIndex: 0, questionId: "q1", userId: "u1", choice: 0, correct: true, points: 10, answeredAt: now, latencyMs: 100,
      });
    }

    async function guildFootprint(guildId: string) {
      return {
        settings: (await store.settings.get(guildId)).createdAt !== null,
        progress: (await store.progress.watched(guildId)).size,
        jobs: (await store.jobs.listForGuild(guildId, { statuses: ["pending", "running", "done", "failed", "cancelled"] })).length,
        sessions: (await store.sessions.listUpcoming(guildId)).length,
        series: (await store.sessions.listSeries(guildId)).length,
        board: (await store.trivia.leaderboard(guildId, "all")).length,
        rounds: (await store.trivia.activeRoundInChannel(guildId, `${guildId}-c`)) !== null,
      };
    }

    it("purgeRemovedBefore erases every table's rows of guilds removed before the cutoff, only those", async () => {
      for (const g of ["old", "recent", "present"]) await fillGuild(g);
      await store.settings.markRemoved("old", 100);
      await store.settings.markRemoved("recent", 10_000);
      expect(await store.settings.purgeRemovedBefore(5_000)).toEqual(["old"]);
      expect(await guildFootprint("old")).toEqual({ settings: false, progress: 0, jobs: 0, sessions: 0, series: 0, board: 0, rounds: false });
      const kept = { settings: true, progress: 1, jobs: 1, sessions: 1, series: 1, board: 1, rounds: true };
      expect(await guildFootprint("recent")).toEqual(kept);
      expect(await guildFootprint("present")).toEqual(kept);
      // The job's dedupe key is free again after the purge.
      expect((await store.jobs.enqueue({ guildId: "old", kind: "reminder", dueAt: now, dedupeKey: "old:r" })).created).toBe(true);
      expect(await store.settings.purgeRemovedBefore(5_000)).toEqual([]);
    });

    it("forget erases the guild at once", async () => {
      await fillGuild("g1");
      await fillGuild("g2");
      await store.settings.forget("g1");
      expect(await guildFootprint("g1")).toEqual({ settings: false, progress: 0, jobs: 0, sessions: 0, series: 0, board: 0, rounds: false });
      expect((await guildFootprint("g2")).jobs).toBe(1);
    });
  });

  describe("settings cache", () => {
    it("our writes show at once; another process's show once the cached value expires", async () => {
      const other = await openStore(fresh.url, { ...fresh.opts, clock });
      const uncached = await openStore(fresh.url, { ...fresh.opts, clock, settingsCacheTtlMs: 0 });
      try {
        expect((await store.settings.get("g1")).language).toBe("auto"); // cached (a guild with no row too)
        await other.settings.update("g1", { language: "zh-CN" });
        expect((await store.settings.get("g1")).language).toBe("auto"); // another process: not yet
        expect((await uncached.settings.get("g1")).language).toBe("zh-CN");
        await store.settings.update("g1", { timezone: "Asia/Shanghai" });
        expect(await store.settings.get("g1")).toMatchObject({ language: "zh-CN", timezone: "Asia/Shanghai" });

        await store.settings.markRemoved("g1", now);
        expect((await store.settings.get("g1")).removedAt).toBe(now);
        await store.settings.markPresent("g1");
        expect((await store.settings.get("g1")).removedAt).toBeNull();
        await store.settings.markRemoved("g1", now - 10);
        expect((await store.settings.get("g1")).removedAt).toBe(now - 10);
        expect(await store.settings.purgeRemovedBefore(now)).toEqual(["g1"]);
        expect((await store.settings.get("g1")).createdAt).toBeNull();
        await store.settings.update("g2", { language: "en" });
        expect((await store.settings.get("g2")).language).toBe("en");
        await store.settings.forget("g2");
        expect((await store.settings.get("g2")).language).toBe("auto");
      } finally {
        await other.close();
        await uncached.close();
      }
    });

    it("transactions: read their own writes, publish them on commit only, and a copy is handed out", async () => {
      await store.settings.update("g1", { language: "en" });
      expect((await store.settings.get("g1")).language).toBe("en");
      await expect(
        store.transaction(async (tx) => {
          await tx.settings.update("g1", { language: "zh-CN" });
          expect((await tx.settings.get("g1")).language).toBe("zh-CN");
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect((await store.settings.get("g1")).language).toBe("en");
      await store.transaction(async (tx) => {
        await tx.settings.update("g1", { language: "zh-CN" });
        await tx.settings.forget("g3");
      });
      expect((await store.settings.get("g1")).language).toBe("zh-CN");

      const got = await store.settings.get("g1");
      got.language = "en";
      expect((await store.settings.get("g1")).language).toBe("zh-CN");
    });
  });

  describe("progress", () => {
    it("marks once, lists, unmarks, clears", async () => {
      expect(await store.progress.markWatched("g1", "rust", 10)).toBe(true);
      expect(await store.progress.markWatched("g1", "rust", 20)).toBe(false);
      expect(await store.progress.markWatched("g1", "rails", 30, null)).toBe(true);
      expect(await store.progress.markWatched("g2", "remnants", 30)).toBe(true);
      expect(await store.progress.watched("g1")).toEqual(new Set(["rust", "rails"]));
      expect(await store.progress.list("g1")).toEqual([
        { partId: "rust", watchedAt: 10, sessionId: null },
        { partId: "rails", watchedAt: 30, sessionId: null },
      ]);
      expect(await store.progress.unmark("g1", "rust")).toBe(true);
      expect(await store.progress.unmark("g1", "rust")).toBe(false);
      expect(await store.progress.clear("g1")).toBe(1);
      expect(await store.progress.watched("g1")).toEqual(new Set());
      expect(await store.progress.watched("g2")).toEqual(new Set(["remnants"]));
    });

    it("keeps the session link and survives the session's deletion", async () => {
      const s = await store.sessions.create({ guildId: "g1", channelId: "c", partId: "rust", startsAt: 1, createdBy: "u" });
      await store.progress.markWatched("g1", "rust", 10, s.id);
      expect((await store.progress.list("g1"))[0]?.sessionId).toBe(s.id);
      await store.sessions.delete(s.id);
      expect((await store.progress.list("g1"))[0]).toEqual({ partId: "rust", watchedAt: 10, sessionId: null });
    });
  });

  describe("jobs", () => {
    it("releases every lease at once (a single-process bot restarting after a crash)", async () => {
      await store.jobs.enqueue({ id: "a", guildId: "g", kind: "k", dueAt: now });
      await store.jobs.enqueue({ id: "b", guildId: "g", kind: "k", dueAt: now });
      expect(await store.jobs.claimDue(now, { owner: "dead", leaseMs: 60_000, limit: 10 })).toHaveLength(2);
      expect(await store.jobs.releaseAllLeases()).toBe(2);
      expect((await store.jobs.claimDue(now, { owner: "alive", leaseMs: 60_000, limit: 10 })).map((j) => j.id).sort()).toEqual(["a", "b"]);
    });

    it("reschedules without counting an attempt", async () => {
      await store.jobs.enqueue({ id: "w", guildId: "g", kind: "k", dueAt: now });
      await store.jobs.claimDue(now, { owner: "o", leaseMs: 60_000, limit: 10 });
      expect(await store.jobs.reschedule("w", "o", now + 5)).toBe(true);
      expect(await store.jobs.get("w")).toMatchObject({ status: "pending", attempts: 0, dueAt: now + 5 });
    });

    it("enqueue: dedupe key makes the second plan a no-op; cancel releases the key", async () => {
      const a = await store.jobs.enqueue({ guildId: "g1", kind: "reminder", dueAt: 100, payload: { sessionId: "s1", n: 1 }, dedupeKey: "s1:reminder:100" });
      expect(a.created).toBe(true);
      const b = await store.jobs.enqueue({ guildId: "g1", kind: "reminder", dueAt: 100, payload: { other: true }, dedupeKey: "s1:reminder:100" });
      expect(b).toEqual({ id: a.id, created: false });
      const job = await store.jobs.get<{ sessionId: string; n: number }>(a.id);
      expect(job).toMatchObject({ id: a.id, guildId: "g1", kind: "reminder", dueAt: 100, payload: { sessionId: "s1", n: 1 }, status: "pending", attempts: 0, leaseOwner: null, leaseUntil: null, lastError: null, dedupeKey: "s1:reminder:100", createdAt: now, updatedAt: now });
      expect((await store.jobs.getByDedupeKey("s1:reminder:100"))?.id).toBe(a.id);
      // Jobs without a key never collide.
      const c = await store.jobs.enqueue({ guildId: null, kind: "purge", dueAt: 5 });
      const d = await store.jobs.enqueue({ guildId: null, kind: "purge", dueAt: 5 });
      expect(c.created && d.created && c.id !== d.id).toBe(true);
      expect(await store.jobs.countPending()).toBe(3);
      expect(await store.jobs.cancel(a.id)).toBe(true);
      expect(await store.jobs.cancel(a.id)).toBe(false);
      expect((await store.jobs.get(a.id))?.status).toBe("cancelled");
      const e = await store.jobs.enqueue({ guildId: "g1", kind: "reminder", dueAt: 100, dedupeKey: "s1:reminder:100" });
      expect(e.created).toBe(true);
      expect(await store.jobs.get("missing")).toBeNull();
    });

    it("claimDue takes due jobs oldest first, up to the limit, leased and counted", async () => {
      for (const dueAt of [300, 100, 200, 900]) await store.jobs.enqueue({ guildId: "g1", kind: "k", dueAt, dedupeKey: `k${dueAt}` });
      const first = await store.jobs.claimDue(500, { owner: "A", leaseMs: 60_000, limit: 2 });
      expect(first.map((j) => j.dueAt)).toEqual([100, 200]);
      for (const j of first) expect(j).toMatchObject({ status: "running", leaseOwner: "A", leaseUntil: 60_500, attempts: 1 });
      const second = await store.jobs.claimDue(500, { owner: "B", leaseMs: 60_000, limit: 10 });
      expect(second.map((j) => j.dueAt)).toEqual([300]);
      expect(await store.jobs.claimDue(500, { owner: "C", leaseMs: 60_000, limit: 10 })).toEqual([]);
      expect(await store.jobs.countPending()).toBe(1);
    });

    it("two owners claiming at once never get the same job", async () => {
      for (let i = 0; i < 60; i++) await store.jobs.enqueue({ guildId: "g1", kind: "k", dueAt: i });
      const owners = ["A", "B", "C", "D"];
      const results = await Promise.all(
        [...owners, ...owners].map((owner) => store.jobs.claimDue(1_000, { owner, leaseMs: 10_000, limit: 10 })),
      );
      const ids = results.flat().map((j) => j.id);
      expect(ids.length).toBe(60);
      expect(new Set(ids).size).toBe(60);
      for (const [i, batch] of results.entries()) for (const j of batch) expect(j.leaseOwner).toBe([...owners, ...owners][i]);
    });

    it("an expired lease is reclaimed by another owner; the first owner can no longer finish it", async () => {
      const { id } = await store.jobs.enqueue({ guildId: "g1", kind: "k", dueAt: 0 });
      const [a] = await store.jobs.claimDue(10, { owner: "A", leaseMs: 100, limit: 5 });
      expect(a?.leaseUntil).toBe(110);
      expect(await store.jobs.claimDue(109, { owner: "B", leaseMs: 100, limit: 5 })).toEqual([]);
      expect(await store.jobs.nextDueAt()).toBe(110);
      const [b] = await store.jobs.claimDue(110, { owner: "B", leaseMs: 100, limit: 5 });
      expect(b).toMatchObject({ id, leaseOwner: "B", leaseUntil: 210, attempts: 2 });
      expect(await store.jobs.complete(id, "A")).toBe(false);
      expect(await store.jobs.extendLease(id, "A", 999)).toBe(false);
      expect(await store.jobs.extendLease(id, "B", 500)).toBe(true);
      expect(await store.jobs.claimDue(300, { owner: "C", leaseMs: 100, limit: 5 })).toEqual([]);
      expect(await store.jobs.complete(id, "B")).toBe(true);
      expect(await store.jobs.get(id)).toMatchObject({ status: "done", leaseUntil: null });
      expect(await store.jobs.nextDueAt()).toBeNull();
    });

    it("retryAt puts the job back; fail ends it; both need the lease", async () => {
      const { id } = await store.jobs.enqueue({ guildId: "g1", kind: "k", dueAt: 0 });
      await store.jobs.claimDue(10, { owner: "A", leaseMs: 100, limit: 1 });
      expect(await store.jobs.retryAt(id, "B", 500, "x")).toBe(false);
      expect(await store.jobs.retryAt(id, "A", 500, "discord 503")).toBe(true);
      expect(await store.jobs.get(id)).toMatchObject({ status: "pending", dueAt: 500, lastError: "discord 503", leaseOwner: null, leaseUntil: null, attempts: 1 });
      expect(await store.jobs.nextDueAt()).toBe(500);
      expect(await store.jobs.claimDue(499, { owner: "A", leaseMs: 100, limit: 1 })).toEqual([]);
      expect((await store.jobs.claimDue(500, { owner: "A", leaseMs: 100, limit: 1 }))[0]?.attempts).toBe(2);
      expect(await store.jobs.fail(id, "A", "gave up")).toBe(true);
      expect(await store.jobs.fail(id, "A", "again")).toBe(false);
      expect(await store.jobs.get(id)).toMatchObject({ status: "failed", lastError: "gave up" });
      expect(await store.jobs.complete(id, "A")).toBe(false);
    });

    it("cancel of a running job makes its owner's complete fail", async () => {
      const { id } = await store.jobs.enqueue({ guildId: "g1", kind: "k", dueAt: 0 });
      await store.jobs.claimDue(10, { owner: "A", leaseMs: 100, limit: 1 });
      expect(await store.jobs.cancel(id)).toBe(true);
      expect(await store.jobs.complete(id, "A")).toBe(false);
      expect(await store.jobs.claimDue(1_000, { owner: "B", leaseMs: 100, limit: 1 })).toEqual([]);
    });

    it("cancelWhere filters by guild, kind, dedupe key prefix and due time", async () => {
      await store.jobs.enqueue({ guildId: "g1", kind: "reminder", dueAt: 10, dedupeKey: "session:s1:reminder" });
      await store.jobs.enqueue({ guildId: "g1", kind: "checkpoint", dueAt: 20, dedupeKey: "session:s1:cp1" });
      await store.jobs.enqueue({ guildId: "g1", kind: "checkpoint", dueAt: 30, dedupeKey: "session:s2:cp1" });
      await store.jobs.enqueue({ guildId: "g1", kind: "checkpoint", dueAt: 40, dedupeKey: "session%:s1:" });
      await store.jobs.enqueue({ guildId: "g2", kind: "reminder", dueAt: 10, dedupeKey: "g2:session:s1:reminder" });
      expect(await store.jobs.cancelWhere("g1", { kinds: [] })).toBe(0);
      expect(await store.jobs.cancelWhere("g1", { dedupeKeyPrefix: "session:s1:" })).toBe(2);
      expect(await store.jobs.cancelWhere("g1", { kinds: ["checkpoint"], dueFrom: 35 })).toBe(1);
      expect((await store.jobs.listForGuild("g1")).map((j) => j.dedupeKey)).toEqual(["session:s2:cp1"]);
      expect(await store.jobs.cancelWhere("g1")).toBe(1);
      expect(await store.jobs.listForGuild("g1")).toEqual([]);
      expect((await store.jobs.listForGuild("g2")).length).toBe(1);
      expect((await store.jobs.listForGuild("g1", { statuses: ["cancelled"], kinds: ["checkpoint"], limit: 2 })).map((j) => j.dueAt)).toEqual([20, 30]);
    });

    it("deleteFinishedBefore removes old finished jobs only", async () => {
      const a = await store.jobs.enqueue({ guildId: "g1", kind: "k", dueAt: 0 });
      const b = await store.jobs.enqueue({ guildId: "g1", kind: "k", dueAt: 0 });
      await store.jobs.cancel(a.id);
      now += 10_000;
      expect(await store.jobs.deleteFinishedBefore(now)).toBe(1);
      expect(await store.jobs.get(a.id)).toBeNull();
      expect(await store.jobs.get(b.id)).not.toBeNull();
    });

    it("claimDue validates its options", async () => {
      await expect(store.jobs.claimDue(0, { owner: "", leaseMs: 1, limit: 1 })).rejects.toThrow(RangeError);
      await expect(store.jobs.claimDue(0, { owner: "a", leaseMs: 0, limit: 1 })).rejects.toThrow(RangeError);
      await expect(store.jobs.claimDue(0, { owner: "a", leaseMs: 1, limit: 0 })).rejects.toThrow(RangeError);
    });

    it("timestamps beyond 32 bits round-trip exactly", async () => {
      const dueAt = 4_102_444_800_123; // 2100-01-01
      const { id } = await store.jobs.enqueue({ guildId: "g1", kind: "k", dueAt });
      expect((await store.jobs.get(id))?.dueAt).toBe(dueAt);
      expect(await store.jobs.nextDueAt()).toBe(dueAt);
    });
  });

  describe("sessions and series", () => {
    it("create, get, update with compare-and-set, list", async () => {
      const s = await store.sessions.create({ guildId: "g1", channelId: "c", partId: "rust", startsAt: 1000, createdBy: "u", plan: { blocks: [1, 2] }, title: "Rust I" });
      expect(s).toMatchObject({ guildId: "g1", status: "scheduled", pauseTotalMs: 0, plan: { blocks: [1, 2] }, threadId: null, seriesId: null, createdAt: now });
      expect(await store.sessions.get(s.id)).toEqual(s);
      expect(await store.sessions.get("missing")).toBeNull();
      now += 5;
      const running = await store.sessions.update(s.id, { status: "running", threadId: "t1" }, { expectStatus: "scheduled" });
      expect(running).toMatchObject({ status: "running", threadId: "t1", updatedAt: now });
      expect(await store.sessions.update(s.id, { status: "running" }, { expectStatus: "scheduled" })).toBeNull();
      const paused = await store.sessions.update(s.id, { status: "paused", pausedAt: 2000 }, { expectStatus: ["running"] });
      expect(paused?.pausedAt).toBe(2000);
      await store.sessions.update(s.id, { status: "running", pausedAt: null, pauseTotalMs: 60_000, plan: null });
      expect(await store.sessions.get(s.id)).toMatchObject({ status: "running", pausedAt: null, pauseTotalMs: 60_000, plan: null });

      const later = await store.sessions.create({ guildId: "g1", channelId: "c", partId: "rails", startsAt: 5000, createdBy: "u" });
      const done = await store.sessions.create({ guildId: "g1", channelId: "c", partId: "remnants", startsAt: 500, createdBy: "u", status: "ended" });
      await store.sessions.create({ guildId: "g2", channelId: "c", partId: "rust", startsAt: 1, createdBy: "u" });
      expect((await store.sessions.listUpcoming("g1")).map((x) => x.id)).toEqual([s.id, later.id]);
      expect((await store.sessions.listActive()).map((x) => x.id)).toEqual([s.id]);
      expect((await store.sessions.listHistory("g1")).map((x) => x.id)).toEqual([done.id]);
      expect(await store.sessions.delete(later.id)).toBe(true);
      expect(await store.sessions.delete(later.id)).toBe(false);
    });

    it("series CRUD; deleting a series detaches its sessions", async () => {
      const series = await store.sessions.createSeries({ guildId: "g1", channelId: "c", cadence: "weekly", cron: "0 20 * * 5", timezone: "Europe/Paris", partIds: ["rust", "remnants", "rails"], createdBy: "u" });
      expect(series).toMatchObject({ nextIndex: 0, status: "active", partIds: ["rust", "remnants", "rails"], title: null });
      expect(await store.sessions.getSeries(series.id)).toEqual(series);
      const s = await store.sessions.create({ guildId: "g1", channelId: "c", partId: "rust", startsAt: 1, createdBy: "u", seriesId: series.id });
      expect((await store.sessions.listForSeries(series.id)).map((x) => x.id)).toEqual([s.id]);
      expect(await store.sessions.updateSeries(series.id, { nextIndex: 1 }, { expectNextIndex: 0 })).toMatchObject({ nextIndex: 1 });
      expect(await store.sessions.updateSeries(series.id, { nextIndex: 1 }, { expectNextIndex: 0 })).toBeNull();
      await store.sessions.updateSeries(series.id, { status: "paused", title: "Fridays" });
      expect(await store.sessions.listSeries("g1", { statuses: ["active"] })).toEqual([]);
      expect((await store.sessions.listSeries("g1")).map((x) => x.title)).toEqual(["Fridays"]);
      expect(await store.sessions.deleteSeries(series.id)).toBe(true);
      expect((await store.sessions.get(s.id))?.seriesId).toBeNull();
    });
  });

  describe("rsvps", () => {
    it("set upserts per (session, user); ready marks; counts; list; remove; deleted with the session", async () => {
      const s = await store.sessions.create({ guildId: "g1", channelId: "c", partId: "rust", startsAt: 1, createdBy: "u" });
      await store.rsvps.set({ guildId: "g1", sessionId: s.id, userId: "u1", status: "maybe" });
      now += 1;
      const r = await store.rsvps.set({ guildId: "g1", sessionId: s.id, userId: "u1", status: "going" });
      expect(r).toEqual({ guildId: "g1", sessionId: s.id, seriesId: null, userId: "u1", status: "going", readyAt: null, updatedAt: now });
      now += 1;
      await store.rsvps.set({ guildId: "g1", sessionId: s.id, userId: "u2", status: "no" });
      expect(await store.rsvps.setReady({ guildId: "g1", sessionId: s.id, userId: "u1", at: 77 })).toMatchObject({ status: "going", readyAt: 77 });
      expect(await store.rsvps.setReady({ guildId: "g1", sessionId: s.id, userId: "u3", at: 78 })).toMatchObject({ status: "going", readyAt: 78 });
      expect(await store.rsvps.set({ guildId: "g1", sessionId: s.id, userId: "u1", status: "going" })).toMatchObject({ readyAt: 77 });
      expect(await store.rsvps.set({ guildId: "g1", sessionId: s.id, userId: "u3", status: "no" })).toMatchObject({ readyAt: null });
      expect(await store.rsvps.counts({ sessionId: s.id })).toEqual({ going: 1, maybe: 0, no: 2 });
      expect((await store.rsvps.listRsvps(s.id)).map((x) => x.userId).sort()).toEqual(["u1", "u2", "u3"]);
      expect(await store.rsvps.get({ sessionId: s.id }, "u2")).toMatchObject({ status: "no" });
      expect(await store.rsvps.remove({ sessionId: s.id }, "u2")).toBe(true);
      expect(await store.rsvps.get({ sessionId: s.id }, "u2")).toBeNull();
      await store.sessions.delete(s.id);
      expect(await store.rsvps.listRsvps(s.id)).toEqual([]);
    });

    it("series RSVPs are separate from session RSVPs", async () => {
      const series = await store.sessions.createSeries({ guildId: "g1", channelId: "c", cadence: "weekly", partIds: [], createdBy: "u" });
      const s = await store.sessions.create({ guildId: "g1", channelId: "c", partId: "rust", startsAt: 1, createdBy: "u", seriesId: series.id });
      await store.rsvps.set({ guildId: "g1", seriesId: series.id, userId: "u1", status: "going" });
      await store.rsvps.set({ guildId: "g1", sessionId: s.id, userId: "u1", status: "no" });
      expect(await store.rsvps.list({ seriesId: series.id })).toEqual([expect.objectContaining({ status: "going", sessionId: null })]);
      expect(await store.rsvps.list({ sessionId: s.id })).toEqual([expect.objectContaining({ status: "no", seriesId: null })]);
    });
  });

  describe("trivia", () => {
    const answer = (roundId: string, userId: string, questionIndex: number, correct: boolean, points: number) => ({
      roundId, guildId: "g1", questionIndex, questionId: `q${questionIndex}`, userId, choice: correct ? 1 : 2, correct, points, answeredAt: now, latencyMs: 1234, periodKeys: ["all", "week:2026-W48"],
    });

    it("one running round per channel; get; update with compare-and-set; list running", async () => {
      const a = await store.trivia.createRound({ guildId: "g1", channelId: "c1", startedBy: "u", questionIds: ["q1", "q2"], settings: { seconds: 20 } });
      if (!a.created) throw new Error("expected created");
      expect(a.round).toMatchObject({ status: "running", currentIndex: 0, questionIds: ["q1", "q2"], settings: { seconds: 20 }, questionStartedAt: null, endedAt: null, createdAt: now });
      const b = await store.trivia.createRound({ guildId: "g1", channelId: "c1", startedBy: "v", questionIds: ["q9"] });
      expect(b).toEqual({ created: false, existing: a.round });
      expect((await store.trivia.createRound({ guildId: "g1", channelId: "c2", startedBy: "v", questionIds: [] })).created).toBe(true);
      expect(await store.trivia.getRound(a.round.id)).toEqual(a.round);
      expect(await store.trivia.activeRoundInChannel("g1", "c1")).toEqual(a.round);
      expect(await store.trivia.updateRound(a.round.id, { currentIndex: 1, questionStartedAt: 5 }, { currentIndex: 0 })).toMatchObject({ currentIndex: 1, questionStartedAt: 5 });
      expect(await store.trivia.updateRound(a.round.id, { currentIndex: 1 }, { currentIndex: 0 })).toBeNull();
      expect((await store.trivia.listRunningRounds()).length).toBe(2);
      await store.trivia.updateRound(a.round.id, { status: "ended", endedAt: 9 }, { status: "running" });
      expect(await store.trivia.activeRoundInChannel("g1", "c1")).toBeNull();
      expect((await store.trivia.createRound({ guildId: "g1", channelId: "c1", startedBy: "v", questionIds: ["q9"] })).created).toBe(true);
    });

    it("recordAnswer twice counts once, without an exception", async () => {
      const r = await store.trivia.createRound({ guildId: "g1", channelId: "c1", startedBy: "u", questionIds: ["q0"] });
      if (!r.created) throw new Error("round");
      expect(await store.trivia.recordAnswer(answer(r.round.id, "u1", 0, true, 10))).toEqual({ recorded: true });
      expect(await store.trivia.recordAnswer(answer(r.round.id, "u1", 0, false, 0))).toEqual({ recorded: false });
      const both = await Promise.all([store.trivia.recordAnswer(answer(r.round.id, "u2", 0, true, 7)), store.trivia.recordAnswer(answer(r.round.id, "u2", 0, true, 7))]);
      expect(both.filter((x) => x.recorded).length).toBe(1);
      expect(await store.trivia.answers(r.round.id, 0)).toHaveLength(2);
      expect(await store.trivia.answers(r.round.id)).toEqual(expect.arrayContaining([expect.objectContaining({ userId: "u1", correct: true, points: 10, choice: 1, latencyMs: 1234 })]));
      expect(await store.trivia.stats("g1", "u1", ["all"])).toEqual([{ periodKey: "all", points: 10, answered: 1, correct: 1, currentStreak: 1, bestStreak: 1, rounds: 1, rank: 1 }]);
      expect(await store.trivia.stats("g1", "u2", ["all"])).toEqual([expect.objectContaining({ points: 7, answered: 1, rank: 2 })]);
    });

    it("scores track streaks, rounds and every period key; default keys are UTC all/season/week", async () => {
      const r1 = await store.trivia.createRound({ guildId: "g1", channelId: "c1", startedBy: "u", questionIds: ["a", "b", "c", "d"] });
      if (!r1.created) throw new Error("round");
      const seq = [true, true, false, true];
      for (const [i, ok] of seq.entries()) await store.trivia.recordAnswer(answer(r1.round.id, "u1", i, ok, ok ? 10 : 0));
      await store.trivia.updateRound(r1.round.id, { status: "ended" });
      const r2 = await store.trivia.createRound({ guildId: "g1", channelId: "c1", startedBy: "u", questionIds: ["a", "b"] });
      if (!r2.created) throw new Error("round");
      await store.trivia.recordAnswer(answer(r2.round.id, "u1", 0, true, 10));
      await store.trivia.recordAnswer(answer(r2.round.id, "u1", 1, true, 10));
      const stats = await store.trivia.stats("g1", "u1");
      expect(stats.map((s) => s.periodKey)).toEqual(["all", "week:2026-W48"]);
      for (const s of stats) expect(s).toEqual(expect.objectContaining({ points: 50, answered: 6, correct: 5, currentStreak: 3, bestStreak: 3, rounds: 2, rank: 1 }));

      const at = Date.UTC(2026, 10, 26, 12); // Thursday 26 Nov 2026
      await store.trivia.recordAnswer({ ...answer(r2.round.id, "u9", 0, true, 3), periodKeys: undefined, answeredAt: at });
      expect((await store.trivia.stats("g1", "u9")).map((s) => s.periodKey)).toEqual(["all", "season:2026-4", "week:2026-W48"]);
      expect(await store.trivia.stats("g1", "u9", [])).toEqual([]);
    });

    it("leaderboard pages with competition ranks (ties share a rank)", async () => {
      const r = await store.trivia.createRound({ guildId: "g1", channelId: "c1", startedBy: "u", questionIds: ["q0"] });
      if (!r.created) throw new Error("round");
      const points: Record<string, number> = { a: 30, b: 50, c: 30, d: 10, e: 30, f: 0 };
      for (const [user, p] of Object.entries(points)) await store.trivia.recordAnswer(answer(r.round.id, user, 0, p > 0, p));
      await store.trivia.recordAnswer({ ...answer(r.round.id, "zz", 0, true, 99), guildId: "other" });
      const all = await store.trivia.leaderboard("g1", "all", { limit: 10 });
      expect(all.map((x) => [x.rank, x.userId, x.points])).toEqual([
        [1, "b", 50], [2, "a", 30], [2, "c", 30], [2, "e", 30], [5, "d", 10], [6, "f", 0],
      ]);
      expect(all[0]).toEqual({ rank: 1, userId: "b", points: 50, answered: 1, correct: 1, bestStreak: 1, rounds: 1 });
      const page = await store.trivia.leaderboard("g1", "all", { offset: 2, limit: 2 });
      expect(page.map((x) => [x.rank, x.userId])).toEqual([[2, "c"], [2, "e"]]);
      const page3 = await store.trivia.leaderboard("g1", "all", { offset: 4, limit: 2 });
      expect(page3.map((x) => [x.rank, x.userId])).toEqual([[5, "d"], [6, "f"]]);
      expect(await store.trivia.leaderboard("g1", "all", { offset: 6 })).toEqual([]);
      expect(await store.trivia.leaderboard("g1", "week:1999-W01")).toEqual([]);
      expect(await store.trivia.leaderboardSize("g1", "all")).toBe(6);
      expect((await store.trivia.stats("g1", "e", ["all"]))[0]?.rank).toBe(2);
    });

    it("the answer path: lockQuestion guards, memberAnswers and questionTally read, firstInRound counts rounds", async () => {
      const r = await store.trivia.createRound({ guildId: "g1", channelId: "c1", startedBy: "u", questionIds: ["a", "b", "c"], questionStartedAt: 500 });
      if (!r.created) throw new Error("round");
      const id = r.round.id;
      expect(await store.trivia.lockQuestion(id, 0)).toBe(500);
      expect(await store.trivia.lockQuestion(id, 1)).toBeUndefined();
      expect(await store.trivia.lockQuestion("nosuch", 0)).toBeUndefined();
      expect(await store.trivia.questionTally(id, 0)).toEqual({ joinedBefore: 0, joined: 0, answeredNow: 0 });

      await store.trivia.recordAnswer({ ...answer(id, "u1", 0, true, 10), firstInRound: true });
      await store.trivia.recordAnswer({ ...answer(id, "u2", 0, false, 0), firstInRound: true });
      await store.trivia.updateRound(id, { currentIndex: 1, questionStartedAt: null }, { currentIndex: 0 });
      expect(await store.trivia.lockQuestion(id, 1)).toBeNull(); // at question 1, not started
      expect(await store.trivia.lockQuestion(id, 0)).toBeUndefined();
      await store.trivia.recordAnswer({ ...answer(id, "u1", 1, true, 12), firstInRound: false });
      await store.trivia.recordAnswer({ ...answer(id, "u3", 1, true, 9), firstInRound: true });
      expect(await store.trivia.recordAnswer({ ...answer(id, "u3", 1, true, 9), firstInRound: true })).toEqual({ recorded: false });

      expect(await store.trivia.memberAnswers(id, "u1")).toEqual([
        { questionIndex: 0, correct: true, points: 10 },
        { questionIndex: 1, correct: true, points: 12 },
      ]);
      expect(await store.trivia.memberAnswers(id, "nobody")).toEqual([]);
      // Before question 1: u1, u2 joined; up to it: u1, u2, u3; at it: u1, u3.
      expect(await store.trivia.questionTally(id, 1)).toEqual({ joinedBefore: 2, joined: 3, answeredNow: 2 });
      expect(await store.trivia.questionTally(id, 0)).toEqual({ joinedBefore: 0, joined: 2, answeredNow: 2 });

      const stats = async (u: string) => (await store.trivia.stats("g1", u, ["all"]))[0];
      expect(await stats("u1")).toMatchObject({ points: 22, answered: 2, correct: 2, currentStreak: 2, bestStreak: 2, rounds: 1 });
      expect(await stats("u3")).toMatchObject({ points: 9, answered: 1, rounds: 1 });
      // Without firstInRound, the repository looks for itself.
      await store.trivia.recordAnswer(answer(id, "u2", 1, true, 5));
      expect(await stats("u2")).toMatchObject({ points: 5, answered: 2, correct: 1, currentStreak: 1, rounds: 1 });
    });

    it("answers are deleted with their round", async () => {
      const r = await store.trivia.createRound({ guildId: "g1", channelId: "c1", startedBy: "u", questionIds: ["q0"] });
      if (!r.created) throw new Error("round");
      await store.trivia.recordAnswer(answer(r.round.id, "u1", 0, true, 10));
      await store.settings.forget("g1");
      expect(await store.trivia.answers(r.round.id)).toEqual([]);
      expect(await store.trivia.getRound(r.round.id)).toBeNull();
    });
  });
}
