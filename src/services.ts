/**
 * The services handlers use, passed explicitly (a small deps object, no container).
 */
import type { KnowledgeBase } from "./knowledge/base.js";
import type { LanguagePreference } from "./i18n/locale.js";
import type { Logger } from "./log.js";
import type { Store } from "./store/index.js";
import type { TriviaService } from "./trivia/rounds.js";
import type { WatchService } from "./watchalong/service.js";

export type ChannelKind = "text" | "announcement" | "voice" | "stage" | "forum" | "thread" | "category" | "other";

/** What the bot can see of a server right now (from the gateway's cache). */
export interface GuildInspector {
  /** A channel of the guild and the bot's permissions in it, or null if the bot cannot see it. */
  channel(guildId: string, channelId: string): { kind: ChannelKind; name: string; botPermissions: bigint | null } | null;
  role(guildId: string, roleId: string): { name: string; everyone: boolean; managed: boolean; mentionable: boolean } | null;
}

export interface BotServices {
  knowledge: KnowledgeBase;
  logger: Logger;
  store: Store;
  guilds: GuildInspector;
  /** The club's language setting ("auto" in DMs and when the club chose none). */
  languagePreference(guildId: string | null): Promise<LanguagePreference>;
  /** Club trivia rounds (src/trivia/rounds.ts `createTriviaService`); trivia commands refuse politely without it. */
  trivia?: TriviaService;
  /** Watch parties (src/watchalong/service.ts `createWatchService`); watchparty commands refuse politely without it. */
  watch?: WatchService;
}
