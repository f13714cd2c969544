import { GuildScheduledEventStatus, PermissionFlagsBits } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { answerOf, expectNoFindings, startWorld, textOf } from "./harness.js";
import { buttonId, posts, schedule, waitFor, watch } from "./watch-helpers.js";

describe("watch-along permissions, read from the server", () => {
  it("lets a host have a role nobody may mention pinged only in a channel where they may mention everyone", { timeout: 60_000 }, async () => {
    const world = await startWorld();
    try {
      const locked = world.emu.createRole(world.guildId, { name: "Night owls", permissions: 0n, mentionable: false });
      // The host may mention everyone in #announcements only (a member overwrite), not in #screenings.
      const announcements = world.emu.createChannel(world.guildId, {
        name: "announcements",
        permissionOverwrites: [{ id: world.hostId, type: 1, allow: PermissionFlagsBits.MentionEveryone }],
      });
      const options = { timezone: "UTC", part: "rails", when: "in 2 hours", ping: locked.id };
      // Typed in #screenings for #screenings: refused.
      const refused = await answerOf(watch(world, world.hostId, "schedule", options));
      expect(textOf(refused)).toContain("Only members who may mention that role");
      // Typed in #screenings for #announcements: the host may ping the role there.
      const preview = await answerOf(watch(world, world.hostId, "schedule", { ...options, channel: announcements.id }));
      expect(buttonId(preview, /^Confirm$/)).not.toBe("");
      expectNoFindings(world.emu);
    } finally {
      await world.close();
    }
  });
});

