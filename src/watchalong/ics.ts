/**
 * An iCalendar file (RFC 5545) of a watch-party series, for `/westofthetracks watchparty calendar`:
 * one VEVENT per viewing block and one per intermission or break, so a calendar shows the break plan.
 *
 * Times are UTC (`…Z`), so no VTIMEZONE is needed and every calendar shows them in its own zone. Lines
 * end in CRLF, are folded at 75 octets (never inside a UTF-8 sequence), and TEXT values are escaped.
 * UIDs are stable for a series (`uid` option, e.g. the store's series id), so re-importing updates
 * events instead of duplicating them. Pure.
 */
import type { Locale, PartId } from "../knowledge/schema.js";
import type { Intermission, PlanBreak, PlanSession, ViewingBlock, WatchPartyPlan } from "./plan.js";
import { MINUTE } from "./time.js";

export type IcsEventInfo =
  | { kind: "block"; session: PlanSession; block: ViewingBlock }
  | { kind: "intermission"; session: PlanSession; intermission: Intermission }
  | { kind: "break"; session: PlanSession; break: PlanBreak };

export interface IcsOptions {
  /** Calendar and event title prefix, e.g. the localized "West of the Tracks watch-along". */
  title: string;
  /** PRODID, e.g. `-//westofthetracks-bot//watchalong//EN`. */
  prodId: string;
  /** Link to the event or the server channel, as URL and in DESCRIPTION. */
  url?: string;
  /** Stable id of the series (the store's id); default derived from `plan.createdAt`. */
  uid?: string;
  /** Right-hand side of UIDs. Default `westofthetracks.bot`. */
  uidDomain?: string;
  /** DTSTAMP (ms). Default `plan.createdAt`, so the same plan gives the same file. */
  stamp?: number;
  /** Which label of the edition's blocks to use. Default `en`. */
  locale?: Locale;
  /** Part names per id (localized titles from data/film). Default: the id with a capital letter. */
  partTitles?: Partial<Record<PartId, string>>;
  /** Full control of each event's text (the command layer's i18n). */
  describe?: (event: IcsEventInfo) => { summary: string; description?: string };
}

const CRLF = "\r\n";

/** Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma, newlines. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r\n|\r|\n/g, "\\n");
}

/**
 * Folds a content line at 75 octets (RFC 5545 §3.1): continuation lines start with one space, which
 * counts toward their 75. Multi-byte characters are never split.
 */
export function foldLine(line: string): string {
  const encoder = new TextEncoder();
  const out: string[] = [];
  let current = "";
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    if (octets + size > limit) {
      out.push(current);
      current = "";
      octets = 0;
      limit = 74; // the leading space takes one octet
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join(CRLF + " ");
}

/** `20261205T190000Z`. */
export function icsDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

function capital(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}

function defaultText(event: IcsEventInfo, options: IcsOptions): { summary: string; description?: string } {
  const locale = options.locale ?? "en";
  const partTitle = options.partTitles?.[event.session.part] ?? capital(event.session.part);
  switch (event.kind) {
    case "block": {
      const { block, session } = event;
      const label = block.label?.[locale];
      const ofMany = session.blocks.length > 1 ? ` (${block.index}/${session.blocks.length})` : "";
      return { summary: `${options.title} · ${label ?? partTitle}${label ? "" : ofMany}` };
    }
    case "intermission":
      return { summary: `${options.title} · ${partTitle} · ☕ ${Math.round(event.intermission.durationMs / MINUTE)}′` };
    case "break":
      return { summary: `${options.title} · ${event.break.kind === "meal" ? "🍜" : "☕"} ${Math.round(event.break.durationMs / MINUTE)}′` };
  }
}

/** The .ics text of a plan (see the module comment). */
export function buildIcs(plan: WatchPartyPlan, options: IcsOptions): string {
  const uid = options.uid ?? `wotw-${plan.createdAt.toString(36)}`;
  const domain = options.uidDomain ?? "westofthetracks.bot";
  const stamp = icsDate(options.stamp ?? plan.createdAt);
  const lines: string[] = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    `PRODID:${escapeText(options.prodId)}`,
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(options.title)}`,
  ];
  const events: { startsAt: number; lines: string[] }[] = [];
  const event = (key: string, startsAt: number, endsAt: number, info: IcsEventInfo): void => {
    const lines: string[] = [];
    events.push({ startsAt, lines });
    const text = options.describe ? options.describe(info) : defaultText(info, options);
    const description = [text.description, options.url].filter((s): s is string => typeof s === "string" && s !== "").join("\n");
    lines.push(
      "BEGIN:VEVENT",
      `UID:${uid}-${key}@${domain}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${icsDate(startsAt)}`,
      `DTEND:${icsDate(endsAt)}`,
      `SUMMARY:${escapeText(text.summary)}`,
    );
    if (description) lines.push(`DESCRIPTION:${escapeText(description)}`);
    if (options.url) lines.push(`URL:${options.url.replace(/[\r\n]/g, "")}`);
    lines.push(`CATEGORIES:${info.kind === "block" ? "WATCH" : "BREAK"}`, "END:VEVENT");
  };
  for (const session of plan.sessions) {
    const s = `s${session.index}`;
    for (const block of session.blocks) {
      if (block.endsAt > block.startsAt) event(`${s}-block-${block.index}`, block.startsAt, block.endsAt, { kind: "block", session, block });
    }
    for (const intermission of session.intermissions) {
      event(`${s}-intermission-${intermission.index}`, intermission.startsAt, intermission.endsAt, { kind: "intermission", session, intermission });
    }
    const pause = plan.breaks.find((b) => b.afterSession === session.index);
    if (pause && pause.durationMs > 0) event(`${s}-break`, pause.startsAt, pause.endsAt, { kind: "break", session, break: pause });
  }
  events.sort((a, b) => a.startsAt - b.startsAt);
  for (const e of events) lines.push(...e.lines);
  lines.push("END:VCALENDAR");
  return lines.map(foldLine).join(CRLF) + CRLF;
}
