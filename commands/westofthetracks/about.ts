import { ApplicationCommandOptionType } from "discord-api-types/v10";
import type { SubcommandModule } from "../../src/discord/command.js";
import { described, named } from "../../src/discord/localize.js";
import { aboutView } from "../../src/discord/views/knowledge.js";
import { isPrivate, privateOption, viewOf } from "./shared.js";

export const about: SubcommandModule = {
  data: {
    type: ApplicationCommandOptionType.Subcommand,
    ...named("cmd.about.name"),
    ...described("cmd.about.description"),
    options: [privateOption()],
  },
  async execute(ctx) {
    await ctx.respond.send({ ...aboutView(viewOf(ctx)), ephemeral: isPrivate(ctx.options) });
  },
};
