import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AnnounceError } from "../../../src/announcer.js";
import { reconcileScheduledEvents } from "../../../src/watchalong/reconcile.js";
import { ANNOUNCE_CHANNEL, CHANNEL, GUILD, HOST, HOUR, MIN, ROLE, T0, textOf, world, type World } from "./runner-harness.js";

let w: World;
beforeEach(async () => {
  w = await world();
});
afterEach(async () => {
  await w.close();
});

describe("a whole part", () => {
  it("announces, reminds, gets ready, starts, checks in, breaks, ends and asks to discuss, in order", async () => {
    const [session] = await w.schedule({ parts: "rust", when: "in 2 hours" });
    const start = T0 + 2 * HOUR;
    await w.store.rsvps.set({ sessionId: session!.id, guildId: GUILD, userId: HOST, status: "going" });
    const ran = await w.runUntil(start + 6 * HOUR);
    expect(ran).toEqual([
      "watch:announce",
      "s1:reminder:1h",
      "s1:reminder:10m",
      "s1:get-ready",
      "s1:start",
      "s1:checkpoint:60",
      "s1:intermission:start:1",
      "s1:intermission:end:1",
      "s1:checkpoint:180",
      "s1:end",
      "s1:discussion",
    ]);
    const calls = w.announcer.calls.map((c) => {
      switch (c.op) {
        case "send":
          return `${(c.at - start) / MIN} send ${c.channelId === CHANNEL ? "channel" : c.channelId}`;
        case "thread":
          return `${(c.at - start) / MIN} thread`;
        case "createEvent":
          return `${(c.at - start) / MIN} createEvent`;
        case "updateEvent":
          return `${(c.at - start) / MIN} updateEvent ${c.body.status}`;
        default:
          return `${(c.at - start) / MIN} ${c.op}`;
      }
    });
    expect(calls).toEqual([
      "-120 send channel",
      "-120 createEvent",
      "-60 send channel",
      "-10 send channel",
      "-5 send channel",
      "-5 thread",
      "0 updateEvent 2",
      "0 edit",
      "0 send t6",
      "60 send t6",
      "120 send t6",
      "130 send t6",
      "190 send t6",
      "250 send t6",
      "250 updateEvent 3",
      "250 edit",
      "250 send t6",
    ]);
    const sends = w.announcer.sends();
    expect(textOf(sends[3]!.message)).toContain(`<t:${start / 1000}:T>`);
    expect(textOf(sends[4]!.message)).toContain("Press play now");
    expect(textOf(sends[5]!.message)).toContain("1:00:00");
    expect(textOf(sends[6]!.message)).toContain("Intermission");
    expect(textOf(sends[6]!.message)).toContain(`<t:${(start + 130 * MIN) / 1000}:T>`);
    expect(textOf(sends[10]!.message)).toContain("Let's talk about");
    expect(w.watched).toEqual([{ guildId: GUILD, channelId: CHANNEL, partId: "rust" }]);
    expect([...(await w.store.progress.watched(GUILD))]).toEqual(["rust"]);
    expect((await w.session(session!.id)).status).toBe("ended");
  });
});

const sendsIn = (w: World, channelId: string) => w.announcer.sends().filter((s) => s.channelId === channelId);
const threads = (w: World) => w.announcer.calls.filter((c) => c.op === "thread");

describe("a three-part marathon", () => {
  it("plays Rust, a meal break, Remnants, a short break and Rails, each part in its own thread", async () => {
    const sessions = await w.schedule({ parts: "all", when: "in 2 hours", checkpointsMin: 0 });
    expect(sessions.map((s) => s.partId)).toEqual(["rust", "remnants", "rails"]);
    const ran = await w.runUntil(T0 + 24 * HOUR);
    const starts = ran.filter((k) => k.endsWith(":start"));
    expect(starts).toEqual(["s1:start", "s2:start", "s3:start"]);
    expect(ran.filter((k) => k.endsWith(":break"))).toEqual(["s1:break", "s2:break"]);
    expect(threads(w)).toHaveLength(3);
    const breakPost = sendsIn(w, CHANNEL).find((s) => textOf(s.message).includes("Meal break"))!;
    const s2 = await w.session(sessions[1]!.id);
    expect(textOf(breakPost.message)).toContain(`<t:${s2.startsAt / 1000}:F>`);
    expect(w.watched.map((x) => x.partId)).toEqual(["rust", "remnants", "rails"]);
    for (const s of sessions) expect((await w.session(s.id)).status).toBe("ended");
    expect((await w.store.sessions.getSeries(sessions[0]!.seriesId!))!.status).toBe("ended");
    expect(w.announcer.calls.filter((c) => c.op === "createEvent")).toHaveLength(3);
    expect(w.announcer.calls.filter((c) => c.op === "updateEvent").map((c) => (c.op === "updateEvent" ? c.body.status : 0))).toEqual([2, 3, 2, 3, 2, 3]);
  });
});

