/**
 * Trivia rounds in a channel: start, answer, close, reveal, next, standings, stop, schedules. Every step
 * is durable: the round row (src/store trivia_rounds) says where the round is, each member's answer is a
 * row (one per member per question, enforced by the database), and every future moment is a job.
 *
 * Round row, as this module uses it:
 *   currentIndex = i, questionStartedAt = null   question i is next; a `trivia:ask` job will post it
 *   currentIndex = i, questionStartedAt = t      question i is open until t + seconds
 *   questions < currentIndex                     closed (revealed, or being revealed)
 *   status ended                                 nothing is open; standings are final
 *
 * Jobs (dedupe keys make planning idempotent; `trivia:<roundId>:` prefixes everything of one round):
 *   trivia:ask        `trivia:<id>:ask:<i>`    posts question i (nonce = job id) and plans its close
 *   trivia:close      `trivia:<id>:close:<i>`  at the deadline: closes i, edits the reveal, plans i+1 or the end
 *                     `trivia:<id>:early:<i>`  the same, now: everybody who joined has answered (see below)
 *   trivia:end        `trivia:<id>:end`        posts the final standings once
 *   trivia:scheduled  `trivia:sched:<channel>:<at>`  starts a scheduled round and plans the next occurrence
 *
 * Closing is a compare-and-set on (status running, currentIndex i), and recording an answer happens in a
 * transaction that first touches the row with the same condition: an answer either lands before the close
 * (and is in the reveal and the standings) or is refused as closed. Whoever loses the close race still
 * re-does the idempotent follow-ups (reveal edit, next job), so a crash between steps loses nothing.
 *
 * Points are computed when the answer is recorded (correctness, latency from the question's start, the
 * member's streak of right answers at the previous questions of this round) and credited to the club's
 * score periods in the same transaction; reveals and standings replay the stored answers through the
 * pure engine (./engine.ts), which gives the same numbers.
 *
 * Early close: joined = members who answered an earlier question of this round (plus anyone who answers
 * this one). A question closes before its deadline once at least two members have joined and every one
 * of them has answered it. The first question always runs its full time: nobody has joined yet, and the
 * first two quick answers must not close it on members still reading. (With one player, the round keeps
 * its full time too: a solo player should not be rushed by their own speed.)
 */
import { randomBytes } from "node:crypto";
import { AnnounceError, type Announcer, type OutgoingMessage } from "../announcer.js";
import {
  questionMessage,
  revealMessage,
  standingsMessage,
  startMessage,
  type LeaderboardPeriod,
  type QuestionView,
  type TriviaMessage,
} from "../discord/views/trivia.js";
import { FILM_COLOUR } from "../discord/views/common.js";
import { translator, type Locale, type MessageKey, type Translator } from "../i18n/index.js";
import type { KnowledgeBase } from "../knowledge/base.js";
import { PART_IDS, type Localized, type PartId } from "../knowledge/schema.js";
import type { Logger } from "../log.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import type { JobContext, JobHandler, JobOutcome } from "../scheduler/types.js";
import { ALL_TIME, seasonKey, weekKey, type Job, type MemberAnswer, type Store, type TriviaAnswer, type TriviaRound } from "../store/index.js";
import { nextCronOccurrences, validateCron, type CronErrorCode } from "../watchalong/cadence.js";
import type { Clock } from "../watchalong/clock.js";
import { isValidTimeZone, normalizeTimeZone } from "../watchalong/time.js";
import type { Difficulty, TriviaQuestion } from "./bank.js";
import { closeQuestion, createRound, MAX_SECONDS_PER_QUESTION, MIN_SECONDS_PER_QUESTION, standings, startQuestion, submitAnswer } from "./engine.js";
import type { Reveal, RoundState, Standing } from "./engine.js";
import { scoreAnswer, scoringRules } from "./scoring.js";
import { MAX_QUESTIONS, MIN_QUESTIONS, selectQuestions, type RoundQuestion, type Rng } from "./select.js";

export const JOB_ASK = "trivia:ask";
export const JOB_CLOSE = "trivia:close";
export const JOB_END = "trivia:end";
export const JOB_SCHEDULED = "trivia:scheduled";

export const DEFAULT_QUESTIONS = 5;
export const DEFAULT_SECONDS = 20;
/** After a round in a channel ends, the next may start this much later (stored: endedAt of the round). */
export const DEFAULT_COOLDOWN_MS = 30_000;
/** Between "round starting" and the first question, so members read the rules. */
export const DEFAULT_LEAD_MS = 5_000;
/** Between a reveal and the next question. */
export const DEFAULT_GAP_MS = 4_000;
/** A scheduled round that is this late (bot down) is skipped; the next occurrence is still planned. */
export const SCHEDULE_CATCH_UP_MS = 15 * 60_000;
/** Trivia schedules per guild. */
export const MAX_SCHEDULES = 10;
/** Minimum members who joined before a question may close early. */
export const EARLY_CLOSE_MIN_JOINED = 2;
/** Who "started" rounds nobody started by hand (after a part). */
export const SYSTEM_STARTER = "system";

export type RoundOrigin = "command" | "schedule" | "after-part";

/** What the round row's `settings` column holds. */
export interface RoundSettings {
  v: 1;
  /** Language of the channel messages. */
  locale: Locale;
  seconds: number;
  spoilers: boolean;
  part: PartId | null;
  difficulty: Difficulty | null;
  origin: RoundOrigin;
  /** `orders[i][k]` is the bank index of the option shown at position k of question i. */
  orders: number[][];
  /** The channel message of each question, once posted. */
  messages: (string | null)[];
  /** Highest question index whose reveal has been edited in (-1: none). */
  revealed: number;
  stoppedBy: string | null;
  /** Why the round ended early, if it did (a catalog key shown with the standings). */
  note: MessageKey | null;
}

