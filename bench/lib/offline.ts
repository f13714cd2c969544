/**
 * Runs a command handler offline: no Discord, no discord.js, a responder that records what would be sent
 * (after the same `toDiscordPayload` conversion the real adapter applies). Used by `npm run bench` and by
 * the command unit tests.
 */
import { pino } from "pino";
import type {
  AutocompleteContext,
  CommandContext,
  ComponentContext,
  ComponentResponder,
  OptionReader,
  ReplyPayload,
} from "../../src/discord/command.js";
import { toDiscordPayload } from "../../src/discord/adapter.js";
import { translator, type Locale } from "../../src/i18n/index.js";
import type { BotServices, ChannelKind, GuildInspector } from "../../src/services.js";
import { defaultKnowledgeBase } from "../../src/knowledge/base.js";
import { openStore } from "../../src/store/index.js";
import type { APIApplicationCommandOptionChoice } from "discord-api-types/v10";

/** A guild inspector answering from a plain description of channels and roles. */
export function stubInspector(world: {
  channels?: Record<string, { kind: ChannelKind; name?: string; botPermissions: bigint | null }>;
  roles?: Record<string, { everyone?: boolean; managed?: boolean; mentionable?: boolean; name?: string }>;
} = {}): GuildInspector {
  return {
    channel: (_guildId, channelId) => {
      const c = world.channels?.[channelId];
      return c ? { kind: c.kind, name: c.name ?? "channel", botPermissions: c.botPermissions } : null;
    },
    role: (_guildId, roleId) => {
      const r = world.roles?.[roleId];
      return r ? { name: r.name ?? "role", everyone: r.everyone ?? false, managed: r.managed ?? false, mentionable: r.mentionable ?? true } : null;
    },
  };
}

/** Services for offline runs: the real knowledge base and an in-memory SQLite store. Close the store after. */
export async function offlineServices(overrides: Partial<BotServices> = {}): Promise<BotServices> {
  const store = overrides.store ?? (await openStore("sqlite::memory:"));
  return {
    knowledge: defaultKnowledgeBase(),
    logger: pino({ level: "silent" }),
    store,
    guilds: stubInspector(),
    async languagePreference(guildId) {
      return guildId ? (await store.settings.get(guildId)).language : "auto";
    },
    ...overrides,
  };
}

export interface Sent {
  method: "send" | "followUp" | "update" | "defer";
  payload: ReplyPayload;
  converted: ReturnType<typeof toDiscordPayload> | undefined;
}

export interface OfflineInput {
  services: BotServices;
  locale?: Locale;
  subcommand?: string;
  group?: string;
  options?: Record<string, string | number | boolean>;
  focused?: { name: string; value: string };
  userId?: string;
  guildId?: string | null;
  memberPermissions?: bigint | null;
  /** The member's permissions in other channels, by channel id (unknown: null). */
  memberPermissionsIn?: Record<string, bigint>;
  memberRoleIds?: string[];
}

function reader(input: OfflineInput): OptionReader {
  const o = input.options ?? {};
  const typed = <T>(name: string, type: string): T | null => (typeof o[name] === type ? (o[name] as T) : null);
  return {
    subcommandGroup: () => input.group ?? null,
    subcommand: () => input.subcommand ?? null,
    string: (n) => typed<string>(n, "string"),
    integer: (n) => typed<number>(n, "number"),
    number: (n) => typed<number>(n, "number"),
    boolean: (n) => typed<boolean>(n, "boolean"),
    id: (n) => (o[n] === undefined ? null : String(o[n])),
    focused: () => input.focused ?? null,
  };
}

function recorder(sent: Sent[]): ComponentResponder {
  let answered = false;
  const push = (method: Sent["method"], payload: ReplyPayload) => {
    sent.push({ method, payload, converted: method === "defer" ? undefined : toDiscordPayload(payload) });
    answered = true;
    return Promise.resolve();
  };
  return {
    get answered() {
      return answered;
    },
    send: (p) => push("send", p),
    followUp: (p) => push("followUp", p),
    update: (p) => push("update", p),
    defer: ({ ephemeral }) => push("defer", { ephemeral }),
  };
}

const silent = pino({ level: "silent" });

function base(input: OfflineInput) {
  const locale = input.locale ?? "en";
  return {
    interactionId: "900000000000000001",
    locale,
    t: translator(locale),
    userId: input.userId ?? "300000000000000001",
    userName: "Member",
    guildId: input.guildId === undefined ? "100000000000000001" : input.guildId,
    channelId: "200000000000000001",
    memberPermissions: input.memberPermissions === undefined ? 0n : input.memberPermissions,
    memberPermissionsIn: (channelId: string) => input.memberPermissionsIn?.[channelId] ?? null,
    appPermissions: 0n,
    memberRoleIds: input.memberRoleIds ?? [],
    services: input.services,
    log: silent,
  };
}

export function offlineCommand(input: OfflineInput): { ctx: CommandContext; sent: Sent[] } {
  const sent: Sent[] = [];
  return { ctx: { ...base(input), options: reader(input), respond: recorder(sent) }, sent };
}

export function offlineAutocomplete(input: OfflineInput): {
  ctx: AutocompleteContext;
  choices: APIApplicationCommandOptionChoice<string>[][];
} {
  const choices: APIApplicationCommandOptionChoice<string>[][] = [];
  return {
    ctx: {
      ...base(input),
      options: reader(input),
      respond: {
        choices: (c) => {
          choices.push(c);
          return Promise.resolve();
        },
      },
    },
    choices,
  };
}

export function offlineComponent(input: OfflineInput & { args: string[]; messageOwnerId?: string }): {
  ctx: ComponentContext;
  sent: Sent[];
} {
  const sent: Sent[] = [];
  return {
    ctx: {
      ...base(input),
      args: input.args,
      values: [],
      fields: {},
      messageOwnerId: input.messageOwnerId ?? null,
      respond: recorder(sent),
    },
    sent,
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}
