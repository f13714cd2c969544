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
import type { BotServices } from "../../src/services.js";
import type { APIApplicationCommandOptionChoice } from "discord-api-types/v10";

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
    memberPermissions: 0n,
    appPermissions: 0n,
    memberRoleIds: [],
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
