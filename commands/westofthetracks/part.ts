import { ApplicationCommandOptionType } from "discord-api-types/v10";
import type { ComponentModule, SubcommandModule } from "../../src/discord/command.js";
import { UserError } from "../../src/discord/errors.js";
import { quoteUserText } from "../../src/discord/limits.js";
import { choice, described, named } from "../../src/discord/localize.js";
import { partView } from "../../src/discord/views/knowledge.js";
import { PART_IDS, type PartId } from "../../src/knowledge/schema.js";
import { isPrivate, privateOption, viewOf } from "./shared.js";

function asPartId(value: string | null | undefined): PartId {
  const id = (value ?? "").trim().toLowerCase();
  if ((PART_IDS as readonly string[]).includes(id)) return id as PartId;
  throw new UserError("part.unknown", { value: quoteUserText(value ?? "", 40) });
}

export const part: SubcommandModule = {
  data: {
    type: ApplicationCommandOptionType.Subcommand,
    ...named("cmd.part.name"),
    ...described("cmd.part.description"),
    options: [
      {
        type: ApplicationCommandOptionType.String,
        ...named("cmd.part.option.name.name"),
        ...described("cmd.part.option.name.description"),
        required: true,
        choices: [
          choice("choice.part.rust", "rust"),
          choice("choice.part.remnants", "remnants"),
          choice("choice.part.rails", "rails"),
        ],
      },
      privateOption(),
    ],
  },
  async execute(ctx) {
    const partId = asPartId(ctx.options.string("name"));
    await ctx.respond.send({ ...partView(viewOf(ctx), partId, ctx.userId), ephemeral: isPrivate(ctx.options) });
  },
};

/**
 * Previous / next buttons under a part. The member who asked turns the page in place; anyone else gets
 * the other part privately, so nobody flips a message out from under its owner.
 */
export const partButtons: ComponentModule = {
  handler: "part",
  async execute(ctx) {
    const [rawPart, ownerId] = ctx.args;
    const partId = asPartId(rawPart);
    if (ownerId === ctx.userId) {
      await ctx.respond.update(partView(viewOf(ctx), partId, ctx.userId));
    } else {
      await ctx.respond.send({ ...partView(viewOf(ctx), partId, ctx.userId), ephemeral: true });
    }
  },
};
