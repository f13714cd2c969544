/**
 * Command metadata from the catalog: English as the default, with zh-CN and zh-TW localizations.
 * (zh-TW clients see our Simplified Chinese text: it is the only Chinese we write.)
 */
import type { LocalizationMap } from "discord-api-types/v10";
import { t, type MessageKey } from "../i18n/index.js";

function localizations(key: MessageKey): LocalizationMap {
  const zh = t("zh-CN", key);
  return { "zh-CN": zh, "zh-TW": zh };
}

export function named(key: MessageKey): { name: string; name_localizations: LocalizationMap } {
  return { name: t("en", key), name_localizations: localizations(key) };
}

export function described(key: MessageKey): { description: string; description_localizations: LocalizationMap } {
  return { description: t("en", key), description_localizations: localizations(key) };
}

export function choice<V extends string | number>(key: MessageKey, value: V) {
  return { name: t("en", key), name_localizations: localizations(key), value };
}
