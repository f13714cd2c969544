/**
 * What happens when a watch-party job is due: the scheduler (src/scheduler) claims the job and calls one
 * of these handlers; the handler reads the session's stored state, decides, posts through the Announcer
 * and returns an outcome. No timers here, no discord.js.
 *
 * `watch:moment` (one job per planned moment):
 * - already handled, cancelled, or (after the host ended it) not the end → done, nothing posted;
 * - behind an open pause → reschedule (resume re-plans the jobs anyway); earlier than its effective time
 *   (a shift moved it) → reschedule to that time;
 * - due: `catchUp` over the session's due moments decides: post it (flagged late when more than
 *   `lateNoteMs` late), drop it (stale reminder, superseded), or post one "we are back" status that
 *   replaces every missed post. State changes of dropped or replaced moments still happen (a start sets
 *   the session running and the Scheduled Event ACTIVE; an end completes them and records the watch).
 * Where posts go: reminders, get-ready and breaks in the party's channel; the get-ready post opens the
 * part's discussion thread (or the start does), and everything from the start on goes there.
 * Mentions: reminders and the get-ready call ping only the party's ping role, or else the members who
 * said Going (explicit `allowed_mentions`, at most 80 users a message); everything else pings nobody.
 * Idempotency: each post's key is the moment's dedupe key (`watch:<session>:<moment>`), stable across
 * restarts and re-planning, which the announcer turns into the message nonce; a moment is marked handled
 * in the session's state right after it is posted.
 *
 * Failures: unknown channel → the party is cancelled and the host told (in the club's announcement
 * channel when it is another one; otherwise logged), done; missing access → retried a few times, then
 * failed (pass `notifyHostOfFailure` as the scheduler's onFailed); transient → retried.
 */
import { GuildScheduledEventEntityType, GuildScheduledEventPrivacyLevel, GuildScheduledEventStatus } from "discord-api-types/v10";
import { AnnounceError, type Announcer, type OutgoingMessage } from "../announcer.js";
import {
  announcementMessage,
  catchUpMessage,
  momentMessage,
  partName,
  partyTitle,
  threadName,
  type WatchMessage,
  type WatchView,
} from "../discord/views/watchparty.js";
import { NO_MENTIONS } from "../discord/limits.js";
import { translator, type Locale, type MessageKey, type MessageParams } from "../i18n/index.js";
import type { KnowledgeBase } from "../knowledge/base.js";
import type { Logger } from "../log.js";
import type { JobContext, JobHandler, JobOutcome } from "../scheduler/types.js";
import type { Job, Store } from "../store/index.js";
import type { Clock } from "./clock.js";
import type { Moment } from "./plan.js";
import {
  JOB_ANNOUNCE,
  JOB_DRAFT,
  JOB_EVENT,
  JOB_MOMENT,
  JOB_NOTICE,
  cancelSeries,
  closeSeriesIfDone,
  effectiveAt,
  isLive,
  markPosted,
  momentDedupeKey,
  openPause,
  seriesIdOf,
  seriesSessions,
  sessionWindow,
  updateSessionState,
  type AnnouncePayload,
  type EventPayload,
  type MomentPayload,
  type NoticePayload,
  type SessionState,
  type StoredSession,
} from "./service.js";
import { MINUTE } from "./time.js";
import { DEFAULT_GRACE_MS, catchUp } from "./timeline.js";

export interface WatchRunnerDeps {
  store: Store;
  knowledge: KnowledgeBase;
  clock: Clock;
  logger: Logger;
  announcer: Announcer;
  /** Called once when a part's end is posted (e.g. trivia's `startRoundAfterPart`). Errors are logged. */
  onPartWatched?: (guildId: string, channelId: string, partId: string) => Promise<void>;
  /** Catch-up grace (default 5 virtual minutes). */
  graceMs?: number;
  /** Posts later than this say they are late (default 3 virtual minutes: a sped-up tick is not "late"). */
  lateNoteMs?: number;
}

/** Missing access is retried this many times (attempts), then the job fails. */
export const MISSING_ACCESS_ATTEMPTS = 3;
export const RETRY_AFTER_MS = MINUTE;
/** A moment behind an open pause parks this long (resume re-plans it before then). */
export const PARK_MS = 60 * MINUTE;
/** How long a post that follows the end waits for the end to be posted first. */
export const ORDER_WAIT_MS = MINUTE;
/** Users mentioned per message (Discord allows 100; 80 mentions also fit in 2000 characters). */
export const MENTIONS_PER_MESSAGE = 80;

