/**
 * Watch parties as Discord messages: the host's preview with Confirm / Cancel, the announcement with RSVP
 * buttons, every post of a running party (reminder, get ready, press play, checkpoints, intermissions,
 * end, discussion, breaks, "we are back"), status / whereami / list, and notices to hosts.
 *
 * Pure: plain data in, API JSON out. Times are Discord timestamps, film positions `H:MM:SS`. Titles are
 * typed by hosts, so they pass through `quoteUserText`; the callers choose allowed_mentions (nobody by
 * default; reminders ping only the chosen role or the members who are going).
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from "discord-api-types/v10";
import type { MessageKey, Translator } from "../../i18n/index.js";
import type { KnowledgeBase } from "../../knowledge/base.js";
import type { Locale } from "../../knowledge/schema.js";
import type { RsvpStatus } from "../../store/index.js";
import type { Moment, PlanSession, WatchPartyPlan } from "../../watchalong/plan.js";
import type { ListedSession, SessionState, StatusResult, SessionSummary } from "../../watchalong/service.js";
import { MINUTE, discordTimestamp, formatTimecode, formatWallClock } from "../../watchalong/time.js";
import { progressBar, type SessionPhase } from "../../watchalong/timeline.js";
import { encodeCustomId } from "../customId.js";
import { LIMITS, quoteUserText, truncate } from "../limits.js";
import { FILM_COLOUR, footer, listFields } from "./common.js";

export const CONFIRM_HANDLER = "wpc";
export const RSVP_HANDLER = "wpr";
export const CANCEL_HANDLER = "wpx";

type Row = APIActionRowComponent<APIButtonComponent>;

export interface WatchView {
  t: Translator;
  locale: Locale;
  kb: KnowledgeBase;
}

export interface WatchMessage {
  content?: string;
  embeds: APIEmbed[];
  components: Row[];
}

export const confirmButtonId = (draftId: string, answer: "yes" | "no"): string => encodeCustomId(CONFIRM_HANDLER, draftId, answer);
export const rsvpButtonId = (sessionId: string, answer: RsvpStatus | "ready"): string => encodeCustomId(RSVP_HANDLER, sessionId, answer);
export const cancelButtonId = (sessionId: string, answer: "yes" | "no"): string => encodeCustomId(CANCEL_HANDLER, sessionId, answer);

export function partName(v: WatchView, partId: string): string {
  return v.kb.part(partId)?.title[v.locale] ?? partId;
}

export function partColour(v: WatchView, partId: string): number {
  return v.kb.part(partId)?.colour ?? FILM_COLOUR;
}

/** The party's title as typed by the host (made safe), or the default one. */
export function partyTitle(t: Translator, title: string | null | undefined): string {
  return title ? quoteUserText(title, 100) : t("watch.announce.defaultTitle");
}

const ts = (ms: number) => ({ at: discordTimestamp(ms, "F"), relative: discordTimestamp(ms, "R") });
const minutes = (ms: number) => Math.round(ms / MINUTE);

function watchFooter(t: Translator, id: string): NonNullable<APIEmbed["footer"]> {
  return footer(t, t("watch.footer", { id }));
}

