/**
 * `/westofthetracks`: the one top-level command, assembled from one module per subcommand (group).
 */
import { ApplicationCommandType, ApplicationIntegrationType, InteractionContextType } from "discord-api-types/v10";
import type { CommandModule, SubcommandModule } from "../src/discord/command.js";
import { UserError } from "../src/discord/errors.js";
import { described, named } from "../src/discord/localize.js";
import { about } from "./westofthetracks/about.js";
import { ask } from "./westofthetracks/ask.js";
import { credits } from "./westofthetracks/credits.js";
import { glossary } from "./westofthetracks/glossary.js";
import { help } from "./westofthetracks/help.js";
import { part } from "./westofthetracks/part.js";
import { reception } from "./westofthetracks/reception.js";
import { settings, setup } from "./westofthetracks/setup.js";
import { trivia } from "./westofthetracks/trivia.js";
import { watchparty } from "./westofthetracks/watchparty.js";

export const subcommands: readonly SubcommandModule[] = [about, part, credits, reception, glossary, ask, help, setup, settings, trivia, watchparty];

const byName = new Map(subcommands.map((s) => [s.data.name, s]));

function pick(group: string | null, sub: string | null): SubcommandModule {
  const found = byName.get(group ?? sub ?? "");
  if (!found) throw new UserError("error.unknownCommand");
  return found;
}

export const westofthetracks: CommandModule = {
  data: {
    type: ApplicationCommandType.ChatInput,
    ...named("cmd.root.name"),
    ...described("cmd.root.description"),
    // Knowledge answers work in servers and in DMs with the bot; server-only features check for a guild.
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    options: subcommands.map((s) => s.data),
  },
  async execute(ctx) {
    await pick(ctx.options.subcommandGroup(), ctx.options.subcommand()).execute(ctx);
  },
  async autocomplete(ctx) {
    const module = pick(ctx.options.subcommandGroup(), ctx.options.subcommand());
    if (module.autocomplete) await module.autocomplete(ctx);
    else await ctx.respond.choices([]);
  },
};
