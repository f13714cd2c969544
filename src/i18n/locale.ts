import type { Locale } from "../knowledge/schema.js";

/** A club's language setting: follow each member's Discord client, or force one language. */
export type LanguagePreference = "auto" | Locale;

/**
 * Chooses the reply language. Discord sends the member's client locale (`zh-CN`, `zh-TW`, `en-US`, …);
 * Chinese clients get Simplified Chinese (the only Chinese we write), everything else English, unless
 * the club has fixed a language.
 */
export function chooseLocale(discordLocale: string | null | undefined, preference: LanguagePreference = "auto"): Locale {
  if (preference !== "auto") return preference;
  if (discordLocale && /^zh(-|$)/i.test(discordLocale)) return "zh-CN";
  return "en";
}