export type TriviaRoundRow = TriviaRound<RoundSettings>;

export interface TriviaDeps {
  store: Store;
  announcer: Announcer;
  knowledge: KnowledgeBase;
  clock: Clock;
  logger: Logger;
  bank: readonly TriviaQuestion[];
  /**
   * The scheduler's enqueue: a job due before the next heartbeat (the first question, an early close) wakes
   * its precise timer instead of waiting for a tick.
   */
  enqueue: Scheduler["enqueue"];
  /** Randomness for question choice and option order (default: Math.random). */
  rng?: Rng;
  cooldownMs?: number;
  leadMs?: number;
  gapMs?: number;
}

export interface StartRoundInput {
  guildId: string;
  channelId: string;
  startedBy: string;
  /** Language of the channel messages; defaults to the club's language, or English when it follows each member. */
  locale?: Locale;
  questions?: number;
  seconds?: number;
  part?: PartId | null;
  difficulty?: Difficulty | null;
  spoilers?: boolean;
  origin?: RoundOrigin;
  /** Parts to count as watched in addition to the club's progress (the part that just ended). */
  alsoWatched?: readonly PartId[];
}

export type StartError =
  | { error: "bad-count"; min: number; max: number }
  | { error: "bad-seconds"; min: number; max: number }
  | { error: "running"; roundId: string }
  | { error: "cooldown"; until: number }
  | { error: "not-enough"; available: number; count: number };

export type StartResult = ({ ok: true; round: TriviaRoundRow; firstAt: number; message: TriviaMessage }) | ({ ok: false } & StartError);

export type AnswerOutcome = "locked-in" | "already-answered" | "time-up" | "not-current" | "round-over" | "unknown-round" | "invalid-choice";

export interface AnswerResult {
  outcome: AnswerOutcome;
  /** When the answer will be revealed (the question's deadline), for "locked-in". */
  revealAt?: number;
  /** Whether this answer completed the question for everyone who joined (an early close is planned). */
  closesEarly?: boolean;
}

export type StopResult =
  | { ok: true; round: TriviaRoundRow; standings: Standing[]; message: TriviaMessage }
  | { ok: false; error: "no-round" | "already-ended" };

export interface SchedulePayload {
  guildId: string;
  channelId: string;
  cron: string;
  timezone: string;
  questions: number;
  seconds: number;
  createdBy: string;
}

export type ScheduleError =
  | { error: CronErrorCode; value: string }
  | { error: "bad-zone"; value: string }
  | { error: "never"; value: string }
  | { error: "bad-count"; min: number; max: number }
  | { error: "bad-seconds"; min: number; max: number }
  | { error: "too-many"; max: number };

export type ScheduleResult =
  | { ok: true; next: number; payload: SchedulePayload; replaced: boolean; jobId: string }
  | ({ ok: false } & ScheduleError);

export interface ScheduledTrivia {
  jobId: string;
  dueAt: number;
  payload: SchedulePayload;
}

export interface TriviaService {
  now(): number;
  start(input: StartRoundInput): Promise<StartResult>;
  answer(input: { roundId: string; questionIndex: number; choice: number; userId: string }): Promise<AnswerResult>;
  /** Ends the channel's running round with the standings so far (permission checks are the caller's). */
  stop(input: { guildId: string; channelId: string; stoppedBy: string; locale?: Locale }): Promise<StopResult>;
  activeRound(guildId: string, channelId: string): Promise<TriviaRoundRow | null>;
  /** Standings of a round from its stored answers. */
  standings(roundId: string): Promise<{ round: TriviaRoundRow; standings: Standing[]; asked: number } | null>;
  periodKey(period: LeaderboardPeriod): string;
  schedule(input: SchedulePayload): Promise<ScheduleResult>;
  unschedule(guildId: string, channelId: string): Promise<number>;
  schedules(guildId: string): Promise<ScheduledTrivia[]>;
  startMessageFor(round: TriviaRoundRow, firstAt: number, locale?: Locale): TriviaMessage;
}

interface AskPayload {
  roundId: string;
  index: number;
}
interface ClosePayload {
  roundId: string;
  index: number;
  early?: boolean;
}
interface EndPayload {
  roundId: string;
}

const ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Short round ids (10 characters of [0-9a-z], ~51 bits) keep answer custom ids short. */
export function newRoundId(): string {
  const bytes = randomBytes(10);
  let out = "";
  for (const b of bytes) out += ID_ALPHABET[b % ID_ALPHABET.length];
  return out;
}

export function roundJobPrefix(roundId: string): string {
  return `trivia:${roundId}:`;
}

function scheduleKey(channelId: string, at: number): string {
  return `trivia:sched:${channelId}:${at}`;
}

