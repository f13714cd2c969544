/**
 * `/westofthetracks setup configure|forget` and `/westofthetracks settings`. Changing settings needs
 * Manage Server, checked here on every call. Every value is checked before anything is written, so a
 * bad value changes nothing.
 */
import { ApplicationCommandOptionType, ButtonStyle, ChannelType, ComponentType } from "discord-api-types/v10";
import type { ComponentModule, Invocation, SubcommandModule } from "../../src/discord/command.js";
import { encodeCustomId } from "../../src/discord/customId.js";
import { UserError } from "../../src/discord/errors.js";
import { quoteUserText } from "../../src/discord/limits.js";
import { choice, described, named } from "../../src/discord/localize.js";
import { ANNOUNCEMENT_CHANNEL_NEEDS, missing, permissionName, requireGuild, requireManageServer } from "../../src/discord/permissions.js";
import { settingsEmbed } from "../../src/discord/views/settings.js";
import type { GuildSettingsPatch } from "../../src/store/index.js";
import { normalizeTimeZone, suggestTimeZones } from "../../src/watchalong/time.js";

const LANGUAGES = ["auto", "en", "zh-CN"] as const;
const SPOILER_POLICIES = ["hide-unwatched", "show-all"] as const;
const CLEARABLE = ["channel", "host-role", "timezone"] as const;

function oneOf<T extends string>(values: readonly T[], value: string, option: string): T {
  if ((values as readonly string[]).includes(value)) return value as T;
  throw new UserError("setup.badChoice", { value: quoteUserText(value, 40), option });
}

function validateChannel(inv: Invocation, guildId: string, channelId: string): void {
  const channel = inv.services.guilds.channel(guildId, channelId);
  if (!channel) throw new UserError("setup.channelUnknown");
  if (channel.kind !== "text" && channel.kind !== "announcement") {
    throw new UserError("setup.badChannelType", { channel: channelId });
  }
  const lacking = missing(channel.botPermissions, ANNOUNCEMENT_CHANNEL_NEEDS);
  if (lacking.length > 0) {
    throw new UserError("setup.channelMissing", {
      channel: channelId,
      permissions: lacking.map((flag) => permissionName(inv, flag)).join(inv.t("list.separator")),
    });
  }
}

function validateRole(inv: Invocation, guildId: string, roleId: string): void {
  if (roleId === guildId) throw new UserError("setup.roleEveryone");
  const role = inv.services.guilds.role(guildId, roleId);
  if (role?.everyone) throw new UserError("setup.roleEveryone");
  if (role?.managed) throw new UserError("setup.roleManaged");
}

