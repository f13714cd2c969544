/**
 * Minimal stand-ins for discord.js interactions: just the surface the router and adapter touch, recording
 * every answer. (End-to-end tests use the real client against the emulator.)
 */
import type { Interaction } from "discord.js";
import { pino } from "pino";
import type { BotServices } from "../../../src/services.js";

export interface Answer {
  method: string;
  payload: unknown;
}

interface FakeOptions {
  kind: "command" | "autocomplete" | "button";
  commandName?: string;
  subcommand?: string;
  strings?: Record<string, string>;
  booleans?: Record<string, boolean>;
  customId?: string;
  locale?: string;
  guildId?: string | null;
  failWith?: Error;
}

export function fakeInteraction(options: FakeOptions): { interaction: Interaction; answers: Answer[] } {
  const answers: Answer[] = [];
  const state = { replied: false, deferred: false, responded: false };
  const record = (method: string, change?: () => void) => (payload?: unknown) => {
    if (options.failWith) return Promise.reject(options.failWith);
    answers.push({ method, payload });
    change?.();
    return Promise.resolve({});
  };
  const fake = {
    id: "900000000000000001",
    locale: options.locale ?? "en-US",
    guildId: options.guildId === undefined ? "100000000000000001" : options.guildId,
    channelId: "200000000000000001",
    user: { id: "300000000000000001", username: "member", globalName: "Member" },
    member: options.guildId === null ? null : { roles: ["400000000000000001"] },
    memberPermissions: options.guildId === null ? null : { bitfield: 0n },
    appPermissions: { bitfield: 0n },
    commandName: options.commandName ?? "test",
    customId: options.customId ?? "",
    message: { interactionMetadata: { user: { id: "300000000000000001" } } },
    values: [],
    get replied() {
      return state.replied;
    },
    get deferred() {
      return state.deferred;
    },
    get responded() {
      return state.responded;
    },
    inGuild: () => options.guildId !== null,
    isAutocomplete: () => options.kind === "autocomplete",
    isChatInputCommand: () => options.kind === "command",
    isMessageComponent: () => options.kind === "button",
    isModalSubmit: () => false,
    isAnySelectMenu: () => false,
    options: {
      getSubcommandGroup: () => null,
      getSubcommand: () => options.subcommand ?? null,
      getString: (name: string) => options.strings?.[name] ?? null,
      getBoolean: (name: string) => options.booleans?.[name] ?? null,
      getInteger: () => null,
      getNumber: () => null,
      get: () => null,
      getFocused: () => ({ name: "term", value: options.strings?.term ?? "" }),
    },
    reply: record("reply", () => (state.replied = true)),
    deferReply: record("deferReply", () => (state.deferred = true)),
    editReply: record("editReply", () => (state.replied = true)),
    followUp: record("followUp"),
    deleteReply: record("deleteReply"),
    update: record("update", () => (state.replied = true)),
    respond: record("respond", () => (state.responded = true)),
  };
  return { interaction: fake as unknown as Interaction, answers };
}

export function fakeServices(lines: unknown[] = []): BotServices {
  const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return {
    knowledge: {} as BotServices["knowledge"],
    store: {} as BotServices["store"],
    guilds: { channel: () => null, role: () => null },
    logger,
    languagePreference: () => Promise.resolve("auto"),
  };
}
