/**
 * Renders /westofthetracks ask: an answer (direct answer first, a line of context, where to read more, the
 * topic it came from, buttons for related questions), the "not sure" suggestions, the refusal, and bad
 * input. Pure: plain data in, plain API JSON out. Never echoes the member's text, so nothing a member types
 * can ping anyone or break the layout; `safeMessage` downstream still applies the no-ping default.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from "discord-api-types/v10";
import { MAX_QUESTION_CHARS, topicQuestion, type AskIndex, type AskTopic, type InvalidReason } from "../../ask/index.js";
import type { KnowledgeBase } from "../../knowledge/base.js";
import type { Locale } from "../../knowledge/schema.js";
import { translator, type MessageKey } from "../../i18n/index.js";
import { encodeCustomId } from "../customId.js";
import { LIMITS, truncate } from "../limits.js";
import { FILM_COLOUR, footer } from "./common.js";

export interface AskViewContext {
  index: AskIndex;
  kb: KnowledgeBase;
  /** The language of the answer: the question's language, whatever the client's locale. */
  locale: Locale;
}

export type SpoilerMode = "none" | "club" | "dm";

const READ_MORE_KEYS: Record<NonNullable<AskTopic["readMore"]>, MessageKey> = {
  about: "cmd.about.name",
  part: "cmd.part.name",
  credits: "cmd.credits.name",
  reception: "cmd.reception.name",
  glossary: "cmd.glossary.name",
};

/** `wt1:ask:<topicId>:<locale>`: shows that topic's answer, in that language, to whoever presses it. */
export function askButtonId(topicId: string, locale: Locale): string {
  return encodeCustomId("ask", topicId, locale);
}

/** Wraps text in Discord spoiler tags; bars inside the text are neutralised so they cannot close the tag early. */
export function spoilerWrap(text: string): string {
  return `||${text.replace(/\|/g, "¦")}||`;
}

function topicButtons(view: AskViewContext, topics: readonly AskTopic[], style: ButtonStyle): APIActionRowComponent<APIButtonComponent>[] {
  if (topics.length === 0) return [];
  const buttons: APIButtonComponent[] = topics.slice(0, LIMITS.buttonsPerRow).map((topic) => ({
    type: ComponentType.Button,
    style: style as ButtonStyle.Secondary,
    label: truncate(topicQuestion(view.index, topic, view.locale), LIMITS.buttonLabel),
    custom_id: askButtonId(topic.id, view.locale),
  }));
  return [{ type: ComponentType.ActionRow, components: buttons }];
}

/** The answer to one topic. `spoiler` says whether (and why) the part-specific detail is hidden. */
export function askAnswerView(
  view: AskViewContext,
  topic: AskTopic,
  related: readonly AskTopic[],
  spoiler: SpoilerMode,
): { embeds: APIEmbed[]; components: APIActionRowComponent<APIButtonComponent>[] } {
  const t = translator(view.locale);
  const part = topic.part ? view.kb.part(topic.part) : undefined;
  const hide = spoiler !== "none" && part !== undefined;
  const answer = topic.answer[view.locale];
  const context = topic.context[view.locale];
  const lines: string[] = [];
  if (hide) {
    lines.push(t(spoiler === "dm" ? "ask.spoilerNoticeDm" : "ask.spoilerNotice", { part: part.title[view.locale] }), "");
    lines.push(spoilerWrap(`**${answer}**`), spoilerWrap(context));
  } else {
    lines.push(`**${answer}**`, context);
  }
  if (topic.readMore) {
    const command = `/${t("cmd.root.name")} ${t(READ_MORE_KEYS[topic.readMore])}`;
    lines.push("", t("ask.readMore", { command: `\`${command}\`` }));
  }
  const embed: APIEmbed = {
    title: truncate(topicQuestion(view.index, topic, view.locale), LIMITS.title),
    description: lines.join("\n"),
    color: part?.colour ?? FILM_COLOUR,
    footer: footer(t, t("ask.topic", { topic: topic.id })),
  };
  if (related.length > 0) {
    embed.fields = [{ name: t("ask.related"), value: related.map((r) => `• ${topicQuestion(view.index, r, view.locale)}`).join("\n") }];
  }
  return { embeds: [embed], components: topicButtons(view, related, ButtonStyle.Secondary) };
}

/** A message, then the offered topics' questions as a list and as buttons (the best first). */
function offerView(
  view: AskViewContext,
  message: MessageKey,
  topics: readonly AskTopic[],
  style: ButtonStyle,
): { content: string; components: APIActionRowComponent<APIButtonComponent>[] } {
  const t = translator(view.locale);
  const list = topics.map((s) => `• ${topicQuestion(view.index, s, view.locale)}`).join("\n");
  return { content: `${t(message)}\n${list}`, components: topicButtons(view, topics, style) };
}

/** Not sure: say so and offer the closest questions as buttons (the best first). */
export function askUnsureView(
  view: AskViewContext,
  suggestions: readonly AskTopic[],
): { content: string; components: APIActionRowComponent<APIButtonComponent>[] } {
  return offerView(view, "ask.unsure", suggestions, ButtonStyle.Primary);
}

/**
 * A question about the film asking a detail the bot does not have: say so plainly (no guess) and offer the
 * closest questions it can answer as buttons.
 */
export function askNotKnownView(
  view: AskViewContext,
  closest: readonly AskTopic[],
): { content: string; components: APIActionRowComponent<APIButtonComponent>[] } {
  return offerView(view, "ask.notKnown", closest, ButtonStyle.Secondary);
}

/** Out of scope: a short friendly refusal saying what the bot can answer. */
export function askOutOfScopeView(locale: Locale): { content: string } {
  const t = translator(locale);
  return { content: `${t("ask.outOfScope")}\n${t("ask.outOfScopeHint")}` };
}

/** Not a question (empty, far too long, only mentions/emoji/markdown). */
export function askInvalidView(locale: Locale, reason: InvalidReason): { content: string } {
  const t = translator(locale);
  const key: MessageKey = reason === "empty" ? "ask.invalid.empty" : reason === "too-long" ? "ask.invalid.tooLong" : "ask.invalid.noText";
  return { content: t(key, { max: MAX_QUESTION_CHARS }) };
}
