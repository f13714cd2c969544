/**
 * The one module for time zones and parsing times (DESIGN.md: "one place decides each thing").
 *
 * - Zones are IANA names, checked with luxon and offered for autocomplete from `Intl`.
 * - `parseWhen` reads natural language with chrono-node (English, then Simplified Chinese, or the other
 *   way round for zh-CN), takes the *wall-clock fields* it found and resolves them in the club's zone
 *   with `resolveWallClock` (chrono's own `timezone` option does not understand IANA names, and its zh
 *   parser ignores it altogether). Relative expressions ("in 2 hours", "2小时后") are taken from `now`.
 * - Daylight-saving gaps and overlaps are reported, never silently shifted.
 * - Times are shown back as Discord timestamps (`discordTimestamp`), film positions as `H:MM:SS`.
 *
 * Pure: every function takes `now` (milliseconds) when it needs it. Errors are codes, not English text.
 */
import * as chrono from "chrono-node";
import { DateTime, IANAZone } from "luxon";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------------
// Zones

let zoneList: readonly string[] | undefined;

/** Every IANA zone this runtime knows (`Intl.supportedValuesOf('timeZone')`) plus `UTC`, sorted. */
export function listTimeZones(): readonly string[] {
  if (!zoneList) {
    const zones = new Set(Intl.supportedValuesOf("timeZone"));
    zones.add("UTC");
    zoneList = Object.freeze([...zones].sort());
  }
  return zoneList;
}

/** True for an IANA zone name luxon and Intl accept (e.g. `Europe/Berlin`, `UTC`); false for offsets like `+08:00`. */
export function isValidTimeZone(zone: string): boolean {
  if (typeof zone !== "string" || zone.trim() === "" || /^[+-]?\d/.test(zone.trim())) return false;
  return IANAZone.isValidZone(zone.trim());
}

/**
 * The canonical spelling of a zone the member typed (`europe/berlin` → `Europe/Berlin`), or undefined when
 * it is not a zone. Store and compare the canonical form.
 */
