/**
 * Interactions the test (or the terminal client) starts: payloads in Discord's shape, and the handle that
 * watches what the bot answers.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  PermissionFlagsBits,
  type APIApplicationCommand,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOption,
  type APIInteraction,
  type APIMessage,
  type APIUser,
} from "discord-api-types/v10";
import { randomBytes } from "node:crypto";
import type { ChannelRecord, World } from "./state.js";
import { DEFAULT_WAIT_MS, waitUntil } from "./wait.js";

export interface InteractionCallback {
  type: InteractionResponseType;
  /** the callback's `data` as the bot sent it */
  data?: Record<string, unknown>;
  /** performance.now() when the callback arrived */
  at: number;
}

export interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType;
  payload: APIInteraction;
  channelId: string;
  guildId: string | null;
  userId: string;
  /** Date.now() at creation; the token lives 15 minutes from here */
  createdAt: number;
  /** performance.now() when created / when the dispatch reached the bot's socket / when the callback arrived */
  createdAtHr: number;
  dispatchedAt: number | null;
  callbackAt: number | null;
  callback: InteractionCallback | null;
  /** a callback refused because it came after the deadline */
  lateBy: number | null;
  /** id of the message that @original names */
  originalId: string | null;
  /** the original is the "thinking…" message of a deferred reply, not yet edited */
  originalLoading: boolean;
  originalEdits: number;
  followUpIds: string[];
  /** component interactions: the message the component is on */
  sourceMessageId: string | null;
  commandName: string | null;
}

/** Options given naturally: `{ name: "rust" }`, or with a subcommand `{ subcommand: "part", options: { name: "rust" } }`. */
export type OptionValues = Record<string, string | number | boolean>;
export interface NaturalOptions {
  group?: string;
  subcommand?: string;
  options?: OptionValues;
}

export interface CommandInput {
  /** the user id (or user) who runs the command */
  user: string | APIUser;
  guildId?: string;
  channelId: string;
  locale?: string;
  name: string;
  /** 1 chat input (default), 2 user, 3 message */
  type?: ApplicationCommandType;
  group?: string;
  subcommand?: string;
  options?: OptionValues | NaturalOptions | APIApplicationCommandInteractionDataOption[];
  /** user and message commands: the target */
  targetId?: string;
}

export interface AutocompleteInput extends CommandInput {
  /** name of the option being typed */
  focused: string;
}

export interface ComponentInput {
  user: string | APIUser;
  /** the message (or its id) the component is on */
  message: APIMessage | string;
  customId: string;
  locale?: string;
}

export interface SelectInput extends ComponentInput {
  values: string[];
}

export interface ModalSubmitInput {
  user: string | APIUser;
  customId: string;
  /** text input custom_id -> value */
  fields: Record<string, string>;
  /** the interaction that opened the modal (gives channel, guild and message) */
  from?: InteractionHandle;
  channelId?: string;
  guildId?: string;
  locale?: string;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
export const userIdOf = (u: string | APIUser): string => (typeof u === "string" ? u : u.id);

export class InteractionBuilder {
  constructor(private readonly world: World) {}

