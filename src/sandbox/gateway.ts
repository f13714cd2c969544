/**
 * The gateway: HELLO, IDENTIFY (token, intents, shard), READY + GUILD_CREATE, heartbeats, sequence numbers,
 * RESUME with replay, INVALID_SESSION, and dispatches of state changes to every session whose shard and
 * intents cover them. Frames are uncompressed JSON text (a client that asks for zlib-stream still parses
 * text frames).
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { GatewayCloseCodes, GatewayIntentBits, GatewayOpcodes } from "discord-api-types/v10";
import { WebSocketServer, type WebSocket } from "ws";
import type { Logger } from "pino";
import { shardOf } from "./snowflake.js";
import type { World } from "./state.js";

interface SentEvent {
  s: number;
  t: string;
  d: unknown;
  onSent: (() => void) | undefined;
  sent: boolean;
}

export interface GatewaySession {
  id: string;
  shard: [number, number];
  intents: number;
  seq: number;
  events: SentEvent[];
  socket: WebSocket | null;
  /** cannot be resumed any more */
  invalid: boolean;
}

export interface GatewayDeps {
  world: World;
  token: () => string;
  url: () => string;
  heartbeatIntervalMs: number;
  logger: Logger | undefined;
  finding: (kind: string, detail: string) => void;
  /** the most recent dispatches are kept per session for RESUME */
  replayLimit?: number;
}

const PRIVILEGED = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