describe("pause, resume and delay", () => {
  it("pause holds every later moment; resume shifts them by the pause", async () => {
    const [s] = await w.schedule({ parts: "rails", when: "in 2 hours", checkpointsMin: 30 });
    const start = T0 + 2 * HOUR;
    await w.runUntil(start + 10 * MIN);
    expect((await w.service.pause(GUILD, s!.id)).ok).toBe(true);
    const before = w.announcer.sends().length;
    await w.runUntil(start + 40 * MIN);
    expect(w.announcer.sends().length).toBe(before);
    const status = await w.service.status(GUILD, s!.id);
    expect(status.ok && status.status.position.phase).toBe("paused");
    expect(status.ok && status.status.position.filmOffsetMs).toBe(10 * MIN);
    const resumed = await w.service.resume(GUILD, s!.id);
    expect(resumed.ok && resumed.pausedMs).toBe(30 * MIN);
    await w.runUntil(start + 6 * HOUR);
    const at = (key: string) => w.announcer.sends().find((x) => x.key.endsWith(key))!.at - start;
    expect(at(":s1:checkpoint:30")).toBe(60 * MIN);
    expect(at(":s1:end")).toBe((135 + 30) * MIN);
  });

  it("delay before the start moves the start, the reminders still to come and the event", async () => {
    const [s] = await w.schedule({ parts: "rails", when: "in 2 hours", checkpointsMin: 0 });
    const start = T0 + 2 * HOUR;
    await w.runUntil(start - 30 * MIN);
    const delayed = await w.service.delay(GUILD, s!.id, 15);
    expect(delayed.ok && delayed.startsAt).toBe(start + 15 * MIN);
    await w.runUntil(start + 6 * HOUR);
    const at = (key: string) => w.announcer.sends().find((x) => x.key.endsWith(key))!.at - start;
    expect(at(":s1:reminder:1h")).toBe(-60 * MIN);
    expect(at(":s1:reminder:10m")).toBe(5 * MIN);
    expect(at(":s1:start")).toBe(15 * MIN);
    // The announcement shows the new time right away.
    const edit = w.announcer.calls.find((c) => c.op === "edit" && c.at === start - 30 * MIN);
    expect(edit && edit.op === "edit" && textOf(edit.message)).toContain(`<t:${(start + 15 * MIN) / 1000}:F>`);
    const retime = w.announcer.calls.find((c) => c.op === "updateEvent" && c.body.scheduled_start_time);
    expect(retime && retime.op === "updateEvent" && retime.body.scheduled_start_time).toBe(new Date(start + 15 * MIN).toISOString());
  });

  it("delay while playing is a pause of that length", async () => {
    const [s] = await w.schedule({ parts: "rails", when: "in 2 hours", checkpointsMin: 30 });
    const start = T0 + 2 * HOUR;
    await w.runUntil(start + 10 * MIN);
    expect((await w.service.delay(GUILD, s!.id, 5)).ok).toBe(true);
    await w.runUntil(start + 6 * HOUR);
    const at = (key: string) => w.announcer.sends().find((x) => x.key.endsWith(key))!.at - start;
    expect(at(":s1:checkpoint:30")).toBe(35 * MIN);
  });

  it("the host can end a part early: end and discussion now, nothing after", async () => {
    const [s] = await w.schedule({ parts: "rails", when: "in 2 hours", checkpointsMin: 30 });
    const start = T0 + 2 * HOUR;
    await w.runUntil(start + 45 * MIN);
    expect((await w.service.end(GUILD, s!.id)).ok).toBe(true);
    const ran = await w.runUntil(start + 6 * HOUR);
    expect(ran).toEqual(["s1:end", "s1:discussion"]);
    const end = w.announcer.sends().find((x) => x.key.endsWith(":s1:end"))!;
    expect(end.at).toBe(start + 45 * MIN);
    expect(textOf(end.message)).toContain("0:45:00");
    expect((await w.session(s!.id)).status).toBe("ended");
  });
});

