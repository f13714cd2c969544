import { ApplicationCommandOptionType } from "discord-api-types/v10";
import type { SubcommandModule } from "../../src/discord/command.js";
import { described, named } from "../../src/discord/localize.js";
import { helpView } from "../../src/discord/views/knowledge.js";

export const help: SubcommandModule = {
  data: {
    type: ApplicationCommandOptionType.Subcommand,
    ...named("cmd.help.name"),
    ...described("cmd.help.description"),
  },
  async execute(ctx) {
    await ctx.respond.send({ ...helpView(ctx), ephemeral: true });
  },
};