  private base(type: InteractionType, user: string | APIUser, channelId: string, locale: string | undefined, data: unknown): { rec: InteractionRecord; channel: ChannelRecord } {
    const world = this.world;
    const userId = userIdOf(user);
    const u = world.users.get(userId);
    if (!u) throw new Error(`unknown user ${userId}`);
    const channel = world.liveChannel(channelId);
    if (!channel) throw new Error(`unknown channel ${channelId}`);
    const id = world.ids.next();
    const token = `aW50ZXJhY3Rpb246${id}:${randomBytes(24).toString("base64url")}`;
    const payload: Json = {
      id,
      application_id: world.applicationId,
      type,
      data,
      token,
      version: 1,
      locale: locale ?? "en-US",
      channel_id: channel.id,
      entitlements: [],
      attachment_size_limit: 26_214_400,
    };
    if (channel.guildId) {
      const g = world.requireGuild(channel.guildId);
      const m = g.members.get(userId);
      if (!m) throw new Error(`user ${userId} is not a member of guild ${g.id}`);
      const perms = world.permissionsOf(g.id, userId, channel.id);
      if ((perms & PermissionFlagsBits.ViewChannel) === 0n) throw new Error(`user ${userId} cannot see channel ${channel.id}`);
      Object.assign(payload, {
        guild_id: g.id,
        guild: { id: g.id, locale: g.preferredLocale, features: [] },
        guild_locale: g.preferredLocale,
        member: { ...world.memberApi(g, m), permissions: perms.toString() },
        app_permissions: world.permissionsOf(g.id, world.botUser.id, channel.id).toString(),
        channel: { ...world.channelApi(channel), permissions: perms.toString() },
        authorizing_integration_owners: { "0": g.id },
        context: InteractionContextType.Guild,
      });
    } else {
      const dmPerms =
        PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.AttachFiles |
        PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.AddReactions | PermissionFlagsBits.UseExternalEmojis;
      Object.assign(payload, {
        user: u,
        app_permissions: dmPerms.toString(),
        channel: world.channelApi(channel),
        authorizing_integration_owners: { "1": userId },
        context: InteractionContextType.BotDM,
      });
    }
    const rec: InteractionRecord = {
      id,
      token,
      type,
      payload: payload as unknown as APIInteraction,
      channelId: channel.id,
      guildId: channel.guildId,
      userId,
      createdAt: Date.now(),
      createdAtHr: performance.now(),
      dispatchedAt: null,
      callbackAt: null,
      callback: null,
      lateBy: null,
      originalId: null,
      originalLoading: false,
      originalEdits: 0,
      followUpIds: [],
      sourceMessageId: null,
      commandName: null,
    };
    return { rec, channel };
  }

  findCommand(name: string, type: ApplicationCommandType, guildId: string | null): APIApplicationCommand {
    const world = this.world;
    const scoped = guildId ? [...(world.guildCommands.get(guildId)?.values() ?? [])] : [];
    const all = [...scoped, ...world.globalCommands.values()];
    const cmd = all.find((c) => c.name === name && (c.type ?? ApplicationCommandType.ChatInput) === type);
    if (!cmd) throw new Error(`command "${name}" (type ${type}) is not registered${guildId ? ` in guild ${guildId} or globally` : " globally"}`);
    return cmd;
  }

  command(input: CommandInput, autocompleteFocus?: string): InteractionRecord {
    const type = input.type ?? ApplicationCommandType.ChatInput;
    const channel = this.world.liveChannel(input.channelId);
    if (!channel) throw new Error(`unknown channel ${input.channelId}`);
    const guildId = input.guildId ?? channel.guildId;
    const cmd = this.findCommand(input.name, type, guildId);
    const userId = userIdOf(input.user);
    this.checkAccess(cmd, guildId, userId, channel.id);
    const resolved: Json = {};
    let options: APIApplicationCommandInteractionDataOption[] | undefined;
    if (Array.isArray(input.options)) options = input.options;
    else {
      const natural = splitNatural(input);
      options = this.resolveOptions(cmd, natural, resolved, guildId, autocompleteFocus);
    }
    const data: Json = {
      id: cmd.id,
      name: cmd.name,
      type,
      ...(cmd.guild_id ? { guild_id: cmd.guild_id } : {}),
      ...(options && options.length > 0 ? { options } : {}),
      ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
    };
    if (type !== ApplicationCommandType.ChatInput) {
      if (!input.targetId) throw new Error("user and message commands need targetId");
      data.target_id = input.targetId;
      if (type === ApplicationCommandType.User) this.resolveUser(input.targetId, guildId, resolved);
      else {
        const found = this.world.findMessage(input.targetId);
        if (!found) throw new Error(`unknown message ${input.targetId}`);
        resolved.messages = { [input.targetId]: found.message };
      }
      data.resolved = resolved;
    }
    const kind = autocompleteFocus === undefined ? InteractionType.ApplicationCommand : InteractionType.ApplicationCommandAutocomplete;
    const { rec } = this.base(kind, input.user, channel.id, input.locale, data);
    rec.commandName = cmd.name;
    return rec;
  }