describe("cancel", () => {
  it("stops everything, cancels the events, updates the announcement and tells the channel", async () => {
    const [s] = await w.schedule({ parts: "all", when: "in 2 hours" });
    await w.runUntil(T0 + 30 * MIN);
    const before = w.announcer.sends().length;
    const r = await w.service.cancel(GUILD, s!.id, HOST);
    expect(r.ok && r.cancelled).toHaveLength(3);
    await w.runUntil(T0 + 24 * HOUR);
    const after = w.announcer.sends().slice(before);
    expect(after).toHaveLength(1);
    expect(textOf(after[0]!.message)).toContain("cancelled");
    expect(after[0]!.message.allowed_mentions).toEqual({ parse: [] });
    expect(w.announcer.calls.filter((c) => c.op === "updateEvent").map((c) => (c.op === "updateEvent" ? c.body.status : 0))).toEqual([4, 4, 4]);
    const edit = w.announcer.calls.find((c) => c.op === "edit");
    expect(edit && edit.op === "edit" && edit.message.components).toEqual([]);
    expect(await w.store.jobs.listForGuild(GUILD)).toEqual([]);
  });
});

describe("mentions", () => {
  it("reminders ping only the members who are going, explicitly", async () => {
    const [s] = await w.schedule({ parts: "rails", when: "in 2 hours" });
    await w.store.rsvps.set({ sessionId: s!.id, guildId: GUILD, userId: "u1", status: "going" });
    await w.store.rsvps.set({ sessionId: s!.id, guildId: GUILD, userId: "u2", status: "maybe" });
    await w.store.rsvps.set({ sessionId: s!.id, guildId: GUILD, userId: "u3", status: "going" });
    await w.runUntil(T0 + 6 * HOUR);
    const reminder = w.announcer.sends().find((x) => x.key.endsWith(":s1:reminder:1h"))!;
    expect(reminder.message.allowed_mentions).toEqual({ users: ["u1", "u3"] });
    expect(reminder.message.content).toBe("<@u1> <@u3>");
    const getReady = w.announcer.sends().find((x) => x.key.endsWith(":s1:get-ready"))!;
    expect(getReady.message.allowed_mentions).toEqual({ users: ["u1", "u3"] });
    for (const post of w.announcer.sends()) {
      const am = post.message.allowed_mentions;
      expect(am, post.key).toBeDefined();
      expect(JSON.stringify(am)).not.toContain("everyone");
      if (!/reminder|get-ready/.test(post.key)) expect(am, post.key).toEqual({ parse: [] });
    }
  });

  it("with a ping role, only that role", async () => {
    await w.schedule({ parts: "rails", when: "in 2 hours", pingRoleId: ROLE, title: "@everyone <@&1> party" });
    await w.runUntil(T0 + 6 * HOUR);
    const reminder = w.announcer.sends().find((x) => x.key.endsWith(":s1:reminder:10m"))!;
    expect(reminder.message.allowed_mentions).toEqual({ roles: [ROLE] });
    expect(reminder.message.content).toBe(`<@&${ROLE}>`);
    expect(textOf(reminder.message)).not.toContain("@everyone");
  });

  it("many going members: at most 80 mentions a message", async () => {
    const [s] = await w.schedule({ parts: "rails", when: "in 2 hours" });
    for (let i = 0; i < 170; i++) await w.store.rsvps.set({ sessionId: s!.id, guildId: GUILD, userId: `u${i}`, status: "going" });
    await w.runUntil(T0 + 61 * MIN);
    const pings = w.announcer.sends().filter((x) => x.key.includes(":s1:reminder:1h"));
    expect(pings.map((p) => (p.message.allowed_mentions?.users ?? []).length)).toEqual([80, 80, 10]);
    for (const p of pings) expect(p.message.content!.length).toBeLessThanOrEqual(2000);
  });
});