function duration(ms: number): string {
  const m = minutes(ms);
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}`;
}

// ---------------------------------------------------------------------------------------------------
// Preview

export interface PreviewInput {
  draftId: string;
  plan: WatchPartyPlan;
  title: string | null;
  channelId: string;
  voiceChannelId: string | null;
  pingRoleId: string | null;
  editionName: string | null;
  eventsAllowed: boolean;
  overlapAlternative?: number;
  ttlMinutes: number;
}

function sessionLines(v: WatchView, s: PlanSession): string[] {
  const { t } = v;
  const lines = [t("watch.preview.starts", { ...ts(s.startsAt), end: discordTimestamp(s.endsAt, "t") })];
  for (const b of s.blocks) {
    lines.push(
      t("watch.preview.block", {
        from: discordTimestamp(b.startsAt, "t"),
        to: discordTimestamp(b.endsAt, "t"),
        filmFrom: formatTimecode(b.filmStartMs),
        filmTo: formatTimecode(b.filmEndMs),
      }),
    );
    const im = s.intermissions.find((i) => i.startsAt === b.endsAt);
    if (im) lines.push(t("watch.preview.intermission", { minutes: minutes(im.durationMs), timecode: formatTimecode(im.filmOffsetMs), at: discordTimestamp(im.endsAt, "t") }));
  }
  return lines;
}

export function previewMessage(v: WatchView, p: PreviewInput): WatchMessage {
  const { t } = v;
  const fields = [];
  for (const s of p.plan.sessions) {
    const lines = sessionLines(v, s);
    const note = p.plan.notes.find((n) => n.sessionIndex === s.index);
    if (note) lines.push(t(note.kind === "dst-gap-shifted" ? "watch.preview.dstGap" : "watch.preview.dstOverlap"));
    const pause = p.plan.breaks.find((b) => b.afterSession === s.index);
    if (pause) lines.push(t("watch.preview.break", { minutes: minutes(pause.durationMs), at: discordTimestamp(pause.endsAt, "t") }));
    fields.push(...listFields(t("watch.preview.session", { n: s.index, part: partName(v, s.part) }), "\u200b", lines));
  }
  const info = [
    t("watch.preview.intro", { minutes: p.ttlMinutes }),
    "",
    t("watch.preview.where", { channel: p.channelId }),
    ...(p.voiceChannelId ? [t("watch.preview.voice", { channel: p.voiceChannelId })] : []),
    p.pingRoleId ? t("watch.preview.ping", { role: p.pingRoleId }) : t("watch.preview.pingGoing"),
    t("watch.preview.zone", { zone: p.plan.zone }),
    ...(p.editionName ? [t("watch.preview.edition", { edition: p.editionName })] : []),
    t("watch.preview.totals", { sessions: p.plan.totals.sessions, film: duration(p.plan.totals.filmMs), span: duration(p.plan.totals.spanMs) }),
    ...(p.overlapAlternative !== undefined ? [t("watch.preview.overlapAlternative", { at: discordTimestamp(p.overlapAlternative, "F") })] : []),
    ...(p.eventsAllowed ? [] : [t("watch.preview.noEvents")]),
  ];
  const first = p.plan.sessions[0];
  return {
    embeds: [
      {
        title: truncate(`${t("watch.preview.title")} · ${partyTitle(t, p.title)}`, LIMITS.title),
        description: info.join("\n"),
        color: first ? partColour(v, first.part) : FILM_COLOUR,
        fields: fields.slice(0, LIMITS.fields),
        footer: footer(t, t("watch.preview.title")),
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Success, custom_id: confirmButtonId(p.draftId, "yes"), label: t("watch.preview.confirm") },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: confirmButtonId(p.draftId, "no"), label: t("watch.preview.cancel") },
        ],
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// Announcement with RSVP buttons

export interface AnnouncementInput {
  seriesId: string;
  title: string | null;
  hostId: string;
  channelId: string;
  voiceChannelId: string | null;
  sessions: readonly Pick<SessionSummary, "startsAt" | "endsAt" | "counts" | "session" | "state">[];
}

function statusLabel(t: Translator, status: string): string | null {
  if (status === "cancelled") return t("watch.announce.cancelled");
  if (status === "ended") return t("watch.announce.ended");
  if (status === "running" || status === "paused") return t("watch.announce.live");
  return null;
}

export function announcementMessage(v: WatchView, a: AnnouncementInput): WatchMessage {
  const { t } = v;
  const many = a.sessions.length > 1;
  const fields = a.sessions.map((s) => {
    const label = statusLabel(t, s.session.status);
    const lines = [
      t("watch.announce.when", { ...ts(s.startsAt), minutes: minutes(s.state.session.filmMs) }),
      t("watch.announce.counts", { going: s.counts.going, maybe: s.counts.maybe, no: s.counts.no }),
      ...(label ? [label] : []),
    ];
    return { name: t("watch.announce.session", { n: s.state.index, part: partName(v, s.session.partId) }), value: lines.join("\n") };
  });
  const rows: Row[] = [];
  for (const s of a.sessions) {
    if (!["scheduled", "running", "paused"].includes(s.session.status)) continue;
    const part = partName(v, s.session.partId);
    const label = (key: MessageKey, keyMany: MessageKey) => truncate(many ? t(keyMany, { part }) : t(key), LIMITS.buttonLabel);
    rows.push({
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Success, custom_id: rsvpButtonId(s.session.id, "going"), label: label("watch.rsvp.going", "watch.rsvp.goingPart"), emoji: { name: "✅" } },
        { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: rsvpButtonId(s.session.id, "maybe"), label: label("watch.rsvp.maybe", "watch.rsvp.maybePart"), emoji: { name: "🤔" } },
        { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: rsvpButtonId(s.session.id, "no"), label: label("watch.rsvp.no", "watch.rsvp.noPart"), emoji: { name: "❌" } },
      ],
    });
  }
  const first = a.sessions[0];
  const description = [
    t("watch.announce.description", { host: a.hostId, channel: a.channelId }),
    ...(a.voiceChannelId ? [t("watch.announce.voice", { channel: a.voiceChannelId })] : []),
  ].join("\n");
  return {
    embeds: [
      {
        title: partyTitle(t, a.title),
        description,
        color: first ? partColour(v, first.session.partId) : FILM_COLOUR,
        fields,
        // The ids members pass as `party:` to status, whereami, pause … (one per part).
        footer: watchFooter(t, a.sessions.map((s) => s.session.id).join(t("list.separator")) || a.seriesId),
      },
    ],
    components: rows.slice(0, LIMITS.actionRows),
  };
}

// ---------------------------------------------------------------------------------------------------
// Posts during a party

export interface MomentInput {
  moment: Moment;
  /** Effective time of the moment. */
  at: number;
  state: SessionState;
  sessionId: string;
  title: string | null;
  late: boolean;
  ready?: number;
  going?: number;
  /** For `end` and `break`: the next session of the series. */
  next?: { partId: string; startsAt: number };
  /** For `end`: the session was ended early by the host at this film position. */
  endedEarlyAt?: number;
}

function embed(v: WatchView, partId: string, sessionId: string, lines: string[], late: boolean): APIEmbed {
  return {
    description: [...lines, ...(late ? [`*${v.t("watch.late")}*`] : [])].join("\n"),
    color: partColour(v, partId),
    footer: watchFooter(v.t, sessionId),
  };
}

function progressLine(t: Translator, fraction: number): string {
  return t("watch.progress", { bar: progressBar(fraction), percent: Math.round(Math.min(1, Math.max(0, fraction)) * 100) });
}

export function momentMessage(v: WatchView, m: MomentInput): WatchMessage {
  const { t } = v;
  const part = partName(v, m.moment.part);
  const session = m.state.session;
  const start = m.moment.kind === "reminder" || m.moment.kind === "get-ready" ? m.at + (m.moment.leadMs ?? 0) : m.at;
  const lines: string[] = [];
  const components: Row[] = [];
  switch (m.moment.kind) {
    case "reminder":
      lines.push(`**${t("watch.reminder.title", { title: partyTitle(t, m.title) })}**`, t("watch.reminder", { part, ...ts(start) }));
      break;
    case "get-ready":
      lines.push(t("watch.getReady", { part, time: discordTimestamp(start, "T"), relative: discordTimestamp(start, "R") }), t("watch.getReady.hint"));
      components.push({
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, custom_id: rsvpButtonId(m.sessionId, "ready"), label: t("watch.ready.button"), emoji: { name: "🎬" } }],
      });
      break;
    case "start": {
      lines.push(t("watch.start", { part, time: discordTimestamp(m.at, "T"), relative: discordTimestamp(m.at, "R") }));
      if (m.going !== undefined && m.going > 0) lines.push(t("watch.start.ready", { ready: m.ready ?? 0, going: m.going }));
      if (session.blocks.length > 1) {
        const blocks = session.blocks.map((b) => `${formatTimecode(b.filmStartMs)}–${formatTimecode(b.filmEndMs)}`).join(", ");
        lines.push(t("watch.start.blocks", { blocks }));
      }
      break;
    }
    case "checkpoint": {
      const offset = m.moment.filmOffsetMs ?? 0;
      lines.push(t("watch.checkpoint", { timecode: formatTimecode(offset) }), progressLine(t, session.filmMs > 0 ? offset / session.filmMs : 0));
      break;
    }
    case "intermission-start": {
      const back = m.at + (m.moment.durationMs ?? 0);
      lines.push(t("watch.intermission.start", { timecode: formatTimecode(m.moment.filmOffsetMs ?? 0), time: discordTimestamp(back, "T"), relative: discordTimestamp(back, "R") }));
      lines.push(progressLine(t, session.filmMs > 0 ? (m.moment.filmOffsetMs ?? 0) / session.filmMs : 0));
      break;
    }
    case "intermission-end":
      lines.push(t("watch.intermission.end", { timecode: formatTimecode(m.moment.filmOffsetMs ?? 0) }));
      break;
    case "end":
      lines.push(m.endedEarlyAt !== undefined ? t("watch.end.early", { part, timecode: formatTimecode(m.endedEarlyAt) }) : t("watch.end", { part }));
      lines.push(progressLine(t, m.endedEarlyAt !== undefined && session.filmMs > 0 ? m.endedEarlyAt / session.filmMs : 1));
      if (m.next) lines.push(t("watch.end.next", { part: partName(v, m.next.partId), ...ts(m.next.startsAt) }));
      break;
    case "discussion": {
      lines.push(t("watch.discussion", { part }));
      const prompts = v.kb.part(m.moment.part)?.discussion ?? [];
      prompts.forEach((p, i) => lines.push(`${i + 1}. ${p[v.locale]}`));
      break;
    }
    case "break": {
      const key = m.moment.breakKind === "meal" ? "watch.break.meal" : "watch.break.short";
      const nextStart = m.next?.startsAt ?? m.at + (m.moment.durationMs ?? 0);
      lines.push(t(key, { minutes: minutes(m.moment.durationMs ?? 0), part: m.next ? partName(v, m.next.partId) : part, ...ts(nextStart) }));
      break;
    }
  }
  return { embeds: [embed(v, m.moment.part, m.sessionId, lines, m.late)], components };
}

/** The "we are back" status that replaces missed posts. */
export function catchUpMessage(v: WatchView, input: { sessionId: string; partId: string; phase: "watching" | "intermission" | "break" | "ended"; filmOffsetMs: number; filmMs: number }): WatchMessage {
  const { t } = v;
  const part = partName(v, input.partId);
  const timecode = formatTimecode(input.filmOffsetMs);
  const line =
    input.phase === "intermission"
      ? t("watch.catchUp.intermission", { part, timecode })
      : input.phase === "break"
        ? t("watch.catchUp.break", { part })
        : input.phase === "ended"
          ? t("watch.catchUp.ended", { part })
          : t("watch.catchUp", { part, timecode });
  const lines = [line];
  if (input.phase === "watching" || input.phase === "intermission") lines.push(progressLine(t, input.filmMs > 0 ? input.filmOffsetMs / input.filmMs : 0));
  return { embeds: [embed(v, input.partId, input.sessionId, lines, false)], components: [] };
}

export function threadName(v: WatchView, partId: string, startsAt: number, zone: string): string {
  return truncate(v.t("watch.thread.name", { part: partName(v, partId), date: formatWallClock(startsAt, zone).slice(0, 10) }), 100);
}

// ---------------------------------------------------------------------------------------------------
// Status, whereami, list

const PHASE_KEYS: Record<SessionPhase | "cancelled", MessageKey> = {
  before: "watch.phase.before",
  watching: "watch.phase.watching",
  intermission: "watch.phase.intermission",
  paused: "watch.phase.paused",
  ended: "watch.phase.ended",
  cancelled: "watch.phase.cancelled",
};

export function momentLabel(t: Translator, m: Moment): string {
  if (m.kind === "checkpoint") return t("watch.kind.checkpoint", { timecode: formatTimecode(m.filmOffsetMs ?? 0) });
  return t(`watch.kind.${m.kind}` as MessageKey);
}

function phaseOf(s: StatusResult): SessionPhase | "cancelled" {
  if (s.session.status === "cancelled") return "cancelled";
  if (s.session.status === "ended") return "ended";
  return s.position.phase;
}

export function statusMessage(v: WatchView, s: StatusResult): WatchMessage {
  const { t } = v;
  const part = partName(v, s.session.partId);
  const filmMs = s.state.session.filmMs;
  const fields = [
    {
      name: t("watch.status.where"),
      value: `${t("watch.status.position", { timecode: formatTimecode(s.position.filmOffsetMs), total: formatTimecode(filmMs) })}\n${progressLine(t, s.position.progress)}`,
    },
    { name: t("watch.status.starts"), value: `${discordTimestamp(s.startsAt, "F")} (${discordTimestamp(s.startsAt, "R")})`, inline: true },
    { name: t("watch.status.ends"), value: `${discordTimestamp(s.endsAt, "F")} (${discordTimestamp(s.endsAt, "R")})`, inline: true },
    {
      name: t("watch.status.next"),
      value: s.next ? t("watch.status.nextValue", { what: momentLabel(t, s.next.moment), at: discordTimestamp(s.next.at, "T"), relative: discordTimestamp(s.next.at, "R") }) : t("watch.status.none"),
    },
    { name: t("watch.status.rsvps"), value: `${t("watch.announce.counts", { going: s.counts.going, maybe: s.counts.maybe, no: s.counts.no })}\n${t("watch.status.ready", { ready: s.ready })}` },
  ];
  return {
    embeds: [
      {
        title: truncate(`${partyTitle(t, s.session.title)} · ${t("watch.status.title", { part, phase: t(PHASE_KEYS[phaseOf(s)]) })}`, LIMITS.title),
        color: partColour(v, s.session.partId),
        fields,
        footer: watchFooter(t, s.session.id),
      },
    ],
    components: [],
  };
}

export function whereamiText(v: WatchView, s: StatusResult): string {
  const { t } = v;
  const part = partName(v, s.session.partId);
  const timecode = formatTimecode(s.position.filmOffsetMs);
  switch (phaseOf(s)) {
    case "before":
      return t("watch.whereami.before", { part, ...ts(s.startsAt) });
    case "intermission":
      return t("watch.whereami.intermission", { timecode, relative: discordTimestamp(s.position.intermissionEndsAt ?? s.endsAt, "R") });
    case "paused":
      return t("watch.whereami.paused", { part, timecode });
    case "ended":
    case "cancelled":
      return t("watch.whereami.ended", { part });
    case "watching":
      return t("watch.whereami", { part, timecode, bar: progressLine(t, s.position.progress) });
  }
}

export function listMessage(v: WatchView, sessions: readonly ListedSession[]): WatchMessage {
  const { t } = v;
  if (sessions.length === 0) return { content: t("watch.list.empty"), embeds: [], components: [] };
  const lines = sessions.map((s) =>
    t("watch.list.line", {
      id: s.session.id,
      part: partName(v, s.session.partId),
      ...ts(s.startsAt),
      channel: s.session.channelId,
      status: t(PHASE_KEYS[s.session.status === "paused" ? "paused" : s.session.status === "running" ? "watching" : "before"]),
    }),
  );
  return { embeds: [{ title: t("watch.list.title"), color: FILM_COLOUR, fields: listFields(t("watch.list.title"), "\u200b", lines), footer: footer(t, t("watch.list.title")) }], components: [] };
}

export function cancelConfirmMessage(v: WatchView, input: { sessionId: string; title: string | null; count: number }): WatchMessage {
  const { t } = v;
  return {
    content: t("watch.cancel.confirm", { title: partyTitle(t, input.title), count: input.count }),
    embeds: [],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Danger, custom_id: cancelButtonId(input.sessionId, "yes"), label: t("watch.cancel.yes") },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: cancelButtonId(input.sessionId, "no"), label: t("watch.cancel.no") },
        ],
      },
    ],
  };
}