function isAnnounceError(error: unknown, ...kinds: AnnounceError["kind"][]): error is AnnounceError {
  return error instanceof AnnounceError && (kinds.length === 0 || kinds.includes(error.kind));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toOutgoing(message: TriviaMessage): OutgoingMessage {
  return {
    ...(message.content !== undefined ? { content: message.content } : {}),
    embeds: message.embeds,
    components: message.components,
    allowed_mentions: { parse: [] },
  };
}

export function createTriviaService(deps: TriviaDeps): TriviaService & { handlers: JobHandler[] } {
  const { store, announcer, knowledge, clock, bank, enqueue } = deps;
  const log = deps.logger.child({ module: "trivia" });
  const rng = deps.rng ?? Math.random;
  const cooldownMs = deps.cooldownMs ?? DEFAULT_COOLDOWN_MS;
  const leadMs = deps.leadMs ?? DEFAULT_LEAD_MS;
  const gapMs = deps.gapMs ?? DEFAULT_GAP_MS;
  const byId = new Map(bank.map((q) => [q.id, q]));

  // ---------------------------------------------------------------------------------------------
  // Round questions and replays

  function roundQuestion(round: TriviaRoundRow, index: number): RoundQuestion | undefined {
    const q = byId.get(round.questionIds[index] ?? "");
    const order = round.settings.orders[index];
    if (!q || !order || order.length !== q.options.length) return undefined;
    return {
      id: q.id,
      question: q.question,
      options: order.map((i) => q.options[i] as Localized),
      answer: order.indexOf(q.answer),
      explanation: q.explanation,
      difficulty: q.difficulty,
      part: q.part,
      facts: q.facts.slice(),
      order: order.slice(),
    };
  }

  /** Question ids of the round that the bank (still) knows, with their display order. */
  function roundQuestions(round: TriviaRoundRow): RoundQuestion[] | undefined {
    const out: RoundQuestion[] = [];
    for (let i = 0; i < round.questionIds.length; i++) {
      const q = roundQuestion(round, i);
      if (!q) return undefined;
      out.push(q);
    }
    return out;
  }

  /**
   * Replays the stored answers of the closed questions (index < closedCount) through the engine. Each
   * question runs on its own synthetic clock (open at 0, presses at their latency), so the result depends
   * only on what was stored.
   */
  function replay(round: TriviaRoundRow, answers: readonly TriviaAnswer[], closedCount: number): { state: RoundState; reveals: Reveal[] } {
    const questions = roundQuestions(round) ?? [];
    let state = createRound({ questions: questions.length > 0 ? questions : [placeholderQuestion()], secondsPerQuestion: round.settings.seconds });
    const reveals: Reveal[] = [];
    const upTo = Math.min(closedCount, questions.length);
    const durationMs = round.settings.seconds * 1000;
    for (let i = 0; i < upTo; i++) {
      state = startQuestion(state, 0);
      const pressed = answers.filter((a) => a.questionIndex === i).sort((a, b) => a.answeredAt - b.answeredAt || (a.userId < b.userId ? -1 : 1));
      for (const a of pressed) {
        state = submitAnswer(state, { userId: a.userId, choice: a.choice, now: Math.min(a.latencyMs, durationMs - 1), questionIndex: i }).state;
      }
      const closed = closeQuestion(state, durationMs);
      state = closed.state;
      reveals.push(closed.reveal);
    }
    return { state, reveals };
  }

  function placeholderQuestion(): RoundQuestion {
    const x = { en: "?", "zh-CN": "?" };
    return { id: "missing", question: x, options: [x, x, x, x], answer: 0, explanation: x, difficulty: "easy", part: null, facts: [], order: [0, 1, 2, 3] };
  }

  function closedCount(round: TriviaRoundRow): number {
    return Math.min(round.currentIndex, round.questionIds.length);
  }

  function computeStandings(round: TriviaRoundRow, answers: readonly TriviaAnswer[]): { standings: Standing[]; asked: number } {
    const asked = closedCount(round);
    return { standings: standings(replay(round, answers, asked).state), asked };
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering

  function partLabel(partId: PartId | null, locale: Locale): string | null {
    if (partId === null) return null;
    const part = knowledge.part(partId);
    if (!part) return partId;
    const title = part.title[locale];
    return title === part.chineseTitle ? title : `${title} · ${part.chineseTitle}`;
  }

  function difficultyLabel(t: Translator, d: Difficulty): string {
    return t(d === "easy" ? "choice.difficulty.easy" : d === "medium" ? "choice.difficulty.medium" : "choice.difficulty.hard");
  }

  function questionView(round: TriviaRoundRow, index: number, question: RoundQuestion): QuestionView {
    const locale = round.settings.locale;
    const t = translator(locale);
    return {
      t,
      locale,
      roundId: round.id,
      index,
      total: round.questionIds.length,
      question,
      partLabel: partLabel(question.part, locale),
      colour: question.part ? (knowledge.part(question.part)?.colour ?? FILM_COLOUR) : FILM_COLOUR,
      difficultyLabel: difficultyLabel(t, question.difficulty),
    };
  }

  function startMessageFor(round: TriviaRoundRow, firstAt: number, locale: Locale = round.settings.locale): TriviaMessage {
    const t = translator(locale);
    return startMessage({
      t,
      questions: round.questionIds.length,
      seconds: round.settings.seconds,
      firstAt,
      startedBy: round.startedBy === SYSTEM_STARTER ? null : round.startedBy,
      origin: round.settings.origin,
      spoilers: round.settings.spoilers,
      partLabel: partLabel(round.settings.part, locale),
      difficultyLabel: round.settings.difficulty ? difficultyLabel(t, round.settings.difficulty) : null,
      rules: scoringRules,
    });
  }

  function standingsFor(round: TriviaRoundRow, answers: readonly TriviaAnswer[], locale: Locale = round.settings.locale): TriviaMessage {
    const { standings: rows, asked } = computeStandings(round, answers);
    return standingsMessage({
      t: translator(locale),
      standings: rows,
      asked,
      stopped: round.settings.stoppedBy !== null || round.settings.note !== null,
      stoppedBy: round.settings.stoppedBy,
      note: round.settings.note,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Store helpers

  async function getRound(id: string): Promise<TriviaRoundRow | null> {
    return store.trivia.getRound<RoundSettings>(id);
  }

  /**
   * Read-modify-write of the settings JSON, atomic: inside one transaction the row is first touched
   * under a compare-and-set (a row lock on PostgreSQL; SQLite runs one writer at a time), then the
   * settings are merged into what that statement returned.
   */
  async function patchSettings(id: string, patch: (s: RoundSettings) => Partial<RoundSettings>): Promise<TriviaRoundRow | null> {
    return store.transaction(async (tx) => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const seen = await tx.trivia.getRound<RoundSettings>(id);
        if (!seen) return null;
        const locked = await tx.trivia.updateRound<RoundSettings>(
          id,
          { currentIndex: seen.currentIndex },
          { status: seen.status, currentIndex: seen.currentIndex },
        );
        if (!locked) continue;
        return tx.trivia.updateRound<RoundSettings>(id, { settings: { ...locked.settings, ...patch(locked.settings) } });
      }
      throw new Error(`trivia round ${id} keeps changing`);
    });
  }

  /** Ends a running round (compare-and-set); cancels its pending jobs. Null if it was no longer running. */
  async function endRound(
    round: TriviaRoundRow,
    changes: { note?: MessageKey | null; stoppedBy?: string | null; closeCurrent: boolean },
  ): Promise<TriviaRoundRow | null> {
    const now = clock.now();
    const open = round.questionStartedAt !== null;
    const ended = await store.transaction(async (tx) => {
      const row = await tx.trivia.updateRound<RoundSettings>(
        round.id,
        {
          status: "ended",
          endedAt: now,
          questionStartedAt: null,
          currentIndex: changes.closeCurrent && open ? round.currentIndex + 1 : round.currentIndex,
        },
        { status: "running", currentIndex: round.currentIndex },
      );
      if (!row) return null;
      const settings: RoundSettings = {
        ...row.settings,
        note: changes.note ?? row.settings.note,
        stoppedBy: changes.stoppedBy ?? row.settings.stoppedBy,
      };
      return tx.trivia.updateRound<RoundSettings>(round.id, { settings });
    });
    openRounds.delete(round.id);
    if (ended) await store.jobs.cancelWhere(round.guildId, { dedupeKeyPrefix: roundJobPrefix(round.id) });
    return ended;
  }

  // ---------------------------------------------------------------------------------------------
  // Start

  async function start(input: StartRoundInput): Promise<StartResult> {
    const count = input.questions ?? DEFAULT_QUESTIONS;
    const seconds = input.seconds ?? DEFAULT_SECONDS;
    if (!Number.isInteger(count) || count < MIN_QUESTIONS || count > MAX_QUESTIONS) {
      return { ok: false, error: "bad-count", min: MIN_QUESTIONS, max: MAX_QUESTIONS };
    }
    if (!Number.isInteger(seconds) || seconds < MIN_SECONDS_PER_QUESTION || seconds > MAX_SECONDS_PER_QUESTION) {
      return { ok: false, error: "bad-seconds", min: MIN_SECONDS_PER_QUESTION, max: MAX_SECONDS_PER_QUESTION };
    }
    const active = await store.trivia.activeRoundInChannel(input.guildId, input.channelId);
    if (active) return { ok: false, error: "running", roundId: active.id };

    const now = clock.now();
    const last = await store.trivia.lastRoundInChannel<RoundSettings>(input.guildId, input.channelId);
    if (last?.endedAt != null && now < last.endedAt + cooldownMs) return { ok: false, error: "cooldown", until: last.endedAt + cooldownMs };

    const club = await store.settings.get(input.guildId);
    const watched = new Set<PartId>();
    for (const p of await store.progress.watched(input.guildId)) if ((PART_IDS as readonly string[]).includes(p)) watched.add(p as PartId);
    for (const p of input.alsoWatched ?? []) watched.add(p);
    const spoilers = input.spoilers === true || club.spoilerPolicy === "show-all";
    const selected = selectQuestions(bank, {
      count,
      ...(input.part ? { part: input.part } : {}),
      ...(input.difficulty ? { difficulty: input.difficulty } : {}),
      watched,
      spoilers,
      rng,
      recentIds: new Set(last?.questionIds ?? []),
    });
    if (!selected.ok) {
      if (selected.error === "count-out-of-range") return { ok: false, error: "bad-count", min: MIN_QUESTIONS, max: MAX_QUESTIONS };
      return { ok: false, error: "not-enough", available: selected.available, count };
    }

    const locale: Locale = input.locale ?? (club.language === "auto" ? "en" : club.language);
    const settings: RoundSettings = {
      v: 1,
      locale,
      seconds,
      spoilers,
      part: input.part ?? null,
      difficulty: input.difficulty ?? null,
      origin: input.origin ?? "command",
      orders: selected.questions.map((q) => q.order),
      messages: selected.questions.map(() => null),
      revealed: -1,
      stoppedBy: null,
      note: null,
    };
    const created = await store.trivia.createRound<RoundSettings>({
      id: newRoundId(),
      guildId: input.guildId,
      channelId: input.channelId,
      startedBy: input.startedBy,
      questionIds: selected.questions.map((q) => q.id),
      settings,
    });
    if (!created.created) return { ok: false, error: "running", roundId: created.existing.id };
    const round = created.round;
    const firstAt = now + leadMs;
    await enqueue<AskPayload>({
      guildId: round.guildId,
      kind: JOB_ASK,
      dueAt: firstAt,
      payload: { roundId: round.id, index: 0 },
      dedupeKey: `${roundJobPrefix(round.id)}ask:0`,
    });
    log.info({ guildId: round.guildId, channelId: round.channelId, roundId: round.id, questions: count, seconds, origin: settings.origin }, "trivia round started");
    return { ok: true, round, firstAt, message: startMessageFor(round, firstAt) };
  }

  // ---------------------------------------------------------------------------------------------
  // Answers

  /** Consecutive right answers of `userId` at the questions just before `index` in this round. */
  function streakBefore(mine: readonly MemberAnswer[], index: number): number {
    let streak = 0;
    // `mine` is by question index; walk back from the question before `index` while answers are right.
    let k = mine.length - 1;
    while (k >= 0 && mine[k]!.questionIndex >= index) k--;
    for (let i = index - 1; i >= 0 && k >= 0; i--, k--) {
      const a = mine[k]!;
      if (a.questionIndex !== i || !a.correct || a.points <= 0) break;
      streak++;
    }
    return streak;
  }

  /** What an answer needs of question `index`: its id, option count and the position of the right option. */
  function answerKey(round: TriviaRoundRow, index: number): { id: string; options: number; answer: number } | undefined {
    const q = byId.get(round.questionIds[index] ?? "");
    const order = round.settings.orders[index];
    if (!q || !order || order.length !== q.options.length) return undefined;
    return { id: q.id, options: order.length, answer: order.indexOf(q.answer) };
  }

  /**
   * Rounds with an open question, as last read, for the answer path: during a burst of presses the round
   * row is read once, not once a press. What a press takes from it (questions, option orders, seconds,
   * guild, the open question and its start) does not change while the question is open, and the cached copy
   * is never trusted alone: the guard update in the answer's transaction checks that the round is still
   * running at that question with that start time. Any other outcome (or a failed guard) is decided again
   * on a fresh read, so the answers are exactly those of reading the row every time.
   */
  const openRounds = new Map<string, TriviaRoundRow>();
  const OPEN_ROUNDS_MAX = 1000;

  function rememberOpen(round: TriviaRoundRow): void {
    if (round.status !== "running" || round.questionStartedAt === null) {
      openRounds.delete(round.id);
      return;
    }
    if (openRounds.size >= OPEN_ROUNDS_MAX && !openRounds.has(round.id)) openRounds.delete(openRounds.keys().next().value!);
    openRounds.set(round.id, round);
  }

  const NO_ANSWERS: readonly MemberAnswer[] = Object.freeze([]);

  async function answer(input: { roundId: string; questionIndex: number; choice: number; userId: string }): Promise<AnswerResult> {
    const now = clock.now();
    const cached = openRounds.get(input.roundId);
    if (cached) {
      const result = await answerOpen(cached, input, now, true);
      if (result !== null) return result;
      openRounds.delete(input.roundId);
    }
    const round = await getRound(input.roundId);
    if (!round) return { outcome: "unknown-round" };
    if (round.status !== "running") return { outcome: "round-over" };
    if (input.questionIndex !== round.currentIndex || round.questionStartedAt === null) return { outcome: "not-current" };
    rememberOpen(round);
    return (await answerOpen(round, input, now, false))!;
  }

  /**
   * The answer to an open question of `round` (status running, currentIndex = input.questionIndex, started).
   * With a `cached` round, returns null for anything but a recorded or duplicate answer: the caller then
   * decides again on a fresh read of the round.
   */
  async function answerOpen(
    round: TriviaRoundRow,
    input: { roundId: string; questionIndex: number; choice: number; userId: string },
    now: number,
    cached: boolean,
  ): Promise<AnswerResult | null> {
    const index = input.questionIndex;
    const openedAt = round.questionStartedAt;
    if (cached && (index !== round.currentIndex || openedAt === null)) return null;
    if (openedAt === null) return { outcome: "not-current" };
    const durationMs = round.settings.seconds * 1000;
    const deadline = openedAt + durationMs;
    if (now >= deadline) return cached ? null : { outcome: "time-up" };
    const question = answerKey(round, index);
    if (!question) return cached ? null : { outcome: "round-over" };
    if (!Number.isInteger(input.choice) || input.choice < 0 || input.choice >= question.options) return cached ? null : { outcome: "invalid-choice" };

    // The member's earlier answers in this round (streak, first round played). Nobody has any before the
    // first question; at a later one, all earlier answers committed before the round moved on, which
    // happened before the round row we hold was read.
    const mine = index === 0 ? NO_ANSWERS : await store.trivia.memberAnswers(round.id, input.userId);
    if (mine.some((a) => a.questionIndex === index)) return cached ? null : { outcome: "already-answered" };

    const correct = input.choice === question.answer;
    const latencyMs = Math.max(0, now - openedAt);
    const scored = scoreAnswer({ correct, latencyMs, durationMs, streakBefore: streakBefore(mine, index) });
    const outcome = await store.transaction(async (tx): Promise<AnswerOutcome> => {
      // Touch the row under the same condition the close uses: serialises with it (row lock on PostgreSQL,
      // one writer on SQLite), so an answer is either before the close or refused.
      const startedAt = await tx.trivia.lockQuestion(round.id, index);
      if (startedAt !== openedAt) return "time-up";
      const r = await tx.trivia.recordAnswer({
        roundId: round.id,
        questionIndex: index,
        userId: input.userId,
        guildId: round.guildId,
        questionId: question.id,
        choice: input.choice,
        correct,
        points: scored.points,
        answeredAt: now,
        latencyMs,
        firstInRound: mine.length === 0,
      });
      return r.recorded ? "locked-in" : "already-answered";
    });
    if (outcome === "time-up" && cached) return null;
    if (outcome !== "locked-in") return { outcome };

    // Early close: everyone who joined (answered an earlier question, or this one) has answered this
    // question. Counted after the commit, so answers that landed alongside this one count too. Nobody has
    // joined before the first question, which therefore always runs its full time.
    let closesEarly = false;
    if (index > 0) {
      const tally = await store.trivia.questionTally(round.id, index);
      if (tally.joinedBefore > 0 && tally.joined >= EARLY_CLOSE_MIN_JOINED && tally.answeredNow >= tally.joined) {
        closesEarly = true;
        await enqueue<ClosePayload>({
          guildId: round.guildId,
          kind: JOB_CLOSE,
          dueAt: now,
          payload: { roundId: round.id, index, early: true },
          dedupeKey: `${roundJobPrefix(round.id)}early:${index}`,
        });
      }
    }
    return { outcome, revealAt: closesEarly ? now : deadline, closesEarly };
  }

  // ---------------------------------------------------------------------------------------------
  // Jobs

  /** Posting failed for good: end the round quietly (nothing can be posted there). */
  async function abandon(round: TriviaRoundRow, error: AnnounceError, note: MessageKey | null): Promise<JobOutcome> {
    log.warn({ guildId: round.guildId, channelId: round.channelId, roundId: round.id, kind: error.kind }, "trivia round abandoned: channel unusable");
    await endRound(round, { note, closeCurrent: true });
    return { type: "done" };
  }

  async function runAsk(job: Job<AskPayload>, ctx: JobContext): Promise<JobOutcome> {
    const { roundId, index } = job.payload;
    let round = await getRound(roundId);
    if (!round || round.status !== "running" || round.currentIndex !== index) return { type: "done" };
    const question = roundQuestion(round, index);
    if (!question) {
      log.error({ roundId, index }, "trivia question no longer in the bank; ending the round");
      const ended = await endRound(round, { closeCurrent: false });
      if (ended) await planEnd(ended, ctx);
      return { type: "done" };
    }

    // The start time is written before posting, so a retry renders the same deadline (and the nonce
    // returns the same message).
    if (round.questionStartedAt === null) {
      const opened = await store.trivia.updateRound<RoundSettings>(
        roundId,
        { questionStartedAt: ctx.now },
        { status: "running", currentIndex: index },
      );
      if (!opened || opened.questionStartedAt !== ctx.now) return { type: "done" };
      round = opened;
      rememberOpen(round);
    }
    const openedAt = round.questionStartedAt ?? ctx.now;
    const deadline = openedAt + round.settings.seconds * 1000;

    if (round.settings.messages[index] == null) {
      try {
        if (index === 0 && round.settings.origin !== "command") {
          await announcer.send(round.channelId, toOutgoing(startMessageFor(round, openedAt)), `${job.id}:intro`);
        }
        const sent = await announcer.send(round.channelId, toOutgoing(questionMessage(questionView(round, index, question), deadline)), job.id);
        await patchSettings(roundId, (s) => ({ messages: s.messages.map((m, i) => (i === index ? sent.messageId : m)) }));
      } catch (error) {
        if (isAnnounceError(error, "unknown-channel", "missing-access")) return abandon(round, error, null);
        return { type: "retry", error: errorText(error) };
      }
    }
    await ctx.enqueue({
      guildId: round.guildId,
      kind: JOB_CLOSE,
      dueAt: deadline,
      payload: { roundId, index } satisfies ClosePayload,
      dedupeKey: `${roundJobPrefix(roundId)}close:${index}`,
    });
    return { type: "done" };
  }

  async function planEnd(round: TriviaRoundRow, ctx: Pick<JobContext, "enqueue" | "now">): Promise<void> {
    await ctx.enqueue({
      guildId: round.guildId,
      kind: JOB_END,
      dueAt: ctx.now,
      payload: { roundId: round.id } satisfies EndPayload,
      dedupeKey: `${roundJobPrefix(round.id)}end`,
    });
  }

  /**
   * After question `index` is closed (by us or by a racing job): edit its reveal in, then plan the next
   * question or the end. Idempotent.
   */
  async function afterClose(round: TriviaRoundRow, index: number, ctx: JobContext): Promise<JobOutcome> {
    const question = roundQuestion(round, index);
    const messageId = round.settings.messages[index];
    if (question && messageId && round.settings.revealed < index) {
      const answers = await store.trivia.answers(round.id);
      const { reveals } = replay(round, answers, index + 1);
      const reveal = reveals[index];
      const right = (reveal?.correctUsers ?? []).map((userId) => ({ userId, points: reveal?.scores[userId]?.points ?? 0 }));
      const answered = answers.filter((a) => a.questionIndex === index).length;
      try {
        await announcer.edit(round.channelId, messageId, toOutgoing(revealMessage(questionView(round, index, question), { closedAt: ctx.now, right, answered })));
        round = (await patchSettings(round.id, (s) => ({ revealed: Math.max(s.revealed, index) }))) ?? round;
      } catch (error) {
        if (isAnnounceError(error, "unknown-message")) {
          log.warn({ roundId: round.id, index }, "trivia question message is gone; closing the round");
          if (round.status === "running") {
            const ended = await endRound(round, { note: "trivia.end.messageGone", closeCurrent: false });
            if (ended) await planEnd(ended, ctx);
          } else if (round.settings.stoppedBy === null) {
            await patchSettings(round.id, (s) => ({ note: s.note ?? "trivia.end.messageGone", revealed: Math.max(s.revealed, index) }));
            await planEnd(round, ctx);
          }
          return { type: "done" };
        }
        if (isAnnounceError(error, "unknown-channel", "missing-access")) {
          if (round.status === "running") return abandon(round, error, null);
          return { type: "done" };
        }
        return { type: "retry", error: errorText(error) };
      }
    }
    if (round.status === "running" && round.currentIndex === index + 1 && round.currentIndex < round.questionIds.length) {
      await ctx.enqueue({
        guildId: round.guildId,
        kind: JOB_ASK,
        dueAt: ctx.now + gapMs,
        payload: { roundId: round.id, index: index + 1 } satisfies AskPayload,
        dedupeKey: `${roundJobPrefix(round.id)}ask:${index + 1}`,
      });
    } else if (round.status === "ended" && round.settings.stoppedBy === null) {
      await planEnd(round, ctx);
    }
    return { type: "done" };
  }

  async function runClose(job: Job<ClosePayload>, ctx: JobContext): Promise<JobOutcome> {
    const { roundId, index } = job.payload;
    const round = await getRound(roundId);
    if (!round) return { type: "done" };
    if (round.currentIndex > index || round.status !== "running") {
      // Closed already (a racing close, an early close, a crash after the close): finish what is left.
      return round.currentIndex > index ? afterClose(round, index, ctx) : { type: "done" };
    }
    if (round.currentIndex < index || round.questionStartedAt === null) return { type: "done" };
    const deadline = round.questionStartedAt + round.settings.seconds * 1000;
    if (!job.payload.early && ctx.now < deadline) return { type: "reschedule", at: deadline };

    const last = index + 1 >= round.questionIds.length;
    openRounds.delete(roundId);
    const closed = await store.trivia.updateRound<RoundSettings>(
      roundId,
      { currentIndex: index + 1, questionStartedAt: null, ...(last ? { status: "ended" as const, endedAt: ctx.now } : {}) },
      { status: "running", currentIndex: index },
    );
    const now = closed ?? (await getRound(roundId));
    if (!now) return { type: "done" };
    if (closed) log.debug({ roundId, index, early: job.payload.early === true }, "trivia question closed");
    return afterClose(now, index, ctx);
  }

  async function runEnd(job: Job<EndPayload>, _ctx: JobContext): Promise<JobOutcome> {
    const round = await getRound(job.payload.roundId);
    if (!round || round.status === "running") return { type: "done" };
    const answers = await store.trivia.answers(round.id);
    try {
      await announcer.send(round.channelId, toOutgoing(standingsFor(round, answers)), job.id);
    } catch (error) {
      if (isAnnounceError(error, "unknown-channel", "missing-access")) return { type: "done" };
      return { type: "retry", error: errorText(error) };
    }
    log.info({ guildId: round.guildId, roundId: round.id, answers: answers.length }, "trivia round ended");
    return { type: "done" };
  }

  async function runScheduled(job: Job<SchedulePayload>, ctx: JobContext): Promise<JobOutcome> {
    const p = job.payload;
    // Plan the next occurrence first: whatever happens to this one, the schedule goes on.
    const next = nextCronOccurrences(p.cron, p.timezone, job.dueAt + 60_000, 1)[0];
    if (next !== undefined) {
      await ctx.enqueue({ guildId: p.guildId, kind: JOB_SCHEDULED, dueAt: next, payload: p, dedupeKey: scheduleKey(p.channelId, next) });
    }
    if (ctx.lateByMs > SCHEDULE_CATCH_UP_MS) {
      log.info({ guildId: p.guildId, channelId: p.channelId, lateByMs: ctx.lateByMs }, "scheduled trivia skipped: too late");
      return { type: "done" };
    }
    const result = await start({
      guildId: p.guildId,
      channelId: p.channelId,
      startedBy: p.createdBy,
      questions: p.questions,
      seconds: p.seconds,
      origin: "schedule",
    });
    if (!result.ok) log.info({ guildId: p.guildId, channelId: p.channelId, error: result.error }, "scheduled trivia not started");
    return { type: "done" };
  }

  const handlers: JobHandler[] = [
    { kind: JOB_ASK, run: (job, ctx) => runAsk(job as Job<AskPayload>, ctx) },
    { kind: JOB_CLOSE, run: (job, ctx) => runClose(job as Job<ClosePayload>, ctx) },
    { kind: JOB_END, run: (job, ctx) => runEnd(job as Job<EndPayload>, ctx) },
    { kind: JOB_SCHEDULED, run: (job, ctx) => runScheduled(job as Job<SchedulePayload>, ctx) },
  ];

  // ---------------------------------------------------------------------------------------------
  // Stop and standings

  async function stop(input: { guildId: string; channelId: string; stoppedBy: string; locale?: Locale }): Promise<StopResult> {
    const round = await store.trivia.activeRoundInChannel<RoundSettings>(input.guildId, input.channelId);
    if (!round) return { ok: false, error: "no-round" };
    const ended = await endRound(round, { stoppedBy: input.stoppedBy, closeCurrent: true });
    if (!ended) return { ok: false, error: "already-ended" };
    const answers = await store.trivia.answers(ended.id);
    // Reveal the question that was open, if it was posted (best effort: the standings go out anyway).
    const index = round.currentIndex;
    const question = roundQuestion(ended, index);
    const messageId = ended.settings.messages[index];
    if (round.questionStartedAt !== null && question && messageId) {
      const { reveals } = replay(ended, answers, index + 1);
      const reveal = reveals[index];
      const right = (reveal?.correctUsers ?? []).map((userId) => ({ userId, points: reveal?.scores[userId]?.points ?? 0 }));
      const answered = answers.filter((a) => a.questionIndex === index).length;
      try {
        await announcer.edit(ended.channelId, messageId, toOutgoing(revealMessage(questionView(ended, index, question), { closedAt: clock.now(), right, answered })));
        await patchSettings(ended.id, (s) => ({ revealed: Math.max(s.revealed, index) }));
      } catch (error) {
        log.warn({ err: error, roundId: ended.id }, "could not reveal the stopped question");
      }
    }
    const { standings: rows } = computeStandings(ended, answers);
    log.info({ guildId: ended.guildId, roundId: ended.id, stoppedBy: input.stoppedBy }, "trivia round stopped");
    return { ok: true, round: ended, standings: rows, message: standingsFor(ended, answers, input.locale) };
  }

  function periodKey(period: LeaderboardPeriod): string {
    const now = clock.now();
    return period === "all" ? ALL_TIME : period === "season" ? seasonKey(now) : weekKey(now);
  }

  // ---------------------------------------------------------------------------------------------
  // Schedules

  async function schedules(guildId: string): Promise<ScheduledTrivia[]> {
    const jobs = await store.jobs.listForGuild(guildId, { kinds: [JOB_SCHEDULED], statuses: ["pending"] });
    return jobs.map((j) => ({ jobId: j.id, dueAt: j.dueAt, payload: j.payload as SchedulePayload }));
  }

  async function unschedule(guildId: string, channelId: string): Promise<number> {
    return store.jobs.cancelWhere(guildId, { kinds: [JOB_SCHEDULED], dedupeKeyPrefix: `trivia:sched:${channelId}:` });
  }

  async function schedule(input: SchedulePayload): Promise<ScheduleResult> {
    const cron = validateCron(input.cron);
    if (!cron.ok) return { ok: false, error: cron.error, value: input.cron };
    const zone = normalizeTimeZone(input.timezone);
    if (!zone || !isValidTimeZone(zone)) return { ok: false, error: "bad-zone", value: input.timezone };
    if (!Number.isInteger(input.questions) || input.questions < MIN_QUESTIONS || input.questions > MAX_QUESTIONS) {
      return { ok: false, error: "bad-count", min: MIN_QUESTIONS, max: MAX_QUESTIONS };
    }
    if (!Number.isInteger(input.seconds) || input.seconds < MIN_SECONDS_PER_QUESTION || input.seconds > MAX_SECONDS_PER_QUESTION) {
      return { ok: false, error: "bad-seconds", min: MIN_SECONDS_PER_QUESTION, max: MAX_SECONDS_PER_QUESTION };
    }
    const next = nextCronOccurrences(cron.expr, zone, clock.now() + 1, 1)[0];
    if (next === undefined) return { ok: false, error: "never", value: input.cron };
    const existing = await schedules(input.guildId);
    const replaced = existing.some((s) => s.payload.channelId === input.channelId);
    if (!replaced && existing.length >= MAX_SCHEDULES) return { ok: false, error: "too-many", max: MAX_SCHEDULES };
    if (replaced) await unschedule(input.guildId, input.channelId);
    const payload: SchedulePayload = { ...input, cron: cron.expr, timezone: zone };
    const job = await enqueue<SchedulePayload>({
      guildId: input.guildId,
      kind: JOB_SCHEDULED,
      dueAt: next,
      payload,
      dedupeKey: scheduleKey(input.channelId, next),
    });
    log.info({ guildId: input.guildId, channelId: input.channelId, cron: cron.expr, zone, next }, "trivia scheduled");
    return { ok: true, next, payload, replaced, jobId: job.id };
  }

  return {
    handlers,
    now: () => clock.now(),
    start,
    answer,
    stop,
    activeRound: (guildId, channelId) => store.trivia.activeRoundInChannel<RoundSettings>(guildId, channelId),
    async standings(roundId) {
      const round = await getRound(roundId);
      if (!round) return null;
      return { round, ...computeStandings(round, await store.trivia.answers(roundId)) };
    },
    periodKey,
    schedule,
    unschedule,
    schedules,
    startMessageFor,
  };
}

/** The job handlers to register with the scheduler (src/main.ts). */
export function triviaJobHandlers(deps: TriviaDeps): JobHandler[] {
  return createTriviaService(deps).handlers;
}

export type AfterPartResult = { ok: true; roundId: string } | { ok: false; error: "disabled" | StartError["error"] };

/**
 * Called by the watch-along runner when a part ends: when the club turned `triviaAfterPart` on, starts a
 * round about that part in the channel (five questions, default time; general questions fill in when the
 * part has too few). The start message is posted with the first question, through the announcer.
 */
export async function startRoundAfterPart(deps: TriviaDeps, input: { guildId: string; channelId: string; partId: PartId }): Promise<AfterPartResult> {
  const club = await deps.store.settings.get(input.guildId);
  if (!club.triviaAfterPart) return { ok: false, error: "disabled" };
  const service = createTriviaService(deps);
  const base: StartRoundInput = {
    guildId: input.guildId,
    channelId: input.channelId,
    startedBy: SYSTEM_STARTER,
    origin: "after-part",
    part: input.partId,
    alsoWatched: [input.partId],
  };
  let result = await service.start(base);
  if (!result.ok && result.error === "not-enough") result = await service.start({ ...base, part: null });
  return result.ok ? { ok: true, roundId: result.round.id } : { ok: false, error: result.error };
}
