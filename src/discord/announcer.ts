/**
 * The Announcer (src/announcer.ts) over @discordjs/rest: rate limits are queued and 429s / 5xx retried
 * there; this module adds the message limits (every send and edit goes through `safeMessage`, so nothing
 * is rejected for length and nobody is pinged by default), idempotent sends (a nonce derived from the
 * idempotency key, with `enforce_nonce: true`), and maps Discord's errors to AnnounceError kinds.
 */
import { createHash } from "node:crypto";
import type { RawFile, REST } from "@discordjs/rest";
import {
  ChannelType,
  Routes,
  type APIGuildScheduledEvent,
  type APIMessage,
  type APIThreadChannel,
  type RESTGetAPIGuildScheduledEventUsersResult,
  type RESTPatchAPIGuildScheduledEventJSONBody,
  type RESTPostAPIGuildScheduledEventJSONBody,
} from "discord-api-types/v10";
import { AnnounceError, type Announcer, type AnnounceFailureKind, type OutgoingMessage } from "../announcer.js";
import { safeMessage, truncate } from "./limits.js";

/** The part of @discordjs/rest's REST the announcer uses (discord.js's `client.rest` is one). */
export type RestLike = Pick<REST, "get" | "post" | "patch" | "delete">;

/** Discord accepts nonces of at most 25 characters. */
export const NONCE_MAX = 25;
const THREAD_NAME_MAX = 100;
const EVENT_NAME_MAX = 100;
const EVENT_DESCRIPTION_MAX = 1000;
const EVENT_USERS_PAGE = 100;
/** At most this many pages of interested members (10,000 people) per call. */
const EVENT_USERS_MAX_PAGES = 100;

/** JSON error codes, https://discord.com/developers/docs/topics/opcodes-and-status-codes#json */
const CODE_KIND: Readonly<Record<number, AnnounceFailureKind>> = {
  10003: "unknown-channel",
  50001: "missing-access",
  50013: "missing-access",
  10008: "unknown-message",
  10070: "unknown-event",
};
/** "A thread has already been created for this message." */
const THREAD_ALREADY_CREATED = 160004;

/**
 * A deterministic nonce for an idempotency key: the SHA-256 of the key in base 36, cut to 25 characters
 * (about 129 bits). The same key always gives the same nonce, so a send retried after a crash is
 * recognised by Discord and not posted twice.
 */
export function nonceFor(idempotencyKey: string): string {
  const hex = createHash("sha256").update(idempotencyKey, "utf8").digest("hex");
  return BigInt(`0x${hex}`).toString(36).padStart(NONCE_MAX, "0").slice(0, NONCE_MAX);
}

interface ApiErrorLike {
  status: number;
  code?: number | string;
  message: string;
}

function apiError(err: unknown): ApiErrorLike | null {
  if (!(err instanceof Error)) return null;
  const status = (err as { status?: unknown }).status;
  if (typeof status !== "number") return null;
  const code = (err as { code?: unknown }).code;
  return { status, message: err.message, ...(typeof code === "number" || typeof code === "string" ? { code } : {}) };
}

/**
 * Maps what @discordjs/rest threw (after its own retries) to an AnnounceError:
 * the known JSON codes to their kinds, 5xx and 429 and network failures to `transient`. Any other 4xx
 * means the request itself is wrong (e.g. 50035 invalid form body): it is rethrown unchanged, since
 * retrying cannot help and callers should see the real error.
 */
export function toAnnounceError(err: unknown, what: string): unknown {
  if (err instanceof AnnounceError) return err;
  const api = apiError(err);
  if (!api) {
    // No HTTP status: the request never got an answer (connection refused/reset, DNS, timeout abort).
    const message = err instanceof Error ? err.message : String(err);
    const out = new AnnounceError("transient", `${what}: ${message}`);
    (out as { cause?: unknown }).cause = err;
    return out;
  }
  const code = typeof api.code === "number" ? api.code : undefined;
  let kind: AnnounceFailureKind | undefined = code !== undefined ? CODE_KIND[code] : undefined;
  if (!kind && (api.status >= 500 || api.status === 429)) kind = "transient";
  if (!kind && api.status === 403 && code === undefined) kind = "missing-access";
  if (!kind) return err;
  const out = new AnnounceError(kind, `${what}: ${api.message}`, api.status, code);
  (out as { cause?: unknown }).cause = err;
  return out;
}

function codeOf(err: unknown): number | undefined {
  const code = apiError(err)?.code;
  return typeof code === "number" ? code : undefined;
}

async function call<T>(what: string, fn: () => Promise<unknown>): Promise<T> {
  try {
    return (await fn()) as T;
  } catch (err) {
    throw toAnnounceError(err, what);
  }
}

function rawFiles(files: OutgoingMessage["files"]): RawFile[] | undefined {
  if (!files || files.length === 0) return undefined;
  return files.map((f) => ({ name: f.name, data: f.data }));
}

