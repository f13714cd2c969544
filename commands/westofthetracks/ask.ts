/**
 * `/westofthetracks ask question:<text> [spoilers] [private]`: answers a member's free-text question from
 * the curated topics (src/ask), in the question's language, hiding details of parts the club has not
 * watched unless spoilers are asked for (or the club shows everything). Related and "did you mean"
 * questions are buttons (`wt1:ask:<topicId>:<locale>`) that answer that topic for whoever presses them.
 */
import { ApplicationCommandOptionType } from "discord-api-types/v10";
import { answer, defaultAskIndex, hasCjk, isSpoiler, relatedTopics, suggest, type AskIndex } from "../../src/ask/index.js";
import type { ComponentModule, Invocation, SubcommandModule } from "../../src/discord/command.js";
import { UserError } from "../../src/discord/errors.js";
import { LIMITS, truncate } from "../../src/discord/limits.js";
import { described, named } from "../../src/discord/localize.js";
import {
  askAnswerView,
  askInvalidView,
  askNotKnownView,
  askOutOfScopeView,
  askUnsureView,
  type AskViewContext,
  type SpoilerMode,
} from "../../src/discord/views/ask.js";
import { PART_IDS, type Locale, type PartId } from "../../src/knowledge/schema.js";
import { isPrivate, privateOption } from "./shared.js";

/** What Discord clients let a member type; older clients or stale definitions may still send more. */
export const QUESTION_MAX_LENGTH = 300;
/** Autocomplete reads at most this much of what is typed. */
const AUTOCOMPLETE_INPUT = 200;

interface Audience {
  watched: ReadonlySet<PartId>;
  /** The club shows everything (spoiler policy "show-all"). */
  showAll: boolean;
  dm: boolean;
}

async function audienceOf(ctx: Invocation): Promise<Audience> {
  if (!ctx.guildId) return { watched: new Set(), showAll: false, dm: true };
  const [watched, settings] = await Promise.all([ctx.services.store.progress.watched(ctx.guildId), ctx.services.store.settings.get(ctx.guildId)]);
  const parts = new Set<PartId>(PART_IDS.filter((id) => watched.has(id)));
  return { watched: parts, showAll: settings.spoilerPolicy === "show-all", dm: false };
}

function spoilerMode(spoiler: boolean, audience: Audience): SpoilerMode {
  if (!spoiler) return "none";
  return audience.dm ? "dm" : "club";
}

function viewContext(ctx: Invocation, index: AskIndex, locale: Locale): AskViewContext {
  return { index, kb: ctx.services.knowledge, locale };
}

export const ask: SubcommandModule = {
  data: {
    type: ApplicationCommandOptionType.Subcommand,
    ...named("cmd.ask.name"),
    ...described("cmd.ask.description"),
    options: [
      {
        type: ApplicationCommandOptionType.String,
        ...named("cmd.ask.option.question.name"),
        ...described("cmd.ask.option.question.description"),
        required: true,
        autocomplete: true,
        max_length: QUESTION_MAX_LENGTH,
      },
      {
        type: ApplicationCommandOptionType.Boolean,
        ...named("cmd.ask.option.spoilers.name"),
        ...described("cmd.ask.option.spoilers.description"),
        required: false,
      },
      privateOption(),
    ],
  },
  async execute(ctx) {
    const question = ctx.options.string("question") ?? "";
    const index = defaultAskIndex();
    const audience = await audienceOf(ctx);
    const spoilers = ctx.options.boolean("spoilers") === true || audience.showAll;
    const result = answer(index, question, { spoilers, watched: audience.watched });
    ctx.log.debug({ kind: result.kind, topic: result.kind === "answer" ? result.topic.id : undefined }, "ask");
    switch (result.kind) {
      case "answer": {
        const view = askAnswerView(viewContext(ctx, index, result.locale), result.topic, result.related, spoilerMode(result.spoiler, audience));
        await ctx.respond.send({ ...view, ephemeral: isPrivate(ctx.options) });
        return;
      }
      case "unsure":
        await ctx.respond.send({ ...askUnsureView(viewContext(ctx, index, result.locale), result.suggestions), ephemeral: true });
        return;
      case "out-of-scope":
        await ctx.respond.send({
          ...(result.closest.length > 0 ? askNotKnownView(viewContext(ctx, index, result.locale), result.closest) : askOutOfScopeView(result.locale)),
          ephemeral: true,
        });
        return;
      case "invalid":
        // No words to judge the language by: the member's own locale.
        await ctx.respond.send({ ...askInvalidView(ctx.locale, result.reason), ephemeral: true });
        return;
    }
  },
  async autocomplete(ctx) {
    const typed = (ctx.options.focused()?.value ?? "").slice(0, AUTOCOMPLETE_INPUT);
    const locale: Locale = hasCjk(typed) ? "zh-CN" : ctx.locale;
    const choices = suggest(defaultAskIndex(), typed, locale, LIMITS.choices).map((q) => {
      const text = truncate(q, LIMITS.choiceValue);
      return { name: text, value: text };
    });
    await ctx.respond.choices(choices);
  },
};

/** A related or "did you mean" question: answers that topic, ephemerally, for whoever pressed it. */
export const askButtons: ComponentModule = {
  handler: "ask",
  async execute(ctx) {
    const index = defaultAskIndex();
    const topic = ctx.args[0] ? index.byId.get(ctx.args[0]) : undefined;
    if (!topic) throw new UserError("error.staleButton");
    const locale: Locale = ctx.args[1] === "zh-CN" || ctx.args[1] === "en" ? ctx.args[1] : ctx.locale;
    const audience = await audienceOf(ctx);
    const spoiler = isSpoiler(topic, audience.watched, audience.showAll);
    const view = askAnswerView(viewContext(ctx, index, locale), topic, relatedTopics(index, topic), spoilerMode(spoiler, audience));
    await ctx.respond.send({ ...view, ephemeral: true });
  },
};
