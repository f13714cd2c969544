import { PermissionFlagsBits, type APIApplicationCommandOption, type LocalizationMap } from "discord-api-types/v10";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { westofthetracks } from "../../../commands/westofthetracks.js";
import { trivia, triviaButtons, triviaLeaderboardButtons } from "../../../commands/westofthetracks/trivia.js";
import { t } from "../../../src/i18n/index.js";
import type { BotServices } from "../../../src/services.js";
import { offlineCommand, offlineComponent, offlineServices, stubInspector, type OfflineInput } from "../../../bench/lib/offline.js";
import { CHANNEL, GUILD, T0, rightChoice, world, type World } from "../trivia/rounds-harness.js";
import { userErrorOf } from "./helpers.js";

const HOST_ROLE = "600000000000000001";
const STARTER = "300000000000000001";
const OTHER = "300000000000000002";
const ELSEWHERE = "500000000000000001";
const READ_ONLY = "500000000000000002";
const CAN_POST = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks;

let w: World;
let services: BotServices;
beforeEach(async () => {
  w = await world();
  services = await offlineServices({
    store: w.store,
    trivia: w.service,
    guilds: stubInspector({
      channels: {
        [ELSEWHERE]: { kind: "text", botPermissions: CAN_POST },
        [READ_ONLY]: { kind: "text", botPermissions: PermissionFlagsBits.ViewChannel },
      },
    }),
  });
});
afterEach(async () => {
  await w.close();
});

function command(subcommand: string, options: OfflineInput["options"] = {}, extra: Partial<OfflineInput> & { appPermissions?: bigint | null } = {}) {
  const { appPermissions, ...input } = extra;
  const { ctx, sent } = offlineCommand({ services, group: "trivia", subcommand, options, userId: STARTER, ...input });
  const full = { ...ctx, channelId: CHANNEL, appPermissions: appPermissions === undefined ? CAN_POST : appPermissions };
  return { run: () => westofthetracks.execute(full), sent };
}

describe("trivia start", () => {
  it("refuses bad input with clear (ephemeral) errors before doing anything", async () => {
    expect((await userErrorOf(command("start", {}, { guildId: null }).run)).key).toBe("error.guildOnly");
    expect((await userErrorOf(command("start", { questions: 0 }).run)).key).toBe("trivia.badQuestions");
    const tooMany = await userErrorOf(command("start", { questions: 500 }).run);
    expect(t("en", tooMany.key, tooMany.params)).toBe("A round has from 1 to 20 questions.");
    expect((await userErrorOf(command("start", { seconds: 5 }).run)).key).toBe("trivia.badSeconds");
    expect((await userErrorOf(command("start", { part: "klingon" }).run)).key).toBe("error.badOption");
    const cannot = await userErrorOf(command("start", {}, { appPermissions: PermissionFlagsBits.ViewChannel }).run);
    expect(cannot.key).toBe("trivia.channelMissing");
    expect(t("en", cannot.key, cannot.params)).toContain("Send Messages, Embed Links");
    expect(await w.store.trivia.activeRoundInChannel(GUILD, CHANNEL)).toBeNull();
  });

  it("starts publicly with the rules, then refuses a second round in the channel", async () => {
    const { run, sent } = command("start", { questions: 3, seconds: 15 });
    await run();
    expect(sent.map((s) => s.method)).toEqual(["defer", "send"]);
    expect(sent[0]!.payload.ephemeral).toBe(false);
    const reply = sent[1]!;
    expect(reply.payload.ephemeral).toBeFalsy();
    const text = JSON.stringify(reply.payload.embeds);
    expect(text).toContain("Trivia round starting");
    expect(text).toContain("100 points");
    expect(text).toContain(`<t:${Math.floor((T0 + 5000) / 1000)}:R>`);
    expect(reply.converted?.allowedMentions).toEqual({ parse: [] });
    expect((await userErrorOf(command("start").run)).key).toBe("trivia.running");
  });

  it("says so politely when trivia is not wired", async () => {
    services = { ...services, trivia: undefined };
    expect((await userErrorOf(command("start").run)).key).toBe("trivia.unavailable");
  });

  it("answers in Chinese for Chinese members", async () => {
    const { run, sent } = command("start", { questions: 2 }, { locale: "zh-CN" });
    await run();
    expect(JSON.stringify(sent[1]!.payload.embeds)).toContain("知识问答即将开始");
  });
});