describe("restarts and downtime", () => {
  it("a restart mid-part continues without double posts (stable idempotency keys)", async () => {
    const [s] = await w.schedule({ parts: "rust", when: "in 2 hours" });
    const start = T0 + 2 * HOUR;
    await w.runUntil(start + 59 * MIN);
    // The bot dies while posting the 1:00:00 checkpoint: the message went out, the job was not finished.
    w.clock.set(start + 60 * MIN);
    const [claimed] = await w.store.jobs.claimDue(w.clock.now(), { owner: "dead-bot", leaseMs: 2 * MIN, limit: 1 });
    expect((claimed!.payload as { key: string }).key).toBe("s1:checkpoint:60");
    await w.announcer.send(`t6`, { content: "checkpoint" }, `watch:${s!.id}:s1:checkpoint:60`);
    w.restart();
    await w.runUntil(start + 6 * HOUR);
    const keys = w.announcer.sends().map((x) => x.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((k) => k.endsWith(":s1:checkpoint:60"))).toHaveLength(1);
    expect(keys.filter((k) => k.endsWith(":s1:end"))).toHaveLength(1);
    expect((await w.session(s!.id)).status).toBe("ended");
  });

  it("back within the grace: the missed post goes out, flagged late", async () => {
    await w.schedule({ parts: "rails", when: "in 2 hours", checkpointsMin: 0 });
    const start = T0 + 2 * HOUR;
    await w.runUntil(start - 1 * MIN);
    w.clock.set(start + 4 * MIN);
    await w.tick();
    const startPost = w.announcer.sends().find((x) => x.key.endsWith(":s1:start"))!;
    expect(textOf(startPost.message)).toContain("posted late");
  });

  it("back after the grace: one 'we are back' status replaces the missed posts", async () => {
    const [s] = await w.schedule({ parts: "rails", when: "in 2 hours", checkpointsMin: 30 });
    const start = T0 + 2 * HOUR;
    await w.runUntil(start - 61 * MIN); // the 1h reminder went out, then the bot went down
    const before = w.announcer.sends().length;
    w.clock.set(start + 72 * MIN);
    await w.tick();
    const posted = w.announcer.sends().slice(before);
    expect(posted).toHaveLength(1);
    expect(textOf(posted[0]!.message)).toContain("1:12:00");
    expect((await w.session(s!.id)).status).toBe("running");
    expect(w.announcer.calls.some((c) => c.op === "updateEvent" && Number(c.body.status) === 2)).toBe(true);
    await w.runUntil(start + 91 * MIN);
    expect(textOf(w.announcer.sends().at(-1)!.message)).toContain("1:30:00");
  });
});

describe("Discord faults", () => {
  it("a deleted channel cancels the party and tells the host in the club's announcement channel", async () => {
    await w.store.settings.update(GUILD, { announceChannelId: ANNOUNCE_CHANNEL });
    const [s] = await w.schedule({ parts: "all", when: "in 2 hours" });
    await w.runUntil(T0 + 30 * MIN);
    w.announcer.failIn.set(CHANNEL, new AnnounceError("unknown-channel", "Unknown Channel", 404, 10003));
    await w.runUntil(T0 + 24 * HOUR);
    for (const x of await w.store.sessions.listForSeries(s!.seriesId!)) expect(x.status).toBe("cancelled");
    const notice = sendsIn(w, ANNOUNCE_CHANNEL);
    expect(notice).toHaveLength(1);
    expect(notice[0]!.message.allowed_mentions).toEqual({ users: [HOST] });
    expect(await w.store.jobs.listForGuild(GUILD)).toEqual([]);
    expect(w.failed).toEqual([]);
  });

  it("missing access is retried, then the job fails and the host is told", async () => {
    await w.store.settings.update(GUILD, { announceChannelId: ANNOUNCE_CHANNEL });
    await w.schedule({ parts: "rails", when: "in 2 hours" });
    await w.runUntil(T0 + 30 * MIN);
    w.announcer.failIn.set(CHANNEL, new AnnounceError("missing-access", "Missing Access", 403, 50001));
    await w.runUntil(T0 + 65 * MIN);
    expect(w.failed.map((f) => (f.job.payload as { key: string }).key)).toEqual(["s1:reminder:1h"]);
    const notice = sendsIn(w, ANNOUNCE_CHANNEL);
    expect(notice).toHaveLength(1);
    expect(textOf(notice[0]!.message)).toContain("missing access");
  });

  it("a deleted thread: posts go on in the channel", async () => {
    await w.schedule({ parts: "rails", when: "in 2 hours", checkpointsMin: 30 });
    const start = T0 + 2 * HOUR;
    await w.runUntil(start + 1 * MIN);
    const thread = threads(w)[0]!;
    w.announcer.failIn.set(thread.op === "thread" ? thread.threadId : "", new AnnounceError("unknown-channel", "Unknown Channel", 404, 10003));
    await w.runUntil(start + 31 * MIN);
    const last = w.announcer.sends().at(-1)!;
    expect(last.channelId).toBe(CHANNEL);
    expect(last.key).toContain(":s1:checkpoint:30");
  });
});

