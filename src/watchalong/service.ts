/**
 * Watch parties as stored, durable state: plan a party (a series of one session per part), keep its
 * pending plan as a draft until the host confirms, persist it with one job per moment, and change it
 * while it runs (pause, resume, delay, end, cancel), plus RSVPs and status.
 *
 * Storage:
 * - `watch_series`: one row per party (cadence, zone, parts, title).
 * - `watch_sessions`: one row per part; its `plan` column holds a `SessionState` (the planned session and
 *   moments, how they were shifted, what was posted). `starts_at` / `ends_at` follow the shifts, so lists
 *   sort by the real times.
 * - `jobs`: one `watch:moment` job per moment, dedupe key `watch:<sessionId>:<momentKey>`; `watch:announce`
 *   posts the announcement and creates the Scheduled Events (with `refresh`, it only re-renders the
 *   announcement, once per series after a shift); `watch:event` re-times a session's event after a shift; `watch:notice` tells the channel a party was cancelled; `watch:draft` holds a previewed plan
 *   until it expires (confirming cancels it: a compare-and-set, so a plan is confirmed at most once).
 *
 * Shifts (one rule, used everywhere): a session keeps its planned moments; pause, resume and delay append
 * `{ from, by }` shifts, and a moment's effective time is its planned time run through them in order
 * (timeline.ts `shiftMoments`). On every change the session's pending moment jobs are cancelled and the
 * moments not yet posted are enqueued again at their effective times (dedupe keys make that idempotent).
 * The runner reads the same state and returns `reschedule` if a job ever runs before its effective time,
 * so a stale job can never post early. In a marathon, a shift also moves the later sessions of the series.
 *
 * Never imports discord.js. Errors are codes; the command layer translates them.
 */
import { randomBytes } from "node:crypto";
import type { Locale } from "../i18n/index.js";
import type { KnowledgeBase } from "../knowledge/base.js";
import type { PartId } from "../knowledge/schema.js";
import type { Logger } from "../log.js";
import type { Job, NewJob, Rsvp, RsvpStatus, Store, WatchSeries, WatchSession } from "../store/index.js";
import { validateCron, type Cadence } from "./cadence.js";
import type { Clock } from "./clock.js";
import {
  planWatchParty,
  type IntermissionSetting,
  type Moment,
  type PlanBreak,
  type PlanErrorCode,
  type PlanSession,
  type WatchPartyPlan,
} from "./plan.js";
import { MINUTE, normalizeTimeZone, parseWhen, type ParseWhenErrorCode } from "./time.js";
import { sessionPosition, type Pause, type SessionPosition } from "./timeline.js";

// ---------------------------------------------------------------------------------------------------
// Constants and stored shapes

export const JOB_MOMENT = "watch:moment";
export const JOB_ANNOUNCE = "watch:announce";
export const JOB_EVENT = "watch:event";
export const JOB_NOTICE = "watch:notice";
export const JOB_DRAFT = "watch:draft";

/** Parties (series with a session not over) a server may have at once. */
export const MAX_ACTIVE_PARTIES = 25;
/** How long a previewed plan waits for Confirm. */
export const DRAFT_TTL_MS = 60 * MINUTE;
/** `delay minutes:` bounds. */
export const MAX_DELAY_MIN = 240;

export type CadenceKind = Cadence["kind"];

/** What a session row's `plan` column holds. */
export interface SessionState {
  v: 1;
  seriesId: string;
  /** 1-based index in the series, and how many sessions it has. */
  index: number;
  count: number;
  /** The session as planned (original times). */
  session: PlanSession;
  /** This session's moments as planned (original times), including the marathon break after it. */
  moments: Moment[];
  /** The marathon break after this session, if any. */
  planBreak: PlanBreak | null;
  zone: string;
  cadence: CadenceKind;
  editionId: string | null;
  /** Language of the channel posts. */
  locale: Locale;
  pingRoleId: string | null;
  voiceChannelId: string | null;
  /** Create a Scheduled Event for the session (the bot had Manage Events when the host confirmed). */
  createEvent: boolean;
  /** The series announcement (with the RSVP buttons), once posted. */
  announcement: { channelId: string; messageId: string } | null;
  /** Shifts applied in order: every moment whose (shifted) time is ≥ `from` moves by `by`. */
  shifts: { from: number; by: number }[];
  /** Delay added before the session started (timeline `delayMs`). */
  delayMs: number;
  /** Pauses during the session; `delay` while running is a pause with its end set. */
  pauses: Pause[];
  /** Keys of moments handled (posted, dropped as stale, or replaced by a catch-up status). */
  posted: string[];
  /** Set when the host ended the session early. */
  endedEarlyAt: number | null;
  /** DST notes from the planner for this session. */
  dst: "dst-gap-shifted" | "dst-overlap-first" | null;
}

export type StoredSession = WatchSession<SessionState>;

export interface MomentPayload {
  sessionId: string;
  key: string;
}
export interface AnnouncePayload {
  seriesId: string;
  /** Re-render the posted announcement only (after a shift or a cancellation); no events are created. */
  refresh?: true;
}
export interface EventPayload {
  sessionId: string;
}
export interface NoticePayload {
  seriesId: string;
  sessionIds: string[];
  by: string | null;
}

