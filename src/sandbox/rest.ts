/**
 * The REST API under /api/v10: routing, auth, OpenAPI check, faults, Discord's limits and error shapes,
 * and the handlers that read and change the world.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  ApplicationCommandType,
  ChannelType,
  GatewayIntentBits,
  GuildScheduledEventEntityType,
  GuildScheduledEventPrivacyLevel,
  GuildScheduledEventStatus,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  PermissionFlagsBits,
  type APIApplicationCommand,
  type APIGuildScheduledEvent,
  type APIMessage,
} from "discord-api-types/v10";
import type { Logger } from "pino";
import type { Faults } from "./faults.js";
import { THREAD_TYPES, type InteractionRecord } from "./interactions.js";
import { checkAutocomplete, checkCommands, checkMessage, describeProblems, formError, unsafeMentions, type FormProblem } from "./limits.js";
import { createMessage, deleteMessage, editMessage, isEphemeral } from "./messages.js";
import type { OpenApiChecker } from "./openapi.js";
import type { ChannelRecord, GuildRecord, World } from "./state.js";
import type { RecordedRequest } from "./types.js";

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message));
  }
}

const E = {
  unknownChannel: () => new ApiError(404, { message: "Unknown Channel", code: 10003 }),
  unknownGuild: () => new ApiError(404, { message: "Unknown Guild", code: 10004 }),
  unknownMember: () => new ApiError(404, { message: "Unknown Member", code: 10007 }),
  unknownMessage: () => new ApiError(404, { message: "Unknown Message", code: 10008 }),
  unknownUser: () => new ApiError(404, { message: "Unknown User", code: 10013 }),
  unknownWebhook: () => new ApiError(404, { message: "Unknown Webhook", code: 10015 }),
  unknownInteraction: () => new ApiError(404, { message: "Unknown interaction", code: 10062 }),
  unknownCommand: () => new ApiError(404, { message: "Unknown application command", code: 10063 }),
  unknownEvent: () => new ApiError(404, { message: "Unknown Guild Scheduled Event", code: 10070 }),
  missingAccess: () => new ApiError(403, { message: "Missing Access", code: 50001 }),
  missingPermissions: () => new ApiError(403, { message: "Missing Permissions", code: 50013 }),
  form: (problems: FormProblem[]) => new ApiError(400, formError(problems) as unknown as Json),
  badChannelType: () => new ApiError(400, { message: "Cannot execute action on this channel type", code: 50024 }),
};

export interface RestDeps {
  world: World;
  token: () => string;
  gatewayUrl: () => string;
  interactions: Map<string, InteractionRecord>;
  interactionsByToken: Map<string, InteractionRecord>;
  deadlineMs: number;
  tokenTtlMs: number;
  nonceWindowMs: number;
  finding: (kind: string, route: string, detail: string) => void;
  openapi: OpenApiChecker | null;
  faults: Faults;
  record: (r: RecordedRequest) => void;
  logger: Logger | undefined;
}

interface Ctx {
  method: string;
  path: string;
  route: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: { filename: string; size: number; contentType?: string }[];
  /** performance.now() when the request arrived */
  receivedAt: number;
}

interface Result {
  status: number;
  body?: unknown;
}

type Handler = (ctx: Ctx) => Result | Promise<Result>;
interface Route {
  method: string;
  template: string;
  segments: string[];
  auth: boolean;
  handler: Handler;
}

const ok = (body: unknown, status = 200): Result => ({ status, body });
const noContent = (): Result => ({ status: 204 });

export class Rest {
  private readonly routes: Route[] = [];
  private seq = 0;
  /** `${channelId}\n${nonce}` -> message id and time */
  private readonly nonces = new Map<string, { id: string; at: number }>();

  constructor(private readonly d: RestDeps) {
    this.register();
  }

  private on(method: string, template: string, handler: Handler, auth = true): void {
    this.routes.push({ method, template, segments: template.split("/").filter(Boolean), auth, handler });
  }