function viewFor(knowledge: KnowledgeBase, locale: Locale): WatchView {
  return { t: translator(locale), locale, kb: knowledge };
}

function toOutgoing(message: WatchMessage, extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    ...(message.content !== undefined ? { content: message.content } : {}),
    embeds: message.embeds,
    components: message.components,
    allowed_mentions: NO_MENTIONS,
    ...extra,
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class ChannelGone extends Error {}

/** Splits ids into chunks of `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Where the club wants notices for hosts: its announcement channel when that is not the party's own. */
async function hostNoticeChannel(store: Store, guildId: string, partyChannelId: string): Promise<string | null> {
  const club = await store.settings.get(guildId);
  return club.announceChannelId && club.announceChannelId !== partyChannelId ? club.announceChannelId : null;
}

/**
 * Tells a party's host something (their mention pings only them): in the club's announcement channel when
 * that is another channel, else in the party's channel when `fallbackToPartyChannel`, else only logged.
 */
export async function postHostNotice(
  deps: Pick<WatchRunnerDeps, "store" | "announcer" | "logger">,
  session: StoredSession,
  key: MessageKey,
  params: MessageParams,
  idempotencyKey: string,
  opts: { fallbackToPartyChannel?: boolean } = {},
): Promise<void> {
  const target = (await hostNoticeChannel(deps.store, session.guildId, session.channelId)) ?? (opts.fallbackToPartyChannel ? session.channelId : null);
  const t = translator(session.plan?.locale ?? "en");
  const text = t(key, { host: session.createdBy, ...params });
  if (!target) {
    deps.logger.warn({ guildId: session.guildId, sessionId: session.id, notice: key }, "watch party: no other channel to tell the host in");
    return;
  }
  try {
    await deps.announcer.send(target, { content: text, allowed_mentions: { users: [session.createdBy] } }, idempotencyKey);
  } catch (error) {
    deps.logger.warn({ err: error, guildId: session.guildId, sessionId: session.id, notice: key }, "watch party: could not tell the host");
  }
}

function eventTimes(state: SessionState): { scheduled_start_time: string; scheduled_end_time: string } {
  const w = sessionWindow(state);
  return { scheduled_start_time: new Date(w.startsAt).toISOString(), scheduled_end_time: new Date(Math.max(w.endsAt, w.startsAt + MINUTE)).toISOString() };
}

/**
 * For the scheduler's `onFailed`: tells the host (in the club's announcement channel when set and not
 * the party's own, else in the party's channel) that a watch-party job gave up. Never throws.
 */
export async function notifyHostOfFailure(
  deps: Pick<WatchRunnerDeps, "store" | "announcer" | "logger">,
  job: Job,
  error: string,
): Promise<void> {
  try {
    if (!job.kind.startsWith("watch:") || job.kind === JOB_DRAFT) return;
    const payload = (job.payload ?? {}) as Partial<MomentPayload & AnnouncePayload>;
    let session: StoredSession | null = null;
    if (payload.sessionId) session = (await deps.store.sessions.get<SessionState>(payload.sessionId));
    else if (payload.seriesId) session = (await seriesSessions(deps.store, payload.seriesId))[0] ?? null;
    if (!session || !session.plan) return;
    const t = translator(session.plan.locale);
    const reason = /access|permission|50001|50013/i.test(error) ? t("watch.notice.reason.access") : t("watch.notice.reason.other");
    await postHostNotice(deps, session, "watch.notice.failed", { title: partyTitle(t, session.title), channel: session.channelId, reason }, `watch:failed:${job.id}`, {
      fallbackToPartyChannel: true,
    });
  } catch (e) {
    deps.logger.warn({ err: e, jobId: job.id }, "watch party: could not report a failed job");
  }
}

/** The scheduler's handlers for every watch-party job kind. */
export function watchJobHandlers(deps: WatchRunnerDeps): JobHandler[] {
  const { store, knowledge, announcer } = deps;
  const log = deps.logger.child({ module: "watchalong-runner" });
  const graceMs = deps.graceMs ?? DEFAULT_GRACE_MS;
  const lateNoteMs = deps.lateNoteMs ?? 3 * MINUTE;

  async function getSession(id: string): Promise<StoredSession | null> {
    const s = (await store.sessions.get<SessionState>(id));
    return s && s.plan ? s : null;
  }

  // -------------------------------------------------------------------------------------------------
  // Posting

  /** The part's thread, opened now if it is not yet; the channel itself when threads are not allowed. */
  async function ensureThread(session: StoredSession, onMessageId: string | null): Promise<string> {
    if (session.threadId) return session.threadId;
    const state = session.plan!;
    const name = threadName(viewFor(knowledge, state.locale), session.partId, sessionWindow(state).startsAt, state.zone);
    let threadId: string;
    try {
      threadId = (await announcer.startThread(session.channelId, onMessageId, name)).threadId;
    } catch (error) {
      if (error instanceof AnnounceError && error.kind === "unknown-channel") throw new ChannelGone(error.message);
      if (!(error instanceof AnnounceError && error.kind === "missing-access")) throw error;
      log.info({ sessionId: session.id }, "watch party: cannot open a thread, posting in the channel");
      threadId = session.channelId;
    }
    await updateSessionState(store, session.id, () => ({ threadId }));
    session.threadId = threadId;
    return threadId;
  }

  async function sendTo(channelId: string, message: OutgoingMessage, key: string): Promise<string> {
    try {
      return (await announcer.send(channelId, message, key)).messageId;
    } catch (error) {
      if (error instanceof AnnounceError && error.kind === "unknown-channel") throw new ChannelGone(error.message);
      throw error;
    }
  }

  /** Posts in the part's thread; if the thread is gone, in the channel (and forgets the thread). */
  async function sendInThread(session: StoredSession, message: OutgoingMessage, key: string): Promise<string> {
    const threadId = await ensureThread(session, null);
    if (threadId === session.channelId) return sendTo(session.channelId, message, key);
    try {
      return (await announcer.send(threadId, message, key)).messageId;
    } catch (error) {
      if (!(error instanceof AnnounceError && error.kind === "unknown-channel")) throw error;
      log.info({ sessionId: session.id, threadId }, "watch party: the thread is gone, posting in the channel");
      await updateSessionState(store, session.id, () => ({ threadId: session.channelId }));
      session.threadId = session.channelId;
      return sendTo(session.channelId, message, key);
    }
  }

  /** Reminder / get-ready audience: the ping role, or the members who said Going. */
  async function audience(session: StoredSession): Promise<{ role: string } | { users: string[] } | null> {
    const state = session.plan!;
    if (state.pingRoleId) return { role: state.pingRoleId };
    const going = (await store.rsvps.listRsvps(session.id)).filter((r) => r.status === "going").map((r) => r.userId);
    return going.length > 0 ? { users: going } : null;
  }

  /** Sends with pings for the audience: the message with the first chunk of mentions, then the rest. */
  async function sendWithPings(session: StoredSession, message: WatchMessage, key: string): Promise<string> {
    const who = await audience(session);
    if (!who) return sendTo(session.channelId, toOutgoing(message), key);
    if ("role" in who) {
      return sendTo(session.channelId, toOutgoing(message, { content: `<@&${who.role}>`, allowed_mentions: { roles: [who.role] } }), key);
    }
    const chunks = chunk(who.users, MENTIONS_PER_MESSAGE);
    const mention = (ids: string[]) => ids.map((id) => `<@${id}>`).join(" ");
    const first = await sendTo(session.channelId, toOutgoing(message, { content: mention(chunks[0]!), allowed_mentions: { users: chunks[0]! } }), key);
    for (let i = 1; i < chunks.length; i++) {
      await sendTo(session.channelId, { content: mention(chunks[i]!), allowed_mentions: { users: chunks[i]! } }, `${key}:${i}`);
    }
    return first;
  }

  // -------------------------------------------------------------------------------------------------
  // State changes of moments (also when a moment is dropped or replaced by a catch-up status)

  async function setEventStatus(session: StoredSession, status: number): Promise<void> {
    if (!session.scheduledEventId) return;
    try {
      await announcer.updateEvent(session.guildId, session.scheduledEventId, { status });
    } catch (error) {
      log.info({ err: error, sessionId: session.id, status }, "watch party: could not update the Scheduled Event");
      if (error instanceof AnnounceError && error.kind === "unknown-event") await updateSessionState(store, session.id, () => ({ scheduledEventId: null }));
    }
  }

  async function applyStart(session: StoredSession): Promise<void> {
    const started = await store.sessions.update<SessionState>(session.id, { status: "running" }, { expectStatus: "scheduled" });
    if (started) {
      session.status = "running";
      await setEventStatus(session, GuildScheduledEventStatus.Active);
      await refreshAnnouncement(session.seriesId);
    }
  }

  async function applyEnd(session: StoredSession, now: number, announce: boolean): Promise<void> {
    if (session.status === "scheduled") await applyStart(session);
    const ended = await store.sessions.update<SessionState>(session.id, { status: "ended", pausedAt: null }, { expectStatus: ["scheduled", "running", "paused"] });
    if (!ended) return;
    session.status = "ended";
    await setEventStatus(session, GuildScheduledEventStatus.Completed);
    await store.progress.markWatched(session.guildId, session.partId, now, session.id);
    if (session.seriesId) await closeSeriesIfDone(store, session.seriesId);
    await refreshAnnouncement(session.seriesId);
    log.info({ guildId: session.guildId, sessionId: session.id, partId: session.partId }, "watch party part ended");
    if (announce && deps.onPartWatched) {
      try {
        await deps.onPartWatched(session.guildId, session.channelId, session.partId);
      } catch (error) {
        log.warn({ err: error, sessionId: session.id }, "watch party: onPartWatched failed");
      }
    }
  }

  async function applyEffects(session: StoredSession, moment: Moment, now: number, announce: boolean): Promise<void> {
    if (moment.kind === "start") await applyStart(session);
    else if (moment.kind === "end") await applyEnd(session, now, announce);
  }

  // -------------------------------------------------------------------------------------------------
  // The announcement

  async function refreshAnnouncement(seriesId: string | null): Promise<void> {
    if (!seriesId) return;
    try {
      const sessions = await seriesSessions(store, seriesId);
      const first = sessions[0];
      const ann = first?.plan?.announcement;
      if (!first || !ann) return;
      await announcer.edit(ann.channelId, ann.messageId, toOutgoing(await renderAnnouncement(seriesId, sessions)));
    } catch (error) {
      log.info({ err: error, seriesId }, "watch party: could not refresh the announcement");
    }
  }

  async function renderAnnouncement(seriesId: string, sessions: StoredSession[]): Promise<WatchMessage> {
    const first = sessions[0]!;
    const state = first.plan!;
    const summaries = await Promise.all(
      sessions.map(async (s) => ({ session: s, state: s.plan!, ...sessionWindow(s.plan!), counts: await store.rsvps.counts({ sessionId: s.id }) })),
    );
    return announcementMessage(viewFor(knowledge, state.locale), {
      seriesId,
      title: first.title,
      hostId: first.createdBy,
      channelId: first.channelId,
      voiceChannelId: state.voiceChannelId,
      sessions: summaries,
    });
  }

  // -------------------------------------------------------------------------------------------------
  // Channel gone: cancel the party, tell the host

  async function channelGone(session: StoredSession): Promise<void> {
    const seriesId = seriesIdOf(session);
    const cancelled = await cancelSeries(store, seriesId);
    for (const s of cancelled) await cancelEvent(s);
    const t = translator(session.plan!.locale);
    const title = partyTitle(t, session.title);
    log.warn({ guildId: session.guildId, seriesId, channelId: session.channelId }, "watch party cancelled: its channel is gone");
    await postHostNotice(deps, session, "watch.notice.channelGone", { title }, `watch:${seriesId}:channel-gone`);
  }

  async function cancelEvent(session: StoredSession): Promise<void> {
    if (!session.scheduledEventId) return;
    try {
      await announcer.updateEvent(session.guildId, session.scheduledEventId, { status: session.status === "scheduled" ? GuildScheduledEventStatus.Canceled : GuildScheduledEventStatus.Completed });
    } catch {
      await announcer.deleteEvent(session.guildId, session.scheduledEventId).catch(() => undefined);
    }
  }

  /** The outcome for an error while working on a session. */
  async function onError(error: unknown, session: StoredSession | null, ctx: JobContext): Promise<JobOutcome> {
    if (error instanceof ChannelGone) {
      if (session) await channelGone(session);
      return { type: "done" };
    }
    if (error instanceof AnnounceError) {
      if (error.kind === "missing-access") {
        return ctx.attempt < MISSING_ACCESS_ATTEMPTS ? { type: "retry", error: error.message, at: ctx.now + RETRY_AFTER_MS } : { type: "fail", error: `missing-access: ${error.message}` };
      }
      return { type: "retry", error: `${error.kind}: ${error.message}`, at: ctx.now + RETRY_AFTER_MS / 2 };
    }
    throw error;
  }

  // -------------------------------------------------------------------------------------------------
  // watch:moment

  async function nextSession(session: StoredSession): Promise<{ partId: string; startsAt: number } | undefined> {
    if (!session.seriesId) return undefined;
    const next = (await seriesSessions(store, session.seriesId)).find((s) => s.plan!.index === session.plan!.index + 1 && isLive(s));
    return next ? { partId: next.partId, startsAt: sessionWindow(next.plan!).startsAt } : undefined;
  }

  async function deliver(session: StoredSession, moment: Moment, at: number, late: boolean): Promise<void> {
    const state = session.plan!;
    const v = viewFor(knowledge, state.locale);
    const key = momentDedupeKey(session.id, moment.key);
    const base = { moment, at, state, sessionId: session.id, title: session.title, late };
    switch (moment.kind) {
      case "reminder":
        await sendWithPings(session, momentMessage(v, base), key);
        return;
      case "get-ready": {
        const messageId = await sendWithPings(session, momentMessage(v, base), key);
        await ensureThread(session, messageId);
        return;
      }
      case "break":
        await sendTo(session.channelId, toOutgoing(momentMessage(v, { ...base, ...(await nextOf(session)) })), key);
        return;
      case "start": {
        await applyStart(session);
        const rsvps = await store.rsvps.listRsvps(session.id);
        const going = rsvps.filter((r) => r.status === "going").length;
        const ready = rsvps.filter((r) => r.readyAt !== null && r.status !== "no").length;
        await sendInThread(session, toOutgoing(momentMessage(v, { ...base, ready, going })), key);
        return;
      }
      case "end": {
        const early = state.endedEarlyAt !== null ? { endedEarlyAt: positionAt(state, state.endedEarlyAt) } : {};
        await sendInThread(session, toOutgoing(momentMessage(v, { ...base, ...early, ...(await nextOf(session)) })), key);
        return;
      }
      default:
        await sendInThread(session, toOutgoing(momentMessage(v, base)), key);
    }
  }

  async function nextOf(session: StoredSession): Promise<{ next?: { partId: string; startsAt: number } }> {
    const next = await nextSession(session);
    return next ? { next } : {};
  }

  /** The film position at `at` (for an early end). */
  function positionAt(state: SessionState, at: number): number {
    const offsets = state.moments.filter((m) => m.filmOffsetMs !== undefined && effectiveAt(state, m.at) <= at);
    const last = offsets[offsets.length - 1];
    if (!last) return 0;
    const since = at - effectiveAt(state, last.at);
    const playing = last.kind === "start" || last.kind === "checkpoint" || last.kind === "intermission-end";
    return Math.min(state.session.filmMs, (last.filmOffsetMs ?? 0) + (playing ? since : 0));
  }

  async function runMoment(job: Job<MomentPayload>, ctx: JobContext): Promise<JobOutcome> {
    const session = await getSession(job.payload.sessionId);
    if (!session) return { type: "done" };
    const state = session.plan!;
    const moment = state.moments.find((m) => m.key === job.payload.key);
    if (!moment || session.status === "cancelled" || state.posted.includes(moment.key)) return { type: "done" };
    const finalKinds = moment.kind === "end" || moment.kind === "discussion";
    // After the end only what follows it is still posted: the discussion and a marathon's break.
    if (session.status === "ended" && !finalKinds && moment.kind !== "break") return { type: "done" };

    const at = state.endedEarlyAt !== null && finalKinds ? state.endedEarlyAt : effectiveAt(state, moment.at);
    const pause = openPause(state);
    if (pause && at >= pause.at && state.endedEarlyAt === null) return { type: "reschedule", at: ctx.now + PARK_MS };
    if (at > ctx.now) return { type: "reschedule", at };
    // The scheduler runs jobs side by side: what follows the end waits a moment for the end's own post.
    const end = state.moments.find((m) => m.kind === "end");
    if ((moment.kind === "discussion" || moment.kind === "break") && end && !state.posted.includes(end.key) && ctx.now - at < ORDER_WAIT_MS) {
      return { type: "reschedule", at: ctx.now + 1_000 };
    }

    // Which of the session's missed moments to post, drop, or replace with one status.
    const due = state.moments
      .filter((m) => !state.posted.includes(m.key))
      .filter((m) => (state.endedEarlyAt !== null ? m.kind === "end" || m.kind === "discussion" : true))
      .map((m) => ({ ...m, at: state.endedEarlyAt !== null ? state.endedEarlyAt : effectiveAt(state, m.at) }))
      .filter((m) => m.at <= ctx.now && !(pause && m.at >= pause.at));
    const plan = catchUp(due, ctx.now, graceMs);
    const log2 = log.child({ guildId: session.guildId, sessionId: session.id, moment: moment.key });
    try {
      if (plan.drop.some((m) => m.key === moment.key)) {
        await applyEffects(session, moment, ctx.now, false);
        await markPosted(store, session.id, [moment.key]);
        log2.info({ lateMs: ctx.now - at }, "watch party moment dropped (stale)");
        return { type: "done" };
      }
      const post = plan.post.find((m) => m.key === moment.key);
      if (post) {
        await deliver(session, moment, at, post.lateMs > lateNoteMs);
        await applyEffects(session, moment, ctx.now, true);
        await markPosted(store, session.id, [moment.key]);
        log2.debug({ lateMs: post.lateMs }, "watch party moment posted");
        return { type: "done" };
      }
      const summary = plan.summary;
      if (summary && summary.replaces.some((m) => m.key === moment.key)) {
        const latest = summary.replaces[summary.replaces.length - 1]!;
        const message = catchUpMessage(viewFor(knowledge, state.locale), {
          sessionId: session.id,
          partId: session.partId,
          phase: summary.phase,
          filmOffsetMs: summary.filmOffsetMs,
          filmMs: state.session.filmMs,
        });
        const key = `watch:${session.id}:back:${latest.key}`;
        if (session.threadId || summary.replaces.some((m) => m.kind === "start")) await sendInThread(session, toOutgoing(message), key);
        else await sendTo(session.channelId, toOutgoing(message), key);
        for (const m of summary.replaces) await applyEffects(session, m, ctx.now, false);
        await markPosted(store, session.id, summary.replaces.map((m) => m.key));
        log2.info({ replaced: summary.replaces.length, filmOffsetMs: summary.filmOffsetMs }, "watch party caught up after downtime");
        return { type: "done" };
      }
      return { type: "done" };
    } catch (error) {
      return onError(error, session, ctx);
    }
  }

  // -------------------------------------------------------------------------------------------------
  // watch:announce, watch:event, watch:notice

  async function runAnnounce(job: Job<AnnouncePayload>, ctx: JobContext): Promise<JobOutcome> {
    if (job.payload.refresh) {
      await refreshAnnouncement(job.payload.seriesId);
      return { type: "done" };
    }
    const sessions = await seriesSessions(store, job.payload.seriesId);
    const first = sessions[0];
    if (!first || !sessions.some(isLive)) return { type: "done" };
    try {
      if (!first.plan!.announcement) {
        const messageId = await sendTo(first.channelId, toOutgoing(await renderAnnouncement(job.payload.seriesId, sessions)), `watch:${job.payload.seriesId}:announce`);
        for (const s of sessions) {
          await updateSessionState(store, s.id, (row) => ({ state: { ...row.plan!, announcement: { channelId: first.channelId, messageId } } }));
        }
      }
      for (const s of sessions) {
        const state = s.plan!;
        if (!state.createEvent || s.scheduledEventId || s.status !== "scheduled") continue;
        const v = viewFor(knowledge, state.locale);
        // An event name is plain text (no markdown to escape); the announcer clamps names and descriptions.
        const title = s.title ?? v.t("watch.announce.defaultTitle");
        const body = {
          name: `${title} · ${partName(v, s.partId)}`,
          privacy_level: GuildScheduledEventPrivacyLevel.GuildOnly,
          ...eventTimes(state),
          description: v.t("watch.event.description", { host: s.createdBy, channel: s.channelId }),
          ...(state.voiceChannelId
            ? { entity_type: GuildScheduledEventEntityType.Voice, channel_id: state.voiceChannelId }
            : { entity_type: GuildScheduledEventEntityType.External, entity_metadata: { location: `https://discord.com/channels/${s.guildId}/${s.channelId}` } }),
        } as Parameters<Announcer["createEvent"]>[1];
        try {
          const { eventId } = await announcer.createEvent(s.guildId, body);
          await updateSessionState(store, s.id, () => ({ scheduledEventId: eventId }));
        } catch (error) {
          if (!(error instanceof AnnounceError) || error.kind === "transient") throw error;
          log.info({ err: error, sessionId: s.id }, "watch party: no Scheduled Event (Discord refused)");
          await updateSessionState(store, s.id, (row) => ({ state: { ...row.plan!, createEvent: false } }));
        }
      }
      return { type: "done" };
    } catch (error) {
      return onError(error, first, ctx);
    }
  }

  /** After a shift: the session's Scheduled Event is re-timed (the announcement has its own refresh job). */
  async function runEvent(job: Job<EventPayload>, ctx: JobContext): Promise<JobOutcome> {
    const session = await getSession(job.payload.sessionId);
    if (!session || !isLive(session) || !session.scheduledEventId) return { type: "done" };
    try {
      const times = eventTimes(session.plan!);
      await announcer.updateEvent(session.guildId, session.scheduledEventId, session.status === "scheduled" ? times : { scheduled_end_time: times.scheduled_end_time });
      return { type: "done" };
    } catch (error) {
      if (error instanceof AnnounceError && error.kind === "unknown-event") {
        await updateSessionState(store, session.id, () => ({ scheduledEventId: null }));
        return { type: "done" };
      }
      if (error instanceof AnnounceError && ctx.attempt >= MISSING_ACCESS_ATTEMPTS) return { type: "done" };
      return { type: "retry", error: errorText(error), at: ctx.now + RETRY_AFTER_MS };
    }
  }

  async function runNotice(job: Job<NoticePayload>, _ctx: JobContext): Promise<JobOutcome> {
    const sessions = await seriesSessions(store, job.payload.seriesId);
    const first = sessions[0];
    if (!first) return { type: "done" };
    for (const s of sessions.filter((x) => job.payload.sessionIds.includes(x.id))) {
      const before = { ...s, status: s.plan!.posted.some((k) => k.endsWith(":start")) ? ("running" as const) : ("scheduled" as const) };
      await cancelEvent(before);
    }
    await refreshAnnouncement(job.payload.seriesId);
    const t = translator(first.plan!.locale);
    const title = partyTitle(t, first.title);
    const text = job.payload.by ? t("watch.notice.cancelled", { title, by: job.payload.by }) : t("watch.notice.cancelledPlain", { title });
    try {
      await announcer.send(first.channelId, { content: text, allowed_mentions: NO_MENTIONS }, `watch:${job.payload.seriesId}:notice:cancelled`);
    } catch (error) {
      log.info({ err: error, seriesId: job.payload.seriesId }, "watch party: could not post the cancellation");
    }
    return { type: "done" };
  }

  return [
    { kind: JOB_MOMENT, run: (job, ctx) => runMoment(job as Job<MomentPayload>, ctx) },
    { kind: JOB_ANNOUNCE, run: (job, ctx) => runAnnounce(job as Job<AnnouncePayload>, ctx) },
    { kind: JOB_EVENT, run: (job, ctx) => runEvent(job as Job<EventPayload>, ctx) },
    { kind: JOB_NOTICE, run: (job, ctx) => runNotice(job as Job<NoticePayload>, ctx) },
    // A previewed plan nobody confirmed: it simply expires.
    { kind: JOB_DRAFT, run: () => Promise.resolve({ type: "done" }) },
  ];
}