/** Everything `schedule` needs, as typed by the host (times still text). */
export interface ScheduleRequest {
  guildId: string;
  channelId: string;
  createdBy: string;
  /** Language of the channel posts (the club's, or the host's when the club follows each member). */
  locale: Locale;
  parts: "all" | PartId;
  when: string;
  timezone?: string | null;
  cadence?: CadenceKind | null;
  cron?: string | null;
  editionId?: string | null;
  /** Runtime of the club's copy in minutes (one part only); overrides the edition. */
  runtimeMin?: number | null;
  voiceChannelId?: string | null;
  pingRoleId?: string | null;
  /** `auto`, `none`, or minutes of one break per long block. */
  intermission?: "auto" | "none" | number | null;
  /** Minutes of film between checkpoints; 0 = none. */
  checkpointsMin?: number | null;
  title?: string | null;
  /** The bot may create Scheduled Events (Manage Events). */
  createEvents: boolean;
}

/** A previewed plan, as stored in its `watch:draft` job. */
export interface Draft extends Omit<ScheduleRequest, "when" | "timezone"> {
  id: string;
  startAt: number;
  zone: string;
  cron: string | null;
  createdAt: number;
}

export type WatchErrorCode =
  | "past"
  | "too-far"
  | "not-a-time"
  | "missing-time"
  | "ambiguous-date"
  | "several-times"
  | "bad-zone"
  | "bad-cron"
  | "cron-too-frequent"
  | "cron-never"
  | "dst-gap"
  | "overlap"
  | "series-overlap"
  | "too-many"
  | "wrong-guild"
  | "not-found"
  | "unknown-part"
  | "bad-edition"
  | "bad-runtime"
  | "bad-intermission"
  | "bad-checkpoint"
  | "bad-delay"
  | "draft-gone"
  | "not-yours"
  | "not-running"
  | "not-paused"
  | "already-paused"
  | "over";

export interface WatchError {
  ok: false;
  error: WatchErrorCode;
  /** dst-gap: the first valid instant after the gap. */
  suggestion?: number;
  /** past / too-far / dst-gap: the wall-clock reading meant. */
  wallClock?: string;
  /** overlap: the session in the way. */
  sessionId?: string;
  /** too-many / bad-delay: the limit. */
  max?: number;
}

export type WatchResult<T> = ({ ok: true } & T) | WatchError;

const fail = (error: WatchErrorCode, extra: Omit<WatchError, "ok" | "error"> = {}): WatchError => ({ ok: false, error, ...extra });

// ---------------------------------------------------------------------------------------------------
// Pure helpers over the stored state (shared by the runner and reconciliation)

const ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Short ids (8 characters of [0-9a-z], ~41 bits) keep custom ids and dedupe keys short. */
export function newWatchId(): string {
  let out = "";
  for (const b of randomBytes(8)) out += ID_ALPHABET[b % ID_ALPHABET.length];
  return out;
}

export function momentDedupeKey(sessionId: string, momentKey: string): string {
  return `watch:${sessionId}:${momentKey}`;
}

export function sessionJobPrefix(sessionId: string): string {
  return `watch:${sessionId}:`;
}

/** A moment's time after the session's shifts. */
export function effectiveAt(state: Pick<SessionState, "shifts">, at: number): number {
  let t = at;
  for (const s of state.shifts) if (t >= s.from) t += s.by;
  return t;
}

/** The open pause, if the session is paused. */
export function openPause(state: Pick<SessionState, "pauses">): Pause | undefined {
  return state.pauses.find((p) => p.resumedAt === undefined);
}

/** The moments with their effective times, in plan order. */
export function shiftedMoments(state: SessionState): Moment[] {
  return state.moments.map((m) => ({ ...m, at: effectiveAt(state, m.at) }));
}

/** The effective start and end of the session. */
export function sessionWindow(state: SessionState): { startsAt: number; endsAt: number } {
  if (state.endedEarlyAt !== null) return { startsAt: effectiveAt(state, state.session.startsAt), endsAt: state.endedEarlyAt };
  return { startsAt: effectiveAt(state, state.session.startsAt), endsAt: effectiveAt(state, state.session.endsAt) };
}

/** The session shifted as a whole by how much its start moved (for calendars and events). */
export function shiftedSession(state: SessionState): PlanSession {
  const d = effectiveAt(state, state.session.startsAt) - state.session.startsAt;
  const endShift = effectiveAt(state, state.session.endsAt) - state.session.endsAt;
  const s = state.session;
  if (d === 0 && endShift === 0) return s;
  return {
    ...s,
    startsAt: s.startsAt + d,
    endsAt: s.endsAt + endShift,
    blocks: s.blocks.map((b) => ({ ...b, startsAt: b.startsAt + d, endsAt: b.endsAt + d })),
    intermissions: s.intermissions.map((i) => ({ ...i, startsAt: i.startsAt + d, endsAt: i.endsAt + d })),
    checkpoints: s.checkpoints.map((c) => ({ ...c, at: c.at + d })),
    reminders: s.reminders.map((r) => ({ ...r, at: r.at + d })),
    ...(s.getReadyAt !== undefined ? { getReadyAt: s.getReadyAt + d } : {}),
    discussionAt: s.discussionAt + endShift,
  };
}

/** Where the session is at `now` (whereami / status). */
export function positionOf(state: SessionState, now: number): SessionPosition {
  return sessionPosition({
    session: state.session,
    startedAt: state.session.startsAt,
    pauses: state.pauses,
    delayMs: state.delayMs,
    now,
    moments: state.moments,
  });
}

/** The next moment still to come, with its effective time; none while paused. */
export function nextMomentOf(state: SessionState, now: number): { moment: Moment; at: number } | undefined {
  if (openPause(state)) return undefined;
  let best: { moment: Moment; at: number } | undefined;
  for (const m of state.moments) {
    if (state.posted.includes(m.key)) continue;
    const at = effectiveAt(state, m.at);
    if (at >= now && (!best || at < best.at)) best = { moment: m, at };
  }
  return best;
}

