/**
 * Test world for watch parties: an in-memory store, a fake Announcer that records every call, a manual
 * clock, the watch service, and a tiny scheduler stand-in that claims due jobs from the store and runs
 * the handlers the way the real scheduler does (outcomes: done / retry / reschedule / fail).
 */
import { pino } from "pino";
import type { RESTPatchAPIGuildScheduledEventJSONBody, RESTPostAPIGuildScheduledEventJSONBody } from "discord-api-types/v10";
import { AnnounceError, type Announcer, type OutgoingMessage } from "../../../src/announcer.js";
import { defaultKnowledgeBase } from "../../../src/knowledge/base.js";
import type { JobHandler } from "../../../src/scheduler/types.js";
import { openStore, type Job, type Store } from "../../../src/store/index.js";
import { manualClock, type ManualClock } from "../../../src/watchalong/clock.js";
import { notifyHostOfFailure, watchJobHandlers, type WatchRunnerDeps } from "../../../src/watchalong/runner.js";
import { createWatchService, type ScheduleRequest, type StoredSession, type WatchService, type SessionState } from "../../../src/watchalong/service.js";

export const GUILD = "100000000000000001";
export const CHANNEL = "200000000000000001";
export const ANNOUNCE_CHANNEL = "200000000000000009";
export const VOICE = "200000000000000005";
export const HOST = "300000000000000001";
export const ROLE = "600000000000000007";
export const MIN = 60_000;
export const HOUR = 60 * MIN;
/** Monday 5 January 2026, 18:00 UTC (no DST change for weeks in the zones used). */
export const T0 = Date.UTC(2026, 0, 5, 18, 0, 0);

export type Call =
  | { op: "send"; channelId: string; message: OutgoingMessage; key: string; messageId: string; at: number }
  | { op: "edit"; channelId: string; messageId: string; message: OutgoingMessage; at: number }
  | { op: "thread"; channelId: string; messageId: string | null; name: string; threadId: string; at: number }
  | { op: "createEvent"; guildId: string; body: RESTPostAPIGuildScheduledEventJSONBody; eventId: string; at: number }
  | { op: "updateEvent"; guildId: string; eventId: string; body: RESTPatchAPIGuildScheduledEventJSONBody; at: number }
  | { op: "deleteEvent"; guildId: string; eventId: string; at: number };

export interface FakeAnnouncer extends Announcer {
  calls: Call[];
  /** Channels that reject sends with this error. */
  failIn: Map<string, AnnounceError>;
  /** Events as Discord has them (for getEvent); absent = deleted. */
  events: Map<string, { status: number; scheduledStartTime: string; name: string }>;
  sends(): Extract<Call, { op: "send" }>[];
}

export function fakeAnnouncer(clock: ManualClock): FakeAnnouncer {
  let n = 1;
  const byKey = new Map<string, string>();
  const self: FakeAnnouncer = {
    calls: [],
    failIn: new Map(),
    events: new Map(),
    sends: () => self.calls.filter((c): c is Extract<Call, { op: "send" }> => c.op === "send"),
    send(channelId, message, key) {
      const fail = self.failIn.get(channelId);
      if (fail) return Promise.reject(fail);
      const existing = byKey.get(key); // enforce_nonce: the same key is the same message
      if (existing) return Promise.resolve({ messageId: existing });
      const messageId = `m${n++}`;
      byKey.set(key, messageId);
      self.calls.push({ op: "send", channelId, message, key, messageId, at: clock.now() });
      return Promise.resolve({ messageId });
    },
    edit(channelId, messageId, message) {
      self.calls.push({ op: "edit", channelId, messageId, message, at: clock.now() });
      return Promise.resolve();
    },
    startThread(channelId, messageId, name) {
      const fail = self.failIn.get(channelId);
      if (fail) return Promise.reject(fail);
      const threadId = `t${n++}`;
      self.calls.push({ op: "thread", channelId, messageId, name, threadId, at: clock.now() });
      return Promise.resolve({ threadId });
    },
    createEvent(guildId, body) {
      const eventId = `e${n++}`;
      self.events.set(eventId, { status: 1, scheduledStartTime: body.scheduled_start_time, name: body.name });
      self.calls.push({ op: "createEvent", guildId, body, eventId, at: clock.now() });
      return Promise.resolve({ eventId });
    },
    updateEvent(guildId, eventId, body) {
      if (!self.events.has(eventId)) return Promise.reject(new AnnounceError("unknown-event", "Unknown Guild Scheduled Event", 404, 10070));
      const e = self.events.get(eventId)!;
      self.events.set(eventId, { ...e, ...(body.status ? { status: body.status } : {}), ...(body.scheduled_start_time ? { scheduledStartTime: body.scheduled_start_time } : {}) });
      self.calls.push({ op: "updateEvent", guildId, eventId, body, at: clock.now() });
      return Promise.resolve();
    },
    deleteEvent(guildId, eventId) {
      self.events.delete(eventId);
      self.calls.push({ op: "deleteEvent", guildId, eventId, at: clock.now() });
      return Promise.resolve();
    },
    getEvent(_guildId, eventId) {
      return Promise.resolve(self.events.get(eventId) ?? null);
    },
    eventUserIds: () => Promise.resolve([]),
  };
  return self;
}