export class Gateway {
  readonly sessions = new Map<string, GatewaySession>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  /** counts of what happened, for tests */
  readonly stats = { identifies: 0, resumes: 0, invalidSessions: 0, heartbeats: 0 };
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: GatewayDeps) {}

  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
    this.deps.world.touch();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
  }

  /** Sessions with an open socket that finished IDENTIFY or RESUME. */
  get connectedSessions(): GatewaySession[] {
    return [...this.sessions.values()].filter((s) => s.socket !== null && !s.invalid);
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    this.sockets.add(ws);
    const url = new URL(req.url ?? "/", "ws://localhost");
    const v = url.searchParams.get("v");
    const encoding = url.searchParams.get("encoding") ?? "json";
    if (url.searchParams.get("compress")) {
      this.deps.finding("gateway-compression", `client asked for compress=${url.searchParams.get("compress")}; the emulator sends uncompressed JSON text frames`);
    }
    let session: GatewaySession | null = null;
    const send = (payload: unknown): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
    };
    const close = (code: number, reason: string): void => {
      this.deps.logger?.debug({ code, reason }, "gateway close");
      ws.close(code, reason);
    };
    ws.on("close", (code) => {
      this.sockets.delete(ws);
      if (session && session.socket === ws) {
        session.socket = null;
        // a client that closes normally ends its session; other codes leave it resumable
        if (code === 1000 || code === 1001) session.invalid = true;
        this.changed();
      }
    });
    ws.on("error", () => {});
    if (v !== null && v !== "10") {
      this.deps.finding("gateway-version", `client asked for gateway v=${v}`);
      close(GatewayCloseCodes.InvalidAPIVersion, "Invalid API version");
      return;
    }
    if (encoding !== "json") {
      close(GatewayCloseCodes.DecodeError, "Only encoding=json is emulated");
      return;
    }
    send({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.deps.heartbeatIntervalMs, _trace: ["emulator"] }, s: null, t: null });

    ws.on("message", (raw, isBinary) => {
      let msg: { op?: unknown; d?: unknown };
      try {
        if (isBinary) throw new Error("binary");
        msg = JSON.parse(Buffer.isBuffer(raw) ? raw.toString("utf8") : Buffer.from(raw as ArrayBuffer).toString("utf8")) as typeof msg;
      } catch {
        close(GatewayCloseCodes.DecodeError, "Error while decoding payload.");
        return;
      }
      const d = (typeof msg.d === "object" && msg.d !== null ? msg.d : {}) as Record<string, unknown>;
      switch (msg.op) {
        case GatewayOpcodes.Heartbeat:
          this.stats.heartbeats += 1;
          send({ op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
          return;
        case GatewayOpcodes.Identify: {
          if (session) {
            close(GatewayCloseCodes.AlreadyAuthenticated, "Already authenticated.");
            return;
          }
          if (d.token !== this.deps.token() && d.token !== `Bot ${this.deps.token()}`) {
            this.deps.finding("gateway-auth", "IDENTIFY with a wrong token");
            close(GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
            return;
          }
          if (typeof d.intents !== "number" && typeof d.intents !== "string") {
            this.deps.finding("gateway-intents", "IDENTIFY without intents");
            close(GatewayCloseCodes.InvalidIntents, "Invalid intent(s).");
            return;
          }
          const intents = Number(d.intents);
          const shard = Array.isArray(d.shard) ? (d.shard as unknown[]).map(Number) : [0, 1];
          const [shardId = 0, shardCount = 1] = shard;
          if (!(shardCount >= 1 && shardId >= 0 && shardId < shardCount)) {
            close(GatewayCloseCodes.InvalidShard, "Invalid shard.");
            return;
          }
          this.stats.identifies += 1;
          session = {
            id: randomBytes(16).toString("hex"),
            shard: [shardId, shardCount],
            intents,
            seq: 0,
            events: [],
            socket: ws,
            invalid: false,
          };
          this.sessions.set(session.id, session);
          if ((intents & PRIVILEGED) !== 0) {
            this.deps.logger?.debug({ intents }, "session uses privileged intents (allowed by the emulator)");
          }
          this.ready(session);
          this.changed();
          return;
        }
        case GatewayOpcodes.Resume: {
          const old = typeof d.session_id === "string" ? this.sessions.get(d.session_id) : undefined;
          if (d.token !== this.deps.token() && d.token !== `Bot ${this.deps.token()}`) {
            this.deps.finding("gateway-auth", "RESUME with a wrong token");
            close(GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
            return;
          }
          const seq = Number(d.seq);
          if (!old || old.invalid || !Number.isFinite(seq)) {
            this.stats.invalidSessions += 1;
            send({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
            return;
          }
          const oldest = old.events[0]?.s ?? old.seq + 1;
          if (seq < oldest - 1) {
            this.stats.invalidSessions += 1;
            send({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
            return;
          }
          this.stats.resumes += 1;
          if (old.socket && old.socket !== ws) old.socket.terminate();
          session = old;
          session.socket = ws;
          for (const e of session.events) if (e.s > seq) this.write(session, e);
          send({ op: GatewayOpcodes.Dispatch, t: "RESUMED", s: ++session.seq, d: { _trace: ["emulator"] } });
          this.changed();
          return;
        }
        case GatewayOpcodes.PresenceUpdate:
        case GatewayOpcodes.VoiceStateUpdate:
        case GatewayOpcodes.RequestGuildMembers:
        case GatewayOpcodes.RequestSoundboardSounds:
          if (!session) close(GatewayCloseCodes.NotAuthenticated, "Not authenticated.");
          return;
        default:
          close(GatewayCloseCodes.UnknownOpcode, "Unknown opcode.");
      }
    });
  }

  private guildsFor(session: GatewaySession): string[] {
    const [id, count] = session.shard;
    return [...this.deps.world.guilds.values()].filter((g) => g.joined && shardOf(g.id, count) === id).map((g) => g.id);
  }

  private ready(session: GatewaySession): void {
    const world = this.deps.world;
    const guildIds = this.guildsFor(session);
    this.push(session, "READY", {
      v: 10,
      user_settings: {},
      user: { ...world.botUser, verified: true, mfa_enabled: false, email: null },
      guilds: guildIds.map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.deps.url(),
      shard: session.shard,
      application: { id: world.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      _trace: ["emulator"],
    });
    if ((session.intents & GatewayIntentBits.Guilds) === 0) return;
    for (const id of guildIds) {
      const g = world.guilds.get(id);
      if (g) this.push(session, "GUILD_CREATE", world.guildCreatePayload(g));
    }
  }

  private write(session: GatewaySession, e: SentEvent): void {
    const ws = session.socket;
    if (!ws || ws.readyState !== ws.OPEN) return;
    ws.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, t: e.t, s: e.s, d: e.d }));
    if (!e.sent) {
      e.sent = true;
      e.onSent?.();
    }
  }

  private push(session: GatewaySession, t: string, d: unknown, onSent?: () => void): void {
    const e: SentEvent = { s: ++session.seq, t, d, onSent, sent: false };
    session.events.push(e);
    const limit = this.deps.replayLimit ?? 1000;
    if (session.events.length > limit) session.events.splice(0, session.events.length - limit);
    this.write(session, e);
  }

  /**
   * Sends a dispatch to every valid session that should see it (shard of guildId, intent). Sessions whose
   * socket is down keep it for RESUME. `onSent` fires once, when the first copy reaches a socket.
   */
  dispatch(t: string, d: unknown, opts: { guildId?: string | null; intent?: number; onSent?: () => void }): number {
    let count = 0;
    let fired = false;
    const onSent = opts.onSent
      ? () => {
          if (!fired) {
            fired = true;
            opts.onSent?.();
          }
        }
      : undefined;
    for (const s of this.sessions.values()) {
      if (s.invalid) continue;
      const shardId = opts.guildId ? shardOf(opts.guildId, s.shard[1]) : 0;
      if (shardId !== s.shard[0]) continue;
      if (opts.intent !== undefined && (s.intents & opts.intent) === 0) continue;
      this.push(s, t, d, onSent);
      count += 1;
    }
    return count;
  }

  /** Drops every connection: `clean` closes with 4000 (resumable), otherwise the socket is destroyed. */
  drop(opts: { clean: boolean; code?: number }): void {
    for (const s of this.sessions.values()) {
      const ws = s.socket;
      if (!ws) continue;
      s.socket = null;
      if (opts.clean) ws.close(opts.code ?? GatewayCloseCodes.UnknownError, "Emulator drop");
      else ws.terminate();
    }
    this.changed();
  }

  /** Asks every connected client to reconnect and resume (op 7). */
  requestReconnect(): void {
    for (const s of this.connectedSessions) s.socket?.send(JSON.stringify({ op: GatewayOpcodes.Reconnect, d: null, s: null, t: null }));
  }

  /** Invalidates every session (op 9, not resumable): clients identify again. */
  invalidateSessions(): void {
    for (const s of this.sessions.values()) {
      s.invalid = true;
      s.socket?.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null }));
    }
    this.changed();
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
