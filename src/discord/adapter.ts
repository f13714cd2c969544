/**
 * Maps discord.js interactions onto the plain contexts of ./command.ts. The only module that knows how
 * discord.js answers interactions; every payload passes through `safeMessage` here (limits, no pings).
 */
import {
  GuildMember,
  MessageFlags,
  type AutocompleteInteraction,
  type BaseInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOptionResolver,
  type InteractionReplyOptions,
  type MessageComponentInteraction,
  type ModalSubmitInteraction,
} from "discord.js";
import type { APIAllowedMentions } from "discord-api-types/v10";
import type { AutocompleteResponder, ComponentResponder, OptionReader, ReplyPayload } from "./command.js";
import { safeMessage, LIMITS, truncate } from "./limits.js";

type Options = Omit<CommandInteractionOptionResolver, "getMessage" | "getFocused"> & {
  getFocused(full: true): { name: string; value: string | number };
};

function allowedMentions(m: APIAllowedMentions | undefined): InteractionReplyOptions["allowedMentions"] {
  if (!m) return { parse: [] };
  return {
    ...(m.parse ? { parse: m.parse } : {}),
    ...(m.users ? { users: m.users } : {}),
    ...(m.roles ? { roles: m.roles } : {}),
    ...(m.replied_user !== undefined ? { repliedUser: m.replied_user } : {}),
  };
}

/** Converts our payload to discord.js options, applying every limit and the no-ping default. */
export function toDiscordPayload(payload: ReplyPayload): InteractionReplyOptions & { flags?: MessageFlags.Ephemeral } {
  const safe = safeMessage(payload);
  return {
    ...(safe.content !== undefined ? { content: safe.content } : {}),
    ...(safe.embeds !== undefined ? { embeds: safe.embeds } : {}),
    ...(safe.components !== undefined ? { components: safe.components } : {}),
    ...(safe.files !== undefined
      ? { files: safe.files.map((f) => ({ attachment: f.data, name: f.name, ...(f.description ? { description: f.description } : {}) })) }
      : {}),
    allowedMentions: allowedMentions(safe.allowed_mentions),
    ...(payload.ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
  };
}

function editPayload(payload: ReplyPayload) {
  const { flags: _flags, ...rest } = toDiscordPayload(payload);
  return { ...rest, content: rest.content ?? null, embeds: rest.embeds ?? [], components: rest.components ?? [] };
}

type Answerable = ChatInputCommandInteraction | MessageComponentInteraction | ModalSubmitInteraction;

/** The reply / editReply / followUp rule, in one place. */
export function responderFor(interaction: Answerable): ComponentResponder {
  let deferredEphemeral = false;
  const responder: ComponentResponder = {
    get answered() {
      return interaction.replied || interaction.deferred;
    },
    async send(payload) {
      if (interaction.deferred && !interaction.replied) {
        if (payload.ephemeral && !deferredEphemeral) {
          // The deferred answer is public but this one must not be: remove the placeholder, answer privately.
          await interaction.deleteReply().catch(() => undefined);
          await interaction.followUp(toDiscordPayload(payload));
          return;
        }
        await interaction.editReply(editPayload(payload));
        return;
      }
      if (interaction.replied) {
        await interaction.followUp(toDiscordPayload(payload));
        return;
      }
      await interaction.reply(toDiscordPayload(payload));
    },
    async defer({ ephemeral }) {
      if (interaction.deferred || interaction.replied) return;
      deferredEphemeral = ephemeral;
      await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    },
    async followUp(payload) {
      await interaction.followUp(toDiscordPayload(payload));
    },
    async update(payload) {
      if (!interaction.isMessageComponent()) return responder.send(payload);
      if (interaction.deferred || interaction.replied) {
        await interaction.editReply(editPayload(payload));
        return;
      }
      await interaction.update(editPayload(payload));
    },
  };
  return responder;
}

export function autocompleteResponder(interaction: AutocompleteInteraction): AutocompleteResponder {
  return {
    async choices(choices) {
      if (interaction.responded) return;
      await interaction.respond(
        choices.slice(0, LIMITS.choices).map((c) => ({
          name: truncate(c.name, LIMITS.choiceName),
          value: truncate(String(c.value), LIMITS.choiceValue),
        })),
      );
    },
  };
}

export function optionReader(interaction: ChatInputCommandInteraction | AutocompleteInteraction): OptionReader {
  const o = interaction.options as unknown as Options;
  return {
    subcommandGroup: () => o.getSubcommandGroup(false),
    subcommand: () => o.getSubcommand(false),
    string: (name) => o.getString(name, false),
    integer: (name) => o.getInteger(name, false),
    number: (name) => o.getNumber(name, false),
    boolean: (name) => o.getBoolean(name, false),
    id: (name) => {
      const option = o.get(name, false);
      return option?.value === undefined ? null : String(option.value);
    },
    focused: () => {
      if (!interaction.isAutocomplete()) return null;
      const f = interaction.options.getFocused(true);
      return { name: f.name, value: String(f.value) };
    },
  };
}

/**
 * The member's permissions in another channel of the server (their roles and that channel's overwrites), or
 * null when the bot does not have the channel or the member in full (discord.js keeps no member cache here, but
 * builds the interaction's member from the payload).
 */
export function memberPermissionsIn(interaction: BaseInteraction, channelId: string): bigint | null {
  const member = interaction.member;
  const channel = interaction.guild?.channels.cache.get(channelId);
  if (!(member instanceof GuildMember) || !channel || !("permissionsFor" in channel)) return null;
  return channel.permissionsFor(member)?.bitfield ?? null;
}

export function memberRoleIds(interaction: BaseInteraction): string[] {
  const member = interaction.member;
  if (!member) return [];
  if (member instanceof GuildMember) return [...member.roles.cache.keys()];
  return Array.isArray(member.roles) ? [...member.roles] : [];
}
