/**
 * A local Discord (REST + gateway) for end-to-end tests, benchmarks and the sandbox.
 *
 *   const emu = await startEmulator({ interactionDeadlineMs: 3000 });
 *   // the bot: new Client({ intents: [Guilds], rest: { api: emu.apiBase } }).login(emu.token)
 *   const guild = emu.createGuild({ name: "Film club" });          // { id, everyoneRoleId, botRoleId, systemChannelId, … }
 *   const alice = emu.createUser({ username: "alice" });
 *   emu.addMember(guild.id, alice.id);
 *   const ch = emu.createChannel(guild.id, { name: "screening" });
 *   const it = emu.command({ user: alice.id, channelId: ch.id, name: "westofthetracks",
 *                            options: { subcommand: "part", options: { name: "rust" } } });
 *   (await it.response()).type;  (await it.original()).content;  await it.waitForEdit(m => …);
 *   const press = emu.button({ user: alice.id, message: await it.original(), customId: "watch:rsvp:1:going" });
 *   emu.findings / emu.clearFindings() / emu.requests / emu.waitForRequest(r => r.route === …)
 *   emu.faults.add({ route: /\/messages$/, status: 429, count: 1, retryAfterMs: 50 });
 *   emu.gateway.drop({ clean: false });  emu.deleteChannel(ch.id);
 *   await emu.close();
 *
 * State builders: createGuild, createChannel, createRole, createUser, addMember, setBotPermissions,
 * setRolePermissions, removeBotFromGuild, addBotToGuild, openDm, deleteChannel, say (a member's message),
 * subscribeToEvent. Interactions: command, autocomplete, button, select, modalSubmit → InteractionHandle
 * (response(), original(), followUps(), waitForFollowUp(), waitForEdit(), deferred, latencyMs).
 * Observing: messages(channelId) (ephemeral ones included, flagged), waitForMessage, requests, waitForRequest,
 * findings, waitForFinding, clearFindings, commands(guildId?), scheduledEvents(guildId), threads(channelId),
 * permissionsOf(guildId, userId, channelId?). Faults: faults.add/clear, gateway.drop/requestReconnect/
 * invalidateSessions. Rules broken by the bot become findings ({ kind, route, detail, at }) and get the
 * answer Discord gives (401, 404 10062, 400 40060, 400 50035, 403 50001/50013 …).
 * The interaction deadline counts from the moment the INTERACTION_CREATE reached the bot's socket.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import {
  GatewayIntentBits,
  MessageType,
  type APIApplicationCommand,
  type APIChannel,
  type APIGuildMember,
  type APIGuildScheduledEvent,
  type APIMessage,
  type APIRole,
  type APIUser,
} from "discord-api-types/v10";
import type { Logger } from "pino";
import { projectRoot } from "../paths.js";
import { Faults } from "./faults.js";
import { Gateway, type GatewaySession } from "./gateway.js";
import {
  InteractionBuilder,
  InteractionHandle,
  THREAD_TYPES,
  userIdOf,
  type AutocompleteInput,
  type CommandInput,
  type ComponentInput,
  type InteractionRecord,
  type ModalSubmitInput,
  type SelectInput,
} from "./interactions.js";
import { createMessage } from "./messages.js";
import { OpenApiChecker } from "./openapi.js";
import { Rest } from "./rest.js";
import { World, type CreateChannelOptions, type CreateGuildOptions } from "./state.js";
import type { Finding, RecordedRequest } from "./types.js";
import { DEFAULT_WAIT_MS, waitUntil } from "./wait.js";

export type { Finding, RecordedRequest } from "./types.js";
export type { FaultSpec, Fault } from "./faults.js";
export { InteractionHandle } from "./interactions.js";
export type { InteractionCallback, CommandInput, AutocompleteInput, ComponentInput, SelectInput, ModalSubmitInput, OptionValues, NaturalOptions } from "./interactions.js";

export interface EmulatorOptions {
  /** 0 (default) picks a free port */
  port?: number;
  host?: string;
  token?: string;
  applicationId?: string;
  botName?: string;
  /** the 3-second rule; default 3000 */
  interactionDeadlineMs?: number;
  /** how long an interaction token works; default 15 minutes */
  interactionTokenTtlMs?: number;
  /** HELLO's heartbeat_interval; default 41250 */
  heartbeatIntervalMs?: number;
  /** how long `enforce_nonce` remembers a nonce; default 5 minutes */
  nonceWindowMs?: number;
  /** Discord's OpenAPI description; null turns the check off. Default: ../shared/discord-api-spec/openapi.json */
  specPath?: string | null;
  logger?: Logger;
}