/** The JSON body of a message: limits applied, no pings unless asked, attachments declared for files. */
export function messageBody(message: OutgoingMessage): Record<string, unknown> {
  const { files, components, ...text } = message;
  const body: Record<string, unknown> = { ...safeMessage(text) };
  if (components !== undefined) body.components = components;
  if (files && files.length > 0) body.attachments = files.map((f, i) => ({ id: i, filename: f.name }));
  return body;
}

function clampEvent<T extends { name?: string; description?: string | null }>(body: T): T {
  const out = { ...body };
  if (typeof out.name === "string") out.name = truncate(out.name, EVENT_NAME_MAX);
  if (typeof out.description === "string") out.description = truncate(out.description, EVENT_DESCRIPTION_MAX);
  return out;
}

export function restAnnouncer(rest: RestLike): Announcer {
  return {
    async send(channelId, message, idempotencyKey) {
      const body = { ...messageBody(message), nonce: nonceFor(idempotencyKey), enforce_nonce: true };
      const files = rawFiles(message.files);
      const msg = await call<APIMessage>(`send to channel ${channelId}`, () =>
        rest.post(Routes.channelMessages(channelId), { body, ...(files ? { files } : {}) }),
      );
      return { messageId: msg.id };
    },

    async edit(channelId, messageId, message) {
      const files = rawFiles(message.files);
      await call(`edit message ${messageId} in channel ${channelId}`, () =>
        rest.patch(Routes.channelMessage(channelId, messageId), { body: messageBody(message), ...(files ? { files } : {}) }),
      );
    },

    async startThread(channelId, messageId, name) {
      const threadName = truncate(name, THREAD_NAME_MAX);
      try {
        const thread = (await (messageId === null
          ? rest.post(Routes.threads(channelId), { body: { name: threadName, type: ChannelType.PublicThread } })
          : rest.post(Routes.threads(channelId, messageId), { body: { name: threadName } }))) as APIThreadChannel;
        return { threadId: thread.id };
      } catch (err) {
        // A retry after a crash: the thread exists already, and a message's thread has the message's id.
        if (messageId !== null && codeOf(err) === THREAD_ALREADY_CREATED) return { threadId: messageId };
        throw toAnnounceError(err, `start thread in channel ${channelId}`);
      }
    },

    async createEvent(guildId, body: RESTPostAPIGuildScheduledEventJSONBody) {
      const event = await call<APIGuildScheduledEvent>(`create event in guild ${guildId}`, () =>
        rest.post(Routes.guildScheduledEvents(guildId), { body: clampEvent(body) }),
      );
      return { eventId: event.id };
    },

    async updateEvent(guildId, eventId, body: RESTPatchAPIGuildScheduledEventJSONBody) {
      await call(`update event ${eventId} in guild ${guildId}`, () =>
        rest.patch(Routes.guildScheduledEvent(guildId, eventId), { body: clampEvent(body) }),
      );
    },

    /** Idempotent: an event that is already gone counts as deleted. */
    async deleteEvent(guildId, eventId) {
      try {
        await rest.delete(Routes.guildScheduledEvent(guildId, eventId));
      } catch (err) {
        const mapped = toAnnounceError(err, `delete event ${eventId} in guild ${guildId}`);
        if (mapped instanceof AnnounceError && mapped.kind === "unknown-event") return;
        throw mapped;
      }
    },

    async getEvent(guildId, eventId) {
      try {
        const e = (await rest.get(Routes.guildScheduledEvent(guildId, eventId))) as APIGuildScheduledEvent;
        return { status: e.status, scheduledStartTime: e.scheduled_start_time, name: e.name };
      } catch (err) {
        const mapped = toAnnounceError(err, `get event ${eventId} in guild ${guildId}`);
        if (mapped instanceof AnnounceError && mapped.kind === "unknown-event") return null;
        throw mapped;
      }
    },

    async eventUserIds(guildId, eventId) {
      const ids: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < EVENT_USERS_MAX_PAGES; page++) {
        const query = new URLSearchParams({ limit: String(EVENT_USERS_PAGE) });
        if (after !== undefined) query.set("after", after);
        const users = await call<RESTGetAPIGuildScheduledEventUsersResult>(`list users of event ${eventId}`, () =>
          rest.get(Routes.guildScheduledEventUsers(guildId, eventId), { query }),
        );
        for (const u of users) ids.push(u.user.id);
        const last = users[users.length - 1];
        if (users.length < EVENT_USERS_PAGE || !last) break;
        // Pages come in ascending id order with `after`; continue from the largest id seen.
        after = users.reduce((max, u) => (BigInt(u.user.id) > BigInt(max) ? u.user.id : max), last.user.id);
      }
      return [...new Set(ids)];
    },
  };
}
