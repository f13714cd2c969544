import { PermissionFlagsBits } from "discord-api-types/v10";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { westofthetracks } from "../../../commands/westofthetracks.js";
import { forgetButtons } from "../../../commands/westofthetracks/setup.js";
import type { UserError } from "../../../src/discord/errors.js";
import { t } from "../../../src/i18n/index.js";
import type { BotServices } from "../../../src/services.js";
import {
  offlineAutocomplete,
  offlineCommand,
  offlineComponent,
  offlineServices,
  stubInspector,
  type OfflineInput,
} from "../../../bench/lib/offline.js";
import { ALL_NEEDED, userErrorOf } from "./helpers.js";

const GUILD = "100000000000000001";
const GOOD = "500000000000000001";
const READ_ONLY = "500000000000000002";
const VOICE = "500000000000000003";
const HOSTS = "600000000000000001";
const BOT_ROLE = "600000000000000002";
const MANAGER = PermissionFlagsBits.ManageGuild;

let services: BotServices;
beforeEach(async () => {
  services = await offlineServices({
    guilds: stubInspector({
      channels: {
        [GOOD]: { kind: "text", botPermissions: ALL_NEEDED },
        [READ_ONLY]: { kind: "text", botPermissions: PermissionFlagsBits.ViewChannel },
        [VOICE]: { kind: "voice", botPermissions: ALL_NEEDED },
      },
      roles: { [HOSTS]: {}, [BOT_ROLE]: { managed: true }, [GUILD]: { everyone: true } },
    }),
  });
});
afterEach(async () => {
  await services.store.close();
});

function configure(options: OfflineInput["options"], extra: Partial<OfflineInput> = {}) {
  const { ctx, sent } = offlineCommand({ services, group: "setup", subcommand: "configure", options, memberPermissions: MANAGER, ...extra });
  return { run: () => westofthetracks.execute(ctx), sent };
}

async function expectUserError(run: () => Promise<void>, key: string) {
  expect((await userErrorOf(run)).key).toBe(key);
}

describe("setup configure", () => {
  it("saves every setting and shows them back", async () => {
    const { run, sent } = configure({
      channel: GOOD,
      "host-role": HOSTS,
      timezone: "asia/shanghai",
      language: "zh-CN",
      spoilers: "show-all",
      "trivia-after-part": true,
    });
    await run();
    const saved = await services.store.settings.get(GUILD);
    expect(saved).toMatchObject({
      announceChannelId: GOOD,
      hostRoleId: HOSTS,
      timezone: "Asia/Shanghai",
      language: "zh-CN",
      spoilerPolicy: "show-all",
      triviaAfterPart: true,
    });
    expect(sent.map((x) => x.method)).toEqual(["defer", "send"]);
    expect(sent[0]!.payload.ephemeral).toBe(true);
    expect(JSON.stringify(sent[1]!.payload.embeds)).toContain(`<#${GOOD}>`);
    // The club's language now decides replies for everyone.
    expect(await services.languagePreference(GUILD)).toBe("zh-CN");
  });

  it("needs Manage Server, checked on our side", async () => {
    await expectUserError(configure({ timezone: "UTC" }, { memberPermissions: PermissionFlagsBits.ManageEvents }).run, "error.missingPermissionPlain");
    await expectUserError(configure({ timezone: "UTC" }, { memberPermissions: 0n }).run, "error.missingPermissionPlain");
    await configure({ timezone: "UTC" }, { memberPermissions: PermissionFlagsBits.Administrator }).run();
    expect((await services.store.settings.get(GUILD)).timezone).toBe("UTC");
  });

  it("is refused in DMs", async () => {
    await expectUserError(configure({ timezone: "UTC" }, { guildId: null }).run, "error.guildOnly");
  });

  it("refuses bad values and changes nothing", async () => {
    await configure({ timezone: "Europe/Berlin" }).run();
    const before = await services.store.settings.get(GUILD);
    await expectUserError(configure({ timezone: "Mars/Olympus", language: "en" }).run, "setup.badTimezone");
    await expectUserError(configure({ channel: READ_ONLY, language: "en" }).run, "setup.channelMissing");
    await expectUserError(configure({ channel: VOICE }).run, "setup.badChannelType");
    await expectUserError(configure({ channel: "500000000000000099" }).run, "setup.channelUnknown");
    await expectUserError(configure({ "host-role": GUILD }).run, "setup.roleEveryone");
    await expectUserError(configure({ "host-role": BOT_ROLE }).run, "setup.roleManaged");
    await expectUserError(configure({ language: "klingon" }).run, "setup.badChoice");
    expect(await services.store.settings.get(GUILD)).toEqual(before);
  });

  it("names exactly the permissions the bot lacks, in the member's language", async () => {
    const { ctx } = offlineCommand({ services, group: "setup", subcommand: "configure", options: { channel: READ_ONLY }, memberPermissions: MANAGER, locale: "zh-CN" });
    const error = (await westofthetracks.execute(ctx).catch((e: unknown) => e)) as UserError;
    const text = t("zh-CN", error.key, error.params);
    expect(text).toContain("发送消息");
    expect(text).toContain("嵌入链接");
    expect(text).not.toContain("查看频道");
  });

  it("clears one setting back to its default", async () => {
    await configure({ timezone: "Europe/Berlin", channel: GOOD }).run();
    await configure({ clear: "timezone" }).run();
    expect(await services.store.settings.get(GUILD)).toMatchObject({ timezone: null, announceChannelId: GOOD });
  });

  it("with no options, explains and shows the current settings", async () => {
    const { run, sent } = configure({});
    await run();
    const answer = sent.find((x) => x.method === "send")!;
    expect(answer.payload.content).toBe(t("en", "settings.nothingGiven"));
    expect(answer.payload.embeds).toHaveLength(1);
  });

  it("autocompletes time zones", async () => {
    const { ctx, choices } = offlineAutocomplete({ services, group: "setup", subcommand: "configure", focused: { name: "timezone", value: "berl" } });
    await westofthetracks.autocomplete!(ctx);
    expect(choices[0]!.map((c) => c.value)).toContain("Europe/Berlin");
    expect(choices[0]!.length).toBeLessThanOrEqual(25);
  });
});

