import { ApplicationCommandOptionType } from "discord-api-types/v10";
import type { ComponentModule, SubcommandModule } from "../../src/discord/command.js";
import { UserError } from "../../src/discord/errors.js";
import { quoteUserText } from "../../src/discord/limits.js";
import { described, named } from "../../src/discord/localize.js";
import { glossarySuggestionsView, glossaryView } from "../../src/discord/views/knowledge.js";
import { isPrivate, privateOption, viewOf } from "./shared.js";

/** How much of a search we read; anything longer is surely not a glossary term. */
const MAX_QUERY = 100;

export const glossary: SubcommandModule = {
  data: {
    type: ApplicationCommandOptionType.Subcommand,
    ...named("cmd.glossary.name"),
    ...described("cmd.glossary.description"),
    options: [
      {
        type: ApplicationCommandOptionType.String,
        ...named("cmd.glossary.option.term.name"),
        ...described("cmd.glossary.option.term.description"),
        required: true,
        autocomplete: true,
      },
      privateOption(),
    ],
  },
  async execute(ctx) {
    const raw = ctx.options.string("term") ?? "";
    const query = raw.slice(0, MAX_QUERY);
    const kb = ctx.services.knowledge;
    const entry = kb.findGlossary(query);
    if (entry) {
      await ctx.respond.send({ ...glossaryView(viewOf(ctx), entry), ephemeral: isPrivate(ctx.options) });
      return;
    }
    const suggestions = kb.closestGlossary(query, 3);
    const view = glossarySuggestionsView(viewOf(ctx), quoteUserText(query, 60), suggestions);
    const note = raw.length > MAX_QUERY ? `\n${ctx.t("glossary.tooLong", { max: MAX_QUERY })}` : "";
    await ctx.respond.send({ content: view.content + note, components: view.components, ephemeral: true });
  },
  async autocomplete(ctx) {
    const focused = ctx.options.focused();
    const kb = ctx.services.knowledge;
    const entries = kb.suggestGlossary((focused?.value ?? "").slice(0, MAX_QUERY), ctx.locale, 25);
    await ctx.respond.choices(
      entries.map((e) => {
        const term = e.term[ctx.locale];
        const extra = e.chinese && !term.includes(e.chinese) ? ` · ${e.chinese}` : "";
        return { name: `${term}${extra}`, value: e.id };
      }),
    );
  },
};

/** A "did you mean" button: shows that entry to whoever pressed it. */
export const glossaryButtons: ComponentModule = {
  handler: "glossary",
  async execute(ctx) {
    const entry = ctx.args[0] ? ctx.services.knowledge.glossaryEntry(ctx.args[0]) : undefined;
    if (!entry) throw new UserError("error.staleButton");
    await ctx.respond.send({ ...glossaryView(viewOf(ctx), entry), ephemeral: true });
  },
};