export interface World {
  store: Store;
  announcer: FakeAnnouncer;
  clock: ManualClock;
  service: WatchService;
  handlers: JobHandler[];
  deps: WatchRunnerDeps;
  watched: { guildId: string; channelId: string; partId: string }[];
  failed: { job: Job; error: string }[];
  /** A restarted bot: new service and handlers over the same store. */
  restart(): void;
  /** Runs due jobs (and jobs they make due) at the current time, like one scheduler tick. Returns the jobs' moment keys / kinds. */
  tick(): Promise<string[]>;
  /** Moves time to `t`, stopping at every due job on the way (an always-on scheduler). */
  runUntil(t: number): Promise<string[]>;
  /** Schedules and confirms a party; returns its sessions. */
  schedule(request?: Partial<ScheduleRequest>): Promise<StoredSession[]>;
  session(id: string): Promise<StoredSession>;
  close(): Promise<void>;
}

export function request(extra: Partial<ScheduleRequest> = {}): ScheduleRequest {
  return {
    guildId: GUILD,
    channelId: CHANNEL,
    createdBy: HOST,
    locale: "en",
    parts: "rust",
    when: "in 2 hours",
    timezone: "UTC",
    createEvents: true,
    checkpointsMin: 60,
    ...extra,
  };
}

export async function world(): Promise<World> {
  const clock = manualClock(T0);
  const store = await openStore("sqlite::memory:", { clock: () => clock.now() });
  const announcer = fakeAnnouncer(clock);
  const logger = pino({ level: "silent" });
  const knowledge = defaultKnowledgeBase();
  const watched: World["watched"] = [];
  const failed: World["failed"] = [];
  const deps: WatchRunnerDeps = {
    store,
    knowledge,
    clock,
    logger,
    announcer,
    onPartWatched: (guildId, channelId, partId) => {
      watched.push({ guildId, channelId, partId });
      return Promise.resolve();
    },
  };
  const make = () => ({
    service: createWatchService({ store, knowledge, clock, logger, enqueue: (j) => store.jobs.enqueue(j) }),
    handlers: watchJobHandlers(deps),
  });
  const w: World = {
    store,
    announcer,
    clock,
    deps,
    watched,
    failed,
    ...make(),
    restart() {
      Object.assign(w, make());
    },
    async tick() {
      const ran: string[] = [];
      const handlers = new Map(w.handlers.map((h) => [h.kind, h]));
      for (let guard = 0; guard < 200; guard++) {
        const now = clock.now();
        const jobs = await store.jobs.claimDue(now, { owner: "test", leaseMs: 10 * MIN, limit: 20 });
        if (jobs.length === 0) return ran;
        for (const job of jobs) {
          const handler = handlers.get(job.kind);
          if (!handler) throw new Error(`no handler for ${job.kind}`);
          const p = job.payload as { key?: string };
          ran.push(p.key ?? job.kind);
          const outcome = await handler.run(job, {
            now,
            lateByMs: Math.max(0, now - job.dueAt),
            attempt: job.attempts,
            clock,
            log: logger,
            enqueue: (j) => store.jobs.enqueue(j),
          });
          if (outcome.type === "done") await store.jobs.complete(job.id, "test");
          else if (outcome.type === "reschedule") await store.jobs.retryAt(job.id, "test", Math.max(outcome.at, now + 1), "rescheduled");
          else if (outcome.type === "retry") await store.jobs.retryAt(job.id, "test", outcome.at ?? now + MIN, outcome.error);
          else {
            await store.jobs.fail(job.id, "test", outcome.error);
            failed.push({ job, error: outcome.error });
            await notifyHostOfFailure(deps, job, outcome.error);
          }
        }
      }
      throw new Error("jobs keep coming");
    },
    async runUntil(t) {
      const ran: string[] = [];
      for (let guard = 0; guard < 1000; guard++) {
        const next = await store.jobs.nextDueAt();
        if (next === null || next > t) break;
        if (next > clock.now()) clock.set(next);
        ran.push(...(await w.tick()));
      }
      if (t > clock.now()) clock.set(t);
      return ran;
    },
    async schedule(extra = {}) {
      const preview = await w.service.preview(request(extra));
      if (!preview.ok) throw new Error(`preview: ${preview.error}`);
      const confirmed = await w.service.confirm(preview.draft.id, { guildId: GUILD, userId: HOST });
      if (!confirmed.ok) throw new Error(`confirm: ${confirmed.error}`);
      return confirmed.sessions;
    },
    async session(id) {
      const s = (await store.sessions.get<SessionState>(id));
      if (!s) throw new Error(`no session ${id}`);
      return s;
    },
    close: () => store.close(),
  };
  return w;
}

/** The text a post shows (content + embed descriptions). */
export function textOf(message: OutgoingMessage): string {
  return [message.content ?? "", ...(message.embeds ?? []).map((e) => [e.title ?? "", e.description ?? "", ...(e.fields ?? []).map((f) => `${f.name}\n${f.value}`)].join("\n"))].join("\n");
}