/** Rebuilds a plan (for the calendar) from a series' stored sessions, with their current times. */
export function planOfSessions(states: readonly SessionState[], createdAt: number): WatchPartyPlan | undefined {
  const sorted = [...states].sort((a, b) => a.index - b.index);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) return undefined;
  const sessions = sorted.map(shiftedSession);
  const breaks = sorted.flatMap((s) => {
    if (!s.planBreak) return [];
    const at = effectiveAt(s, s.planBreak.startsAt);
    return [{ ...s.planBreak, startsAt: at, endsAt: at + s.planBreak.durationMs }];
  });
  const firstSession = sessions[0]!;
  const lastSession = sessions[sessions.length - 1]!;
  return {
    version: 1,
    createdAt,
    zone: first.zone,
    cadence: first.cadence === "cron" ? { kind: "cron", expr: "", zone: first.zone } : { kind: first.cadence },
    ...(first.editionId ? { editionId: first.editionId } : {}),
    intermission: "auto",
    sessions,
    breaks,
    moments: sorted.flatMap(shiftedMoments),
    totals: {
      sessions: sessions.length,
      filmMs: sessions.reduce((n, s) => n + s.filmMs, 0),
      intermissionMs: sessions.reduce((n, s) => n + s.intermissions.reduce((m, i) => m + i.durationMs, 0), 0),
      breakMs: breaks.reduce((n, b) => n + b.durationMs, 0),
      spanMs: lastSession.endsAt - firstSession.startsAt,
      startsAt: firstSession.startsAt,
      endsAt: lastSession.endsAt,
    },
    notes: [],
  };
}

const LIVE = ["scheduled", "running", "paused"] as const;
export function isLive(s: { status: string }): boolean {
  return (LIVE as readonly string[]).includes(s.status);
}

// ---------------------------------------------------------------------------------------------------
// Store helpers (shared by the runner and reconciliation)

type Enqueue = (job: NewJob) => Promise<{ id: string; created: boolean }>;

/**
 * Read-modify-write of a session's state, atomic: inside one transaction the row is first touched with a
 * compare-and-set on its status (a row lock on PostgreSQL; SQLite runs one writer at a time), then the
 * state is changed from what that statement returned. `change` returns the new state and row fields, or
 * null to leave the session as it is.
 */
export async function updateSessionState(
  store: Store,
  sessionId: string,
  change: (session: StoredSession) => { state?: SessionState; status?: StoredSession["status"]; threadId?: string | null; scheduledEventId?: string | null } | null,
): Promise<StoredSession | null> {
  return store.transaction(async (tx) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const seen = await tx.sessions.get<SessionState>(sessionId);
      if (!seen || !seen.plan) return null;
      const locked = await tx.sessions.update<SessionState>(sessionId, { status: seen.status }, { expectStatus: seen.status });
      if (!locked || !locked.plan) continue;
      const patch = change(locked);
      if (!patch) return locked;
      const state = patch.state ?? locked.plan;
      const window = sessionWindow(state);
      const pause = openPause(state);
      return tx.sessions.update<SessionState>(sessionId, {
        plan: state,
        startsAt: window.startsAt,
        endsAt: window.endsAt,
        pausedAt: pause ? pause.at : null,
        pauseTotalMs: state.pauses.reduce((n, p) => n + (p.resumedAt !== undefined ? p.resumedAt - p.at : 0), 0),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.threadId !== undefined ? { threadId: patch.threadId } : {}),
        ...(patch.scheduledEventId !== undefined ? { scheduledEventId: patch.scheduledEventId } : {}),
      });
    }
    throw new Error(`watch session ${sessionId} keeps changing`);
  });
}

/** Marks moments handled; returns the keys that were not handled before (empty: someone else did it). */
export async function markPosted(store: Store, sessionId: string, keys: readonly string[]): Promise<string[]> {
  let fresh: string[] = [];
  await updateSessionState(store, sessionId, (s) => {
    fresh = keys.filter((k) => !s.plan!.posted.includes(k));
    if (fresh.length === 0) return null;
    return { state: { ...s.plan!, posted: [...s.plan!.posted, ...fresh] } };
  });
  return fresh;
}

/**
 * Makes the session's pending moment jobs match its state: cancels them and enqueues every moment not
 * yet handled at its effective time (moments on hold behind an open pause are left out; resume enqueues
 * them). Idempotent.
 */
export async function syncMomentJobs(store: Store, enqueue: Enqueue, session: StoredSession): Promise<number> {
  await store.jobs.cancelWhere(session.guildId, { kinds: [JOB_MOMENT], dedupeKeyPrefix: sessionJobPrefix(session.id) });
  const state = session.plan;
  if (!state || !isLive(session)) return 0;
  const pause = openPause(state);
  let n = 0;
  for (const [i, m] of state.moments.entries()) {
    if (state.posted.includes(m.key)) continue;
    const at = effectiveAt(state, m.at);
    if (pause && at >= pause.at) continue;
    await enqueue({
      // Ids sort like the plan, so moments due together (end, discussion, break) run in plan order.
      id: `w-${session.id}-${String(i).padStart(3, "0")}-${newWatchId()}`,
      guildId: session.guildId,
      kind: JOB_MOMENT,
      dueAt: at,
      payload: { sessionId: session.id, key: m.key } satisfies MomentPayload,
      dedupeKey: momentDedupeKey(session.id, m.key),
    });
    n++;
  }
  return n;
}

