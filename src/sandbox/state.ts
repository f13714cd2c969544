/**
 * The emulator's world: users, guilds, roles, members, channels, messages, commands, scheduled events.
 * Plain data with builders; every mutation calls `touch()` so waiters re-check, and state changes that
 * Discord announces call `dispatch()` (wired to the gateway by the emulator).
 */
import type {
  GuildHubType} from "discord-api-types/v10";
import {
  ChannelType,
  GatewayIntentBits,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  type GuildMemberFlags,
  type RoleFlags,
  type UserFlags,
  type APIApplicationCommand,
  type APIChannel,
  type APIGuild,
  type APIGuildMember,
  type APIGuildScheduledEvent,
  type APIMessage,
  type APIOverwrite,
  type APIRole,
  type APIUser,
} from "discord-api-types/v10";
import {
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  channelPermissions,
  type PermissionOverwrite,
} from "./permissions.js";
import { SnowflakeGenerator } from "./snowflake.js";

export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  preferredLocale: string;
  roles: Map<string, APIRole>;
  members: Map<string, MemberRecord>;
  scheduledEvents: Map<string, APIGuildScheduledEvent>;
  eventSubscribers: Map<string, Set<string>>;
  botRoleId: string;
  /** the bot is in the guild */
  joined: boolean;
  joinedAt: string;
}

export interface MemberRecord {
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: string;
}

/** A channel as the emulator keeps it; `toApi` gives Discord's shape. */
export interface ChannelRecord {
  id: string;
  type: ChannelType;
  guildId: string | null;
  name: string | null;
  parentId: string | null;
  position: number;
  topic: string | null;
  overwrites: APIOverwrite[];
  /** DMs */
  recipientIds: string[];
  /** threads */
  ownerId: string | null;
  threadMemberIds: Set<string>;
  archived: boolean;
  lastMessageId: string | null;
  lastPinTimestamp: string | null;
  deleted: boolean;
}

export type DispatchFn = (event: string, data: unknown, opts: { guildId?: string | null; intent?: number }) => void;

export interface CreateGuildOptions {
  name: string;
  ownerId?: string;
  preferredLocale?: string;
  /** creates #general unless false */
  withGeneralChannel?: boolean;
}

export interface CreateChannelOptions {
  name: string;
  type?: ChannelType;
  parentId?: string;
  topic?: string;
  permissionOverwrites?: { id: string; type: 0 | 1; allow?: bigint; deny?: bigint }[];
}

const iso = (ms: number = Date.now()): string => new Date(ms).toISOString();

export class World {
  readonly ids = new SnowflakeGenerator();
  readonly users = new Map<string, APIUser>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly messages = new Map<string, APIMessage[]>();
  /** message id -> channel id */
  readonly messageChannel = new Map<string, string>();
  readonly globalCommands = new Map<string, APIApplicationCommand>();
  readonly guildCommands = new Map<string, Map<string, APIApplicationCommand>>();
  readonly botUser: APIUser;
  private readonly listeners = new Set<() => void>();
  dispatch: DispatchFn = () => {};

  constructor(
    readonly applicationId: string,
    botName: string,
  ) {
    this.botUser = {
      id: applicationId,
      username: botName,
      discriminator: "0",
      global_name: null,
      avatar: null,
      bot: true,
      flags: 0 as UserFlags,
      public_flags: 0 as UserFlags,
    };
    this.users.set(this.botUser.id, this.botUser);
  }