export interface GuildInfo {
  id: string;
  name: string;
  ownerId: string;
  everyoneRoleId: string;
  botRoleId: string;
  /** #general, unless created without it */
  systemChannelId: string | null;
}

export interface GatewayControl {
  /** drop every connection; clean = close code 4000 (client resumes), otherwise the socket is destroyed */
  drop(opts: { clean: boolean; code?: number }): void;
  /** op 7 Reconnect to every connected client */
  requestReconnect(): void;
  /** op 9 with d:false: clients must identify again */
  invalidateSessions(): void;
  readonly connected: boolean;
  readonly sessions: readonly GatewaySession[];
  readonly stats: { identifies: number; resumes: number; invalidSessions: number; heartbeats: number };
  /** resolves when at least one session is connected (after IDENTIFY or RESUME) */
  waitForConnection(timeoutMs?: number): Promise<void>;
}

export class Emulator {
  readonly apiBase: string;
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly botUserId: string;
  readonly faults = new Faults();
  readonly findings: Finding[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly gateway: GatewayControl;
  /** the raw state, for what the helpers do not cover */
  readonly world: World;
  private readonly interactionsById = new Map<string, InteractionRecord>();
  private readonly interactionsByToken = new Map<string, InteractionRecord>();
  private readonly builder: InteractionBuilder;

  /** @internal use startEmulator */
  constructor(
    private readonly server: Server,
    private readonly gw: Gateway,
    world: World,
    init: { apiBase: string; gatewayUrl: string; token: string },
    private readonly logger: Logger | undefined,
  ) {
    this.world = world;
    this.apiBase = init.apiBase;
    this.gatewayUrl = init.gatewayUrl;
    this.token = init.token;
    this.applicationId = world.applicationId;
    this.botUserId = world.botUser.id;
    this.builder = new InteractionBuilder(world);
    const waitFor = <T>(check: () => T | undefined, ms: number, what: string): Promise<T> => this.waitFor(check, ms, what);
    this.gateway = {
      drop: (o) => gw.drop(o),
      requestReconnect: () => gw.requestReconnect(),
      invalidateSessions: () => gw.invalidateSessions(),
      get connected() {
        return gw.connectedSessions.length > 0;
      },
      get sessions() {
        return [...gw.sessions.values()];
      },
      stats: gw.stats,
      waitForConnection: (timeoutMs = DEFAULT_WAIT_MS) =>
        waitFor(() => (gw.connectedSessions.length > 0 ? true : undefined), timeoutMs, "a gateway connection").then(() => undefined),
    };
  }

  /** @internal */
  attach(): { interactions: Map<string, InteractionRecord>; byToken: Map<string, InteractionRecord>; finding: (kind: string, route: string, detail: string) => void; record: (r: RecordedRequest) => void } {
    return {
      interactions: this.interactionsById,
      byToken: this.interactionsByToken,
      finding: (kind, route, detail) => this.addFinding(kind, route, detail),
      record: (r) => {
        this.requests.push(r);
        this.world.touch();
      },
    };
  }

  private addFinding(kind: string, route: string, detail: string): void {
    this.findings.push({ kind, route, detail, at: Date.now() });
    this.logger?.warn({ kind, route, detail }, "emulator finding");
    this.world.touch();
  }

  private waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return waitUntil((l) => this.world.onChange(l), check, timeoutMs, what);
  }

  // ---- state builders ------------------------------------------------------------------------------

  createUser(opts: { username: string; globalName?: string; bot?: boolean }): APIUser {
    return this.world.createUser(opts);
  }

  createGuild(opts: CreateGuildOptions): GuildInfo {
    const g = this.world.createGuild(opts);
    const general = [...this.world.channels.values()].find((c) => c.guildId === g.id);
    return { id: g.id, name: g.name, ownerId: g.ownerId, everyoneRoleId: g.id, botRoleId: g.botRoleId, systemChannelId: general?.id ?? null };
  }

  createChannel(guildId: string, opts: CreateChannelOptions): APIChannel {
    return this.world.channelApi(this.world.createChannel(guildId, opts));
  }

  createRole(guildId: string, opts: { name: string; permissions: bigint; mentionable?: boolean }): APIRole {
    return this.world.createRole(guildId, opts);
  }