export const setup: SubcommandModule = {
  data: {
    type: ApplicationCommandOptionType.SubcommandGroup,
    ...named("cmd.setup.name"),
    ...described("cmd.setup.description"),
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        ...named("cmd.setup.configure.name"),
        ...described("cmd.setup.configure.description"),
        options: [
          {
            type: ApplicationCommandOptionType.Channel,
            ...named("opt.channel.name"),
            ...described("opt.channel.description"),
            channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
          },
          { type: ApplicationCommandOptionType.Role, ...named("opt.hostRole.name"), ...described("opt.hostRole.description") },
          {
            type: ApplicationCommandOptionType.String,
            ...named("opt.timezone.name"),
            ...described("opt.timezone.description"),
            autocomplete: true,
            max_length: 64,
          },
          {
            type: ApplicationCommandOptionType.String,
            ...named("opt.language.name"),
            ...described("opt.language.description"),
            choices: [
              choice("choice.language.auto", "auto"),
              choice("choice.language.en", "en"),
              choice("choice.language.zh", "zh-CN"),
            ],
          },
          {
            type: ApplicationCommandOptionType.String,
            ...named("opt.spoilers.name"),
            ...described("opt.spoilers.description"),
            choices: [choice("choice.spoilers.hide", "hide-unwatched"), choice("choice.spoilers.show", "show-all")],
          },
          {
            type: ApplicationCommandOptionType.Boolean,
            ...named("opt.triviaAfterPart.name"),
            ...described("opt.triviaAfterPart.description"),
          },
          {
            type: ApplicationCommandOptionType.String,
            ...named("opt.clear.name"),
            ...described("opt.clear.description"),
            choices: [
              choice("choice.clear.channel", "channel"),
              choice("choice.clear.hostRole", "host-role"),
              choice("choice.clear.timezone", "timezone"),
            ],
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        ...named("cmd.setup.forget.name"),
        ...described("cmd.setup.forget.description"),
      },
    ],
  },
  async execute(ctx) {
    const guildId = requireGuild(ctx);
    requireManageServer(ctx);
    const store = ctx.services.store;

    if (ctx.options.subcommand() === "forget") {
      await ctx.respond.send({
        content: ctx.t("forget.confirm"),
        ephemeral: true,
        components: [
          {
            type: ComponentType.ActionRow,
            components: [
              { type: ComponentType.Button, style: ButtonStyle.Danger, custom_id: encodeCustomId("forget", "yes"), label: ctx.t("forget.yes") },
              { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: encodeCustomId("forget", "no"), label: ctx.t("forget.no") },
            ],
          },
        ],
      });
      return;
    }

    if (ctx.options.subcommand() !== "configure") throw new UserError("error.unknownCommand");
    // Store I/O follows (a PostgreSQL round trip may be slow): acknowledge within Discord's 3 seconds first.
    await ctx.respond.defer({ ephemeral: true });
    const o = ctx.options;
    const patch: GuildSettingsPatch = {};
    const clear = o.string("clear");
    if (clear !== null) {
      const what = oneOf(CLEARABLE, clear, "clear");
      if (what === "channel") patch.announceChannelId = null;
      if (what === "host-role") patch.hostRoleId = null;
      if (what === "timezone") patch.timezone = null;
    }
    const channelId = o.id("channel");
    if (channelId !== null) {
      validateChannel(ctx, guildId, channelId);
      patch.announceChannelId = channelId;
    }
    const roleId = o.id("host-role");
    if (roleId !== null) {
      validateRole(ctx, guildId, roleId);
      patch.hostRoleId = roleId;
    }
    const zone = o.string("timezone");
    if (zone !== null) {
      const canonical = normalizeTimeZone(zone);
      if (!canonical) throw new UserError("setup.badTimezone", { value: quoteUserText(zone, 64) });
      patch.timezone = canonical;
    }
    const language = o.string("language");
    if (language !== null) patch.language = oneOf(LANGUAGES, language, "language");
    const spoilers = o.string("spoilers");
    if (spoilers !== null) patch.spoilerPolicy = oneOf(SPOILER_POLICIES, spoilers, "spoilers");
    const trivia = o.boolean("trivia-after-part");
    if (trivia !== null) patch.triviaAfterPart = trivia;

    if (Object.keys(patch).length === 0) {
      const current = await store.settings.get(guildId);
      await ctx.respond.send({ content: ctx.t("settings.nothingGiven"), embeds: [settingsEmbed(ctx.t, current)], ephemeral: true });
      return;
    }
    const saved = await store.settings.update(guildId, patch);
    ctx.log.info({ guildId, changed: Object.keys(patch) }, "club settings changed");
    await ctx.respond.send({ content: ctx.t("settings.saved"), embeds: [settingsEmbed(ctx.t, saved)], ephemeral: true });
  },
  async autocomplete(ctx) {
    const focused = ctx.options.focused();
    const zones = focused?.name === "timezone" ? suggestTimeZones(focused.value.slice(0, 64), 25) : [];
    await ctx.respond.choices(zones.map((z) => ({ name: z, value: z })));
  },
};

export const settings: SubcommandModule = {
  data: {
    type: ApplicationCommandOptionType.Subcommand,
    ...named("cmd.settings.name"),
    ...described("cmd.settings.description"),
  },
  async execute(ctx) {
    const guildId = requireGuild(ctx);
    const current = await ctx.services.store.settings.get(guildId);
    await ctx.respond.send({ embeds: [settingsEmbed(ctx.t, current)], ephemeral: true });
  },
};

/** The confirmation buttons of `setup forget`; the presser's permission is checked again. */
export const forgetButtons: ComponentModule = {
  handler: "forget",
  async execute(ctx) {
    const guildId = requireGuild(ctx);
    requireManageServer(ctx);
    if (ctx.args[0] === "yes") {
      await ctx.services.store.settings.forget(guildId);
      ctx.log.info({ guildId }, "club data erased on request");
      await ctx.respond.update({ content: ctx.t("forget.done"), components: [] });
      return;
    }
    await ctx.respond.update({ content: ctx.t("forget.cancelled"), components: [] });
  },
};