  /** Something changed: wake every waiter. */
  touch(): void {
    for (const l of [...this.listeners]) l();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- builders ------------------------------------------------------------------------------------

  createUser(opts: { username: string; globalName?: string; bot?: boolean; id?: string }): APIUser {
    const user: APIUser = {
      id: opts.id ?? this.ids.next(),
      username: opts.username,
      discriminator: "0",
      global_name: opts.globalName ?? null,
      avatar: null,
      bot: opts.bot ?? false,
      flags: 0 as UserFlags,
      public_flags: 0 as UserFlags,
    };
    this.users.set(user.id, user);
    this.touch();
    return user;
  }

  createGuild(opts: CreateGuildOptions): GuildRecord {
    const id = this.ids.next();
    const ownerId = opts.ownerId ?? this.createUser({ username: `${opts.name.toLowerCase().replace(/\W+/g, "")}-owner` }).id;
    const everyone = this.role(id, "@everyone", DEFAULT_EVERYONE_PERMISSIONS, 0);
    const botRole = this.role(this.ids.next(), this.botUser.username, DEFAULT_BOT_PERMISSIONS, 1, true);
    const guild: GuildRecord = {
      id,
      name: opts.name,
      ownerId,
      preferredLocale: opts.preferredLocale ?? "en-US",
      roles: new Map([
        [everyone.id, everyone],
        [botRole.id, botRole],
      ]),
      members: new Map(),
      scheduledEvents: new Map(),
      eventSubscribers: new Map(),
      botRoleId: botRole.id,
      joined: true,
      joinedAt: iso(),
    };
    this.guilds.set(id, guild);
    guild.members.set(ownerId, { userId: ownerId, roles: [], nick: null, joinedAt: iso() });
    guild.members.set(this.botUser.id, { userId: this.botUser.id, roles: [botRole.id], nick: null, joinedAt: iso() });
    if (opts.withGeneralChannel !== false) this.createChannel(id, { name: "general" }, false);
    this.touch();
    this.dispatch("GUILD_CREATE", this.guildCreatePayload(guild), { guildId: id, intent: GatewayIntentBits.Guilds });
    return guild;
  }

  private role(id: string, name: string, permissions: bigint, position: number, managed = false): APIRole {
    return {
      id,
      name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position,
      permissions: permissions.toString(),
      managed,
      mentionable: false,
      flags: 0 as RoleFlags,
      ...(managed ? { tags: { bot_id: this.botUser.id } } : {}),
    };
  }

  createRole(guildId: string, opts: { name: string; permissions: bigint; mentionable?: boolean }): APIRole {
    const g = this.requireGuild(guildId);
    const role = { ...this.role(this.ids.next(), opts.name, opts.permissions, g.roles.size), mentionable: opts.mentionable ?? false };
    g.roles.set(role.id, role);
    this.touch();
    this.dispatch("GUILD_ROLE_CREATE", { guild_id: guildId, role }, { guildId, intent: GatewayIntentBits.Guilds });
    return role;
  }

  setRolePermissions(guildId: string, roleId: string, permissions: bigint): void {
    const g = this.requireGuild(guildId);
    const role = g.roles.get(roleId);
    if (!role) throw new Error(`unknown role ${roleId}`);
    role.permissions = permissions.toString();
    this.touch();
    this.dispatch("GUILD_ROLE_UPDATE", { guild_id: guildId, role }, { guildId, intent: GatewayIntentBits.Guilds });
  }

  createChannel(guildId: string, opts: CreateChannelOptions, announce = true): ChannelRecord {
    const g = this.requireGuild(guildId);
    const ch: ChannelRecord = {
      id: this.ids.next(),
      type: opts.type ?? ChannelType.GuildText,
      guildId,
      name: opts.name,
      parentId: opts.parentId ?? null,
      position: [...this.channels.values()].filter((c) => c.guildId === guildId).length,
      topic: opts.topic ?? null,
      overwrites: (opts.permissionOverwrites ?? []).map((o) => ({
        id: o.id,
        type: o.type,
        allow: (o.allow ?? 0n).toString(),
        deny: (o.deny ?? 0n).toString(),
      })),
      recipientIds: [],
      ownerId: null,
      threadMemberIds: new Set(),
      archived: false,
      lastMessageId: null,
      lastPinTimestamp: null,
      deleted: false,
    };
    this.channels.set(ch.id, ch);
    this.messages.set(ch.id, []);
    this.touch();
    if (announce) this.dispatch("CHANNEL_CREATE", this.channelApi(ch), { guildId: g.id, intent: GatewayIntentBits.Guilds });
    return ch;
  }

  createThread(parent: ChannelRecord, opts: { name: string; type: ChannelType; ownerId: string; id?: string }): ChannelRecord {
    const ch: ChannelRecord = {
      id: opts.id ?? this.ids.next(),
      type: opts.type,
      guildId: parent.guildId,
      name: opts.name,
      parentId: parent.id,
      position: 0,
      topic: null,
      overwrites: [],
      recipientIds: [],
      ownerId: opts.ownerId,
      threadMemberIds: new Set([opts.ownerId]),
      archived: false,
      lastMessageId: null,
      lastPinTimestamp: null,
      deleted: false,
    };
    this.channels.set(ch.id, ch);
    this.messages.set(ch.id, []);
    this.touch();
    this.dispatch(
      "THREAD_CREATE",
      { ...this.channelApi(ch), newly_created: true },
      { guildId: ch.guildId, intent: GatewayIntentBits.Guilds },
    );
    return ch;
  }

  openDm(userId: string): ChannelRecord {
    for (const c of this.channels.values()) {
      if (c.type === ChannelType.DM && c.recipientIds.includes(userId) && !c.deleted) return c;
    }
    const ch: ChannelRecord = {
      id: this.ids.next(),
      type: ChannelType.DM,
      guildId: null,
      name: null,
      parentId: null,
      position: 0,
      topic: null,
      overwrites: [],
      recipientIds: [userId],
      ownerId: null,
      threadMemberIds: new Set(),
      archived: false,
      lastMessageId: null,
      lastPinTimestamp: null,
      deleted: false,
    };
    this.channels.set(ch.id, ch);
    this.messages.set(ch.id, []);
    this.touch();
    return ch;
  }

  deleteChannel(id: string): void {
    const ch = this.channels.get(id);
    if (!ch || ch.deleted) throw new Error(`unknown channel ${id}`);
    const payload = this.channelApi(ch);
    ch.deleted = true;
    this.touch();
    const isThread = ch.type === ChannelType.PublicThread || ch.type === ChannelType.PrivateThread || ch.type === ChannelType.AnnouncementThread;
    this.dispatch(isThread ? "THREAD_DELETE" : "CHANNEL_DELETE", isThread ? { id, guild_id: ch.guildId, parent_id: ch.parentId, type: ch.type } : payload, {
      guildId: ch.guildId,
      intent: GatewayIntentBits.Guilds,
    });
  }

  addMember(guildId: string, userId: string, opts: { roles?: string[]; nick?: string } = {}): MemberRecord {
    const g = this.requireGuild(guildId);
    if (!this.users.has(userId)) throw new Error(`unknown user ${userId}`);
    const m: MemberRecord = { userId, roles: opts.roles ?? [], nick: opts.nick ?? null, joinedAt: iso() };
    g.members.set(userId, m);
    this.touch();
    this.dispatch("GUILD_MEMBER_ADD", { ...this.memberApi(g, m), guild_id: guildId }, { guildId, intent: GatewayIntentBits.GuildMembers });
    return m;
  }

  setBotPermissions(guildId: string, permissions: bigint): void {
    const g = this.requireGuild(guildId);
    this.setRolePermissions(guildId, g.botRoleId, permissions);
  }

  removeBotFromGuild(guildId: string): void {
    const g = this.requireGuild(guildId);
    g.joined = false;
    g.members.delete(this.botUser.id);
    this.touch();
    this.dispatch("GUILD_DELETE", { id: guildId }, { guildId, intent: GatewayIntentBits.Guilds });
  }

  addBotToGuild(guildId: string): void {
    const g = this.guilds.get(guildId);
    if (!g) throw new Error(`unknown guild ${guildId}`);
    g.joined = true;
    g.joinedAt = iso();
    g.members.set(this.botUser.id, { userId: this.botUser.id, roles: [g.botRoleId], nick: null, joinedAt: iso() });
    this.touch();
    this.dispatch("GUILD_CREATE", this.guildCreatePayload(g), { guildId, intent: GatewayIntentBits.Guilds });
  }

  // ---- lookups -------------------------------------------------------------------------------------

  requireGuild(id: string): GuildRecord {
    const g = this.guilds.get(id);
    if (!g || !g.joined) throw new Error(`unknown guild ${id} (or the bot is not in it)`);
    return g;
  }

  liveChannel(id: string): ChannelRecord | undefined {
    const c = this.channels.get(id);
    return c && !c.deleted ? c : undefined;
  }

  findMessage(id: string): { channel: ChannelRecord; message: APIMessage } | undefined {
    const channelId = this.messageChannel.get(id);
    const channel = channelId ? this.liveChannel(channelId) : undefined;
    const message = channel ? this.messages.get(channel.id)?.find((m) => m.id === id) : undefined;
    return channel && message ? { channel, message } : undefined;
  }

  /** The permission overwrites that govern a channel (a thread uses its parent's). */
  private overwritesOf(ch: ChannelRecord): PermissionOverwrite[] {
    const source = ch.ownerId !== null && ch.parentId ? (this.channels.get(ch.parentId) ?? ch) : ch;
    return source.overwrites.map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) }));
  }

  /** A member's permissions in a guild, or in a channel when one is given. */
  permissionsOf(guildId: string, userId: string, channelId?: string): bigint {
    const g = this.guilds.get(guildId);
    const m = g?.members.get(userId);
    if (!g || !m) return 0n;
    const subject = {
      guildId,
      ownerId: g.ownerId,
      userId,
      roleIds: m.roles,
      roles: [...g.roles.values()].map((r) => ({ id: r.id, permissions: BigInt(r.permissions) })),
    };
    const ch = channelId ? this.channels.get(channelId) : undefined;
    return channelPermissions(subject, ch ? this.overwritesOf(ch) : []);
  }

  // ---- Discord shapes ------------------------------------------------------------------------------

  channelApi(ch: ChannelRecord): APIChannel {
    if (ch.type === ChannelType.DM) {
      return {
        id: ch.id,
        type: ChannelType.DM,
        last_message_id: ch.lastMessageId,
        name: null,
        recipients: ch.recipientIds.map((id) => this.users.get(id)).filter((u): u is APIUser => u !== undefined),
        flags: 0,
      } as unknown as APIChannel;
    }
    const base: Record<string, unknown> = {
      id: ch.id,
      type: ch.type,
      guild_id: ch.guildId,
      name: ch.name,
      parent_id: ch.parentId,
      position: ch.position,
      permission_overwrites: ch.overwrites,
      nsfw: false,
      flags: 0,
    };
    if (ch.type === ChannelType.GuildText || ch.type === ChannelType.GuildAnnouncement) {
      Object.assign(base, { topic: ch.topic, last_message_id: ch.lastMessageId, rate_limit_per_user: 0, last_pin_timestamp: ch.lastPinTimestamp });
    }
    if (ch.ownerId !== null) {
      delete base.permission_overwrites;
      delete base.position;
      Object.assign(base, {
        owner_id: ch.ownerId,
        last_message_id: ch.lastMessageId,
        rate_limit_per_user: 0,
        message_count: this.messages.get(ch.id)?.length ?? 0,
        member_count: ch.threadMemberIds.size,
        total_message_sent: this.messages.get(ch.id)?.length ?? 0,
        thread_metadata: {
          archived: ch.archived,
          auto_archive_duration: 1440,
          archive_timestamp: iso(),
          locked: false,
          ...(ch.type === ChannelType.PrivateThread ? { invitable: true } : {}),
        },
      });
    }
    return base as unknown as APIChannel;
  }

  memberApi(g: GuildRecord, m: MemberRecord): APIGuildMember {
    const user = this.users.get(m.userId);
    if (!user) throw new Error(`unknown user ${m.userId}`);
    return {
      user,
      nick: m.nick,
      avatar: null,
      banner: null,
      roles: m.roles.filter((r) => g.roles.has(r)),
      joined_at: m.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      pending: false,
      communication_disabled_until: null,
    };
  }

  guildApi(g: GuildRecord): APIGuild {
    const channels = [...this.channels.values()].filter((c) => c.guildId === g.id && !c.deleted);
    return {
      id: g.id,
      name: g.name,
      icon: null,
      icon_hash: null,
      splash: null,
      discovery_splash: null,
      owner_id: g.ownerId,
      region: "",
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: GuildVerificationLevel.None,
      default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
      explicit_content_filter: GuildExplicitContentFilter.Disabled,
      roles: [...g.roles.values()],
      emojis: [],
      features: [],
      mfa_level: GuildMFALevel.None,
      application_id: null,
      system_channel_id: channels.find((c) => c.type === ChannelType.GuildText)?.id ?? null,
      system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
      rules_channel_id: null,
      max_presences: null,
      max_members: 500000,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: GuildPremiumTier.None,
      premium_subscription_count: 0,
      preferred_locale: g.preferredLocale as APIGuild["preferred_locale"],
      public_updates_channel_id: null,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      approximate_member_count: g.members.size,
      approximate_presence_count: 0,
      nsfw_level: GuildNSFWLevel.Default,
      stickers: [],
      premium_progress_bar_enabled: false,
      hub_type: null as GuildHubType | null,
      safety_alerts_channel_id: null,
      incidents_data: null,
    };
  }

  guildCreatePayload(g: GuildRecord): Record<string, unknown> {
    const channels = [...this.channels.values()].filter((c) => c.guildId === g.id && !c.deleted);
    return {
      ...this.guildApi(g),
      joined_at: g.joinedAt,
      large: false,
      unavailable: false,
      member_count: g.members.size,
      voice_states: [],
      members: [...g.members.values()].map((m) => this.memberApi(g, m)),
      channels: channels.filter((c) => c.ownerId === null).map((c) => this.channelApi(c)),
      threads: channels.filter((c) => c.ownerId !== null && !c.archived).map((c) => this.channelApi(c)),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [...g.scheduledEvents.values()],
      soundboard_sounds: [],
    };
  }
}