/** The sessions of a series, in order. */
export async function seriesSessions(store: Store, seriesId: string): Promise<StoredSession[]> {
  const rows = (await store.sessions.listForSeries(seriesId)) as StoredSession[];
  return rows.filter((r) => r.plan !== null).sort((a, b) => a.plan!.index - b.plan!.index);
}

/**
 * Cancels every session of the series that is not over and all their pending jobs; marks the series
 * ended. Returns the sessions it cancelled (their previous rows). Discord side effects are the caller's.
 */
export async function cancelSeries(store: Store, seriesId: string): Promise<StoredSession[]> {
  const cancelled: StoredSession[] = [];
  for (const s of await seriesSessions(store, seriesId)) {
    if (!isLive(s)) continue;
    const done = await store.sessions.update<SessionState>(s.id, { status: "cancelled" }, { expectStatus: [...LIVE] });
    await store.jobs.cancelWhere(s.guildId, { dedupeKeyPrefix: sessionJobPrefix(s.id) });
    if (done) cancelled.push(s);
  }
  await store.sessions.updateSeries(seriesId, { status: "ended" });
  return cancelled;
}

/** Ends the series when none of its sessions is left to run. */
export async function closeSeriesIfDone(store: Store, seriesId: string): Promise<void> {
  const sessions = await seriesSessions(store, seriesId);
  if (sessions.length > 0 && !sessions.some(isLive)) await store.sessions.updateSeries(seriesId, { status: "ended" });
}

/** The series a session belongs to (older rows keep it only in their plan). */
export function seriesIdOf(session: StoredSession): string {
  return session.seriesId ?? session.plan!.seriesId;
}

/** Members who pressed Ready and have not said they are not going. */
function readyCount(rsvps: readonly Rsvp[]): number {
  return rsvps.filter((r) => r.readyAt !== null && r.status !== "no").length;
}

/** Re-renders the announcement of each series these sessions belong to: one `watch:announce` refresh job per series. */
export async function refreshAnnouncements(enqueue: Enqueue, sessions: readonly StoredSession[], now: number): Promise<void> {
  const bySeries = new Map(sessions.map((s) => [seriesIdOf(s), s.guildId]));
  for (const [seriesId, guildId] of bySeries) {
    await enqueue({ guildId, kind: JOB_ANNOUNCE, dueAt: now, payload: { seriesId, refresh: true } satisfies AnnouncePayload, dedupeKey: `watch:${seriesId}:announce:${now}` });
  }
}

/**
 * After a shift: the announcement shows the new times (once per series) and each session that has a
 * Scheduled Event gets a `watch:event` job to re-time it.
 */
export async function syncAfterShift(enqueue: Enqueue, changed: readonly StoredSession[], now: number): Promise<void> {
  await refreshAnnouncements(enqueue, changed, now);
  for (const s of changed) {
    if (!s.scheduledEventId) continue;
    await enqueue({ guildId: s.guildId, kind: JOB_EVENT, dueAt: now, payload: { sessionId: s.id } satisfies EventPayload, dedupeKey: `watch:${s.id}:event:${now}` });
  }
}

/**
 * Applies a shift to a session (and, in a marathon, to the later sessions of its series), then re-plans
 * their jobs. `during` = the shift comes from a pause or delay while the session runs.
 */
export async function shiftSessions(
  store: Store,
  enqueue: Enqueue,
  session: StoredSession,
  shift: { from: number; by: number },
  now: number,
  mutate?: (state: SessionState) => SessionState,
  status?: StoredSession["status"],
): Promise<StoredSession[]> {
  const changed: StoredSession[] = [];
  const updated = await updateSessionState(store, session.id, (s) => {
    const base = mutate ? mutate(s.plan!) : s.plan!;
    return { state: { ...base, shifts: [...base.shifts, shift] }, ...(status ? { status } : {}) };
  });
  if (updated) changed.push(updated);
  const state = session.plan;
  if (state && state.cadence === "marathon" && session.seriesId) {
    for (const later of await seriesSessions(store, session.seriesId)) {
      if (later.plan!.index <= state.index || later.status !== "scheduled") continue;
      const moved = await updateSessionState(store, later.id, (s) => ({
        state: { ...s.plan!, delayMs: s.plan!.delayMs + shift.by, shifts: [...s.plan!.shifts, { from: Math.min(shift.from, now), by: shift.by }] },
      }));
      if (moved) changed.push(moved);
    }
  }
  for (const s of changed) await syncMomentJobs(store, enqueue, s);
  return changed;
}

// ---------------------------------------------------------------------------------------------------
// The service

export interface WatchServiceDeps {
  store: Store;
  knowledge: KnowledgeBase;
  clock: Clock;
  logger: Logger;
  /** The scheduler's enqueue (wakes it when the job is due soon); `store.jobs.enqueue` works too. */
  enqueue: Enqueue;
}

export interface PreviewResult {
  draft: Draft;
  plan: WatchPartyPlan;
  /** The typed time named a reading that happens twice: `plan` uses the first, this is the second. */
  overlapAlternative?: number;
}

export interface ConfirmResult {
  series: WatchSeries;
  sessions: StoredSession[];
  plan: WatchPartyPlan;
}

/** A live session as lists show it: its times. */
export interface ListedSession {
  session: StoredSession;
  state: SessionState;
  startsAt: number;
  endsAt: number;
}

