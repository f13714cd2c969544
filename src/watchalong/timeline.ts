/**
 * A session while it runs: where the club should be now (`whereami`), how pause / resume / delay move
 * the moments still to come, and what to post after the bot was down (`catchUp`).
 *
 * The store keeps the original plan plus events (start, pauses, delays); these functions derive the
 * live state from them, so a restart loses nothing. Pure: `now` is always a parameter.
 */
import { MINUTE } from "./time.js";
import type { PartId } from "../knowledge/schema.js";
import { sortMoments, type Moment, type MomentKind, type PlanSession } from "./plan.js";

/** A pause: `resumedAt` is absent while it lasts. */
export interface Pause {
  at: number;
  resumedAt?: number;
}

export type SessionPhase = "before" | "watching" | "intermission" | "paused" | "ended";

export interface SessionPositionInput {
  session: PlanSession;
  /**
   * When the session started by the schedule, before this session's delays: the planned start
   * (default `session.startsAt`), or the start the runner recorded after earlier sessions were shifted.
   */
  startedAt?: number;
  /** Pauses during this session, in any order. */
  pauses?: readonly Pause[];
  /** Total delay added to this session (`delay minutes:`), before or during it. */
  delayMs?: number;
  now: number;
  /** The session's moments from the plan (any others are ignored), to name the next one. */
  moments?: readonly Moment[];
}

export interface SessionPosition {
  phase: SessionPhase;
  /** The timecode the club should be at now. */
  filmOffsetMs: number;
  /** Session time run so far (film and intermissions, without pauses), 0 … total. */
  elapsedMs: number;
  /** Session time still to run (without future pauses). */
  remainingMs: number;
  /** Film progress, 0 … 1. */
  progress: number;
  /** Time spent paused so far. */
  pausedMs: number;
  /** Effective start: `startedAt + delayMs`. */
  startsAt: number;
  /** When the session will end if nothing else is paused or delayed (when paused: if resumed now). */
  projectedEndAt: number;
  /** The viewing block or intermission the club is in (1-based), when in one. */
  blockIndex?: number;
  intermissionIndex?: number;
  /** When the current intermission ends (not while paused). */
  intermissionEndsAt?: number;
  /** The next moment with its shifted time; absent while paused or when nothing is left. */
  nextMoment?: { moment: Moment; at: number };
}

interface Segment {
  kind: "block" | "intermission";
  index: number;
  /** Relative to the session's planned start. */
  from: number;
  to: number;
  filmFrom: number;
  filmTo: number;
}

function segmentsOf(session: PlanSession): Segment[] {
  const base = session.startsAt;
  const segments: Segment[] = [
    ...session.blocks.map((b) => ({ kind: "block" as const, index: b.index, from: b.startsAt - base, to: b.endsAt - base, filmFrom: b.filmStartMs, filmTo: b.filmEndMs })),
    ...session.intermissions.map((i) => ({
      kind: "intermission" as const,
      index: i.index,
      from: i.startsAt - base,
      to: i.endsAt - base,
      filmFrom: i.filmOffsetMs,
      filmTo: i.filmOffsetMs,
    })),
  ];
  return segments.filter((s) => s.to > s.from).sort((a, b) => a.from - b.from);
}

function pausedBetween(pauses: readonly Pause[], from: number, to: number): number {
  let total = 0;
  for (const p of pauses) {
    const start = Math.max(p.at, from);
    const end = Math.min(p.resumedAt ?? to, to);
    if (end > start) total += end - start;
  }
  return total;
}

/** `whereami`: the state of a session at `now`, accounting for delays, pauses and intermissions. */
export function sessionPosition(input: SessionPositionInput): SessionPosition {
  const { session, now } = input;
  const pauses = input.pauses ?? [];
  const startsAt = (input.startedAt ?? session.startsAt) + (input.delayMs ?? 0);
  const total = session.endsAt - session.startsAt;
  const pausedMs = pausedBetween(pauses, startsAt, now);
  const paused = pauses.some((p) => p.resumedAt === undefined && p.at <= now && p.at >= startsAt);
  const scheduleMs = now - startsAt - pausedMs;
  const elapsedMs = Math.min(Math.max(scheduleMs, 0), total);
  const remainingMs = total - elapsedMs;
  const base = {
    elapsedMs,
    remainingMs,
    pausedMs,
    startsAt,
    projectedEndAt: now + remainingMs,
  };

  let phase: SessionPhase;
  let filmOffsetMs: number;
  let where: Pick<SessionPosition, "blockIndex" | "intermissionIndex" | "intermissionEndsAt"> = {};
  if (scheduleMs < 0) {
    phase = "before";
    filmOffsetMs = 0;
  } else if (scheduleMs >= total) {
    phase = "ended";
    filmOffsetMs = session.filmMs;
  } else {
    const segment = segmentsOf(session).find((s) => scheduleMs >= s.from && scheduleMs < s.to);
    if (!segment) {
      phase = "watching";
      filmOffsetMs = Math.min(scheduleMs, session.filmMs);
    } else if (segment.kind === "intermission") {
      phase = "intermission";
      filmOffsetMs = segment.filmFrom;
      where = { intermissionIndex: segment.index, intermissionEndsAt: now + (segment.to - scheduleMs) };
    } else {
      phase = "watching";
      filmOffsetMs = segment.filmFrom + (scheduleMs - segment.from);
      where = { blockIndex: segment.index };
    }
    if (paused) {
      phase = "paused";
      const { intermissionEndsAt: _ignored, ...rest } = where;
      where = rest;
    }
  }

  let nextMoment: SessionPosition["nextMoment"];
  if (!paused && input.moments) {
    const shift = startsAt - session.startsAt;
    for (const moment of sortMoments(input.moments.filter((m) => m.sessionIndex === session.index))) {
      const at = moment.at + shift + (moment.at >= session.startsAt ? pausedMs : 0);
      if (at > now && (!nextMoment || at < nextMoment.at)) nextMoment = { moment, at };
    }
  }
  const progress = session.filmMs > 0 ? Math.min(1, Math.max(0, filmOffsetMs / session.filmMs)) : 0;
  return { phase, filmOffsetMs, progress, ...base, ...where, ...(nextMoment ? { nextMoment } : {}) };
}