export function normalizeTimeZone(zone: string): string | undefined {
  if (!isValidTimeZone(zone)) return undefined;
  const wanted = zone.trim().toLowerCase();
  const listed = listTimeZones().find((z) => z.toLowerCase() === wanted);
  if (listed) return listed;
  // A link name the list does not carry (e.g. "Asia/Calcutta"): keep it as Intl spells it.
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Names members type that are not the zone's own city (China has one zone, named after Shanghai). */
const ZONE_ALIASES: Readonly<Record<string, string>> = {
  beijing: "Asia/Shanghai",
  peking: "Asia/Shanghai",
  shenyang: "Asia/Shanghai",
  china: "Asia/Shanghai",
  北京: "Asia/Shanghai",
  上海: "Asia/Shanghai",
  沈阳: "Asia/Shanghai",
  中国: "Asia/Shanghai",
  香港: "Asia/Hong_Kong",
  台北: "Asia/Taipei",
  澳门: "Asia/Macau",
  东京: "Asia/Tokyo",
  首尔: "Asia/Seoul",
  新加坡: "Asia/Singapore",
  伦敦: "Europe/London",
  巴黎: "Europe/Paris",
  柏林: "Europe/Berlin",
  纽约: "America/New_York",
  洛杉矶: "America/Los_Angeles",
  悉尼: "Australia/Sydney",
  温哥华: "America/Vancouver",
  多伦多: "America/Toronto",
  sanfrancisco: "America/Los_Angeles",
  seattle: "America/Los_Angeles",
  washington: "America/New_York",
  boston: "America/New_York",
  montreal: "America/Toronto",
  munich: "Europe/Berlin",
  delhi: "Asia/Kolkata",
  mumbai: "Asia/Kolkata",
  gmt: "UTC",
};

/** Zones offered when the query is empty (autocomplete before the member types). */
const POPULAR_ZONES = [
  "UTC",
  "Asia/Shanghai",
  "Asia/Hong_Kong",
  "Asia/Taipei",
  "Asia/Tokyo",
  "Asia/Seoul",
  "Asia/Singapore",
  "Asia/Kolkata",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "Europe/Moscow",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
  "America/Toronto",
  "America/Vancouver",
  "America/Sao_Paulo",
  "Australia/Sydney",
  "Pacific/Auckland",
];

function fold(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/[\s_\-/.,'’]+/g, "");
}

/**
 * Zone names for autocomplete, best first: exact city (or alias) match, then cities starting with the
 * query, then any part of the name starting with it, then names containing it. Case, spaces, `_` and
 * `-` are ignored ("new york", "NewYork", "new_york" all find America/New_York). At most `limit` (≤ 25).
 */
export function suggestTimeZones(query: string, limit = 25): string[] {
  const max = Math.max(0, Math.min(25, Math.floor(limit)));
  const q = fold(query);
  const known = new Set(listTimeZones());
  if (q === "") return POPULAR_ZONES.filter((z) => known.has(z)).slice(0, max);
  const scores = new Map<string, number>();
  const offer = (zone: string, score: number): void => {
    const before = scores.get(zone);
    if (before === undefined || score < before) scores.set(zone, score);
  };
  for (const [alias, zone] of Object.entries(ZONE_ALIASES)) {
    const a = fold(alias);
    if (!known.has(zone) && zone !== "UTC") continue;
    if (a === q) offer(zone, 0);
    else if (a.startsWith(q)) offer(zone, 1);
  }
  for (const zone of listTimeZones()) {
    const segments = zone.split("/").map(fold);
    const city = segments[segments.length - 1] ?? "";
    const whole = fold(zone);
    if (city === q || whole === q) offer(zone, 0);
    else if (city.startsWith(q)) offer(zone, 1);
    else if (segments.some((s) => s.startsWith(q))) offer(zone, 2);
    else if (whole.includes(q)) offer(zone, 3);
  }
  return [...scores.entries()]
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([zone]) => zone);
}

// ---------------------------------------------------------------------------------------------------
// Wall clocks

/** A local date and time in some zone; month 1–12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

/**
 * How a wall-clock time maps to instants in a zone:
 * - `exact`: one instant;
 * - `gap`: none, the clocks jumped over it (spring forward). `nextValid` is the first instant after the
 *   gap (e.g. 03:00 CEST for 02:30 in Berlin); `shifted` is the instant the same clock reading names with
 *   the offset from before the jump (02:30 → 03:30 CEST), which is what most libraries silently return;
 * - `overlap`: two instants, the clocks went back (fall back); `first` (summer time) < `second`;
 * - `invalid`: no such date (Feb 30, hour 25).
 */
export type WallClockResolution =
  | { kind: "exact"; at: number }
  | { kind: "gap"; nextValid: number; shifted: number }
  | { kind: "overlap"; first: number; second: number }
  | { kind: "invalid" };

function offsetMs(zone: IANAZone, at: number): number {
  return zone.offset(at) * MINUTE;
}

function wallAsUtc(wall: WallClock): number | undefined {
  const { year, month, day, hour, minute } = wall;
  const second = wall.second ?? 0;
  const values = [year, month, day, hour, minute, second];
  if (!values.every((v) => Number.isInteger(v))) return undefined;
  if (month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return ms;
}

/** Resolves a wall-clock time in an IANA zone. Throws RangeError for an invalid zone (check with `isValidTimeZone`). */
export function resolveWallClock(wall: WallClock, zoneName: string): WallClockResolution {
  if (!isValidTimeZone(zoneName)) throw new RangeError(`not an IANA time zone: ${zoneName}`);
  const zone = IANAZone.create(zoneName.trim());
  const w = wallAsUtc(wall);
  if (w === undefined) return { kind: "invalid" };
  // Zones change offset at most once within a day of any instant, so the offsets a day either side
  // (and at the reading itself) are the only candidates.
  const offsets = new Set([offsetMs(zone, w - DAY), offsetMs(zone, w), offsetMs(zone, w + DAY)]);
  const instants = [...new Set([...offsets].map((o) => w - o))].filter((t) => offsetMs(zone, t) === w - t).sort((a, b) => a - b);
  if (instants.length === 1) return { kind: "exact", at: instants[0]! };
  if (instants.length >= 2) return { kind: "overlap", first: instants[0]!, second: instants[instants.length - 1]! };
  // A gap: find the first instant whose local reading is at or after the requested one.
  const before = offsetMs(zone, w - DAY);
  let lo = w - DAY - before; // local reading a day earlier: before the gap
  let hi = w + DAY; // local reading later than w whatever the offset
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + offsetMs(zone, mid) >= w) hi = mid;
    else lo = mid;
  }
  return { kind: "gap", nextValid: hi, shifted: w - before };
}