export interface SessionSummary extends ListedSession {
  counts: Record<RsvpStatus, number>;
}

export interface StatusResult extends SessionSummary {
  position: SessionPosition;
  next?: { moment: Moment; at: number };
  ready: number;
}

export type RsvpChoice = RsvpStatus;

export interface WatchService {
  now(): number;
  /** Validates and plans a party, stores it as a draft; nothing is scheduled yet. */
  preview(request: ScheduleRequest): Promise<WatchResult<PreviewResult>>;
  /** Checks the draft again at `now`, persists the party, enqueues its jobs and the announcement. */
  confirm(draftId: string, by: { guildId: string; userId: string }): Promise<WatchResult<ConfirmResult>>;
  discard(draftId: string, guildId: string): Promise<boolean>;
  /** Sessions not over, soonest first (one query: lists and autocomplete need no RSVP counts). */
  list(guildId: string): Promise<ListedSession[]>;
  /** A session of this guild by id; without id, the live one in `channelId`, else the guild's next. */
  find(guildId: string, sessionId: string | null, channelId?: string | null): Promise<WatchResult<{ session: StoredSession }>>;
  status(guildId: string, sessionId: string | null, channelId?: string | null): Promise<WatchResult<{ status: StatusResult }>>;
  pause(guildId: string, sessionId: string | null, channelId?: string | null): Promise<WatchResult<{ session: StoredSession }>>;
  resume(guildId: string, sessionId: string | null, channelId?: string | null): Promise<WatchResult<{ session: StoredSession; pausedMs: number }>>;
  delay(guildId: string, sessionId: string | null, minutes: number, channelId?: string | null): Promise<WatchResult<{ session: StoredSession; startsAt: number }>>;
  end(guildId: string, sessionId: string | null, channelId?: string | null): Promise<WatchResult<{ session: StoredSession }>>;
  /** Cancels the whole party the session belongs to. */
  cancel(guildId: string, sessionId: string, by: string): Promise<WatchResult<{ cancelled: StoredSession[] }>>;
  rsvp(guildId: string, sessionId: string, userId: string, status: RsvpChoice): Promise<WatchResult<{ rsvp: Rsvp; counts: Record<RsvpStatus, number> }>>;
  ready(guildId: string, sessionId: string, userId: string): Promise<WatchResult<{ ready: number; going: number }>>;
  /** The series of a session with every session (for the announcement and the calendar). */
  series(guildId: string, sessionId: string): Promise<WatchResult<{ series: WatchSeries; sessions: SessionSummary[] }>>;
  /** Moment jobs of every live session re-planned from state (after a crash between steps). */
  resync(guildId: string): Promise<number>;
}

function mapParseError(code: ParseWhenErrorCode): WatchErrorCode {
  switch (code) {
    case "in-past":
      return "past";
    case "too-far":
      return "too-far";
    case "bad-zone":
      return "bad-zone";
    case "dst-gap":
      return "dst-gap";
    case "missing-time":
      return "missing-time";
    case "ambiguous-date":
      return "ambiguous-date";
    case "several-times":
      return "several-times";
    case "empty":
    case "not-a-time":
      return "not-a-time";
  }
}

function mapPlanError(code: PlanErrorCode): WatchErrorCode {
  switch (code) {
    case "in-past":
    case "bad-start":
      return "past";
    case "too-far":
      return "too-far";
    case "bad-zone":
      return "bad-zone";
    case "cron-empty":
    case "cron-invalid":
    case "cron-seconds":
      return "bad-cron";
    case "cron-too-frequent":
      return "cron-too-frequent";
    case "cron-no-occurrence":
      return "cron-never";
    case "sessions-overlap":
      return "series-overlap";
    case "edition-missing-part":
      return "bad-edition";
    case "bad-runtime":
      return "bad-runtime";
    case "bad-intermission":
      return "bad-intermission";
    case "bad-checkpoint":
      return "bad-checkpoint";
    case "no-parts":
    case "unknown-part":
    case "duplicate-part":
      return "unknown-part";
    case "bad-reminder":
    case "bad-break":
      return "bad-intermission";
  }
}

function intermissionSetting(value: ScheduleRequest["intermission"]): IntermissionSetting | WatchError {
  if (value === undefined || value === null || value === "auto") return "auto";
  if (value === "none") return "none";
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 120) return { minutes: value };
  return fail("bad-intermission");
}

