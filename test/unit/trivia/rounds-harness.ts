/**
 * Test harness for trivia rounds: an in-memory store, a fake Announcer that records sends and edits,
 * a manual clock, and a tiny job runner that claims due jobs from the store and runs their handlers
 * (what the real scheduler does, minus timers).
 */
import { pino } from "pino";
import { AnnounceError, type Announcer, type OutgoingMessage } from "../../../src/announcer.js";
import { defaultKnowledgeBase } from "../../../src/knowledge/base.js";
import type { JobHandler } from "../../../src/scheduler/types.js";
import { openStore, type NewJob, type Store } from "../../../src/store/index.js";
import type { TriviaQuestion } from "../../../src/trivia/bank.js";
import { createTriviaService, type TriviaDeps, type TriviaRoundRow } from "../../../src/trivia/rounds.js";
import { seededRng } from "../../../src/trivia/select.js";
import { manualClock, type ManualClock } from "../../../src/watchalong/clock.js";

export const T0 = Date.UTC(2025, 0, 6, 18, 0, 0); // a Monday in January (no DST change for weeks)
export const GUILD = "100000000000000001";
export const CHANNEL = "200000000000000001";
export const OTHER_CHANNEL = "200000000000000002";

export interface SentMessage {
  channelId: string;
  message: OutgoingMessage;
  key: string;
  messageId: string;
}
export interface EditedMessage {
  channelId: string;
  messageId: string;
  message: OutgoingMessage;
}

export interface FakeAnnouncer extends Announcer {
  sends: SentMessage[];
  edits: EditedMessage[];
  /** Throws this on the next sends / edits (until cleared). */
  failSend: AnnounceError | null;
  failEdit: AnnounceError | null;
}

export function fakeAnnouncer(): FakeAnnouncer {
  let next = 1;
  const byKey = new Map<string, string>();
  const self: FakeAnnouncer = {
    sends: [],
    edits: [],
    failSend: null,
    failEdit: null,
    send(channelId, message, key) {
      if (self.failSend) return Promise.reject(self.failSend);
      // Like Discord's enforce_nonce: the same key returns the same message.
      const existing = byKey.get(key);
      if (existing) return Promise.resolve({ messageId: existing });
      const messageId = `m${next++}`;
      byKey.set(key, messageId);
      self.sends.push({ channelId, message, key, messageId });
      return Promise.resolve({ messageId });
    },
    edit(channelId, messageId, message) {
      if (self.failEdit) return Promise.reject(self.failEdit);
      self.edits.push({ channelId, messageId, message });
      return Promise.resolve();
    },
    startThread: () => Promise.reject(new AnnounceError("transient", "not faked")),
    createEvent: () => Promise.reject(new AnnounceError("transient", "not faked")),
    updateEvent: () => Promise.reject(new AnnounceError("transient", "not faked")),
    deleteEvent: () => Promise.reject(new AnnounceError("transient", "not faked")),
    getEvent: () => Promise.resolve(null),
    eventUserIds: () => Promise.resolve([]),
  };
  return self;
}

const opt = (s: string) => ({ en: s, "zh-CN": `${s}（中）` });

/** A small general bank with known answers. */
export function smallBank(n = 6): TriviaQuestion[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `q${i + 1}`,
    question: opt(`Question ${i + 1}?`),
    options: [opt(`A${i + 1}`), opt(`B${i + 1}`), opt(`C${i + 1}`), opt(`D${i + 1}`)],
    answer: i % 4,
    explanation: opt(`Because ${i + 1}.`),
    difficulty: "easy" as const,
    part: null,
    facts: ["T06"],
  }));
}

export interface World {
  store: Store;
  announcer: FakeAnnouncer;
  clock: ManualClock;
  deps: TriviaDeps;
  /** Jobs the service enqueued through its `enqueue` dependency (the scheduler's, in the bot). */
  enqueued: NewJob[];
  service: ReturnType<typeof createTriviaService>;
  /** A fresh service on the same store (a restarted bot). */
  restart(): void;
  /** Runs every due job (and jobs they plan that are due too) until none is due. Returns the kinds run. */
  runDue(): Promise<string[]>;
  round(id: string): Promise<TriviaRoundRow>;
  close(): Promise<void>;
}

export async function world(options: { bank?: TriviaQuestion[]; seed?: string } = {}): Promise<World> {
  const store = await openStore("sqlite::memory:");
  const announcer = fakeAnnouncer();
  const clock = manualClock(T0);
  const enqueued: NewJob[] = [];
  const deps: TriviaDeps = {
    store,
    enqueue: (job) => {
      enqueued.push(job);
      return store.jobs.enqueue(job);
    },
    announcer,
    knowledge: defaultKnowledgeBase(),
    clock,
    logger: pino({ level: "silent" }),
    bank: options.bank ?? smallBank(),
    rng: seededRng(options.seed ?? "trivia"),
  };
  const w: World = {
    store,
    announcer,
    clock,
    deps,
    enqueued,
    service: createTriviaService(deps),
    restart() {
      w.service = createTriviaService({ ...deps, rng: seededRng("restarted") });
    },
    async runDue() {
      const kinds: string[] = [];
      const handlers = new Map<string, JobHandler>(w.service.handlers.map((h) => [h.kind, h]));
      for (let guard = 0; guard < 100; guard++) {
        const now = clock.now();
        const jobs = await store.jobs.claimDue(now, { owner: "test", leaseMs: 600_000, limit: 10 });
        if (jobs.length === 0) return kinds;
        for (const job of jobs) {
          const handler = handlers.get(job.kind);
          if (!handler) throw new Error(`no handler for ${job.kind}`);
          kinds.push(job.kind);
          const outcome = await handler.run(job, {
            now,
            lateByMs: Math.max(0, now - job.dueAt),
            attempt: job.attempts,
            clock,
            log: deps.logger,
            enqueue: (j) => store.jobs.enqueue(j),
          });
          if (outcome.type === "done") await store.jobs.complete(job.id, "test");
          else if (outcome.type === "reschedule") await store.jobs.retryAt(job.id, "test", outcome.at, "rescheduled");
          else if (outcome.type === "retry") await store.jobs.retryAt(job.id, "test", outcome.at ?? now + 60_000, outcome.error);
          else await store.jobs.fail(job.id, "test", outcome.error);
        }
      }
      throw new Error("jobs keep coming");
    },
    async round(id) {
      const r = await store.trivia.getRound(id);
      if (!r) throw new Error(`no round ${id}`);
      return r as TriviaRoundRow;
    },
    close: () => store.close(),
  };
  return w;
}

/** The display index of the right option of question `index` in the round. */
export function rightChoice(round: TriviaRoundRow, bank: readonly TriviaQuestion[], index: number): number {
  const q = bank.find((b) => b.id === round.questionIds[index]);
  const order = round.settings.orders[index];
  if (!q || !order) throw new Error("no such question");
  return order.indexOf(q.answer);
}
