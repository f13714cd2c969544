/**
 * How the sessions of a series follow each other: all on one day (`marathon`), one a day, one a week,
 * or at the occurrences of a cron expression in a time zone (a club's regular night, `0 20 * * 5` =
 * every Friday 20:00).
 *
 * Cron expressions are checked with node-cron (the scheduler's library) and interpreted as node-cron
 * does (day-of-month AND day-of-week must both match; `L`, `L-n`, `nW`, `LW`, `n#k`, `nL`, names and
 * nicknames such as `@weekly` are understood). Occurrences are computed here with the zone rules of
 * time.ts, so they are right across DST changes: a wall time inside a spring-forward gap runs at the
 * first instant after the gap (flagged `gap-shifted`), a wall time inside a fall-back overlap runs once,
 * at its first occurrence (flagged `overlap-first`).
 *
 * Pure: no timers, no I/O.
 */
import nodeCron from "node-cron";
import {
  DAY,
  addCalendarDays,
  cronWeekday,
  daysInMonth,
  isValidTimeZone,
  resolveWallClock,
  wallClockAt,
  type WallClock,
} from "./time.js";

export type Cadence = { kind: "marathon" } | { kind: "daily" } | { kind: "weekly" } | { kind: "cron"; expr: string; zone: string };

export type CronErrorCode =
  /** Nothing typed. */
  | "cron-empty"
  /** node-cron does not accept the expression. */
  | "cron-invalid"
  /** Six fields: the first is seconds. Club nights are planned to the minute. */
  | "cron-seconds"
  /** More than one start a day (see `validateCron`). */
  | "cron-too-frequent";

/** The five fields as node-cron expands them; day fields may hold tokens such as `L` or `5#1`. */
export interface CronFields {
  minute: number[];
  hour: number[];
  dayOfMonth: (number | string)[];
  month: number[];
  dayOfWeek: (number | string)[];
}

export type CronValidation = { ok: true; expr: string; fields: CronFields } | { ok: false; error: CronErrorCode };

function normalizeExpr(expr: string): string {
  return (expr ?? "").trim().replace(/\s+/g, " ");
}

/** The expanded fields of a valid 5-field (or nickname) expression; undefined when invalid or 6-field. */
export function parseCronFields(expr: string): CronFields | undefined {
  const text = normalizeExpr(expr);
  if (text === "" || text.split(" ").length === 6 || !nodeCron.validate(text)) return undefined;
  try {
    const { minute, hour, dayOfMonth, month, dayOfWeek } = nodeCron.parse(text);
    return { minute, hour, dayOfMonth, month, dayOfWeek };
  } catch {
    return undefined;
  }
}

/**
 * Checks a club-night cron expression: valid for node-cron, five fields (no seconds), and at most one
 * start per day, which we enforce as "the minute and the hour fields each name exactly one value".
 * A part of this film runs two to four hours, so a club night more often than daily makes no sense;
 * with one hour and one minute, two starts are always a calendar day (23–25 hours across DST) apart.
 * Day fields are free: `0 20 * * 5`, `30 19 * * 1-5`, `0 20 L * *`, `0 20 * * 5#1` all pass.
 */
export function validateCron(expr: string): CronValidation {
  const text = normalizeExpr(expr);
  if (text === "") return { ok: false, error: "cron-empty" };
  if (text.split(" ").length === 6) return { ok: false, error: nodeCron.validate(text) ? "cron-seconds" : "cron-invalid" };
  const fields = parseCronFields(text);
  if (!fields) return { ok: false, error: "cron-invalid" };
  if (fields.minute.length !== 1 || fields.hour.length !== 1) return { ok: false, error: "cron-too-frequent" };
  return { ok: true, expr: text, fields };
}

function matchesDayOfMonth(field: readonly (number | string)[], year: number, month: number, day: number): boolean {
  const last = daysInMonth(year, month);
  for (const value of field) {
    if (value === day) return true;
    if (typeof value !== "string") continue;
    if (value === "L" && day === last) return true;
    const offset = /^L-(\d{1,2})$/.exec(value);
    if (offset && last - Number(offset[1]) === day) return true;
    const weekdayNear = /^(\d{1,2}|L)W$/.exec(value);
    if (weekdayNear) {
      const target = weekdayNear[1] === "L" ? last : Number(weekdayNear[1]);
      if (target >= 1 && target <= last) {
        const wd = cronWeekday(year, month, target);
        let nearest = target;
        if (wd === 6) nearest = target === 1 ? 3 : target - 1;
        else if (wd === 0) nearest = target === last ? target - 2 : target + 1;
        if (nearest === day) return true;
      }
    }
  }
  return false;
}

function matchesDayOfWeek(field: readonly (number | string)[], year: number, month: number, day: number): boolean {
  const weekday = cronWeekday(year, month, day);
  for (const value of field) {
    if (value === weekday) return true;
    if (typeof value !== "string") continue;
    const nth = /^([0-7])#([1-5])$/.exec(value);
    if (nth && Number(nth[1]) % 7 === weekday && Math.floor((day - 1) / 7) + 1 === Number(nth[2])) return true;
    const lastOf = /^([0-7])L$/i.exec(value);
    if (lastOf && Number(lastOf[1]) % 7 === weekday && day + 7 > daysInMonth(year, month)) return true;
  }
  return false;
}