describe("reconciliation at start", () => {
  it("a deleted event cancels its session and tells the host; a moved one moves the session", async () => {
    const [rust, remnants, rails] = await w.schedule({ parts: "all", when: "tomorrow 18:00", cadence: "weekly", checkpointsMin: 0 });
    await w.tick(); // announcement and events
    const eventOf = async (id: string) => (await w.session(id)).scheduledEventId!;
    // While the bot was down, someone deleted Remnants' event and moved Rust's by half an hour.
    w.announcer.events.delete(await eventOf(remnants!.id));
    const rustEvent = w.announcer.events.get(await eventOf(rust!.id))!;
    const oldStart = Date.parse(rustEvent.scheduledStartTime);
    w.announcer.events.set(await eventOf(rust!.id), { ...rustEvent, scheduledStartTime: new Date(oldStart + 30 * MIN).toISOString() });
    w.restart();
    const report = await reconcileScheduledEvents({ ...w.deps, enqueue: (j) => w.store.jobs.enqueue(j) }, w.clock.now());
    expect(report.checked).toBe(3);
    expect(report.cancelled.map((c) => c.sessionId)).toEqual([remnants!.id]);
    expect(report.moved).toEqual([{ sessionId: rust!.id, from: oldStart, to: oldStart + 30 * MIN }]);
    expect((await w.session(remnants!.id)).status).toBe("cancelled");
    expect((await w.session(rust!.id)).startsAt).toBe(oldStart + 30 * MIN);
    expect((await w.session(rails!.id)).status).toBe("scheduled");
    const notes = w.announcer.sends().filter((s) => s.message.allowed_mentions?.users?.includes(HOST));
    expect(notes.map((n) => textOf(n.message))).toEqual([expect.stringContaining("moved by hand"), expect.stringContaining("was deleted")]);
    // The announcement follows: Rust at its new time, Remnants marked cancelled.
    const editsBefore = w.announcer.calls.filter((c) => c.op === "edit").length;
    await w.tick();
    const edits = w.announcer.calls.filter((c) => c.op === "edit").slice(editsBefore);
    const latest = edits.at(-1);
    expect(latest && latest.op === "edit" && textOf(latest.message)).toContain(`<t:${(oldStart + 30 * MIN) / 1000}:F>`);
    expect(latest && latest.op === "edit" && textOf(latest.message)).toMatch(/Remnants[^]*Cancelled[^]*Rails/);
    // Reconciling again finds nothing to do.
    const again = await reconcileScheduledEvents(w.deps, w.clock.now());
    expect(again.cancelled).toEqual([]);
    expect(again.moved).toEqual([]);
    // The moved part starts at its new time; the cancelled one never posts.
    const ran = await w.runUntil(oldStart + 31 * MIN);
    expect(ran).toContain("s1:start");
    const startPost = w.announcer.sends().find((s) => s.key.endsWith(":s1:start"))!;
    expect(startPost.at).toBe(oldStart + 30 * MIN);
    await w.runUntil(oldStart + 8 * 24 * HOUR);
    expect(w.announcer.sends().some((s) => s.key.startsWith(`watch:${remnants!.id}:s2:`))).toBe(false);
  });
});