  setRolePermissions(guildId: string, roleId: string, permissions: bigint): void {
    this.world.setRolePermissions(guildId, roleId, permissions);
  }

  addMember(guildId: string, userId: string, opts: { roles?: string[]; nick?: string } = {}): APIGuildMember {
    const m = this.world.addMember(guildId, userId, opts);
    return this.world.memberApi(this.world.requireGuild(guildId), m);
  }

  /** Sets the permissions of the bot's managed role in the guild. */
  setBotPermissions(guildId: string, permissions: bigint): void {
    this.world.setBotPermissions(guildId, permissions);
  }

  removeBotFromGuild(guildId: string): void {
    this.world.removeBotFromGuild(guildId);
  }

  addBotToGuild(guildId: string): void {
    this.world.addBotToGuild(guildId);
  }

  openDm(userId: string): APIChannel {
    return this.world.channelApi(this.world.openDm(userId));
  }

  /** Deletes a channel (CHANNEL_DELETE / THREAD_DELETE); later REST on it answers 404 10003. */
  deleteChannel(id: string): void {
    this.world.deleteChannel(id);
  }

  /** A member writes a message (MESSAGE_CREATE to sessions with the message intents). */
  say(opts: { user: string | APIUser; channelId: string; content: string }): APIMessage {
    const ch = this.world.liveChannel(opts.channelId);
    const user = this.world.users.get(userIdOf(opts.user));
    if (!ch || !user) throw new Error("unknown channel or user");
    const m = createMessage(this.world, ch, { content: opts.content }, { author: user, type: MessageType.Default });
    const g = ch.guildId ? this.world.guilds.get(ch.guildId) : undefined;
    const member = g?.members.get(user.id);
    this.world.dispatch(
      "MESSAGE_CREATE",
      { ...m, ...(g ? { guild_id: g.id } : {}), ...(g && member ? { member: (({ user: _u, ...rest }) => rest)(this.world.memberApi(g, member)) } : {}) },
      { guildId: ch.guildId, intent: ch.guildId ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages },
    );
    return m;
  }

  /** A member marks themselves "interested" in a scheduled event. */
  subscribeToEvent(guildId: string, eventId: string, userId: string): void {
    const g = this.world.requireGuild(guildId);
    const set = g.eventSubscribers.get(eventId);
    if (!set) throw new Error(`unknown scheduled event ${eventId}`);
    set.add(userId);
    this.world.touch();
    this.world.dispatch("GUILD_SCHEDULED_EVENT_USER_ADD", { guild_scheduled_event_id: eventId, user_id: userId, guild_id: guildId }, { guildId, intent: GatewayIntentBits.GuildScheduledEvents });
  }

  permissionsOf(guildId: string, userId: string, channelId?: string): bigint {
    return this.world.permissionsOf(guildId, userId, channelId);
  }

  // ---- interactions --------------------------------------------------------------------------------

  private start(rec: InteractionRecord): InteractionHandle {
    this.interactionsById.set(rec.id, rec);
    this.interactionsByToken.set(rec.token, rec);
    const delivered = this.gw.dispatch("INTERACTION_CREATE", rec.payload, {
      guildId: rec.guildId,
      onSent: () => {
        rec.dispatchedAt = performance.now();
        this.world.touch();
      },
    });
    if (delivered === 0) this.logger?.warn({ interactionId: rec.id }, "no gateway session for this interaction; it will not be answered");
    this.world.touch();
    return new InteractionHandle(rec, this.world);
  }

  /** A slash command (or, with `type` and `targetId`, a user/message command). Options are resolved against the registered command. */
  command(input: CommandInput): InteractionHandle {
    return this.start(this.builder.command(input));
  }

  autocomplete(input: AutocompleteInput): InteractionHandle {
    return this.start(this.builder.command(input, input.focused));
  }

  button(input: ComponentInput): InteractionHandle {
    return this.start(this.builder.component(input));
  }

  select(input: SelectInput): InteractionHandle {
    return this.start(this.builder.component(input));
  }

  modalSubmit(input: ModalSubmitInput): InteractionHandle {
    return this.start(this.builder.modalSubmit(input));
  }

  /** Calls `listener` after every state change, request or finding (for a terminal client); returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    return this.world.onChange(listener);
  }

  /** Every interaction started so far, oldest first. */
  interactions(): InteractionHandle[] {
    return [...this.interactionsById.values()].map((r) => new InteractionHandle(r, this.world));
  }

  // ---- observing -----------------------------------------------------------------------------------

