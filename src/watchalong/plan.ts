/**
 * Planning a watch party: which parts, when, how each part is cut into viewing blocks and breaks, and
 * every moment the bot will post (reminders, get ready, start, checkpoints, intermissions, end,
 * discussion). The plan is plain, JSON-safe data; the store keeps it and the runner walks its moments.
 *
 * Each part is one session. A series is a `marathon` (sessions chained on one day with breaks, as
 * festivals screen the film: Rust in two halves with a short break, a long meal break, a short break
 * before Rails), `daily`, `weekly`, or a `cron` club night (see cadence.ts).
 *
 * Runtimes: a part's viewing blocks come from, in order of precedence, `runtimes[part]` (the copy the
 * club will play: one number, or the minutes of each block), the chosen `edition`'s blocks, or the
 * part's quoted runtime.
 *
 * Intermissions (breaks inside a part):
 * - `auto` (default): a 10-minute break at every cut between two blocks of the same part, and one more
 *   near the middle (rounded to 5 film minutes) of any block longer than 150 minutes. So Rust as one
 *   240-minute block gets a break at 2:00:00; an edition that already splits Rust in two ~120-minute
 *   halves gets its break at the cut and no other.
 * - `{ minutes, overMin? }`: the same rule with another length (and threshold).
 * - `{ minutes, count }`: exactly `count` breaks per part, evenly spaced in film time (rounded to 5
 *   minutes), each moved onto a block cut when one is within 20 minutes; other cuts play straight on.
 * - `none`: no breaks; blocks play back to back.
 *
 * Pure: `now` and all data are parameters. Errors are codes.
 */
import type { Localized, PartId } from "../knowledge/schema.js";
import { seriesStarts, type Cadence, type CronErrorCode } from "./cadence.js";
import { MINUTE, PAST_TOLERANCE_MS, MAX_AHEAD_MS, isValidTimeZone, normalizeTimeZone } from "./time.js";

// ---------------------------------------------------------------------------------------------------
// Input

/** What the planner needs of a part (a `Part` from the knowledge base fits). */
export interface PartInfo {
  id: PartId;
  number: number;
  runtime: { minutes: number };
}

/** What the planner needs of an edition (an `Edition` from the knowledge base fits). */
export interface EditionInfo {
  id: string;
  blocks: readonly { part: PartId; minutes: number; label?: Localized }[];
}

/**
 * `auto` = `{ minutes: 10 }`. `overMin` (default 150) is the block length above which a block gets a break
 * in its middle when no `count` is given: `{ minutes: 10, overMin: 180 }` screens Remnants (176 min) in
 * one go, as festivals do.
 */
export type IntermissionSetting = "auto" | "none" | { minutes: number; count?: number; overMin?: number };

/** A break between marathon sessions this long or longer is a meal break (`kind: "meal"`). */
export const MEAL_BREAK_FROM_MIN = 45;

export interface BreakSettings {
  /** The long break after the first part of a marathon. Default 60. */
  mealMin?: number;
  /** The break between later parts of a marathon. Default 15. */
  shortMin?: number;
  /** Explicit minutes for each gap between marathon sessions (overrides the two above); the last value repeats. */
  betweenPartsMin?: readonly number[];
}

export interface PlanInput {
  /** Part ids in viewing order, one id, or `all` (the three parts in film order). */
  parts: "all" | PartId | readonly PartId[];
  /** The film's parts (data/film): their order and quoted runtimes. */
  catalog: readonly PartInfo[];
  /** Start of the first session (ms). For `cron`, the first occurrence at or after this. */
  startAt: number;
  /** When given, `startAt` must not be in the past (1-minute tolerance) and no session may start more than 366 days ahead; reminders already past are left out. */
  now?: number;
  /** The club's IANA zone (daily/weekly wall clock; the plan records it). */
  zone: string;
  cadence: Cadence;
  edition?: EditionInfo;
  /** Runtime of the club's copy per part: minutes, or the minutes of each block. */
  runtimes?: Partial<Record<PartId, number | readonly number[]>>;
  intermission?: IntermissionSetting;
  /** Film minutes between progress checkpoints; 0 = none. Default 30. */
  checkpointEveryMin?: number;
  /** Reminder leads in minutes before each start. Default [1440, 60, 10]. */
  remindersMin?: readonly number[];
  /** "Get ready" call, minutes before each start; 0 = none. Default 5. */
  getReadyMin?: number;
  /** Minutes after the end when the discussion prompt is posted. Default 0 (with the end). */
  discussionDelayMin?: number;
  breaks?: BreakSettings;
}