  private checkAccess(cmd: APIApplicationCommand, guildId: string | null, userId: string, channelId: string): void {
    const contexts = cmd.contexts ?? null;
    if (guildId === null) {
      if (contexts && !contexts.includes(InteractionContextType.BotDM)) throw new Error(`command "${cmd.name}" is not available in DMs`);
      if (!contexts && cmd.dm_permission === false) throw new Error(`command "${cmd.name}" is not available in DMs`);
      return;
    }
    if (contexts && !contexts.includes(InteractionContextType.Guild)) throw new Error(`command "${cmd.name}" is not available in guilds`);
    if (cmd.default_member_permissions !== null && cmd.default_member_permissions !== undefined) {
      const need = BigInt(cmd.default_member_permissions);
      const have = this.world.permissionsOf(guildId, userId, channelId);
      if ((have & need) !== need && (have & PermissionFlagsBits.Administrator) === 0n) {
        throw new Error(`user ${userId} lacks default_member_permissions ${need} for "${cmd.name}" (Discord hides it)`);
      }
    }
  }

  private resolveUser(id: string, guildId: string | null, resolved: Json): void {
    const u = this.world.users.get(id);
    if (!u) throw new Error(`unknown user ${id}`);
    (resolved.users ??= {}) as Json;
    (resolved.users as Json)[id] = u;
    const g = guildId ? this.world.guilds.get(guildId) : undefined;
    const m = g?.members.get(id);
    if (g && m) {
      const { user: _user, ...member } = this.world.memberApi(g, m);
      resolved.members ??= {};
      (resolved.members as Json)[id] = { ...member, permissions: this.world.permissionsOf(g.id, id).toString() };
    }
  }

  private resolveOptions(
    cmd: APIApplicationCommand,
    natural: NaturalOptions,
    resolved: Json,
    guildId: string | null,
    focus: string | undefined,
  ): APIApplicationCommandInteractionDataOption[] {
    let defs: readonly APIApplicationCommandOption[] = cmd.options ?? [];
    const wrap: { name: string; type: ApplicationCommandOptionType }[] = [];
    if (natural.group) {
      const g = defs.find((o) => o.name === natural.group && o.type === ApplicationCommandOptionType.SubcommandGroup);
      if (!g || g.type !== ApplicationCommandOptionType.SubcommandGroup) throw new Error(`"${cmd.name}" has no subcommand group "${natural.group}"`);
      wrap.push({ name: g.name, type: g.type });
      defs = g.options ?? [];
    }
    if (natural.subcommand) {
      const s = defs.find((o) => o.name === natural.subcommand && o.type === ApplicationCommandOptionType.Subcommand);
      if (!s || s.type !== ApplicationCommandOptionType.Subcommand) throw new Error(`"${cmd.name}" has no subcommand "${natural.subcommand}"`);
      wrap.push({ name: s.name, type: s.type });
      defs = s.options ?? [];
    } else if (defs.some((o) => o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup)) {
      throw new Error(`"${cmd.name}" needs a subcommand`);
    }
    const leaf: Json[] = [];
    for (const [name, raw] of Object.entries(natural.options ?? {})) {
      const def = defs.find((o) => o.name === name);
      if (!def) throw new Error(`"${cmd.name}" has no option "${name}" (known: ${defs.map((d) => d.name).join(", ") || "none"})`);
      leaf.push({ name, type: def.type, value: this.optionValue(def, raw, resolved, guildId, name === focus), ...(name === focus ? { focused: true } : {}) });
    }
    if (focus === undefined) {
      for (const d of defs) {
        if ("required" in d && d.required === true && !(d.name in (natural.options ?? {}))) {
          throw new Error(`"${cmd.name}" needs option "${d.name}"`);
        }
      }
    } else if (!leaf.some((o) => o.focused === true)) {
      const def = defs.find((o) => o.name === focus);
      if (!def) throw new Error(`"${cmd.name}" has no option "${focus}"`);
      leaf.push({ name: focus, type: def.type, value: "", focused: true });
    }
    let out = leaf as unknown as APIApplicationCommandInteractionDataOption[];
    for (const w of wrap.reverse()) out = [{ name: w.name, type: w.type, options: out } as APIApplicationCommandInteractionDataOption];
    return out;
  }

