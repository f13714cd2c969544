import { ApplicationCommandOptionType, type APIApplicationCommandBasicOption } from "discord-api-types/v10";
import type { Invocation } from "../../src/discord/command.js";
import type { OptionReader } from "../../src/discord/command.js";
import { described, named } from "../../src/discord/localize.js";
import type { ViewContext } from "../../src/discord/views/knowledge.js";

/** The `private` option every knowledge subcommand carries: answer ephemerally. */
export function privateOption(): APIApplicationCommandBasicOption {
  return {
    type: ApplicationCommandOptionType.Boolean,
    ...named("cmd.option.private.name"),
    ...described("cmd.option.private.description"),
    required: false,
  };
}

export function isPrivate(options: OptionReader): boolean {
  return options.boolean("private") === true;
}

export function viewOf(ctx: Invocation): ViewContext {
  return { kb: ctx.services.knowledge, locale: ctx.locale, t: ctx.t };
}