describe("settings", () => {
  it("anyone can see the settings", async () => {
    const { ctx, sent } = offlineCommand({ services, subcommand: "settings", memberPermissions: 0n });
    await westofthetracks.execute(ctx);
    expect(sent[0]!.payload.embeds![0]!.title).toBe(t("en", "settings.title"));
  });
});

describe("setup forget", () => {
  it("asks first, then erases everything on confirmation", async () => {
    await configure({ timezone: "Europe/Berlin" }).run();
    await services.store.progress.markWatched(GUILD, "rust", Date.now());
    const ask = offlineCommand({ services, group: "setup", subcommand: "forget", memberPermissions: MANAGER });
    await westofthetracks.execute(ask.ctx);
    expect(ask.sent[0]!.payload.ephemeral).toBe(true);
    expect(JSON.stringify(ask.sent[0]!.payload.components)).toContain("wt1:forget:yes");
    expect((await services.store.settings.get(GUILD)).timezone).toBe("Europe/Berlin");

    const no = offlineComponent({ services, args: ["no"], memberPermissions: MANAGER });
    await forgetButtons.execute(no.ctx);
    expect((await services.store.settings.get(GUILD)).timezone).toBe("Europe/Berlin");

    const yes = offlineComponent({ services, args: ["yes"], memberPermissions: MANAGER });
    await forgetButtons.execute(yes.ctx);
    expect(yes.sent[0]!.method).toBe("update");
    expect((await services.store.settings.get(GUILD)).timezone).toBeNull();
    expect((await services.store.progress.watched(GUILD)).size).toBe(0);
  });

  it("checks the presser's permission again", async () => {
    await configure({ timezone: "Europe/Berlin" }).run();
    const yes = offlineComponent({ services, args: ["yes"], memberPermissions: 0n });
    await expect(forgetButtons.execute(yes.ctx)).rejects.toMatchObject({ key: "error.missingPermissionPlain" });
    expect((await services.store.settings.get(GUILD)).timezone).toBe("Europe/Berlin");
  });
});