  private optionValue(def: APIApplicationCommandOption, raw: string | number | boolean, resolved: Json, guildId: string | null, focused: boolean): unknown {
    switch (def.type) {
      case ApplicationCommandOptionType.String:
        return String(raw);
      case ApplicationCommandOptionType.Integer:
        if (focused) return String(raw);
        if (!Number.isInteger(Number(raw))) throw new Error(`option "${def.name}" needs an integer`);
        return Number(raw);
      case ApplicationCommandOptionType.Number:
        return focused ? String(raw) : Number(raw);
      case ApplicationCommandOptionType.Boolean:
        return raw === true || raw === "true";
      case ApplicationCommandOptionType.User:
        this.resolveUser(String(raw), guildId, resolved);
        return String(raw);
      case ApplicationCommandOptionType.Channel: {
        const ch = this.world.liveChannel(String(raw));
        if (!ch) throw new Error(`unknown channel ${String(raw)}`);
        resolved.channels ??= {};
        const api = this.world.channelApi(ch) as unknown as Json;
        (resolved.channels as Json)[ch.id] = { id: ch.id, name: api.name, type: ch.type, permissions: "0", ...(ch.parentId ? { parent_id: ch.parentId } : {}) };
        return ch.id;
      }
      case ApplicationCommandOptionType.Role: {
        const role = guildId ? this.world.guilds.get(guildId)?.roles.get(String(raw)) : undefined;
        if (!role) throw new Error(`unknown role ${String(raw)}`);
        resolved.roles ??= {};
        (resolved.roles as Json)[role.id] = role;
        return role.id;
      }
      case ApplicationCommandOptionType.Mentionable: {
        const id = String(raw);
        const role = guildId ? this.world.guilds.get(guildId)?.roles.get(id) : undefined;
        if (role) {
          resolved.roles ??= {};
          (resolved.roles as Json)[role.id] = role;
        } else this.resolveUser(id, guildId, resolved);
        return id;
      }
      default:
        return raw;
    }
  }

  component(input: ComponentInput | SelectInput): InteractionRecord {
    const id = typeof input.message === "string" ? input.message : input.message.id;
    const found = this.world.findMessage(id);
    if (!found) throw new Error(`unknown message ${id}`);
    const component = findComponent(found.message.components, input.customId);
    if (!component) throw new Error(`message ${id} has no component with custom_id "${input.customId}"`);
    if (component.disabled === true) throw new Error(`component "${input.customId}" is disabled`);
    const data: Json = { custom_id: input.customId, component_type: component.type };
    if ("values" in input) {
      data.values = input.values;
      const known = Array.isArray(component.options) ? (component.options as Json[]).map((o) => o.value) : null;
      if (component.type === ComponentType.StringSelect && known) {
        for (const v of input.values) if (!known.includes(v)) throw new Error(`select "${input.customId}" has no option "${v}"`);
      }
    }
    const { rec } = this.base(InteractionType.MessageComponent, input.user, found.channel.id, input.locale, data);
    (rec.payload as unknown as Json).message = found.message;
    rec.sourceMessageId = id;
    return rec;
  }

  modalSubmit(input: ModalSubmitInput): InteractionRecord {
    const from = input.from?.record;
    if (from && from.callback?.type !== InteractionResponseType.Modal) throw new Error("the `from` interaction did not open a modal");
    if (from && from.callback?.data?.custom_id !== input.customId) {
      throw new Error(`the modal opened was "${String(from.callback?.data?.custom_id)}", not "${input.customId}"`);
    }
    const channelId = input.channelId ?? from?.channelId;
    if (!channelId) throw new Error("modalSubmit needs `from` or `channelId`");
    const data: Json = {
      custom_id: input.customId,
      components: Object.entries(input.fields).map(([custom_id, value]) => ({
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.TextInput, custom_id, value }],
      })),
    };
    const { rec } = this.base(InteractionType.ModalSubmit, input.user, channelId, input.locale, data);
    if (from?.sourceMessageId) {
      const found = this.world.findMessage(from.sourceMessageId);
      if (found) (rec.payload as unknown as Json).message = found.message;
      rec.sourceMessageId = from.sourceMessageId;
    }
    return rec;
  }
}