/** The wall clock of an instant in a zone (weekday 1 = Monday … 7 = Sunday, ISO). */
export function wallClockAt(at: number, zone: string): Required<WallClock> & { weekday: number } {
  const dt = DateTime.fromMillis(at, { zone });
  return { year: dt.year, month: dt.month, day: dt.day, hour: dt.hour, minute: dt.minute, second: dt.second, weekday: dt.weekday };
}

/** `2026-12-05 20:00` in the zone: a machine-neutral rendering for logs, confirmations and tests. */
export function formatWallClock(at: number, zone: string): string {
  return DateTime.fromMillis(at, { zone }).toFormat("yyyy-MM-dd HH:mm");
}

/** The zone's offset from UTC at an instant, as `+08:00`. */
export function formatUtcOffset(at: number, zone: string): string {
  return DateTime.fromMillis(at, { zone }).toFormat("ZZ");
}

/** The calendar date `days` after (or before) the given one, same time of day; pure date arithmetic. */
export function addCalendarDays<T extends WallClock>(wall: T, days: number): T {
  const d = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return { ...wall, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Day of week of a calendar date, cron style: 0 = Sunday … 6 = Saturday. */
export function cronWeekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** Number of days in a month (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// ---------------------------------------------------------------------------------------------------
// Parsing

export type ParseLocale = "en" | "zh-CN";

export interface ParseWhenOptions {
  /** IANA zone the text is meant in (the member's choice or the club's default). */
  zone: string;
  /** Virtual now, ms. */
  now: number;
  /** Which language to try first; both are always tried. Default `en`. */
  locale?: ParseLocale;
  /**
   * Time to use when the text names a day but no time ("saturday", "2026-12-05"). When absent (the
   * default) such text is refused with `missing-time`: a watch party at a guessed hour surprises people,
   * and asking again costs one message.
   */
  defaultTime?: { hour: number; minute: number };
}

export type ParseWhenErrorCode =
  /** Nothing typed. */
  | "empty"
  /** No date or time found in the text. */
  | "not-a-time"
  /** A day without a time of day (and no `defaultTime`). */
  | "missing-time"
  /** More than one time in the text ("friday 8pm or saturday 9pm"). */
  | "several-times"
  /** A numeric date that reads differently day-first and month-first ("05/12/2026"): ask for ISO or a month name. */
  | "ambiguous-date"
  /** More than a minute in the past. */
  | "in-past"
  /** More than 366 days ahead. */
  | "too-far"
  /** Not an IANA zone. */
  | "bad-zone"
  /** The local time does not exist that day (clocks jump forward); see `suggestion`. */
  | "dst-gap";

export interface ParseWhenError {
  ok: false;
  error: ParseWhenErrorCode;
  /** For `in-past` / `too-far`: the instant the text named. */
  at?: number;
  /** For `dst-gap`: the first valid instant after the gap, to offer instead. */
  suggestion?: number;
  /** For `dst-gap`, `in-past`, `too-far`: the local reading the text named, `yyyy-MM-dd HH:mm`. */
  wallClock?: string;
}

export interface ParseWhenOk {
  ok: true;
  /** The instant, ms. */
  at: number;
  /** Local reading in `zone`, `yyyy-MM-dd HH:mm`. */
  wallClock: string;
  /** The canonical zone name used. */
  zone: string;
  /** Offset at `at`, `+01:00`. */
  utcOffset: string;
  /** True when the text was relative to now ("in 2 hours"). */
  relative: boolean;
  /** The reading happens twice that night (clocks go back): `at` is the first, `alternative` the second. */
  dst?: { kind: "overlap"; alternative: number };
}

export type ParseWhenResult = ParseWhenOk | ParseWhenError;

/** Past tolerance: "now" typed a few seconds late is still fine. */
export const PAST_TOLERANCE_MS = MINUTE;
/** How far ahead a time may be. */
export const MAX_AHEAD_MS = 366 * DAY;

const ZH_DIGITS: Readonly<Record<string, number>> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 1–99 in digits or simple Chinese numerals (十, 二十五, 两); undefined otherwise. */
function zhNumber(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(text);
  if (!m || text === "") return undefined;
  const [, tens, ten, ones] = m;
  if (!ten) return tens && !ones ? ZH_DIGITS[tens] : undefined;
  return (tens ? ZH_DIGITS[tens]! : 1) * 10 + (ones ? ZH_DIGITS[ones]! : 0);
}

/** "2小时后", "两个半小时后", "30分钟以后", "三天后": chrono's zh parser gets these wrong, so read them here. */
function parseZhRelative(text: string): number | undefined {
  const m = /^(?:在)?\s*(\d+|[零一二两三四五六七八九十]+)\s*(?:个)?\s*(半)?\s*(小时|钟头|分钟|分|天)\s*(半)?\s*(?:之后|以后|后)$/.exec(text);
  if (!m) return undefined;
  const n = zhNumber(m[1]!);
  if (n === undefined) return undefined;
  const unit = m[3] === "天" ? DAY : m[3] === "小时" || m[3] === "钟头" ? HOUR : MINUTE;
  const half = m[2] || m[4] ? unit / 2 : 0;
  return n * unit + half;
}

/** Slash dates like 05/12 or 05/12/2026, and dotted 05.12.2026, that read two ways. */
function isAmbiguousNumericDate(text: string): boolean {
  const re = /(?<![\d:])(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?(?![\d:])|(?<![\d:])(\d{1,2})\.(\d{1,2})\.(\d{2,4})(?![\d:])/g;
  for (const m of text.matchAll(re)) {
    const a = Number(m[1] ?? m[4]);
    const b = Number(m[2] ?? m[5]);
    if (a >= 1 && a <= 12 && b >= 1 && b <= 12 && a !== b) return true;
  }
  return false;
}

function inRange(at: number, now: number, zone: string, relative: boolean, dst?: ParseWhenOk["dst"]): ParseWhenResult {
  const wallClock = formatWallClock(at, zone);
  if (at < now - PAST_TOLERANCE_MS) return { ok: false, error: "in-past", at, wallClock };
  if (at > now + MAX_AHEAD_MS) return { ok: false, error: "too-far", at, wallClock };
  return { ok: true, at, wallClock, zone, utcOffset: formatUtcOffset(at, zone), relative, ...(dst ? { dst } : {}) };
}

/**
 * Reads a time a member typed ("friday 8pm", "tomorrow 19:30", "2026-12-05 20:00", "in 2 hours",
 * "明天晚上8点", "周五20:00") in `zone`. Nothing is shifted silently: a time inside a DST gap is refused
 * with a suggestion, a time inside an overlap takes the first occurrence and names the second.
 */
export function parseWhen(text: string, options: ParseWhenOptions): ParseWhenResult {
  const input = (text ?? "").normalize("NFKC").trim();
  if (input === "") return { ok: false, error: "empty" };
  const zone = normalizeTimeZone(options.zone);
  if (!zone) return { ok: false, error: "bad-zone" };
  const { now } = options;

  const zhDelta = parseZhRelative(input.replace(/\s+/g, ""));
  if (zhDelta !== undefined) return inRange(now + zhDelta, now, zone, true);

  if (isAmbiguousNumericDate(input)) return { ok: false, error: "ambiguous-date" };

  // chrono reads "today", "friday" … from its reference's *system-local* fields, so give it a Date whose
  // local fields are the zone's wall clock now; the fields it returns are then wall-clock fields in `zone`.
  const local = wallClockAt(now, zone);
  const reference = new Date(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, now % 1000);
  const parsers = options.locale === "zh-CN" ? [chrono.zh, chrono.en] : [chrono.en, chrono.zh];
  // Both parsers run; the one that understood more of the text wins (the English parser reads only
  // "20:00" in "周五20:00"), the locale's own parser on a tie.
  let results: chrono.ParsedResult[] = [];
  let covered = 0;
  for (const parser of parsers) {
    const found = parser.parse(input, reference, { forwardDate: true });
    const length = found.reduce((sum, r) => sum + r.text.length, 0);
    if (length > covered) {
      results = found;
      covered = length;
    }
  }
  const [result] = results;
  if (!result) return { ok: false, error: "not-a-time" };
  if (results.length > 1) return { ok: false, error: "several-times" };
  const start = result.start;
  const tags = start.tags();
  // "in 2 hours" / "now" name an instant; "in 2 days" names a day (a time is still needed) and
  // "in 2 days at 8pm" a wall-clock time, both read through the zone below.
  if (tags.has("result/relativeDateAndTime") || tags.has("casualReference/now")) {
    return inRange(now + (start.date().getTime() - reference.getTime()), now, zone, true);
  }

  let hour = start.get("hour");
  let minute = start.get("minute") ?? 0;
  if (!start.isCertain("hour") || hour === null) {
    if (!options.defaultTime) return { ok: false, error: "missing-time" };
    hour = options.defaultTime.hour;
    minute = options.defaultTime.minute;
  }
  const year = start.get("year");
  const month = start.get("month");
  const day = start.get("day");
  if (year === null || month === null || day === null) return { ok: false, error: "not-a-time" };
  const wall: WallClock = { year, month, day, hour, minute, second: start.isCertain("second") ? (start.get("second") ?? 0) : 0 };
  const resolved = resolveWallClock(wall, zone);
  switch (resolved.kind) {
    case "invalid":
      return { ok: false, error: "not-a-time" };
    case "gap": {
      const pad = (n: number): string => String(n).padStart(2, "0");
      const wallClock = `${year}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}`;
      return { ok: false, error: "dst-gap", suggestion: resolved.nextValid, wallClock };
    }
    case "overlap":
      return inRange(resolved.first, now, zone, false, { kind: "overlap", alternative: resolved.second });
    case "exact":
      return inRange(resolved.at, now, zone, false);
  }
}

// ---------------------------------------------------------------------------------------------------
// Display

/** Discord's timestamp styles: t 20:00, T 20:00:00, d 05/12/2026, D 5 December 2026, f/F with date and time, R "in 2 hours". */
export type DiscordTimestampStyle = "t" | "T" | "d" | "D" | "f" | "F" | "R";

/** `<t:SECONDS:STYLE>`, which every Discord client shows in the reader's own zone and language. */
export function discordTimestamp(ms: number, style: DiscordTimestampStyle = "f"): string {
  return `<t:${Math.floor(ms / 1000)}:${style}>`;
}

/** A film position as `H:MM:SS` (`4_320_000` → `1:12:00`); negative values read as 0. */
export function formatTimecode(ms: number): string {
  const total = Math.floor(Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}