/** True when the calendar date matches the month and both day fields (node-cron semantics: AND). */
export function cronMatchesDate(fields: CronFields, year: number, month: number, day: number): boolean {
  return fields.month.includes(month) && matchesDayOfMonth(fields.dayOfMonth, year, month, day) && matchesDayOfWeek(fields.dayOfWeek, year, month, day);
}

/** A computed start, and whether DST moved it. */
export interface Occurrence {
  at: number;
  /** `gap-shifted`: the wall time did not exist, `at` is the first instant after the gap. `overlap-first`: it existed twice, `at` is the first. */
  dst?: "gap-shifted" | "overlap-first";
}

/** Resolves a wall time for a schedule: gap → first instant after, overlap → first occurrence, both flagged. */
export function scheduleWallClock(wall: WallClock, zone: string): Occurrence | undefined {
  const r = resolveWallClock(wall, zone);
  switch (r.kind) {
    case "exact":
      return { at: r.at };
    case "gap":
      return { at: r.nextValid, dst: "gap-shifted" };
    case "overlap":
      return { at: r.first, dst: "overlap-first" };
    case "invalid":
      return undefined;
  }
}

/** How far ahead occurrences are searched, in days (a year and a day, like parseWhen's limit). */
export const CRON_HORIZON_DAYS = 367;

/**
 * The first `n` occurrences at or after `from` of a 5-field cron expression in an IANA zone, with DST
 * flags. Walks calendar days in the zone and, on matching days only, the allowed hours and minutes.
 * Fewer than `n` when the expression has no more occurrences within `horizonDays` (e.g. `0 20 30 2 *`).
 * Throws RangeError for an invalid expression or zone (validate first).
 */
export function cronOccurrences(expr: string, zone: string, from: number, n: number, horizonDays = CRON_HORIZON_DAYS): Occurrence[] {
  const fields = parseCronFields(expr);
  if (!fields) throw new RangeError(`invalid 5-field cron expression: ${expr}`);
  if (!isValidTimeZone(zone)) throw new RangeError(`not an IANA time zone: ${zone}`);
  const hours = [...fields.hour].sort((a, b) => a - b);
  const minutes = [...fields.minute].sort((a, b) => a - b);
  const out: Occurrence[] = [];
  const seen = new Set<number>();
  const first = wallClockAt(from, zone);
  // Start a day early: a gap-shifted time of the day before cannot be ≥ from, but this costs nothing.
  let date: WallClock = addCalendarDays({ year: first.year, month: first.month, day: first.day, hour: 0, minute: 0 }, -1);
  for (let i = 0; i <= horizonDays + 1 && out.length < n; i++, date = addCalendarDays(date, 1)) {
    if (!cronMatchesDate(fields, date.year, date.month, date.day)) continue;
    for (const hour of hours) {
      for (const minute of minutes) {
        const occ = scheduleWallClock({ ...date, hour, minute, second: 0 }, zone);
        if (!occ || occ.at < from || seen.has(occ.at)) continue;
        seen.add(occ.at);
        out.push(occ);
        if (out.length >= n) return out;
      }
    }
  }
  return out;
}

/** The instants of `cronOccurrences`. */
export function nextCronOccurrences(expr: string, zone: string, from: number, n: number): number[] {
  return cronOccurrences(expr, zone, from, n).map((o) => o.at);
}

export type SeriesStartsError = CronErrorCode | "bad-zone" | "cron-no-occurrence";

/**
 * Start instants for `count` sessions of a non-marathon series:
 * - `daily` / `weekly`: the first at `startAt`, the next ones at the same wall-clock time in `zone` one
 *   day / one week later (so 20:00 stays 20:00 across a DST change);
 * - `cron`: the first `count` occurrences at or after `startAt` in the cadence's own zone.
 * A marathon has no independent starts (the plan chains its sessions); asking returns `[startAt]`.
 */
export function seriesStarts(
  cadence: Cadence,
  startAt: number,
  zone: string,
  count: number,
): { ok: true; starts: Occurrence[] } | { ok: false; error: SeriesStartsError } {
  if (cadence.kind === "cron") {
    const valid = validateCron(cadence.expr);
    if (!valid.ok) return valid;
    if (!isValidTimeZone(cadence.zone)) return { ok: false, error: "bad-zone" };
    const starts = cronOccurrences(valid.expr, cadence.zone, startAt, count);
    if (starts.length < count) return { ok: false, error: "cron-no-occurrence" };
    return { ok: true, starts };
  }
  if (!isValidTimeZone(zone)) return { ok: false, error: "bad-zone" };
  if (cadence.kind === "marathon") return { ok: true, starts: [{ at: startAt }] };
  const step = cadence.kind === "daily" ? 1 : 7;
  const wall = wallClockAt(startAt, zone);
  const starts: Occurrence[] = [{ at: startAt }];
  for (let i = 1; i < count; i++) {
    const occ = scheduleWallClock(addCalendarDays(wall, i * step), zone);
    // A valid day with a valid time of day always resolves; keep the type checker honest.
    starts.push(occ ?? { at: startAt + i * step * DAY });
  }
  return { ok: true, starts };
}