describe("answer buttons", () => {
  it("locks in the first press, refuses the second, and explains stale buttons", async () => {
    await command("start", { questions: 2 }).run();
    const round = (await w.store.trivia.activeRoundInChannel(GUILD, CHANNEL))!;
    w.clock.advance(5000);
    await w.runDue();
    const r = await w.round(round.id);
    const c = rightChoice(r, w.deps.bank, 0);
    const press = (args: string[], userId = OTHER) => {
      const { ctx, sent } = offlineComponent({ services, args, userId });
      return { run: () => triviaButtons.execute(ctx), sent };
    };
    const first = press([r.id, "0", String(c)]);
    await first.run();
    expect(first.sent[0]!.payload.ephemeral).toBe(true);
    expect(first.sent[0]!.payload.content).toContain(`Locked in: **${"ABCD"[c]}**`);
    expect(first.sent[0]!.payload.content).toContain(`<t:${Math.floor((r.questionStartedAt! + 20_000) / 1000)}:R>`);
    const again = press([r.id, "0", String((c + 1) % 4)]);
    await again.run();
    expect(again.sent[0]!.payload.content).toBe(t("en", "trivia.alreadyAnswered"));
    const old = press([r.id, "5", "0"]);
    await old.run();
    expect(old.sent[0]!.payload.content).toBe(t("en", "trivia.notCurrent"));
    const foreign = press(["zzzzzzzzzz", "0", "0"]);
    await foreign.run();
    expect(foreign.sent[0]!.payload.content).toBe(t("en", "trivia.unknownRound"));
    expect((await userErrorOf(press([r.id, "x", "0"]).run)).key).toBe("error.staleButton");
    expect(await w.store.trivia.answers(r.id)).toHaveLength(1);
  });
});

describe("trivia stop", () => {
  it("the starter, a host or a member with the host role may stop; nobody else", async () => {
    await command("start", { questions: 2 }).run();
    expect((await userErrorOf(command("stop", {}, { userId: OTHER, memberPermissions: 0n }).run)).key).toBe("trivia.stopDenied");

    await w.store.settings.update(GUILD, { hostRoleId: HOST_ROLE });
    const byRole = command("stop", {}, { userId: OTHER, memberPermissions: 0n, memberRoleIds: [HOST_ROLE] });
    await byRole.run();
    expect(JSON.stringify(byRole.sent.at(-1)!.payload.embeds)).toContain("standings so far");
    expect((await userErrorOf(command("stop").run)).key).toBe("trivia.noRound");

    w.clock.advance(30_000);
    await command("start", { questions: 2 }).run();
    const byHost = command("stop", {}, { userId: OTHER, memberPermissions: PermissionFlagsBits.ManageEvents });
    await byHost.run();
    expect(byHost.sent.at(-1)!.payload.ephemeral).toBeFalsy();

    w.clock.advance(30_000);
    await command("start", { questions: 2 }).run();
    const byStarter = command("stop", {}, { memberPermissions: 0n });
    await byStarter.run();
    expect(await w.store.trivia.activeRoundInChannel(GUILD, CHANNEL)).toBeNull();
  });
});

describe("leaderboard and stats", () => {
  async function seedScores(n: number) {
    const created = await w.store.trivia.createRound({ guildId: GUILD, channelId: "seed", startedBy: STARTER, questionIds: ["q1"] });
    if (!created.created) throw new Error("seed");
    for (let i = 0; i < n; i++) {
      await w.store.trivia.recordAnswer({
        roundId: created.round.id,
        questionIndex: 0,
        userId: `3000000000000001${String(i).padStart(2, "0")}`,
        guildId: GUILD,
        questionId: "q1",
        choice: 0,
        correct: i % 2 === 0,
        points: 1000 - i * 10,
        answeredAt: T0,
        latencyMs: 1000,
      });
    }
  }

  it("pages with buttons; the asker turns pages in place, others get them privately", async () => {
    await seedScores(12);
    const { run, sent } = command("leaderboard", { period: "week" });
    await run();
    const page1 = sent[0]!.payload;
    expect(page1.ephemeral).toBeFalsy();
    const text1 = JSON.stringify(page1.embeds);
    expect(text1).toContain("This week");
    expect(text1).toContain("**1.** <@300000000000000100> · 1000 points · 100% right · 1 rounds");
    expect(text1).toContain("Page 1 of 2");
    expect(JSON.stringify(page1.components)).toContain("wt1:tlb:week:1");

    const own = offlineComponent({ services, args: ["week", "1"], userId: STARTER, messageOwnerId: STARTER });
    await triviaLeaderboardButtons.execute(own.ctx);
    expect(own.sent[0]!.method).toBe("update");
    const text2 = JSON.stringify(own.sent[0]!.payload.embeds);
    expect(text2).toContain("**11.** <@300000000000000110>");
    expect(text2).toContain("Page 2 of 2");

    const other = offlineComponent({ services, args: ["week", "9"], userId: OTHER, messageOwnerId: STARTER });
    await triviaLeaderboardButtons.execute(other.ctx);
    expect(other.sent[0]!.method).toBe("send");
    expect(other.sent[0]!.payload.ephemeral).toBe(true);
    expect(JSON.stringify(other.sent[0]!.payload.embeds)).toContain("Page 2 of 2");
    expect(other.sent[0]!.converted?.allowedMentions).toEqual({ parse: [] });
  });

  it("an empty board says how to start", async () => {
    const { run, sent } = command("leaderboard");
    await run();
    expect(JSON.stringify(sent[0]!.payload.embeds)).toContain(t("en", "trivia.lb.empty"));
    expect(sent[0]!.payload.components).toEqual([]);
  });

  it("stats show answered, accuracy, best streak and rounds", async () => {
    await seedScores(3);
    const { run, sent } = command("stats", { member: "300000000000000101" });
    await run();
    expect(sent[0]!.payload.ephemeral).toBe(true);
    const text = JSON.stringify(sent[0]!.payload.embeds);
    expect(text).toContain("990 points · rank 2");
    expect(text).toContain("1 answered · 0% right");
    expect(text).toContain("Best streak 0 · 1 rounds");
    const none = command("stats");
    await none.run();
    expect(none.sent[0]!.payload.content).toBe(t("en", "trivia.stats.none", { user: STARTER }));
  });
});

