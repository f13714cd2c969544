import { PermissionFlagsBits } from "discord-api-types/v10";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { westofthetracks } from "../../../commands/westofthetracks.js";
import { watchCancelButtons, watchConfirmButtons, watchRsvpButtons } from "../../../commands/westofthetracks/watchparty.js";
import { t } from "../../../src/i18n/index.js";
import type { BotServices } from "../../../src/services.js";
import { manualClock, type ManualClock } from "../../../src/watchalong/clock.js";
import { createWatchService, type SessionState } from "../../../src/watchalong/service.js";
import { offlineAutocomplete, offlineCommand, offlineComponent, offlineServices, stubInspector, type OfflineInput } from "../../../bench/lib/offline.js";
import { ALL_NEEDED, userErrorOf } from "./helpers.js";

const GUILD = "100000000000000001";
const HERE = "200000000000000001";
const READ_ONLY = "500000000000000002";
const VOICE = "500000000000000003";
const ELSEWHERE = "500000000000000004";
const HOSTS = "600000000000000001";
const PING = "600000000000000002";
const LOCKED = "600000000000000003";
const HOST = "300000000000000001";
const MEMBER = "300000000000000002";
const T0 = Date.UTC(2026, 0, 5, 18, 0, 0);

let services: BotServices;
let clock: ManualClock;
beforeEach(async () => {
  clock = manualClock(T0);
  services = await offlineServices({
    guilds: stubInspector({
      channels: {
        [HERE]: { kind: "text", botPermissions: ALL_NEEDED },
        [READ_ONLY]: { kind: "text", botPermissions: PermissionFlagsBits.ViewChannel },
        [VOICE]: { kind: "voice", botPermissions: ALL_NEEDED },
        [ELSEWHERE]: { kind: "text", botPermissions: ALL_NEEDED },
      },
      roles: { [HOSTS]: {}, [PING]: {}, [LOCKED]: { mentionable: false }, [GUILD]: { everyone: true } },
    }),
  });
  const store = services.store;
  services.watch = createWatchService({ store, knowledge: services.knowledge, clock, logger: services.logger, enqueue: (j) => store.jobs.enqueue(j) });
  await store.settings.update(GUILD, { hostRoleId: HOSTS });
});
afterEach(async () => {
  await services.store.close();
});

const asHost = { memberRoleIds: [HOSTS], userId: HOST };

function command(subcommand: string, options: OfflineInput["options"] = {}, extra: Partial<OfflineInput> = {}) {
  const { ctx, sent } = offlineCommand({ services, group: "watchparty", subcommand, options, ...extra });
  return { ctx, sent, run: () => westofthetracks.execute(ctx) };
}

function draftIdOf(sent: ReturnType<typeof command>["sent"]): string {
  const last = sent[sent.length - 1]!;
  const id = last.payload.components?.[0]?.components[0];
  const customId = id && "custom_id" in id ? id.custom_id : "";
  return customId.split(":")[2] ?? "";
}

async function previewAndConfirm(options: OfflineInput["options"] = { part: "rails", when: "in 2 hours", timezone: "UTC" }) {
  const c = command("schedule", options, asHost);
  await c.run();
  const draftId = draftIdOf(c.sent);
  const b = offlineComponent({ services, args: [draftId, "yes"], ...asHost });
  await watchConfirmButtons.execute(b.ctx);
  return { preview: c.sent, confirm: b.sent };
}