function splitNatural(input: CommandInput): NaturalOptions {
  const o = input.options;
  const nested =
    isObj(o) &&
    ((typeof o.subcommand === "string" || typeof o.group === "string") && (o.options === undefined || isObj(o.options)));
  if (nested) {
    const n = o as NaturalOptions;
    return { group: n.group ?? input.group, subcommand: n.subcommand ?? input.subcommand, options: n.options ?? {} };
  }
  return { group: input.group, subcommand: input.subcommand, options: (o as OptionValues | undefined) ?? {} };
}

function findComponent(components: unknown, customId: string): Json | undefined {
  if (Array.isArray(components)) {
    for (const c of components) {
      const hit = findComponent(c, customId);
      if (hit) return hit;
    }
    return undefined;
  }
  if (!isObj(components)) return undefined;
  if (components.custom_id === customId) return components;
  return findComponent(components.components, customId) ?? findComponent(components.accessory, customId) ?? findComponent(components.component, customId);
}

/** What a test holds after starting an interaction. */
export class InteractionHandle {
  constructor(
    readonly record: InteractionRecord,
    private readonly world: World,
  ) {}

  get id(): string {
    return this.record.id;
  }
  get token(): string {
    return this.record.token;
  }
  get payload(): APIInteraction {
    return this.record.payload;
  }
  /** the initial callback, if it came */
  get callback(): InteractionCallback | null {
    return this.record.callback;
  }
  /** the bot deferred (type 5 or 6) */
  get deferred(): boolean {
    const t = this.record.callback?.type;
    return t === InteractionResponseType.DeferredChannelMessageWithSource || t === InteractionResponseType.DeferredMessageUpdate;
  }
  /** dispatch -> callback latency in ms (null until both happened) */
  get latencyMs(): number | null {
    const r = this.record;
    return r.dispatchedAt !== null && r.callbackAt !== null ? r.callbackAt - r.dispatchedAt : null;
  }

  private wait<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return waitUntil((l) => this.world.onChange(l), check, timeoutMs, `${what} of interaction ${this.id}`);
  }

  private refused(): void {
    if (this.record.lateBy !== null && this.record.callback === null) {
      throw new Error(`the bot answered interaction ${this.id} ${Math.round(this.record.lateBy)} ms after the deadline`);
    }
  }

  /** Waits for the initial callback (type and data). */
  response(timeoutMs = DEFAULT_WAIT_MS): Promise<InteractionCallback> {
    return this.wait(() => {
      this.refused();
      return this.record.callback ?? undefined;
    }, timeoutMs, "the initial response");
  }

  private current(): APIMessage | undefined {
    const id = this.record.originalId;
    return id ? this.world.findMessage(id)?.message : undefined;
  }

  /** The original response message as it is now; waits until it exists (and, for a deferred reply, was edited). */
  original(timeoutMs = DEFAULT_WAIT_MS): Promise<APIMessage> {
    return this.wait(() => {
      this.refused();
      if (this.record.originalLoading) return undefined;
      return this.current();
    }, timeoutMs, "the original response");
  }

  /** The follow-up messages so far. */
  followUps(): APIMessage[] {
    return this.record.followUpIds.map((id) => this.world.findMessage(id)?.message).filter((m): m is APIMessage => m !== undefined);
  }

  /** Resolves with the first follow-up (sent already or later) that matches. */
  waitForFollowUp(pred: (m: APIMessage) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<APIMessage> {
    return this.wait(() => this.followUps().find(pred), timeoutMs, "a follow-up");
  }

  /** Resolves with the original message once it has been edited (now or later) and matches. */
  waitForEdit(pred: (m: APIMessage) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<APIMessage> {
    return this.wait(() => {
      const m = this.current();
      return m && this.record.originalEdits > 0 && pred(m) ? m : undefined;
    }, timeoutMs, "an edit of the original");
  }

  /** Is the original (or a follow-up) ephemeral? */
  static ephemeral(m: APIMessage): boolean {
    return ((m.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
  }
}

export const THREAD_TYPES: ReadonlySet<ChannelType> = new Set([ChannelType.PublicThread, ChannelType.PrivateThread, ChannelType.AnnouncementThread]);