export const DEFAULTS = Object.freeze({
  intermissionMin: 10,
  /** Blocks longer than this many minutes get an `auto` intermission. */
  autoIntermissionOverMin: 150,
  checkpointEveryMin: 30,
  remindersMin: Object.freeze<number[]>([24 * 60, 60, 10]),
  getReadyMin: 5,
  discussionDelayMin: 0,
  mealMin: 60,
  shortMin: 15,
  /** `{ minutes, count }` intermissions snap to a block cut this close. */
  snapToCutMin: 20,
});

// ---------------------------------------------------------------------------------------------------
// Output

export type MomentKind =
  | "reminder"
  | "get-ready"
  | "start"
  | "checkpoint"
  | "intermission-start"
  | "intermission-end"
  | "end"
  | "discussion"
  | "break";

/** Something the bot posts at `at`. Keys are stable and unique within a plan (job ids, nonces). */
export interface Moment {
  /** e.g. `s1:reminder:1h`, `s1:get-ready`, `s1:start`, `s1:checkpoint:90`, `s1:intermission:start:1`, `s1:end`, `s1:discussion`, `s1:break`. */
  key: string;
  kind: MomentKind;
  /** Virtual ms. */
  at: number;
  /** 1-based session index. */
  sessionIndex: number;
  part: PartId;
  /** Where the film is at this moment (start 0, checkpoint, intermission, end). */
  filmOffsetMs?: number;
  /** Reminder / get-ready: how long before the start. */
  leadMs?: number;
  /** Intermission / break: its length. Intermission moments also carry `intermissionIndex`. */
  durationMs?: number;
  intermissionIndex?: number;
  /** Break after a marathon session. */
  breakKind?: "meal" | "short";
}

export interface ViewingBlock {
  /** 1-based within the session. */
  index: number;
  startsAt: number;
  endsAt: number;
  /** Film time of the part, ms from its first frame. */
  filmStartMs: number;
  filmEndMs: number;
  /** 1-based index of the edition / runtime block this comes from, and how many the part has. */
  sourceBlock: number;
  sourceBlocks: number;
  /** The edition's label for the source block, when it has one. */
  label?: Localized;
}

export interface Intermission {
  /** 1-based within the session. */
  index: number;
  startsAt: number;
  endsAt: number;
  durationMs: number;
  /** Film position where the break falls. */
  filmOffsetMs: number;
}

export interface PlanSession {
  /** 1-based. */
  index: number;
  part: PartId;
  partNumber: number;
  startsAt: number;
  endsAt: number;
  filmMs: number;
  blocks: ViewingBlock[];
  intermissions: Intermission[];
  checkpoints: { filmOffsetMs: number; at: number }[];
  reminders: { leadMs: number; at: number }[];
  getReadyAt?: number;
  discussionAt: number;
}

export interface PlanBreak {
  /** The marathon session this break follows. */
  afterSession: number;
  kind: "meal" | "short";
  startsAt: number;
  endsAt: number;
  durationMs: number;
}

export interface PlanNote {
  sessionIndex: number;
  /** The session's wall-clock start did not exist (moved to after the gap) or existed twice (first taken). */
  kind: "dst-gap-shifted" | "dst-overlap-first";
}

export interface WatchPartyPlan {
  version: 1;
  createdAt: number;
  zone: string;
  cadence: Cadence;
  editionId?: string;
  intermission: IntermissionSetting;
  sessions: PlanSession[];
  breaks: PlanBreak[];
  /** Every moment of every session, sorted by time (ties: session, then a fixed kind order). */
  moments: Moment[];
  totals: {
    sessions: number;
    filmMs: number;
    intermissionMs: number;
    breakMs: number;
    /** First start to last end. */
    spanMs: number;
    startsAt: number;
    endsAt: number;
  };
  notes: PlanNote[];
}

export type PlanErrorCode =
  | "no-parts"
  | "unknown-part"
  | "duplicate-part"
  | "edition-missing-part"
  | "bad-runtime"
  | "bad-intermission"
  | "bad-checkpoint"
  | "bad-reminder"
  | "bad-break"
  | "bad-start"
  | "bad-zone"
  | "in-past"
  | "too-far"
  | "sessions-overlap"
  | CronErrorCode
  | "cron-no-occurrence";

export interface PlanError {
  ok: false;
  error: PlanErrorCode;
  /** The part concerned, for part-specific errors. */
  part?: PartId;
  /** The session concerned, for `sessions-overlap` / `too-far`. */
  sessionIndex?: number;
}