describe("watchparty schedule", () => {
  it("shows an ephemeral preview first and schedules only on Confirm", async () => {
    const c = command("schedule", { part: "all", when: "in 2 hours", timezone: "UTC", title: "Friday @everyone night" }, asHost);
    await c.run();
    expect(c.sent.map((s) => s.method)).toEqual(["defer", "send"]);
    const preview = c.sent[1]!.payload;
    expect(preview.ephemeral).toBe(true);
    const text = JSON.stringify(preview.embeds);
    expect(text).toContain(`<t:${(T0 + 2 * 3_600_000) / 1000}:F>`);
    expect(text).toContain(`<t:${(T0 + 2 * 3_600_000) / 1000}:R>`);
    expect(text).toContain("intermission");
    expect(text).not.toContain("@everyone");
    expect(text).toContain("Manage Events"); // no Manage Events: said so, carries on
    expect(await services.store.sessions.listUpcoming(GUILD)).toEqual([]);

    const draftId = draftIdOf(c.sent);
    expect(draftId).toMatch(/^[0-9a-z]{8}$/);
    const b = offlineComponent({ services, args: [draftId, "yes"], ...asHost });
    await watchConfirmButtons.execute(b.ctx);
    expect(b.sent[0]!.method).toBe("update");
    expect(b.sent[0]!.payload.content).toContain(`<#${HERE}>`);
    const sessions = await services.store.sessions.listUpcoming(GUILD);
    expect(sessions.map((s) => s.partId)).toEqual(["rust", "remnants", "rails"]);
    expect((sessions[0]!.plan as SessionState).createEvent).toBe(false);

    // A second press finds the plan gone; nothing is scheduled twice.
    const again = offlineComponent({ services, args: [draftId, "yes"], ...asHost });
    expect((await userErrorOf(() => watchConfirmButtons.execute(again.ctx))).key).toBe("watch.error.draft-gone");
    expect(await services.store.sessions.listUpcoming(GUILD)).toHaveLength(3);
  });

  it("creates Scheduled Events when the bot has Manage Events", async () => {
    const c = command("schedule", { part: "rails", when: "in 2 hours", timezone: "UTC", voice: VOICE }, asHost);
    c.ctx.appPermissions = PermissionFlagsBits.ManageEvents;
    await c.run();
    expect(JSON.stringify(c.sent[1]!.payload.embeds)).not.toContain("Manage Events");
    const b = offlineComponent({ services, args: [draftIdOf(c.sent), "yes"], ...asHost });
    await watchConfirmButtons.execute(b.ctx);
    const [session] = await services.store.sessions.listUpcoming(GUILD);
    expect((session!.plan as SessionState).createEvent).toBe(true);
    expect((session!.plan as SessionState).voiceChannelId).toBe(VOICE);
  });

  it("Cancel on the preview schedules nothing", async () => {
    const c = command("schedule", { part: "rails", when: "in 2 hours" }, asHost);
    await c.run();
    const b = offlineComponent({ services, args: [draftIdOf(c.sent), "no"], ...asHost });
    await watchConfirmButtons.execute(b.ctx);
    expect(b.sent[0]!.payload.content).toBe(t("en", "watch.discarded"));
    expect(await services.store.sessions.listUpcoming(GUILD)).toEqual([]);
  });

  it("refuses bad input with a clear message and changes nothing", async () => {
    const cases: [OfflineInput["options"], string][] = [
      [{ part: "rails", when: "yesterday 8pm", timezone: "UTC" }, "watch.error.past"],
      [{ part: "rails", when: "banana" }, "watch.error.not-a-time"],
      [{ part: "rails", when: "saturday" }, "watch.error.missing-time"],
      [{ part: "rails", when: "in 2 hours", timezone: "Mars/Olympus" }, "watch.error.bad-zone"],
      [{ part: "rails", when: "in 2 hours", cadence: "cron" }, "watch.error.cron-missing"],
      [{ part: "all", when: "in 2 hours", cadence: "cron", cron: "not cron" }, "watch.error.bad-cron"],
      [{ part: "all", when: "in 2 hours", cron: "*/5 * * * *" }, "watch.error.cron-too-frequent"],
      [{ part: "rails", when: "2026-03-29 02:30", timezone: "Europe/Berlin" }, "watch.error.dst-gap"],
      [{ part: "rails", when: "in 2 hours", intermission: "lots" }, "watch.error.bad-intermission"],
      [{ part: "rails", when: "in 2 hours", edition: "nope" }, "watch.error.bad-edition"],
      [{ part: "all", when: "in 2 hours", runtime: 100 }, "watch.error.bad-runtime"],
      [{ part: "rails", when: "in 2 hours", channel: READ_ONLY }, "watch.error.channelMissing"],
      [{ part: "rails", when: "in 2 hours", channel: VOICE }, "watch.error.channelType"],
      [{ part: "rails", when: "in 2 hours", voice: HERE }, "watch.error.voiceType"],
      [{ part: "rails", when: "in 2 hours", ping: GUILD }, "watch.error.pingRole"],
      [{ part: "rails", when: "in 2 hours", ping: LOCKED }, "watch.error.pingRoleLocked"],
    ];
    for (const [options, key] of cases) {
      const c = command("schedule", options, asHost);
      const error = await userErrorOf(c.run);
      expect(error.key, JSON.stringify(options)).toBe(key);
      // Every message exists in both languages, placeholders filled.
      expect(t("zh-CN", error.key, error.params)).not.toMatch(/\{\w+\}/);
    }
    expect(await services.store.jobs.listForGuild(GUILD)).toEqual([]);
  });

  it("lets a host have a locked role pinged only where they could ping it themselves", async () => {
    // Typed here, where the host may mention everyone, for reminders elsewhere, where they may not.
    const options = { part: "rails", when: "in 2 hours", timezone: "UTC", ping: LOCKED, channel: ELSEWHERE };
    const mayHere = { ...asHost, memberPermissions: PermissionFlagsBits.MentionEveryone, memberPermissionsIn: { [ELSEWHERE]: PermissionFlagsBits.ViewChannel } };
    expect((await userErrorOf(command("schedule", options, mayHere).run)).key).toBe("watch.error.pingRoleLocked");
    // Mention Everyone in a channel the host cannot see counts for nothing, nor do permissions the bot cannot tell.
    const blind = { ...asHost, memberPermissions: 0n, memberPermissionsIn: { [ELSEWHERE]: PermissionFlagsBits.MentionEveryone } };
    expect((await userErrorOf(command("schedule", options, blind).run)).key).toBe("watch.error.pingRoleLocked");
    const unknown = { ...asHost, memberPermissions: PermissionFlagsBits.MentionEveryone };
    expect((await userErrorOf(command("schedule", options, unknown).run)).key).toBe("watch.error.pingRoleLocked");
    // And the other way round.
    const may = PermissionFlagsBits.MentionEveryone | PermissionFlagsBits.ViewChannel;
    const c = command("schedule", options, { ...asHost, memberPermissions: 0n, memberPermissionsIn: { [ELSEWHERE]: may } });
    await c.run();
    expect(draftIdOf(c.sent)).not.toBe("");
  });

  it("names the first valid time after a DST gap", async () => {
    const c = command("schedule", { part: "rails", when: "2026-03-29 02:30", timezone: "Europe/Berlin" }, asHost);
    const error = await userErrorOf(c.run);
    // 03:00 CEST = 01:00 UTC
    expect(String(error.params?.suggestion)).toContain(`<t:${Date.UTC(2026, 2, 29, 1, 0) / 1000}:F>`);
  });

  it("refuses a party overlapping another in the same channel", async () => {
    await previewAndConfirm();
    const error = await userErrorOf(command("schedule", { part: "rust", when: "in 3 hours", timezone: "UTC" }, asHost).run);
    expect(error.key).toBe("watch.error.overlap");
  });

  it("is for hosts only (host role from the club's settings, Manage Events, Manage Server)", async () => {
    const error = await userErrorOf(command("schedule", { part: "rails", when: "in 2 hours" }, { userId: MEMBER }).run);
    expect(error.key).toBe("error.missingPermission");
    await command("schedule", { part: "rails", when: "in 2 hours" }, { userId: MEMBER, memberPermissions: PermissionFlagsBits.ManageEvents }).run();
  });

  it("is refused in DMs", async () => {
    expect((await userErrorOf(command("list", {}, { guildId: null }).run)).key).toBe("error.guildOnly");
  });
});

