/**
 * The contract between the router and the command modules under commands/. Handlers see plain data and
 * small responder interfaces, not discord.js objects, so they can be unit-tested and benchmarked with a
 * fake responder; src/discord/adapter.ts maps discord.js interactions onto these shapes.
 */
import type {
  APIActionRowComponent,
  APIAllowedMentions,
  APIApplicationCommandOptionChoice,
  APIApplicationCommandSubcommandGroupOption,
  APIApplicationCommandSubcommandOption,
  APIComponentInMessageActionRow,
  APIEmbed,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord-api-types/v10";
import type { Locale, Translator } from "../i18n/index.js";
import type { Logger } from "../log.js";
import type { BotServices } from "../services.js";

export interface ReplyFile {
  name: string;
  data: Buffer;
  description?: string;
}

export interface ReplyPayload {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  /** Only the member who used the command sees it. */
  ephemeral?: boolean;
  /** Defaults to pinging nobody. */
  allowed_mentions?: APIAllowedMentions;
  files?: ReplyFile[];
}

export interface Responder {
  /** The one way to answer: reply if unanswered, edit the deferred reply, or follow up if already answered. */
  send(payload: ReplyPayload): Promise<void>;
  /** Acknowledge now and answer later (for work that may take more than a moment). */
  defer(options: { ephemeral: boolean }): Promise<void>;
  /** An extra message after the first answer. */
  followUp(payload: ReplyPayload): Promise<void>;
  readonly answered: boolean;
}

export interface ComponentResponder extends Responder {
  /** Replace the message the component sits on. */
  update(payload: ReplyPayload): Promise<void>;
}

export interface AutocompleteResponder {
  choices(choices: APIApplicationCommandOptionChoice<string>[]): Promise<void>;
}

export interface OptionReader {
  subcommandGroup(): string | null;
  subcommand(): string | null;
  string(name: string): string | null;
  integer(name: string): number | null;
  number(name: string): number | null;
  boolean(name: string): boolean | null;
  /** Channel, role or user options: the id. */
  id(name: string): string | null;
  /** For autocomplete: the option being typed. */
  focused(): { name: string; value: string } | null;
}

/** What every interaction carries. */
export interface Invocation {
  interactionId: string;
  locale: Locale;
  t: Translator;
  userId: string;
  userName: string;
  guildId: string | null;
  channelId: string | null;
  /** The member's permissions in the channel (null in DMs). */
  memberPermissions: bigint | null;
  /** The member's permissions in another channel of the server (null in DMs, or when the bot cannot tell). */
  memberPermissionsIn(channelId: string): bigint | null;
  /** The bot's permissions in the channel (null in DMs). */
  appPermissions: bigint | null;
  memberRoleIds: readonly string[];
  services: BotServices;
  log: Logger;
}

export interface CommandContext extends Invocation {
  options: OptionReader;
  respond: Responder;
}

export interface AutocompleteContext extends Invocation {
  options: OptionReader;
  respond: AutocompleteResponder;
}

export interface ComponentContext extends Invocation {
  /** The custom_id's arguments after the handler name. */
  args: readonly string[];
  /** Selected values (select menus). */
  values: readonly string[];
  /** Modal fields by custom_id. */
  fields: Readonly<Record<string, string>>;
  /** The user who ran the command that produced the message, when Discord tells us. */
  messageOwnerId: string | null;
  respond: ComponentResponder;
}

export interface SubcommandModule {
  data: APIApplicationCommandSubcommandOption | APIApplicationCommandSubcommandGroupOption;
  execute(ctx: CommandContext): Promise<void>;
  autocomplete?(ctx: AutocompleteContext): Promise<void>;
}

export interface CommandModule {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(ctx: CommandContext): Promise<void>;
  autocomplete?(ctx: AutocompleteContext): Promise<void>;
}

/** Buttons, selects and modals, routed by the handler name in the custom_id. */
export interface ComponentModule {
  handler: string;
  execute(ctx: ComponentContext): Promise<void>;
}

export interface CommandRegistry {
  commands: readonly CommandModule[];
  components: readonly ComponentModule[];
}