export type PlanResult = { ok: true; plan: WatchPartyPlan } | PlanError;

// ---------------------------------------------------------------------------------------------------
// Helpers

const KIND_ORDER: Readonly<Record<MomentKind, number>> = {
  reminder: 0,
  "get-ready": 1,
  "intermission-end": 2,
  start: 3,
  checkpoint: 4,
  "intermission-start": 5,
  end: 6,
  discussion: 7,
  break: 8,
};

/** Sorts moments by time, then session, then kind order, then key. Returns a new array. */
export function sortMoments<T extends Moment>(moments: readonly T[]): T[] {
  return [...moments].sort(
    (a, b) => a.at - b.at || a.sessionIndex - b.sessionIndex || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

/** `1440` → `24h`, `60` → `1h`, `10` → `10m`, `90` → `90m`: the lead part of a reminder key. */
export function leadLabel(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

const round5 = (minutes: number): number => Math.round(minutes / 5) * 5;
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

interface SourceBlock {
  minutes: number;
  label?: Localized;
}

interface CutPlan {
  /** Film minute of the cut, from the part's start. */
  at: number;
  /** Break length in minutes at this cut (0 = play straight on). */
  minutes: number;
}

function blocksFor(part: PartInfo, input: PlanInput): SourceBlock[] | PlanError {
  const override = input.runtimes?.[part.id];
  let blocks: SourceBlock[];
  if (override !== undefined) {
    const list = typeof override === "number" ? [override] : [...override];
    blocks = list.map((minutes) => ({ minutes }));
  } else if (input.edition) {
    blocks = input.edition.blocks.filter((b) => b.part === part.id).map((b) => ({ minutes: b.minutes, ...(b.label ? { label: b.label } : {}) }));
    if (blocks.length === 0) return { ok: false, error: "edition-missing-part", part: part.id };
  } else {
    blocks = [{ minutes: part.runtime.minutes }];
  }
  const total = blocks.reduce((s, b) => s + b.minutes, 0);
  if (blocks.length === 0 || !blocks.every((b) => isNum(b.minutes) && b.minutes >= 1) || total > 600) {
    return { ok: false, error: "bad-runtime", part: part.id };
  }
  return blocks;
}

/** Where a part is cut and how long each break is, in film minutes. */
function cutsFor(blocks: readonly SourceBlock[], setting: IntermissionSetting): CutPlan[] {
  const boundaries: number[] = [];
  let acc = 0;
  for (const b of blocks.slice(0, -1)) {
    acc += b.minutes;
    boundaries.push(acc);
  }
  const total = blocks.reduce((s, b) => s + b.minutes, 0);
  if (setting === "none") return boundaries.map((at) => ({ at, minutes: 0 }));
  const minutes = setting === "auto" ? DEFAULTS.intermissionMin : setting.minutes;
  const overMin = setting === "auto" ? DEFAULTS.autoIntermissionOverMin : (setting.overMin ?? DEFAULTS.autoIntermissionOverMin);
  const cuts = new Map<number, number>(boundaries.map((at) => [at, 0]));
  if (setting === "auto" || setting.count === undefined) {
    for (const at of boundaries) cuts.set(at, minutes);
    let start = 0;
    for (const b of blocks) {
      if (b.minutes > overMin) {
        const mid = start + round5(b.minutes / 2);
        if (mid > start && mid < start + b.minutes) cuts.set(mid, minutes);
      }
      start += b.minutes;
    }
  } else {
    for (let k = 1; k <= setting.count; k++) {
      let at = round5((k * total) / (setting.count + 1));
      const near = boundaries.filter((b) => Math.abs(b - at) <= DEFAULTS.snapToCutMin).sort((x, y) => Math.abs(x - at) - Math.abs(y - at))[0];
      if (near !== undefined) at = near;
      if (at > 0 && at < total) cuts.set(at, minutes);
    }
  }
  return [...cuts.entries()].map(([at, m]) => ({ at, minutes: m })).sort((a, b) => a.at - b.at);
}

function validateSettings(input: PlanInput): PlanError | undefined {
  const im = input.intermission ?? "auto";
  if (im !== "auto" && im !== "none") {
    if (typeof im !== "object" || !isNum(im.minutes) || im.minutes < 1 || im.minutes > 120) return { ok: false, error: "bad-intermission" };
    if (im.count !== undefined && (!Number.isInteger(im.count) || im.count < 0 || im.count > 6)) return { ok: false, error: "bad-intermission" };
    if (im.overMin !== undefined && (!isNum(im.overMin) || im.overMin < 30 || im.overMin > 600)) return { ok: false, error: "bad-intermission" };
  }
  const cp = input.checkpointEveryMin ?? DEFAULTS.checkpointEveryMin;
  if (!isNum(cp) || (cp !== 0 && (cp < 5 || cp > 240))) return { ok: false, error: "bad-checkpoint" };
  const rem = input.remindersMin ?? DEFAULTS.remindersMin;
  if (rem.length > 6 || !rem.every((r) => isNum(r) && r >= 1 && r <= 14 * 24 * 60)) return { ok: false, error: "bad-reminder" };
  const gr = input.getReadyMin ?? DEFAULTS.getReadyMin;
  if (!isNum(gr) || gr < 0 || gr > 60) return { ok: false, error: "bad-reminder" };
  const dd = input.discussionDelayMin ?? DEFAULTS.discussionDelayMin;
  if (!isNum(dd) || dd < 0 || dd > 120) return { ok: false, error: "bad-break" };
  const br = input.breaks;
  const breakValues = [br?.mealMin, br?.shortMin, ...(br?.betweenPartsMin ?? [])].filter((v) => v !== undefined);
  if (!breakValues.every((v) => isNum(v) && v >= 0 && v <= 240)) return { ok: false, error: "bad-break" };
  if (br?.betweenPartsMin && br.betweenPartsMin.length === 0) return { ok: false, error: "bad-break" };
  return undefined;
}

function selectParts(input: PlanInput): PartInfo[] | PlanError {
  const byId = new Map(input.catalog.map((p) => [p.id, p]));
  const ids: readonly PartId[] =
    input.parts === "all" ? [...input.catalog].sort((a, b) => a.number - b.number).map((p) => p.id) : typeof input.parts === "string" ? [input.parts] : input.parts;
  if (ids.length === 0) return { ok: false, error: "no-parts" };
  const out: PartInfo[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    const part = byId.get(id);
    if (!part) return { ok: false, error: "unknown-part", part: id };
    if (seen.has(id)) return { ok: false, error: "duplicate-part", part: id };
    seen.add(id);
    out.push(part);
  }
  return out;
}

interface BuiltSession {
  session: PlanSession;
  moments: Moment[];
}

/** Lays one part out from `startsAt`: viewing blocks, intermissions, checkpoints, in-session moments. */
function layOut(index: number, part: PartInfo, blocks: readonly SourceBlock[], cuts: readonly CutPlan[], startsAt: number, checkpointEveryMin: number): BuiltSession {
  const s = `s${index}`;
  const filmMs = Math.round(blocks.reduce((sum, b) => sum + b.minutes, 0) * MINUTE);
  // Source-block boundaries in film ms, to label the viewing blocks.
  const sourceEnds: number[] = [];
  let acc = 0;
  for (const b of blocks) {
    acc += b.minutes;
    sourceEnds.push(Math.round(acc * MINUTE));
  }
  const sourceOf = (filmStart: number): number => sourceEnds.findIndex((end) => filmStart < end);

  const viewing: ViewingBlock[] = [];
  const intermissions: Intermission[] = [];
  const moments: Moment[] = [{ key: `${s}:start`, kind: "start", at: startsAt, sessionIndex: index, part: part.id, filmOffsetMs: 0 }];
  const points = [...cuts.map((c) => ({ at: Math.round(c.at * MINUTE), breakMs: Math.round(c.minutes * MINUTE) })), { at: filmMs, breakMs: 0 }];
  let wall = startsAt;
  let filmStart = 0;
  for (const point of points) {
    const source = sourceOf(filmStart);
    const label = blocks[source]?.label;
    const block: ViewingBlock = {
      index: viewing.length + 1,
      startsAt: wall,
      endsAt: wall + (point.at - filmStart),
      filmStartMs: filmStart,
      filmEndMs: point.at,
      sourceBlock: source + 1,
      sourceBlocks: blocks.length,
      ...(label ? { label } : {}),
    };
    viewing.push(block);
    wall = block.endsAt;
    filmStart = point.at;
    if (point.breakMs > 0 && point.at < filmMs) {
      const im: Intermission = { index: intermissions.length + 1, startsAt: wall, endsAt: wall + point.breakMs, durationMs: point.breakMs, filmOffsetMs: point.at };
      intermissions.push(im);
      const common = { sessionIndex: index, part: part.id, filmOffsetMs: im.filmOffsetMs, durationMs: im.durationMs, intermissionIndex: im.index };
      moments.push({ key: `${s}:intermission:start:${im.index}`, kind: "intermission-start", at: im.startsAt, ...common });
      moments.push({ key: `${s}:intermission:end:${im.index}`, kind: "intermission-end", at: im.endsAt, ...common });
      wall = im.endsAt;
    }
  }
  const endsAt = wall;

  const checkpoints: { filmOffsetMs: number; at: number }[] = [];
  if (checkpointEveryMin > 0) {
    const step = Math.round(checkpointEveryMin * MINUTE);
    const breakAt = new Set(intermissions.map((i) => i.filmOffsetMs));
    for (let f = step; f < filmMs; f += step) {
      if (breakAt.has(f)) continue; // the intermission post says where we are
      const block = viewing.find((b) => f >= b.filmStartMs && f < b.filmEndMs);
      if (!block) continue;
      const at = block.startsAt + (f - block.filmStartMs);
      checkpoints.push({ filmOffsetMs: f, at });
      const label = Number.isInteger(f / MINUTE) ? String(f / MINUTE) : String(f / 1000) + "s";
      moments.push({ key: `${s}:checkpoint:${label}`, kind: "checkpoint", at, sessionIndex: index, part: part.id, filmOffsetMs: f });
    }
  }
  moments.push({ key: `${s}:end`, kind: "end", at: endsAt, sessionIndex: index, part: part.id, filmOffsetMs: filmMs });

  const session: PlanSession = {
    index,
    part: part.id,
    partNumber: part.number,
    startsAt,
    endsAt,
    filmMs,
    blocks: viewing,
    intermissions,
    checkpoints,
    reminders: [],
    discussionAt: endsAt,
  };
  return { session, moments };
}

// ---------------------------------------------------------------------------------------------------
// The planner

/**
 * Plans a watch party. Returns `{ ok: true, plan }` or a `PlanError` code; nothing is half-done.
 * Sessions of a daily/weekly/cron series must not overlap (`sessions-overlap`).
 */
export function planWatchParty(input: PlanInput): PlanResult {
  const zone = normalizeTimeZone(input.zone);
  if (!zone || !isValidTimeZone(zone)) return { ok: false, error: "bad-zone" };
  if (!isNum(input.startAt)) return { ok: false, error: "bad-start" };
  const invalid = validateSettings(input);
  if (invalid) return invalid;
  const parts = selectParts(input);
  if (!Array.isArray(parts)) return parts;
  if (input.now !== undefined && input.startAt < input.now - PAST_TOLERANCE_MS) return { ok: false, error: "in-past" };

  const intermission = input.intermission ?? "auto";
  const checkpointEveryMin = input.checkpointEveryMin ?? DEFAULTS.checkpointEveryMin;
  const remindersMin = [...new Set(input.remindersMin ?? DEFAULTS.remindersMin)].sort((a, b) => b - a);
  const getReadyMin = input.getReadyMin ?? DEFAULTS.getReadyMin;
  const discussionDelayMs = Math.round((input.discussionDelayMin ?? DEFAULTS.discussionDelayMin) * MINUTE);

  const layouts: { part: PartInfo; blocks: SourceBlock[]; cuts: CutPlan[] }[] = [];
  for (const part of parts) {
    const blocks = blocksFor(part, input);
    if (!Array.isArray(blocks)) return blocks;
    layouts.push({ part, blocks, cuts: cutsFor(blocks, intermission) });
  }

  const notes: PlanNote[] = [];
  const built: BuiltSession[] = [];
  const breaks: PlanBreak[] = [];
  const breakMoments: Moment[] = [];
  if (input.cadence.kind === "marathon") {
    const gaps = input.breaks?.betweenPartsMin;
    let startsAt = input.startAt;
    layouts.forEach((l, i) => {
      const b = layOut(i + 1, l.part, l.blocks, l.cuts, startsAt, checkpointEveryMin);
      built.push(b);
      if (i === layouts.length - 1) return;
      const minutes = gaps ? (gaps[Math.min(i, gaps.length - 1)] ?? 0) : i === 0 ? (input.breaks?.mealMin ?? DEFAULTS.mealMin) : (input.breaks?.shortMin ?? DEFAULTS.shortMin);
      const kind: PlanBreak["kind"] = minutes >= MEAL_BREAK_FROM_MIN ? "meal" : "short";
      const durationMs = Math.round(minutes * MINUTE);
      const breakStart = b.session.endsAt;
      breaks.push({ afterSession: i + 1, kind, startsAt: breakStart, endsAt: breakStart + durationMs, durationMs });
      breakMoments.push({ key: `s${i + 1}:break`, kind: "break", at: breakStart, sessionIndex: i + 1, part: l.part.id, filmOffsetMs: b.session.filmMs, durationMs, breakKind: kind });
      startsAt = breakStart + durationMs;
    });
  } else {
    const starts = seriesStarts(input.cadence, input.startAt, zone, layouts.length);
    if (!starts.ok) return { ok: false, error: starts.error };
    for (let i = 0; i < layouts.length; i++) {
      const l = layouts[i]!;
      const occ = starts.starts[i]!;
      if (occ.dst) notes.push({ sessionIndex: i + 1, kind: occ.dst === "gap-shifted" ? "dst-gap-shifted" : "dst-overlap-first" });
      const previous = built[i - 1];
      if (previous && occ.at < previous.session.endsAt + discussionDelayMs) return { ok: false, error: "sessions-overlap", sessionIndex: i + 1 };
      built.push(layOut(i + 1, l.part, l.blocks, l.cuts, occ.at, checkpointEveryMin));
    }
  }

  if (input.now !== undefined) {
    const first = built[0]!.session.startsAt;
    if (first < input.now - PAST_TOLERANCE_MS) return { ok: false, error: "in-past" };
    const late = built.find((b) => b.session.startsAt > input.now! + MAX_AHEAD_MS);
    if (late) return { ok: false, error: "too-far", sessionIndex: late.session.index };
  }

  // Reminders, get-ready and discussion: reminders never fall inside the previous session (or before
  // `now`); they are for people who are not watching yet.
  const moments: Moment[] = [...breakMoments];
  built.forEach((b, i) => {
    const { session } = b;
    const s = `s${session.index}`;
    const previousEnd = i > 0 ? built[i - 1]!.session.endsAt : -Infinity;
    const notBefore = (at: number): boolean => at > previousEnd && (input.now === undefined || at >= input.now - PAST_TOLERANCE_MS);
    for (const lead of remindersMin) {
      const leadMs = Math.round(lead * MINUTE);
      const at = session.startsAt - leadMs;
      if (!notBefore(at)) continue;
      session.reminders.push({ leadMs, at });
      moments.push({ key: `${s}:reminder:${leadLabel(lead)}`, kind: "reminder", at, sessionIndex: session.index, part: session.part, leadMs });
    }
    if (getReadyMin > 0) {
      const leadMs = Math.round(getReadyMin * MINUTE);
      const at = session.startsAt - leadMs;
      if (notBefore(at)) {
        session.getReadyAt = at;
        moments.push({ key: `${s}:get-ready`, kind: "get-ready", at, sessionIndex: session.index, part: session.part, leadMs });
      }
    }
    session.discussionAt = session.endsAt + discussionDelayMs;
    moments.push({ key: `${s}:discussion`, kind: "discussion", at: session.discussionAt, sessionIndex: session.index, part: session.part, filmOffsetMs: session.filmMs });
    moments.push(...b.moments);
  });

  const sessions = built.map((b) => b.session);
  const firstSession = sessions[0]!;
  const lastSession = sessions[sessions.length - 1]!;
  const filmMs = sessions.reduce((s, x) => s + x.filmMs, 0);
  const intermissionMs = sessions.reduce((s, x) => s + x.intermissions.reduce((t, im) => t + im.durationMs, 0), 0);
  const breakMs = breaks.reduce((s, b) => s + b.durationMs, 0);
  const plan: WatchPartyPlan = {
    version: 1,
    createdAt: input.now ?? input.startAt,
    zone,
    cadence: input.cadence.kind === "cron" ? { kind: "cron", expr: input.cadence.expr.trim().replace(/\s+/g, " "), zone: normalizeTimeZone(input.cadence.zone) ?? input.cadence.zone } : input.cadence,
    ...(input.edition ? { editionId: input.edition.id } : {}),
    intermission,
    sessions,
    breaks,
    moments: sortMoments(moments),
    totals: {
      sessions: sessions.length,
      filmMs,
      intermissionMs,
      breakMs,
      spanMs: lastSession.endsAt - firstSession.startsAt,
      startsAt: firstSession.startsAt,
      endsAt: lastSession.endsAt,
    },
    notes,
  };
  return { ok: true, plan };
}