  /** Messages in a channel, oldest first; ephemeral ones included (flags & 64). */
  messages(channelId: string): APIMessage[] {
    return [...(this.world.messages.get(channelId) ?? [])];
  }

  waitForMessage(channelId: string, pred: (m: APIMessage) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<APIMessage> {
    return this.waitFor(() => this.world.messages.get(channelId)?.find(pred), timeoutMs, `a message in ${channelId}`);
  }

  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedRequest> {
    return this.waitFor(() => this.requests.find(pred), timeoutMs, "a matching request");
  }

  waitForFinding(kind: string, timeoutMs = DEFAULT_WAIT_MS): Promise<Finding> {
    return this.waitFor(() => this.findings.find((f) => f.kind === kind), timeoutMs, `a "${kind}" finding`);
  }

  clearFindings(): void {
    this.findings.length = 0;
  }

  /** Registered commands: global without guildId, else that guild's. */
  commands(guildId?: string): APIApplicationCommand[] {
    const map = guildId ? this.world.guildCommands.get(guildId) : this.world.globalCommands;
    return [...(map?.values() ?? [])];
  }

  scheduledEvents(guildId: string): APIGuildScheduledEvent[] {
    return [...(this.world.guilds.get(guildId)?.scheduledEvents.values() ?? [])];
  }

  /** Threads under a channel (deleted ones excluded). */
  threads(channelId: string): APIChannel[] {
    return [...this.world.channels.values()]
      .filter((c) => c.parentId === channelId && THREAD_TYPES.has(c.type) && !c.deleted)
      .map((c) => this.world.channelApi(c));
  }

  channel(id: string): APIChannel | undefined {
    const c = this.world.liveChannel(id);
    return c ? this.world.channelApi(c) : undefined;
  }

  async close(): Promise<void> {
    await this.gw.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? "127.0.0.1";
  const world = new World(options.applicationId ?? new World("0", "x").ids.next(), options.botName ?? "westofthetracks");
  const token = options.token ?? `${Buffer.from(world.applicationId).toString("base64url")}.emulator.${randomBytes(16).toString("base64url")}`;
  const specPath = options.specPath === undefined ? join(projectRoot, "..", "shared", "discord-api-spec", "openapi.json") : options.specPath;
  let openapi: OpenApiChecker | null = null;
  if (specPath !== null) {
    openapi = OpenApiChecker.fromFile(specPath);
    if (!openapi) options.logger?.warn({ specPath }, "Discord OpenAPI description not found; requests are not checked against it");
  }
  let port = 0;
  const gatewayUrl = (): string => `ws://${host}:${port}`;
  let emu: Emulator | null = null;
  const gateway = new Gateway({
    world,
    token: () => token,
    url: gatewayUrl,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    logger: options.logger,
    finding: (kind, detail) => emu?.attach().finding(kind, "gateway", detail),
  });
  world.dispatch = (t, d, o) => {
    gateway.dispatch(t, d, { guildId: o.guildId ?? null, ...(o.intent !== undefined ? { intent: o.intent } : {}) });
  };
  let rest: Rest | null = null;
  const server = createServer((req, res) => {
    if (!rest || !(req.url ?? "").startsWith("/api/")) {
      res.writeHead(req.url === "/" ? 200 : 404, { "content-type": "application/json" });
      res.end(JSON.stringify(req.url === "/" ? { emulator: "discord", api: `${emuBase()}/v10`, gateway: gatewayUrl() } : { message: "404: Not Found", code: 0 }));
      return;
    }
    void rest.handle(req, res);
  });
  const emuBase = (): string => `http://${host}:${port}/api`;
  server.on("upgrade", (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  emu = new Emulator(server, gateway, world, { apiBase: emuBase(), gatewayUrl: gatewayUrl(), token }, options.logger);
  const hooks = emu.attach();
  rest = new Rest({
    world,
    token: () => token,
    gatewayUrl,
    interactions: hooks.interactions,
    interactionsByToken: hooks.byToken,
    deadlineMs: options.interactionDeadlineMs ?? 3000,
    tokenTtlMs: options.interactionTokenTtlMs ?? 15 * 60_000,
    nonceWindowMs: options.nonceWindowMs ?? 5 * 60_000,
    finding: hooks.finding,
    openapi,
    faults: emu.faults,
    record: hooks.record,
    logger: options.logger,
  });
  return emu;
}

export { measureInteractionLatency, type LatencyReport } from "./latency.js";