describe("trivia schedule", () => {
  it("is for hosts, validates the cron and zone, shows the next run, and can be removed", async () => {
    expect((await userErrorOf(command("schedule", { cron: "0 20 * * 5", timezone: "UTC" }, { memberPermissions: 0n }).run)).key).toBe("error.missingPermission");
    const host = { memberPermissions: PermissionFlagsBits.ManageEvents };
    expect((await userErrorOf(command("schedule", { cron: "whenever", timezone: "UTC" }, host).run)).key).toBe("trivia.cronInvalid");
    expect((await userErrorOf(command("schedule", { cron: "0 20 * * 5", timezone: "Mars/Olympus" }, host).run)).key).toBe("setup.badTimezone");
    expect((await userErrorOf(command("schedule", { cron: "0 20 * * 5", timezone: "UTC", channel: READ_ONLY }, host).run)).key).toBe("trivia.channelMissing");

    const ok = command("schedule", { cron: "0 20 * * 5", timezone: "UTC", channel: ELSEWHERE, questions: 4 }, host);
    await ok.run();
    const text = JSON.stringify(ok.sent[0]!.payload.embeds);
    expect(text).toContain(`<t:${Date.UTC(2025, 0, 10, 20) / 1000}:F>`);
    expect(text).toContain(`<#${ELSEWHERE}>`);
    expect((await w.service.schedules(GUILD))[0]!.payload).toMatchObject({ channelId: ELSEWHERE, questions: 4, seconds: 20 });

    const off = command("unschedule", { channel: ELSEWHERE }, host);
    await off.run();
    expect(off.sent[0]!.payload.content).toBe(t("en", "trivia.unscheduled", { channel: ELSEWHERE }));
    expect((await userErrorOf(command("unschedule", { channel: ELSEWHERE }, host).run)).key).toBe("trivia.noSchedule");
  });
});

describe("trivia help and definition", () => {
  it("help shows the scoring rules, privately", async () => {
    const { run, sent } = command("help", {}, { guildId: null });
    await run();
    expect(sent[0]!.payload.ephemeral).toBe(true);
    expect(JSON.stringify(sent[0]!.payload.embeds)).toContain("plus up to 50 for speed");
  });

  /**
   * Discord's own size rule for a command: name, description and choice name/value of the command and
   * all its options, counting only the longest of each field's localizations, at most 8000 characters.
   */
  function discordSize(option: { name: string; description?: string; name_localizations?: LocalizationMap | null; description_localizations?: LocalizationMap | null; options?: readonly APIApplicationCommandOption[]; choices?: readonly { name: string; value: string | number; name_localizations?: LocalizationMap | null }[] }): number {
    const longest = (base: string, map: LocalizationMap | null | undefined) => Math.max(base.length, ...Object.values(map ?? {}).map((v) => v?.length ?? 0));
    let n = longest(option.name, option.name_localizations) + longest(option.description ?? "", option.description_localizations);
    for (const c of option.choices ?? []) n += longest(c.name, c.name_localizations) + String(c.value).length;
    for (const o of option.options ?? []) n += discordSize(o);
    return n;
  }

  it("the whole command fits Discord's size rule with trivia in it", () => {
    expect(discordSize(trivia.data as Parameters<typeof discordSize>[0])).toBeLessThan(3000);
    expect(discordSize(westofthetracks.data as Parameters<typeof discordSize>[0])).toBeLessThanOrEqual(8000);
  });
});