export function createWatchService(deps: WatchServiceDeps): WatchService {
  const { store, knowledge, clock } = deps;
  const log = deps.logger.child({ module: "watchalong" });
  const enqueue: Enqueue = deps.enqueue;

  /** Plans a draft at `now`; every check except the store ones. */
  function planDraft(d: Omit<Draft, "id" | "createdAt">, now: number): WatchResult<{ plan: WatchPartyPlan }> {
    let cadence: Cadence;
    const kind = d.cadence ?? "marathon";
    if (kind === "cron") {
      const valid = validateCron(d.cron ?? "");
      if (!valid.ok) return fail(valid.error === "cron-too-frequent" ? "cron-too-frequent" : "bad-cron");
      cadence = { kind: "cron", expr: valid.expr, zone: d.zone };
    } else {
      cadence = { kind };
    }
    const edition = d.editionId ? knowledge.edition(d.editionId) : knowledge.defaultEdition();
    if (!edition) return fail("bad-edition");
    const intermission = intermissionSetting(d.intermission);
    if (typeof intermission === "object" && "ok" in intermission) return intermission;
    if (d.runtimeMin !== undefined && d.runtimeMin !== null && d.parts === "all") return fail("bad-runtime");
    const checkpoints = d.checkpointsMin ?? undefined;
    const planned = planWatchParty({
      parts: d.parts,
      catalog: knowledge.parts(),
      startAt: d.startAt,
      now,
      zone: d.zone,
      cadence,
      edition,
      ...(d.runtimeMin !== undefined && d.runtimeMin !== null && d.parts !== "all" ? { runtimes: { [d.parts]: d.runtimeMin } } : {}),
      intermission,
      ...(checkpoints !== undefined ? { checkpointEveryMin: checkpoints } : {}),
    });
    if (!planned.ok) return fail(mapPlanError(planned.error));
    return { ok: true, plan: planned.plan };
  }

  /** Store checks: the server's party count and the channel's other parties. */
  async function checkRoom(d: Pick<Draft, "guildId" | "channelId">, plan: WatchPartyPlan): Promise<WatchError | undefined> {
    const live = (await store.sessions.listUpcoming(d.guildId, { limit: 1000 })) as StoredSession[];
    const parties = new Set(live.map((s) => s.seriesId ?? s.id));
    if (parties.size >= MAX_ACTIVE_PARTIES) return fail("too-many", { max: MAX_ACTIVE_PARTIES });
    for (const other of live) {
      if (other.channelId !== d.channelId) continue;
      const from = other.startsAt;
      const to = other.endsAt ?? other.startsAt;
      for (const s of plan.sessions) {
        if (s.startsAt < to && from < s.endsAt) return fail("overlap", { sessionId: other.id });
      }
    }
    return undefined;
  }

  async function preview(request: ScheduleRequest): Promise<WatchResult<PreviewResult>> {
    const now = clock.now();
    const club = await store.settings.get(request.guildId);
    const zone = normalizeTimeZone(request.timezone ?? club.timezone ?? "UTC");
    if (!zone) return fail("bad-zone");
    if (request.parts !== "all" && !knowledge.part(request.parts)) return fail("unknown-part");
    const parsed = parseWhen(request.when, { zone, now, locale: request.locale });
    if (!parsed.ok) {
      return fail(mapParseError(parsed.error), {
        ...(parsed.suggestion !== undefined ? { suggestion: parsed.suggestion } : {}),
        ...(parsed.wallClock !== undefined ? { wallClock: parsed.wallClock } : {}),
      });
    }
    const { when: _when, timezone: _tz, ...rest } = request;
    const base: Omit<Draft, "id" | "createdAt"> = {
      ...rest,
      startAt: parsed.at,
      zone,
      cron: request.cadence === "cron" ? (request.cron ?? "").trim() : null,
      title: request.title?.trim() ? request.title.trim().slice(0, 100) : null,
    };
    const planned = planDraft(base, now);
    if (!planned.ok) return planned;
    const room = await checkRoom(base, planned.plan);
    if (room) return room;
    const draft: Draft = { ...base, id: newWatchId(), createdAt: now };
    await store.jobs.enqueue<Draft>({ guildId: request.guildId, kind: JOB_DRAFT, dueAt: now + DRAFT_TTL_MS, payload: draft, dedupeKey: `watch:draft:${draft.id}` });
    return {
      ok: true,
      draft,
      plan: planned.plan,
      ...(parsed.dst ? { overlapAlternative: parsed.dst.alternative } : {}),
    };
  }

  async function draftJob(draftId: string): Promise<Job<Draft> | null> {
    const job = await store.jobs.getByDedupeKey<Draft>(`watch:draft:${draftId}`);
    return job && job.kind === JOB_DRAFT && job.status === "pending" ? job : null;
  }

  async function confirm(draftId: string, by: { guildId: string; userId: string }): Promise<WatchResult<ConfirmResult>> {
    const job = await draftJob(draftId);
    if (!job) return fail("draft-gone");
    const d = job.payload;
    if (d.guildId !== by.guildId) return fail("wrong-guild");
    if (d.createdBy !== by.userId) return fail("not-yours");
    const now = clock.now();
    if (now >= job.dueAt) return fail("draft-gone");
    const planned = planDraft(d, now);
    if (!planned.ok) return planned;
    const room = await checkRoom(d, planned.plan);
    if (room) return room;
    // The compare-and-set: whoever cancels the draft job confirms it; a second press finds it gone.
    if (!(await store.jobs.cancel(job.id))) return fail("draft-gone");
    const plan = planned.plan;
    const series = await store.sessions.createSeries({
      id: newWatchId(),
      guildId: d.guildId,
      channelId: d.channelId,
      title: d.title,
      cadence: d.cadence ?? "marathon",
      cron: d.cron,
      timezone: d.zone,
      partIds: plan.sessions.map((s) => s.part),
      createdBy: d.createdBy,
    });
    const sessions: StoredSession[] = [];
    for (const s of plan.sessions) {
      const note = plan.notes.find((n) => n.sessionIndex === s.index);
      const state: SessionState = {
        v: 1,
        seriesId: series.id,
        index: s.index,
        count: plan.sessions.length,
        session: s,
        moments: plan.moments.filter((m) => m.sessionIndex === s.index),
        planBreak: plan.breaks.find((b) => b.afterSession === s.index) ?? null,
        zone: plan.zone,
        cadence: plan.cadence.kind,
        editionId: plan.editionId ?? null,
        locale: d.locale,
        pingRoleId: d.pingRoleId ?? null,
        voiceChannelId: d.voiceChannelId ?? null,
        createEvent: d.createEvents,
        announcement: null,
        shifts: [],
        delayMs: 0,
        pauses: [],
        posted: [],
        endedEarlyAt: null,
        dst: note ? note.kind : null,
      };
      const row = await store.sessions.create<SessionState>({
        id: newWatchId(),
        guildId: d.guildId,
        channelId: d.channelId,
        seriesId: series.id,
        partId: s.part,
        title: d.title,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        createdBy: d.createdBy,
        plan: state,
      });
      sessions.push(row);
    }
    await enqueue({ guildId: d.guildId, kind: JOB_ANNOUNCE, dueAt: now, payload: { seriesId: series.id } satisfies AnnouncePayload, dedupeKey: `watch:${series.id}:announce` });
    for (const s of sessions) await syncMomentJobs(store, enqueue, s);
    log.info({ guildId: d.guildId, seriesId: series.id, sessions: sessions.map((s) => s.id), startsAt: plan.totals.startsAt }, "watch party scheduled");
    return { ok: true, series, sessions, plan };
  }

  function listed(session: StoredSession): ListedSession {
    const state = session.plan!;
    const window = sessionWindow(state);
    return { session, state, startsAt: window.startsAt, endsAt: window.endsAt };
  }

  async function summary(session: StoredSession): Promise<SessionSummary> {
    return { ...listed(session), counts: await store.rsvps.counts({ sessionId: session.id }) };
  }

  async function find(guildId: string, sessionId: string | null, channelId?: string | null): Promise<WatchResult<{ session: StoredSession }>> {
    if (sessionId) {
      const s = (await store.sessions.get<SessionState>(sessionId.trim().toLowerCase()));
      if (!s || !s.plan) return fail("not-found");
      if (s.guildId !== guildId) return fail("wrong-guild");
      return { ok: true, session: s };
    }
    const live = ((await store.sessions.listUpcoming(guildId, { limit: 100 })) as StoredSession[]).filter((s) => s.plan);
    const inChannel = live.find((s) => s.channelId === channelId && s.status !== "scheduled");
    const running = live.find((s) => s.status !== "scheduled");
    const pick = inChannel ?? running ?? live.find((s) => s.channelId === channelId) ?? live[0];
    return pick ? { ok: true, session: pick } : fail("not-found");
  }

  async function pause(guildId: string, sessionId: string | null, channelId?: string | null): Promise<WatchResult<{ session: StoredSession }>> {
    const found = await find(guildId, sessionId, channelId);
    if (!found.ok) return found;
    const now = clock.now();
    let error: WatchErrorCode | null = null;
    const updated = await updateSessionState(store, found.session.id, (s) => {
      if (s.status === "paused") return (error = "already-paused"), null;
      if (s.status !== "running") return (error = "not-running"), null;
      const pos = positionOf(s.plan!, now);
      if (pos.phase === "before" || pos.phase === "ended") return (error = "not-running"), null;
      return { status: "paused", state: { ...s.plan!, pauses: [...s.plan!.pauses, { at: now }] } };
    });
    if (error) return fail(error);
    if (!updated) return fail("not-found");
    await syncMomentJobs(store, enqueue, updated);
    log.info({ guildId, sessionId: updated.id }, "watch party paused");
    return { ok: true, session: updated };
  }

  async function resume(guildId: string, sessionId: string | null, channelId?: string | null): Promise<WatchResult<{ session: StoredSession; pausedMs: number }>> {
    const found = await find(guildId, sessionId, channelId);
    if (!found.ok) return found;
    const now = clock.now();
    const pause = found.session.plan ? openPause(found.session.plan) : undefined;
    if (found.session.status !== "paused" || !pause) return fail("not-paused");
    const by = now - pause.at;
    const changed = await shiftSessions(
      store,
      enqueue,
      found.session,
      { from: pause.at, by },
      now,
      (s) => ({ ...s, pauses: s.pauses.map((p) => (p.resumedAt === undefined ? { ...p, resumedAt: now } : p)) }),
      "running",
    );
    await syncAfterShift(enqueue, changed, now);
    log.info({ guildId, sessionId: found.session.id, pausedMs: by }, "watch party resumed");
    return { ok: true, session: changed[0] ?? found.session, pausedMs: by };
  }

  async function delay(guildId: string, sessionId: string | null, minutes: number, channelId?: string | null): Promise<WatchResult<{ session: StoredSession; startsAt: number }>> {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_DELAY_MIN) return fail("bad-delay", { max: MAX_DELAY_MIN });
    const found = await find(guildId, sessionId, channelId);
    if (!found.ok) return found;
    const session = found.session;
    if (session.status === "paused") return fail("already-paused");
    if (!isLive(session)) return fail("over");
    const now = clock.now();
    const by = minutes * MINUTE;
    const state = session.plan!;
    const started = session.status === "running" && positionOf(state, now).phase !== "before";
    const changed = await shiftSessions(store, enqueue, session, { from: now, by }, now, (s) =>
      started ? { ...s, pauses: [...s.pauses, { at: now, resumedAt: now + by }] } : { ...s, delayMs: s.delayMs + by },
    );
    await syncAfterShift(enqueue, changed, now);
    const updated = changed[0] ?? session;
    log.info({ guildId, sessionId: session.id, minutes, started }, "watch party delayed");
    return { ok: true, session: updated, startsAt: sessionWindow(updated.plan!).startsAt };
  }

  async function end(guildId: string, sessionId: string | null, channelId?: string | null): Promise<WatchResult<{ session: StoredSession }>> {
    const found = await find(guildId, sessionId, channelId);
    if (!found.ok) return found;
    if (found.session.status !== "running" && found.session.status !== "paused") return fail(isLive(found.session) ? "not-running" : "over");
    const now = clock.now();
    const updated = await updateSessionState(store, found.session.id, (s) => {
      if (s.status !== "running" && s.status !== "paused") return null;
      return {
        state: { ...s.plan!, endedEarlyAt: now, pauses: s.plan!.pauses.map((p) => (p.resumedAt === undefined ? { ...p, resumedAt: now } : p)) },
      };
    });
    if (!updated || updated.plan?.endedEarlyAt !== now) return fail("over");
    // Everything still pending is superseded by the end: post the end and the discussion now.
    const state = updated.plan;
    await store.jobs.cancelWhere(guildId, { kinds: [JOB_MOMENT], dedupeKeyPrefix: sessionJobPrefix(updated.id) });
    const finals = state.moments.filter((m) => (m.kind === "end" || m.kind === "discussion") && !state.posted.includes(m.key));
    const skipped = state.moments.filter((m) => !finals.includes(m) && !state.posted.includes(m.key)).map((m) => m.key);
    if (skipped.length > 0) await markPosted(store, updated.id, skipped);
    for (const m of finals) {
      const i = state.moments.indexOf(m);
      await enqueue({ id: `w-${updated.id}-${String(i).padStart(3, "0")}-${newWatchId()}`, guildId, kind: JOB_MOMENT, dueAt: now, payload: { sessionId: updated.id, key: m.key } satisfies MomentPayload, dedupeKey: momentDedupeKey(updated.id, m.key) });
    }
    log.info({ guildId, sessionId: updated.id }, "watch party ended by the host");
    return { ok: true, session: updated };
  }

  async function cancel(guildId: string, sessionId: string, by: string): Promise<WatchResult<{ cancelled: StoredSession[] }>> {
    const found = await find(guildId, sessionId);
    if (!found.ok) return found;
    const s = found.session;
    if (!isLive(s)) return fail("over");
    const seriesId = seriesIdOf(s);
    const cancelled = await cancelSeries(store, seriesId);
    if (cancelled.length === 0) return fail("over");
    await enqueue({
      guildId,
      kind: JOB_NOTICE,
      dueAt: clock.now(),
      payload: { seriesId, sessionIds: cancelled.map((c) => c.id), by } satisfies NoticePayload,
      dedupeKey: `watch:${seriesId}:notice:cancelled`,
    });
    log.info({ guildId, seriesId, by, sessions: cancelled.length }, "watch party cancelled");
    return { ok: true, cancelled };
  }

  async function liveSession(guildId: string, sessionId: string): Promise<WatchResult<{ session: StoredSession }>> {
    const found = await find(guildId, sessionId);
    if (!found.ok) return found;
    if (!isLive(found.session)) return fail("over");
    return found;
  }

  return {
    now: () => clock.now(),
    preview,
    confirm,
    async discard(draftId, guildId) {
      const job = await draftJob(draftId);
      if (!job || job.payload.guildId !== guildId) return false;
      return store.jobs.cancel(job.id);
    },
    async list(guildId) {
      const live = ((await store.sessions.listUpcoming(guildId, { limit: 100 })) as StoredSession[]).filter((s) => s.plan);
      return live.map(listed);
    },
    find,
    async status(guildId, sessionId, channelId) {
      const found = await find(guildId, sessionId, channelId);
      if (!found.ok) return found;
      // One read of the answers gives the counts and who is ready.
      const rsvps = await store.rsvps.listRsvps(found.session.id);
      const counts: Record<RsvpStatus, number> = { going: 0, maybe: 0, no: 0 };
      for (const r of rsvps) counts[r.status]++;
      const base: SessionSummary = { ...listed(found.session), counts };
      const now = clock.now();
      const next = nextMomentOf(base.state, now);
      return {
        ok: true,
        status: {
          ...base,
          position: positionOf(base.state, now),
          ...(next ? { next } : {}),
          ready: readyCount(rsvps),
        },
      };
    },
    pause,
    resume,
    delay,
    end,
    cancel,
    async rsvp(guildId, sessionId, userId, status) {
      const found = await liveSession(guildId, sessionId);
      if (!found.ok) return found;
      const rsvp = await store.rsvps.set({ sessionId: found.session.id, guildId, userId, status });
      return { ok: true, rsvp, counts: await store.rsvps.counts({ sessionId: found.session.id }) };
    },
    async ready(guildId, sessionId, userId) {
      const found = await liveSession(guildId, sessionId);
      if (!found.ok) return found;
      await store.rsvps.setReady({ guildId, sessionId: found.session.id, userId, at: clock.now() });
      const rsvps = await store.rsvps.listRsvps(found.session.id);
      return { ok: true, ready: readyCount(rsvps), going: rsvps.filter((r) => r.status === "going").length };
    },
    async series(guildId, sessionId) {
      const found = await find(guildId, sessionId);
      if (!found.ok) return found;
      const seriesId = seriesIdOf(found.session);
      const series = await store.sessions.getSeries(seriesId);
      if (!series) return fail("not-found");
      const sessions = await Promise.all((await seriesSessions(store, seriesId)).map(summary));
      return { ok: true, series, sessions };
    },
    async resync(guildId) {
      const live = ((await store.sessions.listUpcoming(guildId, { limit: 1000 })) as StoredSession[]).filter((s) => s.plan);
      let n = 0;
      for (const s of live) n += await syncMomentJobs(store, enqueue, s);
      return n;
    },
  };
}
