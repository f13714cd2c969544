/**
 * Shared visual language: colours, footers, list fields that respect Discord's per-field limit.
 */
import type { APIEmbed, APIEmbedField } from "discord-api-types/v10";
import type { Locale, Localized } from "../../knowledge/schema.js";
import type { Translator } from "../../i18n/index.js";
import { LIMITS, truncate } from "../limits.js";

/** The film's own colour (a dark steel grey) for embeds not tied to one part. */
export const FILM_COLOUR = 0x55606e;

export function l(text: Localized, locale: Locale): string {
  return text[locale];
}

export function footer(t: Translator, section: string): NonNullable<APIEmbed["footer"]> {
  return { text: t("footer.section", { brand: t("footer.brand"), section }) };
}

/**
 * Lays out lines as one or more fields, each within Discord's 1024-character field limit; a line too long
 * for a field on its own is shortened.
 */
export function listFields(name: string, continuedName: string, lines: readonly string[], inline = false): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  let current: string[] = [];
  let size = 0;
  const flush = () => {
    if (current.length === 0) return;
    fields.push({ name: fields.length === 0 ? name : continuedName, value: current.join("\n"), inline });
    current = [];
    size = 0;
  };
  for (const raw of lines) {
    const line = truncate(raw, LIMITS.fieldValue);
    if (size + line.length + (current.length > 0 ? 1 : 0) > LIMITS.fieldValue) flush();
    current.push(line);
    size += line.length + (current.length > 1 ? 1 : 0);
  }
  flush();
  return fields;
}

export function bullets(items: readonly string[]): string[] {
  return items.map((item) => `• ${item}`);
}
