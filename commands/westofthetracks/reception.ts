import { ApplicationCommandOptionType } from "discord-api-types/v10";
import type { SubcommandModule } from "../../src/discord/command.js";
import { described, named } from "../../src/discord/localize.js";
import { receptionView } from "../../src/discord/views/knowledge.js";
import { isPrivate, privateOption, viewOf } from "./shared.js";

export const reception: SubcommandModule = {
  data: {
    type: ApplicationCommandOptionType.Subcommand,
    ...named("cmd.reception.name"),
    ...described("cmd.reception.description"),
    options: [privateOption()],
  },
  async execute(ctx) {
    await ctx.respond.send({ ...receptionView(viewOf(ctx)), ephemeral: isPrivate(ctx.options) });
  },
};