  private match(method: string, path: string): { route: Route | null; params: Record<string, string>; template: string | null } {
    const segs = path.split("/").filter(Boolean).map((x) => safeDecode(x));
    let template: string | null = null;
    for (const r of this.routes) {
      if (r.segments.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let good = true;
      for (let i = 0; i < segs.length; i++) {
        const t = r.segments[i]!;
        const s = segs[i]!;
        if (t.startsWith(":")) params[t.slice(1)] = s;
        else if (t !== s) {
          good = false;
          break;
        }
      }
      if (!good) continue;
      template ??= r.template;
      if (r.method === method) return { route: r, params, template: r.template };
    }
    return { route: null, params: {}, template };
  }

  // ---- HTTP plumbing -------------------------------------------------------------------------------

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    const raw = await readBody(req);
    const prefix = /^\/api\/v(\d+)(\/.*)$/.exec(url.pathname);
    const path = prefix ? prefix[2]! : url.pathname;
    const { body, files } = await parseBody(raw, req.headers["content-type"]);
    const { route, params, template } = prefix ? this.match(method, path) : { route: null, params: {}, template: null };
    const routeName = `${method} ${template ?? path}`;
    let status = 500;
    let payload: unknown;
    let headers: Record<string, string> = {};
    try {
      if (prefix && prefix[1] !== "10") this.d.finding("api-version", routeName, `request to API v${prefix[1]}; the bot should use v10`);
      if (!route) {
        this.d.finding("unknown-route", routeName, `${method} ${url.pathname} is not emulated${template ? " (method not allowed)" : ""}`);
        throw new ApiError(template ? 405 : 404, template ? { message: "405: Method Not Allowed", code: 0 } : { message: "404: Not Found", code: 0 });
      }
      if (route.auth && req.headers.authorization !== `Bot ${this.d.token()}`) {
        this.d.finding("unauthorized", routeName, req.headers.authorization ? "wrong Authorization header" : "no Authorization header");
        throw new ApiError(401, { message: "401: Unauthorized", code: 0 });
      }
      if (this.d.openapi) {
        const check = this.d.openapi.check(method, path, body);
        if (!check.ok) this.d.finding(check.kind, routeName, check.detail);
      }
      const fault = this.d.faults.take(method, path, route.template);
      if (fault) {
        status = fault.status;
        payload = fault.body;
        headers = fault.headers;
      } else {
        const result = await route.handler({ method, path, route: routeName, params, query: url.searchParams, body, files, receivedAt });
        status = result.status;
        payload = result.body;
      }
    } catch (err) {
      if (err instanceof ApiError) {
        status = err.status;
        payload = err.body;
        headers = err.headers;
      } else {
        this.d.logger?.error({ err, route: routeName }, "emulator handler failed");
        this.d.finding("emulator-error", routeName, err instanceof Error ? err.message : String(err));
        status = 500;
        payload = { message: "500: Internal Server Error", code: 0 };
      }
    }
    const text = status === 204 || payload === undefined ? "" : JSON.stringify(payload);
    this.d.record({
      seq: ++this.seq,
      method,
      path,
      route: template,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")])),
      body,
      status,
      response: payload,
      receivedAt,
      answeredAt: performance.now(),
    });
    res.writeHead(status, {
      ...(text ? { "content-type": "application/json" } : {}),
      "x-emulator": "1",
      ...headers,
    });
    res.end(text);
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private get world(): World {
    return this.d.world;
  }

  private channel(id: string | undefined): ChannelRecord {
    const ch = id ? this.world.liveChannel(id) : undefined;
    if (!ch) throw E.unknownChannel();
    if (ch.guildId) {
      const g = this.world.guilds.get(ch.guildId);
      if (!g?.joined) throw E.unknownChannel();
    }
    return ch;
  }

  private guild(id: string | undefined): GuildRecord {
    const g = id ? this.world.guilds.get(id) : undefined;
    if (!g?.joined) throw E.unknownGuild();
    return g;
  }

  /** The bot needs `flags` in the channel (or in the guild when no channel); 50001 without VIEW_CHANNEL. */
  private need(ctx: Ctx, guildId: string | null, channelId: string | null, flags: bigint, what: string): void {
    if (!guildId) return;
    const perms = this.world.permissionsOf(guildId, this.world.botUser.id, channelId ?? undefined);
    if (channelId && (perms & PermissionFlagsBits.ViewChannel) === 0n) {
      this.d.finding("missing-access", ctx.route, `the bot cannot see channel ${channelId} (${what})`);
      throw E.missingAccess();
    }
    if ((perms & flags) !== flags && (perms & PermissionFlagsBits.Administrator) === 0n) {
      this.d.finding("missing-permissions", ctx.route, `the bot lacks permission ${flags} for ${what}`);
      throw E.missingPermissions();
    }
  }

  private message(ch: ChannelRecord, id: string | undefined): APIMessage {
    const m = id ? this.world.messages.get(ch.id)?.find((x) => x.id === id) : undefined;
    if (!m) throw E.unknownMessage();
    return m;
  }

  private checkBody(ctx: Ctx, body: Json, opts: { create: boolean; files?: number }): void {
    const problems = checkMessage(body);
    if (problems.length > 0) {
      this.d.finding("message-limits", ctx.route, describeProblems(problems));
      throw E.form(problems);
    }
    if (opts.create) {
      const empty =
        !(typeof body.content === "string" && body.content.length > 0) &&
        !(Array.isArray(body.embeds) && body.embeds.length > 0) &&
        !(Array.isArray(body.components) && body.components.length > 0) &&
        !(Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0) &&
        !isObj(body.poll) &&
        (opts.files ?? 0) === 0;
      if (empty) {
        this.d.finding("empty-message", ctx.route, "message has no content, embeds, components or files");
        throw new ApiError(400, { message: "Cannot send an empty message", code: 50006 });
      }
      const unsafe = unsafeMentions(body);
      if (unsafe) this.d.finding("unsafe-mentions", ctx.route, unsafe);
    }
  }

  private announceMessage(ch: ChannelRecord, m: APIMessage, event: "MESSAGE_CREATE" | "MESSAGE_UPDATE"): void {
    if (isEphemeral(m)) return;
    const intent = ch.guildId ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
    const data: Json = { ...m, ...(ch.guildId ? { guild_id: ch.guildId } : {}) };
    if (ch.guildId && event === "MESSAGE_CREATE") {
      const g = this.world.guilds.get(ch.guildId);
      const member = g?.members.get(m.author.id);
      if (g && member) {
        const { user: _u, ...rest } = this.world.memberApi(g, member);
        data.member = rest;
      }
    }
    this.world.dispatch(event, data, { guildId: ch.guildId, intent });
  }

  private json(ctx: Ctx): Json {
    return isObj(ctx.body) ? ctx.body : {};
  }

  // ---- routes --------------------------------------------------------------------------------------

  private register(): void {
    const w = (): World => this.world;

    this.on("GET", "/gateway", () => ok({ url: this.d.gatewayUrl() }), false);
    this.on("GET", "/gateway/bot", () =>
      ok({
        url: this.d.gatewayUrl(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
      }),
    );
    this.on("GET", "/applications/@me", () => ok(this.application()));
    this.on("GET", "/oauth2/applications/@me", () => ok(this.application()));
    this.on("GET", "/users/@me", () => ok(w().botUser));
    this.on("GET", "/users/:user_id", (c) => {
      const u = w().users.get(c.params.user_id ?? "");
      if (!u) throw E.unknownUser();
      return ok(u);
    });
    this.on("GET", "/users/@me/guilds", () =>
      ok([...w().guilds.values()].filter((g) => g.joined).map((g) => ({ id: g.id, name: g.name, icon: null, banner: null, owner: false, permissions: w().permissionsOf(g.id, w().botUser.id).toString(), features: [] }))),
    );
    this.on("DELETE", "/users/@me/guilds/:guild_id", (c) => {
      this.guild(c.params.guild_id);
      w().removeBotFromGuild(c.params.guild_id!);
      return noContent();
    });
    this.on("POST", "/users/@me/channels", (c) => {
      const rid = this.json(c).recipient_id;
      if (typeof rid !== "string" || !w().users.has(rid)) throw E.unknownUser();
      return ok(w().channelApi(w().openDm(rid)));
    });

    // commands
    for (const scope of ["global", "guild"] as const) {
      const base = scope === "global" ? "/applications/:application_id/commands" : "/applications/:application_id/guilds/:guild_id/commands";
      this.on("GET", base, (c) => ok([...this.commandMap(c).values()]));
      this.on("PUT", base, (c) => ok(this.bulkOverwrite(c)));
      this.on("POST", base, (c) => this.createCommand(c));
      this.on("GET", `${base}/:command_id`, (c) => ok(this.command(c)));
      this.on("PATCH", `${base}/:command_id`, (c) => ok(this.patchCommand(c)));
      this.on("DELETE", `${base}/:command_id`, (c) => {
        this.command(c);
        this.commandMap(c).delete(c.params.command_id!);
        w().touch();
        return noContent();
      });
    }

    // interactions
    this.on("POST", "/interactions/:interaction_id/:interaction_token/callback", (c) => this.callback(c), false);
    this.on("POST", "/webhooks/:webhook_id/:webhook_token", (c) => this.followUp(c), false);
    for (const target of ["@original", ":message_id"]) {
      const t = `/webhooks/:webhook_id/:webhook_token/messages/${target}`;
      this.on("GET", t, (c) => ok(this.webhookMessage(c).message), false);
      this.on("PATCH", t, (c) => ok(this.editWebhookMessage(c)), false);
      this.on("DELETE", t, (c) => {
        const { rec, message } = this.webhookMessage(c);
        deleteMessage(w(), message.channel_id, message.id);
        if (message.id === rec.originalId) rec.originalLoading = false;
        this.world.dispatch("MESSAGE_DELETE", { id: message.id, channel_id: message.channel_id, guild_id: rec.guildId ?? undefined }, { guildId: rec.guildId, intent: GatewayIntentBits.GuildMessages });
        return noContent();
      }, false);
    }

    // channels and messages
    this.on("GET", "/channels/:channel_id", (c) => {
      const ch = this.channel(c.params.channel_id);
      this.need(c, ch.guildId, ch.id, PermissionFlagsBits.ViewChannel, "reading the channel");
      return ok(w().channelApi(ch));
    });
    this.on("PATCH", "/channels/:channel_id", (c) => this.patchChannel(c));
    this.on("DELETE", "/channels/:channel_id", (c) => {
      const ch = this.channel(c.params.channel_id);
      const thread = THREAD_TYPES.has(ch.type);
      this.need(c, ch.guildId, ch.id, thread ? PermissionFlagsBits.ManageThreads : PermissionFlagsBits.ManageChannels, "deleting a channel");
      const api = w().channelApi(ch);
      w().deleteChannel(ch.id);
      return ok(api);
    });
    this.on("GET", "/channels/:channel_id/messages", (c) => {
      const ch = this.channel(c.params.channel_id);
      this.need(c, ch.guildId, ch.id, PermissionFlagsBits.ReadMessageHistory, "reading messages");
      const limit = Math.min(100, Math.max(1, Number(c.query.get("limit") ?? 50)));
      let list = (w().messages.get(ch.id) ?? []).filter((m) => !isEphemeral(m));
      const before = c.query.get("before");
      const after = c.query.get("after");
      if (before) list = list.filter((m) => BigInt(m.id) < BigInt(before));
      if (after) list = list.filter((m) => BigInt(m.id) > BigInt(after));
      const newest = after ? list.slice(0, limit) : list.slice(-limit);
      return ok(newest.reverse());
    });
    this.on("POST", "/channels/:channel_id/messages", (c) => this.createChannelMessage(c));
    this.on("GET", "/channels/:channel_id/messages/:message_id", (c) => {
      const ch = this.channel(c.params.channel_id);
      this.need(c, ch.guildId, ch.id, PermissionFlagsBits.ReadMessageHistory, "reading a message");
      const m = this.message(ch, c.params.message_id);
      if (isEphemeral(m)) throw E.unknownMessage();
      return ok(m);
    });
    this.on("PATCH", "/channels/:channel_id/messages/:message_id", (c) => {
      const ch = this.channel(c.params.channel_id);
      const m = this.message(ch, c.params.message_id);
      if (m.author.id !== w().botUser.id) {
        this.d.finding("edit-foreign-message", c.route, `message ${m.id} was written by ${m.author.id}`);
        throw new ApiError(403, { message: "Cannot edit a message authored by another user", code: 50005 });
      }
      const body = this.json(c);
      this.checkBody(c, body, { create: false });
      editMessage(w(), m, body);
      this.announceMessage(ch, m, "MESSAGE_UPDATE");
      return ok(m);
    });
    this.on("DELETE", "/channels/:channel_id/messages/:message_id", (c) => {
      const ch = this.channel(c.params.channel_id);
      const m = this.message(ch, c.params.message_id);
      if (m.author.id !== w().botUser.id) this.need(c, ch.guildId, ch.id, PermissionFlagsBits.ManageMessages, "deleting another user's message");
      deleteMessage(w(), ch.id, m.id);
      w().dispatch("MESSAGE_DELETE", { id: m.id, channel_id: ch.id, ...(ch.guildId ? { guild_id: ch.guildId } : {}) }, { guildId: ch.guildId, intent: ch.guildId ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages });
      return noContent();
    });

    // reactions
    const reactionRoute = "/channels/:channel_id/messages/:message_id/reactions/:emoji";
    this.on("PUT", `${reactionRoute}/@me`, (c) => this.react(c, true));
    this.on("DELETE", `${reactionRoute}/@me`, (c) => this.react(c, false));
    this.on("GET", reactionRoute, (c) => {
      const ch = this.channel(c.params.channel_id);
      const m = this.message(ch, c.params.message_id);
      const r = m.reactions?.find((x) => emojiKey(x.emoji) === c.params.emoji);
      return ok(r?.me ? [w().botUser] : []);
    });

    // pins, old and new routes
    for (const base of ["/channels/:channel_id/pins", "/channels/:channel_id/messages/pins"]) {
      this.on("PUT", `${base}/:message_id`, (c) => this.pin(c, true));
      this.on("DELETE", `${base}/:message_id`, (c) => this.pin(c, false));
    }
    this.on("GET", "/channels/:channel_id/pins", (c) => {
      const ch = this.channel(c.params.channel_id);
      return ok((w().messages.get(ch.id) ?? []).filter((m) => m.pinned).reverse());
    });
    this.on("GET", "/channels/:channel_id/messages/pins", (c) => {
      const ch = this.channel(c.params.channel_id);
      const items = (w().messages.get(ch.id) ?? []).filter((m) => m.pinned).reverse().map((message) => ({ pinned_at: ch.lastPinTimestamp, message }));
      return ok({ items, has_more: false });
    });

    // threads
    this.on("POST", "/channels/:channel_id/messages/:message_id/threads", (c) => this.threadFromMessage(c));
    this.on("POST", "/channels/:channel_id/threads", (c) => this.threadWithoutMessage(c));
    this.on("PUT", "/channels/:channel_id/thread-members/@me", (c) => this.threadMember(c, w().botUser.id, true));
    this.on("DELETE", "/channels/:channel_id/thread-members/@me", (c) => this.threadMember(c, w().botUser.id, false));
    this.on("PUT", "/channels/:channel_id/thread-members/:user_id", (c) => this.threadMember(c, c.params.user_id!, true));
    this.on("DELETE", "/channels/:channel_id/thread-members/:user_id", (c) => this.threadMember(c, c.params.user_id!, false));
    this.on("GET", "/guilds/:guild_id/threads/active", (c) => {
      const g = this.guild(c.params.guild_id);
      const threads = [...w().channels.values()].filter((ch) => ch.guildId === g.id && !ch.deleted && THREAD_TYPES.has(ch.type) && !ch.archived);
      return ok({ threads: threads.map((t) => w().channelApi(t)), members: [] });
    });

    // guilds
    this.on("GET", "/guilds/:guild_id", (c) => {
      const g = this.guild(c.params.guild_id);
      return ok(w().guildApi(g));
    });
    this.on("GET", "/guilds/:guild_id/channels", (c) => {
      const g = this.guild(c.params.guild_id);
      return ok([...w().channels.values()].filter((ch) => ch.guildId === g.id && !ch.deleted && !THREAD_TYPES.has(ch.type)).map((ch) => w().channelApi(ch)));
    });
    this.on("POST", "/guilds/:guild_id/channels", (c) => {
      const g = this.guild(c.params.guild_id);
      this.need(c, g.id, null, PermissionFlagsBits.ManageChannels, "creating a channel");
      const b = this.json(c);
      if (typeof b.name !== "string" || b.name.length < 1 || b.name.length > 100) {
        throw E.form([{ path: ["name"], code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." }]);
      }
      const ch = w().createChannel(g.id, {
        name: b.name,
        type: typeof b.type === "number" ? b.type : ChannelType.GuildText,
        ...(typeof b.parent_id === "string" ? { parentId: b.parent_id } : {}),
        ...(typeof b.topic === "string" ? { topic: b.topic } : {}),
        permissionOverwrites: Array.isArray(b.permission_overwrites)
          ? (b.permission_overwrites as Json[]).map((o) => ({ id: String(o.id), type: Number(o.type) as 0 | 1, allow: BigInt(txt(o.allow) || 0), deny: BigInt(txt(o.deny) || 0) }))
          : [],
      });
      return ok(w().channelApi(ch), 201);
    });
    this.on("GET", "/guilds/:guild_id/roles", (c) => ok([...this.guild(c.params.guild_id).roles.values()]));
    this.on("GET", "/guilds/:guild_id/members", (c) => {
      const g = this.guild(c.params.guild_id);
      const limit = Math.min(1000, Number(c.query.get("limit") ?? 1));
      return ok([...g.members.values()].slice(0, limit).map((m) => w().memberApi(g, m)));
    });
    this.on("GET", "/guilds/:guild_id/members/:user_id", (c) => {
      const g = this.guild(c.params.guild_id);
      const m = g.members.get(c.params.user_id ?? "");
      if (!m) throw E.unknownMember();
      return ok(w().memberApi(g, m));
    });

    // scheduled events
    const ev = "/guilds/:guild_id/scheduled-events";
    this.on("GET", ev, (c) => {
      const g = this.guild(c.params.guild_id);
      const withCount = c.query.get("with_user_count") === "true";
      return ok([...g.scheduledEvents.values()].map((e) => this.eventOut(g, e, withCount)));
    });
    this.on("POST", ev, (c) => this.createEvent(c));
    this.on("GET", `${ev}/:event_id`, (c) => {
      const g = this.guild(c.params.guild_id);
      return ok(this.eventOut(g, this.event(g, c.params.event_id), c.query.get("with_user_count") === "true"));
    });
    this.on("PATCH", `${ev}/:event_id`, (c) => this.patchEvent(c));
    this.on("DELETE", `${ev}/:event_id`, (c) => {
      const g = this.guild(c.params.guild_id);
      const e = this.event(g, c.params.event_id);
      this.need(c, g.id, null, PermissionFlagsBits.ManageEvents, "deleting a scheduled event");
      g.scheduledEvents.delete(e.id);
      w().touch();
      w().dispatch("GUILD_SCHEDULED_EVENT_DELETE", e, { guildId: g.id, intent: GatewayIntentBits.GuildScheduledEvents });
      return noContent();
    });
    this.on("GET", `${ev}/:event_id/users`, (c) => {
      const g = this.guild(c.params.guild_id);
      const e = this.event(g, c.params.event_id);
      const withMember = c.query.get("with_member") === "true";
      const users = [...(g.eventSubscribers.get(e.id) ?? [])].map((uid) => {
        const user = w().users.get(uid);
        const m = g.members.get(uid);
        return {
          guild_scheduled_event_id: e.id,
          user,
          ...(withMember && m ? { member: (({ user: _u, ...rest }) => rest)(w().memberApi(g, m)) } : {}),
        };
      });
      return ok(users.slice(0, Math.min(100, Number(c.query.get("limit") ?? 100))));
    });
  }

  private application(): Json {
    const w = this.world;
    return {
      id: w.applicationId,
      name: w.botUser.username,
      icon: null,
      description: "",
      summary: "",
      type: null,
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: "0".repeat(64),
      flags: 0,
      team: null,
      owner: { id: "0", username: "owner", discriminator: "0", global_name: null, avatar: null },
      bot: w.botUser,
      approximate_guild_count: [...w.guilds.values()].filter((g) => g.joined).length,
      install_params: { scopes: ["bot", "applications.commands"], permissions: "0" },
    };
  }

  // ---- commands ------------------------------------------------------------------------------------

  private commandMap(c: Ctx): Map<string, APIApplicationCommand> {
    if (c.params.application_id !== this.world.applicationId) {
      this.d.finding("wrong-application", c.route, `application id ${c.params.application_id} is not the bot's (${this.world.applicationId})`);
      throw E.missingAccess();
    }
    if (!c.params.guild_id) return this.world.globalCommands;
    const g = this.guild(c.params.guild_id);
    let map = this.world.guildCommands.get(g.id);
    if (!map) {
      map = new Map<string, APIApplicationCommand>();
      this.world.guildCommands.set(g.id, map);
    }
    return map;
  }

  private command(c: Ctx): APIApplicationCommand {
    const cmd = this.commandMap(c).get(c.params.command_id ?? "");
    if (!cmd) throw E.unknownCommand();
    return cmd;
  }

  private normalise(raw: Json, guildId: string | undefined, existing?: APIApplicationCommand): APIApplicationCommand {
    const type = typeof raw.type === "number" ? raw.type : ApplicationCommandType.ChatInput;
    const fields: Json = {
      type,
      name: raw.name,
      name_localizations: raw.name_localizations ?? null,
      description: raw.description ?? "",
      description_localizations: raw.description_localizations ?? null,
      options: raw.options ?? undefined,
      default_member_permissions: raw.default_member_permissions === undefined || raw.default_member_permissions === null ? null : txt(raw.default_member_permissions),
      dm_permission: raw.dm_permission ?? true,
      nsfw: raw.nsfw ?? false,
      contexts: raw.contexts ?? null,
      integration_types: raw.integration_types ?? [0],
    };
    const same = existing && JSON.stringify(stripMeta(existing)) === JSON.stringify(stripMeta(fields));
    const cmd: Json = {
      id: existing?.id ?? this.world.ids.next(),
      application_id: this.world.applicationId,
      version: same ? existing.version : this.world.ids.next(),
      ...(guildId ? { guild_id: guildId } : {}),
      ...fields,
    };
    if (cmd.options === undefined) delete cmd.options;
    return cmd as unknown as APIApplicationCommand;
  }

  private validateCommands(c: Ctx, body: unknown): void {
    const problems = checkCommands(body);
    if (problems.length > 0) {
      this.d.finding("command-limits", c.route, describeProblems(problems));
      throw E.form(problems);
    }
  }

  private bulkOverwrite(c: Ctx): APIApplicationCommand[] {
    const map = this.commandMap(c);
    const body = c.body ?? [];
    if (!Array.isArray(body)) throw E.form([{ path: [], code: "BASE_TYPE_ARRAY", message: "Must be an array" }]);
    this.validateCommands(c, body);
    const byName = new Map([...map.values()].map((cmd) => [`${cmd.type ?? 1}:${cmd.name}`, cmd]));
    const next = (body as Json[]).map((raw) => this.normalise(raw, c.params.guild_id, byName.get(`${typeof raw.type === "number" ? raw.type : 1}:${String(raw.name)}`)));
    map.clear();
    for (const cmd of next) map.set(cmd.id, cmd);
    this.world.touch();
    return next;
  }

  private createCommand(c: Ctx): Result {
    const map = this.commandMap(c);
    const raw = this.json(c);
    this.validateCommands(c, raw);
    const type = typeof raw.type === "number" ? raw.type : 1;
    const existing = [...map.values()].find((cmd) => cmd.name === raw.name && Number(cmd.type ?? 1) === type);
    const cmd = this.normalise(raw, c.params.guild_id, existing);
    map.set(cmd.id, cmd);
    this.world.touch();
    return ok(cmd, existing ? 200 : 201);
  }

  private patchCommand(c: Ctx): APIApplicationCommand {
    const current = this.command(c);
    const merged = { ...(current as unknown as Json), ...this.json(c) };
    this.validateCommands(c, merged);
    const cmd = this.normalise(merged, c.params.guild_id, current);
    this.commandMap(c).set(cmd.id, cmd);
    this.world.touch();
    return cmd;
  }

  // ---- interactions --------------------------------------------------------------------------------

  private callback(c: Ctx): Result {
    const now = c.receivedAt;
    const rec = this.d.interactions.get(c.params.interaction_id ?? "");
    if (!rec || rec.token !== c.params.interaction_token) {
      this.d.finding("unknown-interaction", c.route, `no interaction ${c.params.interaction_id} with that token`);
      throw E.unknownInteraction();
    }
    if (rec.callback) {
      this.d.finding("double-ack", c.route, `interaction ${rec.id} was already acknowledged with type ${rec.callback.type}`);
      throw new ApiError(400, { message: "Interaction has already been acknowledged.", code: 40060 });
    }
    const started = rec.dispatchedAt ?? rec.createdAtHr;
    if (now - started > this.d.deadlineMs) {
      rec.lateBy = now - started - this.d.deadlineMs;
      this.world.touch();
      this.d.finding("late-response", c.route, `interaction ${rec.id} answered ${Math.round(now - started)} ms after dispatch (limit ${this.d.deadlineMs} ms)`);
      throw E.unknownInteraction();
    }
    const body = this.json(c);
    const type = Number(body.type) as InteractionResponseType;
    const data = isObj(body.data) ? body.data : undefined;
    const allowed = allowedCallbacks(rec.type, rec.sourceMessageId !== null);
    if (!allowed.includes(type)) {
      this.d.finding("callback-type", c.route, `callback type ${String(body.type)} is not valid for interaction type ${rec.type}`);
      throw E.form([{ path: ["type"], code: "INTERACTION_RESPONSE_TYPE_INVALID", message: "Invalid interaction response type" }]);
    }
    if (type === InteractionResponseType.ApplicationCommandAutocompleteResult) {
      const problems = checkAutocomplete(data);
      if (problems.length > 0) {
        this.d.finding("autocomplete-limits", c.route, describeProblems(problems));
        throw E.form(problems);
      }
    }
    if (type === InteractionResponseType.Modal) {
      const problems: FormProblem[] = [];
      if (!data || typeof data.custom_id !== "string" || data.custom_id.length > 100) problems.push({ path: ["data", "custom_id"], code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." });
      if (!data || typeof data.title !== "string" || data.title.length > 45 || data.title.length < 1) problems.push({ path: ["data", "title"], code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 45 in length." });
      if (problems.length > 0) {
        this.d.finding("modal-limits", c.route, describeProblems(problems));
        throw E.form(problems);
      }
    }
    const channel = this.world.liveChannel(rec.channelId);
    if (type === InteractionResponseType.ChannelMessageWithSource || type === InteractionResponseType.UpdateMessage) {
      const msgBody = data ?? {};
      const problems = checkMessage(msgBody).map((p) => ({ ...p, path: ["data", ...p.path] }));
      if (problems.length > 0) {
        this.d.finding("message-limits", c.route, describeProblems(problems));
        throw E.form(problems);
      }
      if (type === InteractionResponseType.ChannelMessageWithSource) {
        if (!(typeof msgBody.content === "string" && msgBody.content.length > 0) && !(Array.isArray(msgBody.embeds) && msgBody.embeds.length > 0) && !(Array.isArray(msgBody.components) && msgBody.components.length > 0) && c.files.length === 0 && !isObj(msgBody.poll)) {
          this.d.finding("empty-message", c.route, "reply has no content, embeds, components or files");
          throw new ApiError(400, { message: "Cannot send an empty message", code: 50006 });
        }
        const unsafe = unsafeMentions(msgBody);
        if (unsafe) this.d.finding("unsafe-mentions", c.route, unsafe);
      }
    }
    // accepted
    rec.callback = { type, ...(data ? { data } : {}), at: now };
    rec.callbackAt = now;
    if (channel) {
      const meta = this.interactionMeta(rec);
      if (type === InteractionResponseType.ChannelMessageWithSource || type === InteractionResponseType.DeferredChannelMessageWithSource) {
        const flags = Number(data?.flags ?? 0) & MessageFlags.Ephemeral;
        const m = createMessage(this.world, channel, type === InteractionResponseType.DeferredChannelMessageWithSource ? { flags } : (data ?? {}), {
          ...meta,
          flags: type === InteractionResponseType.DeferredChannelMessageWithSource ? MessageFlags.Loading | flags : 0,
          attachments: c.files,
        });
        rec.originalId = m.id;
        rec.originalLoading = type === InteractionResponseType.DeferredChannelMessageWithSource;
        this.announceMessage(channel, m, "MESSAGE_CREATE");
      } else if (type === InteractionResponseType.UpdateMessage || type === InteractionResponseType.DeferredMessageUpdate) {
        rec.originalId = rec.sourceMessageId;
        const found = rec.sourceMessageId ? this.world.findMessage(rec.sourceMessageId) : undefined;
        if (found && type === InteractionResponseType.UpdateMessage) {
          editMessage(this.world, found.message, data ?? {});
          rec.originalEdits += 1;
          this.announceMessage(found.channel, found.message, "MESSAGE_UPDATE");
        }
      }
    }
    this.world.touch();
    if (c.query.get("with_response") !== "true") return noContent();
    const original = rec.originalId ? this.world.findMessage(rec.originalId)?.message : undefined;
    return ok({
      interaction: {
        id: rec.id,
        type: rec.type,
        ...(original ? { response_message_id: original.id, response_message_loading: rec.originalLoading, response_message_ephemeral: isEphemeral(original) } : {}),
      },
      resource: { type, ...(original && type !== InteractionResponseType.DeferredMessageUpdate ? { message: original } : {}) },
    });
  }

  private interactionMeta(rec: InteractionRecord): { author: World["botUser"]; webhookId: string; applicationId: string; type: MessageType; interactionMetadata: Json } {
    const user = this.world.users.get(rec.userId);
    return {
      author: this.world.botUser,
      webhookId: this.world.applicationId,
      applicationId: this.world.applicationId,
      type: rec.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default,
      interactionMetadata: {
        id: rec.id,
        type: rec.type,
        user,
        authorizing_integration_owners: (rec.payload as unknown as Json).authorizing_integration_owners,
        ...(rec.commandName ? { name: rec.commandName } : {}),
        ...(rec.sourceMessageId ? { interacted_message_id: rec.sourceMessageId } : {}),
      },
    };
  }

  private tokenRecord(c: Ctx): InteractionRecord {
    if (c.params.webhook_id !== this.world.applicationId) throw E.unknownWebhook();
    const rec = this.d.interactionsByToken.get(c.params.webhook_token ?? "");
    if (!rec) {
      this.d.finding("unknown-webhook", c.route, "webhook token matches no interaction");
      throw E.unknownWebhook();
    }
    if (Date.now() - rec.createdAt > this.d.tokenTtlMs) {
      this.d.finding("expired-token", c.route, `interaction ${rec.id}'s token is older than ${this.d.tokenTtlMs} ms`);
      throw new ApiError(401, { message: "Invalid Webhook Token", code: 50027 });
    }
    if (!rec.callback) {
      this.d.finding("not-acknowledged", c.route, `interaction ${rec.id} used its webhook before any callback`);
      throw E.unknownWebhook();
    }
    return rec;
  }

  private webhookMessage(c: Ctx): { rec: InteractionRecord; message: APIMessage } {
    const rec = this.tokenRecord(c);
    const id = c.params.message_id ?? rec.originalId;
    const ok = id && (id === rec.originalId || rec.followUpIds.includes(id));
    const found = ok ? this.world.findMessage(id) : undefined;
    if (!found) throw E.unknownMessage();
    return { rec, message: found.message };
  }

  private editWebhookMessage(c: Ctx): APIMessage {
    const { rec, message } = this.webhookMessage(c);
    const body = this.json(c);
    const problems = checkMessage(body);
    if (problems.length > 0) {
      this.d.finding("message-limits", c.route, describeProblems(problems));
      throw E.form(problems);
    }
    const isOriginal = message.id === rec.originalId;
    if (isOriginal && rec.originalLoading) {
      // the first edit of a deferred reply is what members see first: it pings
      const unsafe = unsafeMentions(body);
      if (unsafe) this.d.finding("unsafe-mentions", c.route, unsafe);
      message.flags = (message.flags ?? 0) & ~MessageFlags.Loading;
      rec.originalLoading = false;
    }
    editMessage(this.world, message, body);
    if (isOriginal) rec.originalEdits += 1;
    const ch = this.world.liveChannel(message.channel_id);
    if (ch) this.announceMessage(ch, message, "MESSAGE_UPDATE");
    this.world.touch();
    return message;
  }

  private followUp(c: Ctx): Result {
    const rec = this.tokenRecord(c);
    const channel = this.world.liveChannel(rec.channelId);
    if (!channel) throw E.unknownChannel();
    const body = this.json(c);
    this.checkBody(c, body, { create: true, files: c.files.length });
    const meta = this.interactionMeta(rec);
    const m = createMessage(this.world, channel, body, { ...meta, type: MessageType.Default, attachments: c.files });
    rec.followUpIds.push(m.id);
    this.announceMessage(channel, m, "MESSAGE_CREATE");
    this.world.touch();
    return ok(m);
  }

  // ---- channel messages ----------------------------------------------------------------------------

  private createChannelMessage(c: Ctx): Result {
    const ch = this.channel(c.params.channel_id);
    const thread = THREAD_TYPES.has(ch.type);
    if (ch.type === ChannelType.GuildCategory || ch.type === ChannelType.GuildForum) throw E.badChannelType();
    this.need(c, ch.guildId, ch.id, thread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages, "sending a message");
    if (thread && ch.archived) throw new ApiError(400, { message: "Thread is archived", code: 50083 });
    const body = this.json(c);
    if (typeof body.nonce === "string" && body.nonce.length > 25) {
      throw E.form([{ path: ["nonce"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." }]);
    }
    const nonce = body.nonce === undefined || body.nonce === null ? null : txt(body.nonce);
    if (nonce !== null && body.enforce_nonce === true) {
      const key = `${ch.id}\n${nonce}`;
      const seen = this.nonces.get(key);
      if (seen && Date.now() - seen.at < this.d.nonceWindowMs) {
        const existing = this.world.findMessage(seen.id);
        if (existing) return ok(existing.message);
      }
    }
    this.checkBody(c, body, { create: true, files: c.files.length });
    if (isObj(body.message_reference) && typeof body.message_reference.message_id === "string") {
      const ref = this.world.findMessage(body.message_reference.message_id);
      if (!ref && body.message_reference.fail_if_not_exists !== false) {
        throw E.form([{ path: ["message_reference"], code: "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", message: "Unknown message" }]);
      }
    }
    const m = createMessage(this.world, ch, body, { author: this.world.botUser, attachments: c.files, ...(isObj(body.message_reference) ? { type: MessageType.Reply } : {}) });
    if (nonce !== null && body.enforce_nonce === true) this.nonces.set(`${ch.id}\n${nonce}`, { id: m.id, at: Date.now() });
    this.announceMessage(ch, m, "MESSAGE_CREATE");
    return ok(m);
  }

  private react(c: Ctx, add: boolean): Result {
    const ch = this.channel(c.params.channel_id);
    const m = this.message(ch, c.params.message_id);
    const key = c.params.emoji ?? "";
    const custom = /^(?:a:)?([\w~]{2,32}):(\d{17,20})$/.exec(key);
    if (!custom && (key.length === 0 || /^[\w\s]+$/.test(key))) throw new ApiError(400, { message: "Unknown Emoji", code: 10014 });
    if (add) this.need(c, ch.guildId, ch.id, PermissionFlagsBits.AddReactions | PermissionFlagsBits.ReadMessageHistory, "adding a reaction");
    const emoji = custom ? { id: custom[2]!, name: custom[1]! } : { id: null, name: key };
    m.reactions ??= [];
    const r = m.reactions.find((x) => emojiKey(x.emoji) === key);
    if (add && !r) m.reactions.push({ count: 1, count_details: { burst: 0, normal: 1 }, me: true, me_burst: false, emoji, burst_colors: [] });
    else if (add && r && !r.me) {
      r.me = true;
      r.count += 1;
      r.count_details.normal += 1;
    } else if (!add && r?.me) {
      r.me = false;
      r.count -= 1;
      r.count_details.normal -= 1;
      if (r.count === 0) m.reactions.splice(m.reactions.indexOf(r), 1);
    }
    this.world.touch();
    this.world.dispatch(add ? "MESSAGE_REACTION_ADD" : "MESSAGE_REACTION_REMOVE", { user_id: this.world.botUser.id, channel_id: ch.id, message_id: m.id, emoji, ...(ch.guildId ? { guild_id: ch.guildId } : {}), type: 0, burst: false }, { guildId: ch.guildId, intent: GatewayIntentBits.GuildMessageReactions });
    return noContent();
  }

  private pin(c: Ctx, pin: boolean): Result {
    const ch = this.channel(c.params.channel_id);
    const m = this.message(ch, c.params.message_id);
    this.need(c, ch.guildId, ch.id, PermissionFlagsBits.PinMessages, pin ? "pinning" : "unpinning");
    if (pin && !m.pinned && (this.world.messages.get(ch.id) ?? []).filter((x) => x.pinned).length >= 250) {
      throw new ApiError(400, { message: "Maximum number of pins reached (250)", code: 30003 });
    }
    m.pinned = pin;
    ch.lastPinTimestamp = new Date().toISOString();
    this.world.touch();
    this.world.dispatch("CHANNEL_PINS_UPDATE", { channel_id: ch.id, last_pin_timestamp: ch.lastPinTimestamp, ...(ch.guildId ? { guild_id: ch.guildId } : {}) }, { guildId: ch.guildId, intent: GatewayIntentBits.Guilds });
    return noContent();
  }

  private patchChannel(c: Ctx): Result {
    const ch = this.channel(c.params.channel_id);
    const thread = THREAD_TYPES.has(ch.type);
    const b = this.json(c);
    const onlyArchive = thread && Object.keys(b).every((k) => k === "archived" || k === "locked") && ch.threadMemberIds.has(this.world.botUser.id);
    if (!onlyArchive) this.need(c, ch.guildId, ch.id, thread ? PermissionFlagsBits.ManageThreads : PermissionFlagsBits.ManageChannels, "editing a channel");
    if (typeof b.name === "string") ch.name = b.name;
    if (typeof b.topic === "string" || b.topic === null) ch.topic = (b.topic) ?? null;
    if (typeof b.archived === "boolean") ch.archived = b.archived;
    this.world.touch();
    const api = this.world.channelApi(ch);
    this.world.dispatch(thread ? "THREAD_UPDATE" : "CHANNEL_UPDATE", api, { guildId: ch.guildId, intent: GatewayIntentBits.Guilds });
    return ok(api);
  }

  private threadName(b: Json): string {
    if (typeof b.name !== "string" || b.name.length < 1 || b.name.length > 100) {
      throw E.form([{ path: ["name"], code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." }]);
    }
    return b.name;
  }

  private threadFromMessage(c: Ctx): Result {
    const ch = this.channel(c.params.channel_id);
    if (ch.type !== ChannelType.GuildText && ch.type !== ChannelType.GuildAnnouncement) throw E.badChannelType();
    const m = this.message(ch, c.params.message_id);
    this.need(c, ch.guildId, ch.id, PermissionFlagsBits.CreatePublicThreads, "starting a thread");
    const name = this.threadName(this.json(c));
    if (this.world.channels.has(m.id)) throw new ApiError(400, { message: "A thread has already been created for this message", code: 160004 });
    const t = this.world.createThread(ch, {
      name,
      type: ch.type === ChannelType.GuildAnnouncement ? ChannelType.AnnouncementThread : ChannelType.PublicThread,
      ownerId: this.world.botUser.id,
      id: m.id,
    });
    m.thread = this.world.channelApi(t);
    return ok(this.world.channelApi(t), 201);
  }

  private threadWithoutMessage(c: Ctx): Result {
    const ch = this.channel(c.params.channel_id);
    const b = this.json(c);
    const name = this.threadName(b);
    if (ch.type === ChannelType.GuildForum || ch.type === ChannelType.GuildMedia) {
      this.need(c, ch.guildId, ch.id, PermissionFlagsBits.SendMessages, "posting in a forum");
      const first = isObj(b.message) ? b.message : {};
      this.checkBody(c, first, { create: true, files: c.files.length });
      const t = this.world.createThread(ch, { name, type: ChannelType.PublicThread, ownerId: this.world.botUser.id });
      const m = createMessage(this.world, t, first, { author: this.world.botUser, attachments: c.files });
      return ok({ ...(this.world.channelApi(t) as unknown as Json), message: m }, 201);
    }
    if (ch.type !== ChannelType.GuildText && ch.type !== ChannelType.GuildAnnouncement) throw E.badChannelType();
    const type: ChannelType = typeof b.type === "number" ? (b.type) : ChannelType.PrivateThread;
    if (type !== ChannelType.PublicThread && type !== ChannelType.PrivateThread && type !== ChannelType.AnnouncementThread) {
      throw E.form([{ path: ["type"], code: "BASE_TYPE_CHOICES", message: "Value must be one of (10, 11, 12)." }]);
    }
    this.need(c, ch.guildId, ch.id, type === ChannelType.PrivateThread ? PermissionFlagsBits.CreatePrivateThreads : PermissionFlagsBits.CreatePublicThreads, "starting a thread");
    const t = this.world.createThread(ch, { name, type, ownerId: this.world.botUser.id });
    return ok(this.world.channelApi(t), 201);
  }

  private threadMember(c: Ctx, userId: string, add: boolean): Result {
    const ch = this.channel(c.params.channel_id);
    if (!THREAD_TYPES.has(ch.type)) throw E.badChannelType();
    if (userId !== this.world.botUser.id) {
      if (!this.world.users.has(userId)) throw E.unknownUser();
      this.need(c, ch.guildId, ch.id, PermissionFlagsBits.SendMessagesInThreads, "adding a thread member");
    }
    if (ch.archived) throw new ApiError(400, { message: "Thread is archived", code: 50083 });
    if (add) ch.threadMemberIds.add(userId);
    else ch.threadMemberIds.delete(userId);
    this.world.touch();
    this.world.dispatch("THREAD_MEMBERS_UPDATE", { id: ch.id, guild_id: ch.guildId, member_count: ch.threadMemberIds.size, ...(add ? { added_members: [{ id: ch.id, user_id: userId, join_timestamp: new Date().toISOString(), flags: 0 }] } : { removed_member_ids: [userId] }) }, { guildId: ch.guildId, intent: GatewayIntentBits.GuildMembers });
    return noContent();
  }

  // ---- scheduled events ----------------------------------------------------------------------------

  private event(g: GuildRecord, id: string | undefined): APIGuildScheduledEvent {
    const e = id ? g.scheduledEvents.get(id) : undefined;
    if (!e) throw E.unknownEvent();
    return e;
  }

  private eventOut(g: GuildRecord, e: APIGuildScheduledEvent, withCount: boolean): APIGuildScheduledEvent {
    return withCount ? { ...e, user_count: g.eventSubscribers.get(e.id)?.size ?? 0 } : e;
  }

  private eventProblems(b: Json, current: APIGuildScheduledEvent | null): FormProblem[] {
    const out: FormProblem[] = [];
    const merged = { ...(current as unknown as Json | null), ...b };
    const name = merged.name;
    if (typeof name !== "string" || name.length < 1 || name.length > 100) out.push({ path: ["name"], code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." });
    if (typeof merged.description === "string" && merged.description.length > 1000) out.push({ path: ["description"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 1000 or fewer in length." });
    if (merged.privacy_level !== GuildScheduledEventPrivacyLevel.GuildOnly) out.push({ path: ["privacy_level"], code: "BASE_TYPE_CHOICES", message: "Value must be one of (2,)." });
    const entity = merged.entity_type;
    if (entity !== 1 && entity !== 2 && entity !== 3) out.push({ path: ["entity_type"], code: "BASE_TYPE_CHOICES", message: "Value must be one of (1, 2, 3)." });
    const start = Date.parse(String(merged.scheduled_start_time));
    if (!Number.isFinite(start)) out.push({ path: ["scheduled_start_time"], code: "DATE_TIME_TYPE_PARSE", message: "Could not parse time" });
    else if ("scheduled_start_time" in b && start < Date.now() - 60_000 && (!current || current.status === GuildScheduledEventStatus.Scheduled)) {
      out.push({ path: ["scheduled_start_time"], code: "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST", message: "Cannot schedule event in the past." });
    }
    const end = merged.scheduled_end_time === null || merged.scheduled_end_time === undefined ? null : Date.parse(txt(merged.scheduled_end_time));
    if (end !== null && (!Number.isFinite(end) || end <= start)) out.push({ path: ["scheduled_end_time"], code: "GUILD_SCHEDULED_EVENT_END_BEFORE_START", message: "Cannot schedule event to end before starting." });
    if (entity === GuildScheduledEventEntityType.External) {
      const loc = isObj(merged.entity_metadata) ? merged.entity_metadata.location : undefined;
      if (typeof loc !== "string" || loc.length < 1 || loc.length > 100) out.push({ path: ["entity_metadata", "location"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
      if (end === null) out.push({ path: ["scheduled_end_time"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
    } else if (entity === 1 || entity === 2) {
      const ch = typeof merged.channel_id === "string" ? this.world.liveChannel(merged.channel_id) : undefined;
      if (!ch) out.push({ path: ["channel_id"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
      else if ((entity === 1 && ch.type !== ChannelType.GuildStageVoice) || (entity === 2 && ch.type !== ChannelType.GuildVoice)) {
        out.push({ path: ["channel_id"], code: "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL_TYPE", message: "Channel type does not match the entity type" });
      }
    }
    return out;
  }

  private createEvent(c: Ctx): Result {
    const g = this.guild(c.params.guild_id);
    this.need(c, g.id, null, PermissionFlagsBits.CreateEvents, "creating a scheduled event");
    const b = this.json(c);
    const problems = this.eventProblems(b, null);
    if (problems.length > 0) {
      this.d.finding("scheduled-event", c.route, describeProblems(problems));
      throw E.form(problems);
    }
    const e = {
      id: this.world.ids.next(),
      guild_id: g.id,
      channel_id: typeof b.channel_id === "string" && b.entity_type !== 3 ? b.channel_id : null,
      creator_id: this.world.botUser.id,
      creator: this.world.botUser,
      name: b.name,
      description: b.description ?? null,
      scheduled_start_time: new Date(String(b.scheduled_start_time)).toISOString(),
      scheduled_end_time: b.scheduled_end_time ? new Date(txt(b.scheduled_end_time)).toISOString() : null,
      privacy_level: b.privacy_level,
      status: GuildScheduledEventStatus.Scheduled,
      entity_type: b.entity_type,
      entity_id: null,
      entity_metadata: b.entity_type === 3 ? { location: (b.entity_metadata as Json).location } : null,
      user_count: 0,
      image: null,
      recurrence_rule: b.recurrence_rule ?? null,
    } as unknown as APIGuildScheduledEvent;
    g.scheduledEvents.set(e.id, e);
    g.eventSubscribers.set(e.id, new Set());
    this.world.touch();
    this.world.dispatch("GUILD_SCHEDULED_EVENT_CREATE", e, { guildId: g.id, intent: GatewayIntentBits.GuildScheduledEvents });
    return ok(e);
  }

  private patchEvent(c: Ctx): Result {
    const g = this.guild(c.params.guild_id);
    const e = this.event(g, c.params.event_id);
    this.need(c, g.id, null, PermissionFlagsBits.ManageEvents, "editing a scheduled event");
    const b = this.json(c);
    const problems = this.eventProblems(b, e);
    if (typeof b.status === "number" && b.status !== Number(e.status)) {
      const S = GuildScheduledEventStatus;
      const next = b.status as GuildScheduledEventStatus;
      const legal = (e.status === S.Scheduled && (next === S.Active || next === S.Canceled)) || (e.status === S.Active && next === S.Completed);
      if (!legal) problems.push({ path: ["status"], code: "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION", message: `Cannot change status from ${e.status} to ${b.status}` });
    }
    if (problems.length > 0) {
      this.d.finding("scheduled-event", c.route, describeProblems(problems));
      throw E.form(problems);
    }
    const target = e as unknown as Json;
    for (const k of ["name", "description", "channel_id", "privacy_level", "entity_type", "status", "recurrence_rule"]) if (k in b) target[k] = b[k];
    if ("scheduled_start_time" in b) target.scheduled_start_time = new Date(String(b.scheduled_start_time)).toISOString();
    if ("scheduled_end_time" in b) target.scheduled_end_time = b.scheduled_end_time ? new Date(txt(b.scheduled_end_time)).toISOString() : null;
    if (isObj(b.entity_metadata)) target.entity_metadata = { location: b.entity_metadata.location };
    if (e.entity_type === GuildScheduledEventEntityType.External) target.channel_id = null;
    this.world.touch();
    this.world.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", e, { guildId: g.id, intent: GatewayIntentBits.GuildScheduledEvents });
    return ok(e);
  }
}

function stripMeta(c: unknown): Json {
  const { id: _i, application_id: _a, version: _v, guild_id: _g, ...rest } = c as Json;
  return rest;
}

function emojiKey(e: { id: string | null; name: string | null }): string {
  return e.id ? `${e.name ?? ""}:${e.id}` : (e.name ?? "");
}

function allowedCallbacks(type: InteractionType, hasSourceMessage: boolean): InteractionResponseType[] {
  const R = InteractionResponseType;
  switch (type) {
    case InteractionType.Ping:
      return [R.Pong];
    case InteractionType.ApplicationCommand:
      return [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.Modal];
    case InteractionType.MessageComponent:
      return [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.DeferredMessageUpdate, R.UpdateMessage, R.Modal];
    case InteractionType.ApplicationCommandAutocomplete:
      return [R.ApplicationCommandAutocompleteResult];
    case InteractionType.ModalSubmit:
      return hasSourceMessage
        ? [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.DeferredMessageUpdate, R.UpdateMessage]
        : [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource];
    default:
      return [];
  }
}

function txt(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "bigint" || typeof v === "boolean" ? String(v) : "";
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseBody(raw: Buffer, contentType: string | undefined): Promise<{ body: unknown; files: Ctx["files"] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  const ct = contentType ?? "";
  if (ct.startsWith("multipart/form-data")) {
    const form = await new Response(raw, { headers: { "content-type": ct } }).formData();
    const files: Ctx["files"] = [];
    let body: unknown;
    for (const [key, value] of form.entries()) {
      if (key === "payload_json" && typeof value === "string") body = JSON.parse(value) as unknown;
      else if (typeof value !== "string") files.push({ filename: value.name, size: value.size, ...(value.type ? { contentType: value.type } : {}) });
    }
    return { body, files };
  }
  try {
    return { body: JSON.parse(raw.toString("utf8")) as unknown, files: [] };
  } catch {
    return { body: raw.toString("utf8"), files: [] };
  }
}