describe("watch-along through Discord, with the bot's clock sped up", () => {
  it("plays a whole part: RSVP, reminder pinging only who is going, the exact sequence of posts, the Scheduled Event", { timeout: 90_000 }, async () => {
    const world = await startWorld({ env: { CLOCK_SPEED: "600" } });
    try {
      const announcement = await schedule(world, { part: "rails", when: "in 20 minutes" });
      const going = world.emu.button({ user: world.memberId, message: announcement, customId: buttonId(announcement, /^Going/) });
      await going.response();

      const events = world.emu.scheduledEvents(world.guildId);
      expect(events).toHaveLength(1);

      const kinds = await waitFor(world, (k) => k.includes("discussion"), 60_000);
      expect(kinds).toEqual([
        "reminder",
        "get-ready",
        "start",
        "checkpoint 0:30:00",
        "checkpoint 1:00:00",
        "checkpoint 1:30:00",
        "checkpoint 2:00:00",
        "end",
        "discussion",
      ]);

      // The reminder pinged the member who said Going, and could ping nobody else.
      const reminder = posts(world).find((p) => p.kind === "reminder")!.message;
      const sent = await world.emu.waitForRequest((r) => r.method === "POST" && JSON.stringify(r.response ?? null).includes(reminder.id));
      const mentions = (sent.body as { allowed_mentions?: { parse?: string[]; users?: string[]; roles?: string[] } }).allowed_mentions;
      expect(mentions?.users).toEqual([world.memberId]);
      expect(mentions?.parse ?? []).toEqual([]);
      expect(mentions?.roles ?? []).toEqual([]);

      // The Scheduled Event went ACTIVE at the start and COMPLETED at the end.
      const statusChanges = world.emu.requests
        .filter((r) => r.method === "PATCH" && r.path.includes("/scheduled-events/"))
        .map((r) => (r.body as { status?: number }).status)
        .filter((s) => s !== undefined);
      expect(statusChanges).toEqual([GuildScheduledEventStatus.Active, GuildScheduledEventStatus.Completed]);
      expect(world.emu.scheduledEvents(world.guildId)[0]!.status).toBe(GuildScheduledEventStatus.Completed);

      // The club has now watched Rails.
      expect([...(await world.bot.store.progress.watched(world.guildId))]).toEqual(["rails"]);
      expectNoFindings(world.emu);
    } finally {
      await world.close();
    }
  });

  it("pauses, resumes with every later moment shifted, and cancels with nothing posted after", { timeout: 90_000 }, async () => {
    const world = await startWorld({ env: { CLOCK_SPEED: "600" } });
    try {
      await schedule(world, { part: "rails", when: "in 10 minutes" });
      await waitFor(world, (k) => k.includes("checkpoint 0:30:00"), 30_000);

      expect(textOf(await answerOf(watch(world, world.memberId, "pause")))).toMatch(/Manage Events/);
      await answerOf(watch(world, world.hostId, "pause"));
      await waitFor(world, (k) => k.includes("paused"), 10_000);
      const before = posts(world).length;
      await new Promise((r) => setTimeout(r, 4000)); // 40 virtual minutes: a checkpoint would have come
      expect(posts(world).length).toBe(before);

      await answerOf(watch(world, world.hostId, "resume"));
      const kinds = await waitFor(world, (k) => k.includes("checkpoint 1:00:00"), 30_000);
      // After the pause the film timeline carries on where it stopped: 1:00:00 follows 0:30:00.
      expect(kinds.slice(kinds.indexOf("paused"))).toEqual(["paused", "resumed", "checkpoint 1:00:00"]);

      const ask = await answerOf(watch(world, world.hostId, "cancel"));
      world.emu.button({ user: world.hostId, message: ask, customId: buttonId(ask, /cancel|Cancel/) });
      // Discord lets an ACTIVE event only be COMPLETED (not CANCELED): the live party's event ends.
      await expect
        .poll(() => world.emu.scheduledEvents(world.guildId)[0]?.status, { timeout: 10_000 })
        .toBe(GuildScheduledEventStatus.Completed);
      const after = posts(world).length;
      await new Promise((r) => setTimeout(r, 5000)); // 50 virtual minutes: nothing more
      expect(posts(world).length).toBe(after);
      expectNoFindings(world.emu);
    } finally {
      await world.close();
    }
  });

  it("delays a party before it starts: every moment moves, the start says the new time", { timeout: 90_000 }, async () => {
    const world = await startWorld({ env: { CLOCK_SPEED: "600" } });
    try {
      const announcement = await schedule(world, { part: "rails", runtime: 30, checkpoints: 0, when: "in 30 minutes" });
      const planned = Number(/<t:(\d+):/.exec(textOf(announcement))?.[1]);
      expect(planned).toBeGreaterThan(0);
      const reply = textOf(await answerOf(watch(world, world.hostId, "delay", { minutes: 20 })));
      expect(reply).toMatch(/Delayed 20 minutes/);
      await waitFor(world, (k) => k.includes("start"), 30_000);
      const start = posts(world).find((p) => p.kind === "start")!.message;
      expect(textOf(start)).toContain(`<t:${planned + 20 * 60}:T>`);
      expectNoFindings(world.emu);
    } finally {
      await world.close();
    }
  });

  it("runs a three-part marathon in order, with the festival breaks, and records every part as watched", async () => {
    const world = await startWorld({ env: { CLOCK_SPEED: "600" } });
    try {
      await schedule(world, { part: "all", when: "in 30 minutes", cadence: "marathon", checkpoints: 0 });
      const kinds = await waitFor(world, (k) => k.filter((x) => x === "discussion").length === 3, 150_000);
      // The festival plan: Rust in two halves (its break is the part's intermission), a meal break,
      // Remnants (an intermission near its middle), a short break, Rails.
      const milestones = kinds.filter((k) => ["start", "end", "meal-break", "short-break", "intermission"].includes(k));
      expect(milestones).toEqual(["start", "intermission", "end", "meal-break", "start", "intermission", "end", "short-break", "start", "end"]);
      const starts = posts(world).filter((p) => p.kind === "start").map((p) => textOf(p.message));
      expect(starts.map((t) => /Rust|Remnants|Rails/.exec(t)?.[0])).toEqual(["Rust", "Remnants", "Rails"]);
      expect([...(await world.bot.store.progress.watched(world.guildId))].sort()).toEqual(["rails", "remnants", "rust"]);
      expectNoFindings(world.emu);
    } finally {
      await world.close();
    }
  }, 180_000);
});
