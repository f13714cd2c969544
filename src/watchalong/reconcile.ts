/**
 * At start: compare the Discord Scheduled Events of upcoming parties with what the store says, because
 * members with Manage Events may have changed them by hand while the bot was down.
 * - event deleted (or cancelled in Discord) → that session is cancelled (its jobs too), the announcement
 *   marks it cancelled and the host is told;
 * - event start moved by a minute or more → the session follows: all its moments shift by the same amount
 *   (in a marathon the later sessions too, and their events are re-timed), jobs re-planned, the announcement
 *   shows the new times, host told.
 * Sessions already running keep running; a deleted event only detaches them. Errors from Discord are
 * reported, never thrown: reconciliation must not stop the bot from starting.
 */
import { GuildScheduledEventStatus } from "discord-api-types/v10";
import type { Announcer } from "../announcer.js";
import { partName, partyTitle } from "../discord/views/watchparty.js";
import { translator } from "../i18n/index.js";
import type { KnowledgeBase } from "../knowledge/base.js";
import type { Logger } from "../log.js";
import type { NewJob, Store } from "../store/index.js";
import { postHostNotice } from "./runner.js";
import {
  closeSeriesIfDone,
  refreshAnnouncements,
  sessionJobPrefix,
  sessionWindow,
  shiftSessions,
  syncAfterShift,
  updateSessionState,
  type SessionState,
  type StoredSession,
} from "./service.js";
import { MINUTE, discordTimestamp } from "./time.js";

export interface ReconcileDeps {
  store: Store;
  announcer: Announcer;
  knowledge: KnowledgeBase;
  logger: Logger;
  /** The scheduler's enqueue; `store.jobs.enqueue` by default. */
  enqueue?: (job: NewJob) => Promise<{ id: string; created: boolean }>;
}

export interface ReconcileReport {
  checked: number;
  cancelled: { sessionId: string; eventId: string }[];
  moved: { sessionId: string; from: number; to: number }[];
  /** Running sessions whose event is gone: kept running, event forgotten. */
  detached: string[];
  errors: { sessionId: string; error: string }[];
}

/** Differences smaller than this are rounding, not a move. */
const MOVE_THRESHOLD_MS = MINUTE;

export async function reconcileScheduledEvents(deps: ReconcileDeps, now: number): Promise<ReconcileReport> {
  const { store, announcer } = deps;
  const enqueue = deps.enqueue ?? ((job: NewJob) => store.jobs.enqueue(job));
  const log = deps.logger.child({ module: "watchalong-reconcile" });
  const report: ReconcileReport = { checked: 0, cancelled: [], moved: [], detached: [], errors: [] };
  const sessions = ((await store.sessions.listLiveWithEvents()) as StoredSession[]).filter((s) => s.plan !== null);
  for (const session of sessions) {
    const eventId = session.scheduledEventId;
    if (!eventId) continue;
    report.checked++;
    let event: Awaited<ReturnType<Announcer["getEvent"]>>;
    try {
      event = await announcer.getEvent(session.guildId, eventId);
    } catch (error) {
      report.errors.push({ sessionId: session.id, error: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const state = session.plan!;
    const t = translator(state.locale);
    const v = { t, locale: state.locale, kb: deps.knowledge };
    const title = partyTitle(t, session.title);
    const part = partName(v, session.partId);

    if (!event || event.status === GuildScheduledEventStatus.Canceled) {
      if (session.status !== "scheduled") {
        await updateSessionState(store, session.id, () => ({ scheduledEventId: null }));
        report.detached.push(session.id);
        continue;
      }
      const cancelled = await store.sessions.update<SessionState>(session.id, { status: "cancelled", scheduledEventId: null }, { expectStatus: "scheduled" });
      if (!cancelled) continue;
      await store.jobs.cancelWhere(session.guildId, { dedupeKeyPrefix: sessionJobPrefix(session.id) });
      if (session.seriesId) await closeSeriesIfDone(store, session.seriesId);
      report.cancelled.push({ sessionId: session.id, eventId });
      await refreshAnnouncements(enqueue, [session], now);
      log.info({ guildId: session.guildId, sessionId: session.id, eventId }, "watch party session cancelled: its Scheduled Event was deleted");
      await postHostNotice(deps, session, "watch.notice.eventDeleted", { title, part }, `watch:${session.id}:event-deleted`, { fallbackToPartyChannel: true });
      continue;
    }

    if (session.status !== "scheduled") continue;
    const want = Date.parse(event.scheduledStartTime);
    const have = sessionWindow(state).startsAt;
    if (!Number.isFinite(want) || Math.abs(want - have) < MOVE_THRESHOLD_MS) continue;
    const by = want - have;
    const changed = await shiftSessions(store, enqueue, session, { from: Number.MIN_SAFE_INTEGER, by }, now, (s) => ({ ...s, delayMs: s.delayMs + by }));
    // The announcement shows the new times; the events are re-timed (later sessions of a marathon; for the
    // moved one, its end follows its start).
    await syncAfterShift(enqueue, changed, now);
    report.moved.push({ sessionId: session.id, from: have, to: want });
    log.info({ guildId: session.guildId, sessionId: session.id, from: have, to: want }, "watch party session moved with its Scheduled Event");
    await postHostNotice(
      deps,
      session,
      "watch.notice.eventMoved",
      { title, part, at: discordTimestamp(want, "F"), relative: discordTimestamp(want, "R") },
      `watch:${session.id}:event-moved:${want}`,
      { fallbackToPartyChannel: true },
    );
  }
  return report;
}
