/**
 * The club's settings as an embed.
 */
import type { APIEmbed } from "discord-api-types/v10";
import type { Translator } from "../../i18n/index.js";
import type { GuildSettings } from "../../store/index.js";
import { FILM_COLOUR, footer } from "./common.js";

export function settingsEmbed(t: Translator, s: GuildSettings): APIEmbed {
  const language =
    s.language === "en" ? t("choice.language.en") : s.language === "zh-CN" ? t("choice.language.zh") : t("choice.language.auto");
  return {
    title: t("settings.title"),
    color: FILM_COLOUR,
    fields: [
      { name: t("settings.channel"), value: s.announceChannelId ? `<#${s.announceChannelId}>` : t("settings.notSet"), inline: true },
      { name: t("settings.hostRole"), value: s.hostRoleId ? `<@&${s.hostRoleId}>` : t("settings.hostRoleNone"), inline: true },
      { name: t("settings.timezone"), value: s.timezone ?? t("settings.utc"), inline: true },
      { name: t("settings.language"), value: language, inline: true },
      {
        name: t("settings.spoilers"),
        value: s.spoilerPolicy === "show-all" ? t("choice.spoilers.show") : t("choice.spoilers.hide"),
        inline: true,
      },
      { name: t("settings.triviaAfterPart"), value: s.triviaAfterPart ? t("settings.yes") : t("settings.no"), inline: true },
    ],
    footer: footer(t, t("settings.hint")),
  };
}