describe("watchparty after scheduling", () => {
  it("RSVP buttons update the counts on the announcement; Ready answers privately", async () => {
    await previewAndConfirm();
    const [session] = await services.store.sessions.listUpcoming(GUILD);
    const b = offlineComponent({ services, args: [session!.id, "going"], userId: MEMBER });
    await watchRsvpButtons.execute(b.ctx);
    expect(b.sent.map((s) => s.method)).toEqual(["update", "followUp"]);
    expect(JSON.stringify(b.sent[0]!.payload.embeds)).toContain("1 going");
    expect(b.sent[1]!.payload.ephemeral).toBe(true);
    const ready = offlineComponent({ services, args: [session!.id, "ready"], userId: MEMBER });
    await watchRsvpButtons.execute(ready.ctx);
    expect(ready.sent[0]!.payload.content).toContain("1 of 1");
    expect(await services.store.rsvps.counts({ sessionId: session!.id })).toEqual({ going: 1, maybe: 0, no: 0 });
  });

  it("list, status and whereami are for everyone", async () => {
    await previewAndConfirm();
    const list = command("list", {}, { userId: MEMBER });
    await list.run();
    expect(list.sent.map((x) => x.method)).toEqual(["defer", "send"]);
    expect(JSON.stringify(list.sent[1]!.payload.embeds)).toContain("Rails");
    const status = command("status", {}, { userId: MEMBER });
    await status.run();
    expect(JSON.stringify(status.sent[1]!.payload.embeds)).toContain("Not started");
    const where = command("whereami", {}, { userId: MEMBER });
    await where.run();
    expect(where.sent[1]!.payload.content).toContain(`<t:${(T0 + 2 * 3_600_000) / 1000}:F>`);
  });

  it("a session of another server is refused", async () => {
    await previewAndConfirm();
    const [session] = await services.store.sessions.listUpcoming(GUILD);
    const error = await userErrorOf(command("status", { party: session!.id }, { guildId: "100000000000000002" }).run);
    expect(error.key).toBe("watch.error.wrong-guild");
    expect((await userErrorOf(command("status", { party: "zzzzzzzz" }).run)).key).toBe("watch.error.not-found");
  });

  it("delay and pause are for hosts; delay moves the start", async () => {
    await previewAndConfirm();
    expect((await userErrorOf(command("delay", { minutes: 10 }, { userId: MEMBER }).run)).key).toBe("error.missingPermission");
    const d = command("delay", { minutes: 10 }, asHost);
    await d.run();
    expect(d.sent[0]!.payload.ephemeral).toBe(false);
    expect(d.sent[1]!.payload.content).toContain(`<t:${(T0 + 2 * 3_600_000 + 600_000) / 1000}:F>`);
    expect((await userErrorOf(command("pause", {}, asHost).run)).key).toBe("watch.error.not-running");
  });

  it("cancel asks first, then cancels the whole party", async () => {
    await previewAndConfirm();
    const c = command("cancel", {}, asHost);
    await c.run();
    expect(c.sent[1]!.payload.ephemeral).toBe(true);
    const [session] = await services.store.sessions.listUpcoming(GUILD);
    const b = offlineComponent({ services, args: [session!.id, "yes"], ...asHost });
    await watchCancelButtons.execute(b.ctx);
    expect(b.sent[0]!.payload.content).toBe(t("en", "watch.cancel.done"));
    expect(await services.store.sessions.listUpcoming(GUILD)).toEqual([]);
  });

  it("calendar gives an .ics file with translated titles", async () => {
    await previewAndConfirm({ part: "all", when: "in 2 hours", timezone: "UTC" });
    const c = command("calendar", {}, { locale: "zh-CN" });
    await c.run();
    const file = c.sent[1]!.payload.files?.[0];
    expect(file?.name).toMatch(/\.ics$/);
    const ics = file!.data.toString("utf8");
    expect(ics).toContain("BEGIN:VCALENDAR");
    expect(ics).toContain("工厂");
    expect(ics.match(/BEGIN:VEVENT/g)!.length).toBeGreaterThanOrEqual(5);
  });

  it("autocompletes parties, editions and zones", async () => {
    await previewAndConfirm();
    const party = offlineAutocomplete({ services, group: "watchparty", subcommand: "status", focused: { name: "party", value: "" } });
    await westofthetracks.autocomplete!(party.ctx);
    expect(party.choices[0]!.length).toBe(1);
    const edition = offlineAutocomplete({ services, group: "watchparty", subcommand: "schedule", focused: { name: "edition", value: "fest" } });
    await westofthetracks.autocomplete!(edition.ctx);
    expect(edition.choices[0]!.map((c) => c.value)).toEqual(["festival"]);
    const zone = offlineAutocomplete({ services, group: "watchparty", subcommand: "schedule", focused: { name: "timezone", value: "berlin" } });
    await westofthetracks.autocomplete!(zone.ctx);
    expect(zone.choices[0]!.map((c) => c.value)).toContain("Europe/Berlin");
  });
});
