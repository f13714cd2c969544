import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultKnowledgeBase } from "../../../src/knowledge/base.js";
import { createWatchService, DRAFT_TTL_MS, JOB_MOMENT, MAX_ACTIVE_PARTIES } from "../../../src/watchalong/service.js";
import { GUILD, HOST, HOUR, MIN, T0, request, world, type World } from "./runner-harness.js";

let w: World;
beforeEach(async () => {
  w = await world();
});
afterEach(async () => {
  await w.close();
});

const momentJobs = async () => (await w.store.jobs.listForGuild(GUILD, { kinds: [JOB_MOMENT], limit: 1000 })).length;

describe("planning and confirming", () => {
  it("persists a series, one session per part and one job per moment (dedupe keys per moment)", async () => {
    const sessions = await w.schedule({ parts: "all", when: "in 2 hours" });
    expect(sessions).toHaveLength(3);
    for (const s of sessions) expect(s.id).toMatch(/^[0-9a-z]{8}$/);
    const jobs = await w.store.jobs.listForGuild(GUILD, { kinds: [JOB_MOMENT], limit: 1000 });
    const moments = sessions.reduce((n, s) => n + s.plan!.moments.length, 0);
    expect(jobs).toHaveLength(moments);
    expect(jobs.every((j) => j.dedupeKey === `watch:${(j.payload as { sessionId: string }).sessionId}:${(j.payload as { key: string }).key}`)).toBe(true);
    // Re-planning is idempotent.
    expect(await w.service.resync(GUILD)).toBe(moments);
    expect(await momentJobs()).toBe(moments);
  });

  it("a previewed plan survives a restart and is confirmed once", async () => {
    const preview = await w.service.preview(request());
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    const other = createWatchService({ store: w.store, knowledge: defaultKnowledgeBase(), clock: w.clock, logger: pino({ level: "silent" }), enqueue: (j) => w.store.jobs.enqueue(j) });
    const [a, b] = await Promise.all([other.confirm(preview.draft.id, { guildId: GUILD, userId: HOST }), w.service.confirm(preview.draft.id, { guildId: GUILD, userId: HOST })]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const sessions = await w.store.sessions.listUpcoming(GUILD);
    expect(sessions).toHaveLength(1);
    // The plan confirmed is the one previewed before the restart.
    expect(sessions[0]?.startsAt).toBe(T0 + 2 * HOUR);
  });

  it("checks again on Confirm: an expired plan, or a start now past, is refused", async () => {
    const late = await w.service.preview(request({ when: "in 2 minutes" }));
    w.clock.advance(10 * MIN);
    expect(late.ok && (await w.service.confirm(late.draft.id, { guildId: GUILD, userId: HOST }))).toMatchObject({ ok: false, error: "past" });
    const old = await w.service.preview(request({ when: "in 3 hours" }));
    w.clock.advance(DRAFT_TTL_MS);
    expect(old.ok && (await w.service.confirm(old.draft.id, { guildId: GUILD, userId: HOST }))).toMatchObject({ ok: false, error: "draft-gone" });
    const foreign = await w.service.preview(request({ when: "in 3 hours" }));
    expect(foreign.ok && (await w.service.confirm(foreign.draft.id, { guildId: "999", userId: HOST }))).toMatchObject({ ok: false, error: "wrong-guild" });
    // Only the host who made the plan confirms it; the plan stays for them.
    expect(foreign.ok && (await w.service.confirm(foreign.draft.id, { guildId: GUILD, userId: "300000000000000999" }))).toMatchObject({ ok: false, error: "not-yours" });
    expect(foreign.ok && (await w.service.confirm(foreign.draft.id, { guildId: GUILD, userId: HOST }))).toMatchObject({ ok: true });
  });

  it("typed error codes for times", async () => {
    expect(await w.service.preview(request({ when: "2026-03-29 02:30", timezone: "Europe/Berlin" }))).toMatchObject({
      ok: false,
      error: "dst-gap",
      suggestion: Date.UTC(2026, 2, 29, 1, 0),
    });
    expect(await w.service.preview(request({ when: "yesterday 20:00" }))).toMatchObject({ ok: false, error: "past" });
    expect(await w.service.preview(request({ when: "2028-01-01 20:00" }))).toMatchObject({ ok: false, error: "too-far" });
    expect(await w.service.preview(request({ timezone: "Nowhere/Land" }))).toMatchObject({ ok: false, error: "bad-zone" });
    expect(await w.service.preview(request({ cadence: "cron", cron: "61 * * * *" }))).toMatchObject({ ok: false, error: "bad-cron" });
    const overlap = await w.service.preview(request({ when: "2026-10-25 02:30", timezone: "Europe/Berlin" }));
    expect(overlap.ok && overlap.overlapAlternative).toBe(Date.UTC(2026, 9, 25, 1, 30));
  });

  it("the club's time zone is the default", async () => {
    await w.store.settings.update(GUILD, { timezone: "Asia/Shanghai" });
    const p = await w.service.preview(request({ when: "tomorrow 20:00", timezone: null }));
    // T0 is already 6 January 02:00 in Shanghai: tomorrow is the 7th.
    expect(p.ok && p.plan.sessions[0]!.startsAt).toBe(Date.UTC(2026, 0, 7, 12, 0));
  });

  it(`refuses more than ${MAX_ACTIVE_PARTIES} parties in a server and overlaps in one channel`, async () => {
    for (let i = 0; i < MAX_ACTIVE_PARTIES - 1; i++) await w.schedule({ parts: "rails", channelId: `c${i}` });
    expect(await w.service.preview(request({ channelId: "c0", when: "in 3 hours" }))).toMatchObject({ ok: false, error: "overlap" });
    expect((await w.service.preview(request({ channelId: "c0", when: "in 5 hours" }))).ok).toBe(true);
    await w.schedule({ parts: "rails", channelId: "last" });
    expect(await w.service.preview(request({ channelId: "another" }))).toMatchObject({ ok: false, error: "too-many", max: MAX_ACTIVE_PARTIES });
  });
});

describe("state changes", () => {
  it("status and whereami follow intermissions and pauses", async () => {
    const [s] = await w.schedule({ parts: "rust", when: "in 2 hours" });
    const start = T0 + 2 * HOUR;
    await w.runUntil(start + 72 * MIN);
    let st = await w.service.status(GUILD, null, s!.channelId);
    expect(st.ok && st.status.position).toMatchObject({ phase: "watching", filmOffsetMs: 72 * MIN });
    expect(st.ok && st.status.next?.moment.key).toBe("s1:intermission:start:1");
    await w.runUntil(start + 125 * MIN);
    st = await w.service.status(GUILD, s!.id);
    expect(st.ok && st.status.position).toMatchObject({ phase: "intermission", filmOffsetMs: 120 * MIN });
    await w.runUntil(start + 135 * MIN);
    expect((await w.service.pause(GUILD, s!.id)).ok).toBe(true);
    expect(await w.service.pause(GUILD, s!.id)).toMatchObject({ ok: false, error: "already-paused" });
    expect(await w.service.delay(GUILD, s!.id, 5)).toMatchObject({ ok: false, error: "already-paused" });
    w.clock.advance(20 * MIN);
    st = await w.service.status(GUILD, s!.id);
    expect(st.ok && st.status.position).toMatchObject({ phase: "paused", filmOffsetMs: 125 * MIN });
    expect((await w.service.resume(GUILD, s!.id)).ok).toBe(true);
    expect(await w.service.resume(GUILD, s!.id)).toMatchObject({ ok: false, error: "not-paused" });
  });

  it("validation of delay and actions on parties that are over", async () => {
    const [s] = await w.schedule({ parts: "rails", when: "in 2 hours" });
    expect(await w.service.delay(GUILD, s!.id, 0)).toMatchObject({ ok: false, error: "bad-delay" });
    expect(await w.service.delay(GUILD, s!.id, 241)).toMatchObject({ ok: false, error: "bad-delay", max: 240 });
    expect(await w.service.end(GUILD, s!.id)).toMatchObject({ ok: false, error: "not-running" });
    expect(await w.service.rsvp("other-guild", s!.id, "u1", "going")).toMatchObject({ ok: false, error: "wrong-guild" });
    expect(await w.service.rsvp(GUILD, "nope1234", "u1", "going")).toMatchObject({ ok: false, error: "not-found" });
    await w.runUntil(T0 + 8 * HOUR);
    expect(await w.service.rsvp(GUILD, s!.id, "u1", "going")).toMatchObject({ ok: false, error: "over" });
    expect(await w.service.cancel(GUILD, s!.id, HOST)).toMatchObject({ ok: false, error: "over" });
    expect(await w.service.list(GUILD)).toEqual([]);
  });

  it("RSVPs: going, maybe, no, and ready", async () => {
    const [s] = await w.schedule({ parts: "rails", when: "in 2 hours" });
    expect(await w.service.rsvp(GUILD, s!.id, "u1", "going")).toMatchObject({ ok: true, counts: { going: 1, maybe: 0, no: 0 } });
    expect(await w.service.rsvp(GUILD, s!.id, "u2", "maybe")).toMatchObject({ ok: true, counts: { going: 1, maybe: 1, no: 0 } });
    expect(await w.service.rsvp(GUILD, s!.id, "u1", "no")).toMatchObject({ ok: true, counts: { going: 0, maybe: 1, no: 1 } });
    expect(await w.service.ready(GUILD, s!.id, "u3")).toMatchObject({ ok: true, ready: 1, going: 1 });
  });
});
