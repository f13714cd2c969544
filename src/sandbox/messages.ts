/** Building and editing messages in Discord's shape. */
import { MessageFlags, MessageType, type APIEmbed, type APIMessage, type APIUser } from "discord-api-types/v10";
import type { ChannelRecord, World } from "./state.js";

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export interface NewMessage {
  author: APIUser;
  type?: MessageType;
  webhookId?: string;
  applicationId?: string;
  interactionMetadata?: unknown;
  /** extra flags, e.g. Loading */
  flags?: number;
  attachments?: { filename: string; size: number; contentType?: string }[];
}

/** Flags a message create/edit may set. */
const SETTABLE_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.Ephemeral | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

function embeds(value: unknown): APIEmbed[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObj).map((e) => ({ type: "rich", ...e }) as APIEmbed);
}

/** Builds a message from a create body (content, embeds, components, flags …) and stores it. */
export function createMessage(world: World, channel: ChannelRecord, body: Json, meta: NewMessage): APIMessage {
  const id = world.ids.next();
  const flags = ((typeof body.flags === "number" ? body.flags : Number(body.flags ?? 0)) & SETTABLE_FLAGS) | (meta.flags ?? 0);
  const content = typeof body.content === "string" ? body.content : "";
  const message: APIMessage = {
    id,
    channel_id: channel.id,
    author: meta.author,
    content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: body.tts === true,
    mention_everyone: /@everyone|@here/.test(content) && allowsEveryone(body.allowed_mentions),
    mentions: [],
    mention_roles: [],
    attachments: (meta.attachments ?? []).map((a, i) => ({
      id: String(i),
      filename: a.filename,
      size: a.size,
      url: `https://cdn.discordapp.invalid/attachments/${channel.id}/${id}/${a.filename}`,
      proxy_url: `https://media.discordapp.invalid/attachments/${channel.id}/${id}/${a.filename}`,
      ...(a.contentType ? { content_type: a.contentType } : {}),
    })),
    embeds: embeds(body.embeds),
    pinned: false,
    type: meta.type ?? MessageType.Default,
    flags,
    components: Array.isArray(body.components) ? (body.components as APIMessage["components"]) : [],
    ...(body.nonce !== undefined && body.nonce !== null ? { nonce: body.nonce as string | number } : {}),
    ...(meta.webhookId ? { webhook_id: meta.webhookId } : {}),
    ...(meta.applicationId ? { application_id: meta.applicationId } : {}),
    ...(meta.interactionMetadata ? { interaction_metadata: meta.interactionMetadata as APIMessage["interaction_metadata"] } : {}),
    ...(isObj(body.message_reference) ? { message_reference: { ...(body.message_reference), channel_id: channel.id } } : {}),
  };
  world.messages.get(channel.id)?.push(message);
  world.messageChannel.set(id, channel.id);
  channel.lastMessageId = id;
  world.touch();
  return message;
}

function allowsEveryone(allowed: unknown): boolean {
  if (!isObj(allowed)) return true;
  return Array.isArray(allowed.parse) && allowed.parse.includes("everyone");
}

/** Applies an edit body (only the fields present change). */
export function editMessage(world: World, message: APIMessage, body: Json): APIMessage {
  if ("content" in body) message.content = typeof body.content === "string" ? body.content : "";
  if ("embeds" in body) message.embeds = embeds(body.embeds);
  if ("components" in body) message.components = Array.isArray(body.components) ? (body.components as APIMessage["components"]) : [];
  if ("flags" in body && body.flags !== null && body.flags !== undefined) {
    // only SuppressEmbeds may change on edit; the rest are kept
    const keep = (message.flags ?? 0) & ~MessageFlags.SuppressEmbeds;
    message.flags = keep | (Number(body.flags) & MessageFlags.SuppressEmbeds);
  }
  if ("attachments" in body && Array.isArray(body.attachments) && body.attachments.length === 0) message.attachments = [];
  message.edited_timestamp = new Date().toISOString();
  world.touch();
  return message;
}

export function deleteMessage(world: World, channelId: string, messageId: string): boolean {
  const list = world.messages.get(channelId);
  const i = list?.findIndex((m) => m.id === messageId) ?? -1;
  if (!list || i < 0) return false;
  list.splice(i, 1);
  world.messageChannel.delete(messageId);
  world.touch();
  return true;
}

export function isEphemeral(m: APIMessage): boolean {
  return ((m.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
}
