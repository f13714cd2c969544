/**
 * Discord's message limits, enforced in one place. Every reply the bot sends passes through
 * `safeMessage`, so no answer can be rejected for length and no user-influenced text can ping anyone.
 */
import type { APIAllowedMentions, APIEmbed, APIEmbedField } from "discord-api-types/v10";

export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  /** Names, descriptions and choice values of one command, its options and choices, together. */
  commandCharacters: 8000,
} as const;

/** Mentions nobody: the default for every message. Features that mean to ping pass their own. */
export const NO_MENTIONS: APIAllowedMentions = { parse: [] };

const ELLIPSIS = "…";

/** Shortens text to `max` characters (by code points, so no surrogate pair is cut in half). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  return points.slice(0, Math.max(0, max - 1)).join("") + ELLIPSIS;
}

/** Text typed by a member, made safe to show: trimmed, shortened, markdown and mention syntax neutralised. */
export function quoteUserText(text: string, max = 100): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  const shortened = truncate(oneLine, max);
  return shortened
    .replace(/([\\*_`~|>#\-[\]()])/g, "\\$1")
    .replace(/@(everyone|here)/gi, "@\u200b$1")
    .replace(/<(@[!&]?|#)(\d+)>/g, "<$1\u200b$2>");
}

function embedTextLength(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  n += (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/** Clamps one embed's parts to Discord's limits. */
export function clampEmbed(embed: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...embed };
  if (out.title !== undefined) out.title = truncate(out.title, LIMITS.title);
  if (out.description !== undefined) out.description = truncate(out.description, LIMITS.description);
  if (out.footer) out.footer = { ...out.footer, text: truncate(out.footer.text, LIMITS.footer) };
  if (out.author) out.author = { ...out.author, name: truncate(out.author.name, LIMITS.author) };
  if (out.fields) {
    out.fields = out.fields.slice(0, LIMITS.fields).map(
      (f): APIEmbedField => ({
        ...f,
        name: truncate(f.name, LIMITS.fieldName) || "\u200b",
        value: truncate(f.value, LIMITS.fieldValue) || "\u200b",
      }),
    );
  }
  return out;
}

function withinLimits(e: APIEmbed): boolean {
  if ((e.title?.length ?? 0) > LIMITS.title || (e.description?.length ?? 0) > LIMITS.description) return false;
  if ((e.footer?.text.length ?? 0) > LIMITS.footer || (e.author?.name.length ?? 0) > LIMITS.author) return false;
  const fields = e.fields ?? [];
  if (fields.length > LIMITS.fields) return false;
  return fields.every((f) => f.name.length > 0 && f.name.length <= LIMITS.fieldName && f.value.length > 0 && f.value.length <= LIMITS.fieldValue);
}

/**
 * Clamps a set of embeds so that together they stay within 6000 characters: fields are dropped from
 * the end first, then descriptions shortened, then whole embeds dropped. Embeds already within every
 * limit are returned as they are (no copy: replies are built on every interaction).
 */
export function clampEmbeds(embeds: readonly APIEmbed[]): APIEmbed[] {
  if (
    embeds.length <= LIMITS.embeds &&
    embeds.every(withinLimits) &&
    embeds.reduce((n, e) => n + embedTextLength(e), 0) <= LIMITS.embedTotal
  ) {
    return embeds as APIEmbed[];
  }
  const out = embeds.slice(0, LIMITS.embeds).map(clampEmbed);
  const total = () => out.reduce((n, e) => n + embedTextLength(e), 0);
  for (let i = out.length - 1; i >= 0 && total() > LIMITS.embedTotal; i--) {
    const e = out[i];
    if (!e) continue;
    while (e.fields && e.fields.length > 0 && total() > LIMITS.embedTotal) e.fields = e.fields.slice(0, -1);
    if (total() > LIMITS.embedTotal && e.description) {
      const excess = total() - LIMITS.embedTotal;
      e.description = truncate(e.description, Math.max(1, e.description.length - excess));
    }
    if (total() > LIMITS.embedTotal && i > 0) out.splice(i, 1);
  }
  return out;
}

export interface MessagePayload {
  content?: string;
  embeds?: APIEmbed[];
  allowed_mentions?: APIAllowedMentions;
}

/** Applies every limit and the no-ping default to an outgoing message. */
export function safeMessage<T extends MessagePayload>(payload: T): T & { allowed_mentions: APIAllowedMentions } {
  const out: T & { allowed_mentions: APIAllowedMentions } = { ...payload, allowed_mentions: payload.allowed_mentions ?? NO_MENTIONS };
  if (out.content !== undefined) out.content = truncate(out.content, LIMITS.content);
  if (out.embeds !== undefined) out.embeds = clampEmbeds(out.embeds);
  return out;
}

interface Sized {
  name?: string;
  description?: string;
  value?: string | number;
  name_localizations?: Record<string, string | null | undefined> | null;
  description_localizations?: Record<string, string | null | undefined> | null;
  options?: readonly unknown[];
  choices?: readonly unknown[];
}

function longest(text: string | undefined, localizations: Sized["name_localizations"]): number {
  let n = text?.length ?? 0;
  for (const v of Object.values(localizations ?? {})) n = Math.max(n, v?.length ?? 0);
  return n;
}

/**
 * The size Discord checks against its 8,000-character limit for one command: names, descriptions and
 * choice values of the command, its options and their choices, counting for each localized field only
 * its longest version.
 */
export function commandCharacters(node: Sized): number {
  let n = longest(node.name, node.name_localizations) + longest(node.description, node.description_localizations);
  if (node.value !== undefined) n += String(node.value).length;
  for (const child of [...(node.options ?? []), ...(node.choices ?? [])]) n += commandCharacters(child as Sized);
  return n;
}
