import { ApplicationCommandOptionType } from "discord-api-types/v10";
import type { SubcommandModule } from "../../src/discord/command.js";
import { described, named } from "../../src/discord/localize.js";
import { creditsView } from "../../src/discord/views/knowledge.js";
import { isPrivate, privateOption, viewOf } from "./shared.js";

export const credits: SubcommandModule = {
  data: {
    type: ApplicationCommandOptionType.Subcommand,
    ...named("cmd.credits.name"),
    ...described("cmd.credits.description"),
    options: [privateOption()],
  },
  async execute(ctx) {
    await ctx.respond.send({ ...creditsView(viewOf(ctx)), ephemeral: isPrivate(ctx.options) });
  },
};