/**
 * Pause, resume and delay: every moment at or after `fromMs` moves by `byMs` (a pause from t to t+d is
 * `shiftMoments(moments, t, d)`; `delay 10` at t is `shiftMoments(moments, t, 10 min)`). Moments before
 * `fromMs` are returned unchanged. Returns a new array in the input order.
 */
export function shiftMoments<T extends Moment>(moments: readonly T[], fromMs: number, byMs: number): T[] {
  return moments.map((m) => (m.at >= fromMs ? { ...m, at: m.at + byMs } : m));
}

export const DEFAULT_GRACE_MS = 5 * MINUTE;

export interface LatePost extends Moment {
  /** True when posted after its moment (the message says so). */
  late: boolean;
  lateMs: number;
}

export interface CatchUpSummary {
  /** The "we are back, the party is at 1:12:00" status. */
  sessionIndex: number;
  part: PartId;
  phase: "watching" | "intermission" | "break" | "ended";
  filmOffsetMs: number;
  at: number;
  /** The missed moments this status replaces (mark them done). */
  replaces: Moment[];
}

export interface CatchUpResult {
  /** Post these, in order; `late` ones say they are late. */
  post: LatePost[];
  /** Mark these done without posting: stale reminders, and missed moments a newer post supersedes. */
  drop: Moment[];
  summary?: CatchUpSummary;
}

const BEFORE_START: ReadonlySet<MomentKind> = new Set(["reminder", "get-ready"]);

/**
 * After downtime (or on every tick: on time and a little late behave the same): what to do with the
 * pending moments. Give it every pending moment of the plan (already shifted by pauses and delays);
 * moments after `now` are left alone. Every due moment lands in exactly one of `post`, `drop`,
 * `summary.replaces`:
 * - reminders and get-ready calls late by at most `graceMs` are posted (flagged late) unless their
 *   session has already started; otherwise dropped;
 * - other moments (start, checkpoints, intermissions, end, discussion, break): when the latest of them
 *   is late by at most `graceMs`, those within the grace are posted (flagged late) and older ones are
 *   dropped as superseded; when even the latest is later than that, none is posted and one summary
 *   status, "we are back, the party is at …", replaces them all.
 */
export function catchUp(moments: readonly Moment[], now: number, graceMs: number = DEFAULT_GRACE_MS): CatchUpResult {
  const sorted = sortMoments(moments);
  const due = sorted.filter((m) => m.at <= now);
  const post: LatePost[] = [];
  const drop: Moment[] = [];
  const startedSessions = new Set(due.filter((m) => m.kind === "start").map((m) => m.sessionIndex));
  const live = due.filter((m) => !BEFORE_START.has(m.kind));
  const latest = live[live.length - 1];
  const summarise = latest !== undefined && now - latest.at > graceMs;

  for (const m of due) {
    const lateMs = now - m.at;
    if (BEFORE_START.has(m.kind)) {
      if (lateMs <= graceMs && !startedSessions.has(m.sessionIndex)) post.push({ ...m, late: lateMs > 0, lateMs });
      else drop.push(m);
    } else if (!summarise) {
      if (lateMs <= graceMs) post.push({ ...m, late: lateMs > 0, lateMs });
      else drop.push(m);
    }
  }
  if (!summarise || !latest) return { post, drop };

  // Where the party is: from the latest missed moment, running the film on when it was playing, but
  // never past the next moment's film position.
  let phase: CatchUpSummary["phase"];
  let filmOffsetMs = latest.filmOffsetMs ?? 0;
  switch (latest.kind) {
    case "intermission-start":
      phase = "intermission";
      break;
    case "break":
      phase = "break";
      break;
    case "end":
    case "discussion":
      phase = "ended";
      break;
    default: {
      phase = "watching";
      const cap = sorted.find((m) => m.at > now && m.sessionIndex === latest.sessionIndex && m.filmOffsetMs !== undefined)?.filmOffsetMs;
      filmOffsetMs += now - latest.at;
      if (cap !== undefined) filmOffsetMs = Math.min(filmOffsetMs, cap);
    }
  }
  return { post, drop, summary: { sessionIndex: latest.sessionIndex, part: latest.part, phase, filmOffsetMs, at: now, replaces: live } };
}

/** `▰▰▰▰▰▰▱▱▱▱▱▱` for 0.5: plain characters, no i18n. Fractions are clamped to 0 … 1. */
export function progressBar(fraction: number, width = 12): string {
  const w = Math.max(1, Math.floor(Number.isFinite(width) ? width : 12));
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(f * w);
  return "▰".repeat(filled) + "▱".repeat(w - filled);
}
