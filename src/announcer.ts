/**
 * What scheduled work (watch-along moments, trivia questions) may do on Discord, as a plain interface so
 * domain runners are tested without discord.js. The implementation (src/discord/announcer.ts) sends
 * through @discordjs/rest: rate limits are queued there, and messages carry a nonce with
 * `enforce_nonce: true`, so a retry after a crash never posts twice.
 */
import type {
  APIActionRowComponent,
  APIAllowedMentions,
  APIComponentInMessageActionRow,
  APIEmbed,
  GuildScheduledEventStatus,
  RESTPatchAPIGuildScheduledEventJSONBody,
  RESTPostAPIGuildScheduledEventJSONBody,
} from "discord-api-types/v10";

export interface OutgoingMessage {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  /** Defaults to pinging nobody. */
  allowed_mentions?: APIAllowedMentions;
  files?: { name: string; data: Buffer }[];
}

/** Why a Discord call could not be done; runners decide what each means for their work. */
export type AnnounceFailureKind =
  | "unknown-channel" // deleted (10003) — e.g. cancel the party and tell the host
  | "missing-access" // 50001 / 50013 — the bot lost permissions there
  | "unknown-message" // 10008
  | "unknown-event" // 10070
  | "transient"; // 5xx or network after @discordjs/rest's own retries: retry later

export class AnnounceError extends Error {
  constructor(
    readonly kind: AnnounceFailureKind,
    message: string,
    readonly status?: number,
    readonly code?: number,
  ) {
    super(message);
    this.name = "AnnounceError";
  }
}

export interface Announcer {
  /**
   * Posts a message. `idempotencyKey` (e.g. the job id) becomes the message nonce (≤ 25 characters,
   * derived deterministically) with `enforce_nonce: true`.
   */
  send(channelId: string, message: OutgoingMessage, idempotencyKey: string): Promise<{ messageId: string }>;
  edit(channelId: string, messageId: string, message: OutgoingMessage): Promise<void>;
  /** Opens a public thread on a message (or in the channel when messageId is null). */
  startThread(channelId: string, messageId: string | null, name: string): Promise<{ threadId: string }>;
  createEvent(guildId: string, body: RESTPostAPIGuildScheduledEventJSONBody): Promise<{ eventId: string }>;
  updateEvent(guildId: string, eventId: string, body: RESTPatchAPIGuildScheduledEventJSONBody): Promise<void>;
  deleteEvent(guildId: string, eventId: string): Promise<void>;
  /** The event as Discord has it now (null when deleted), for reconciliation at start. */
  getEvent(guildId: string, eventId: string): Promise<{ status: GuildScheduledEventStatus; scheduledStartTime: string; name: string } | null>;
  /** Members who marked the event as interested. */
  eventUserIds(guildId: string, eventId: string): Promise<string[]>;
}
