/**
 * A trivia round as a pure state machine over plain, JSON-serialisable data, so the store can persist
 * the state after every step and a restarted bot can resume it. No timers: the caller passes `now`
 * (epoch milliseconds) and decides when to call `closeQuestion` (see `shouldClose`).
 *
 *   createRound ─► ready ─startQuestion─► open ─closeQuestion─► closed ─startQuestion─► open … ─► finished
 *
 * - Anybody may answer an open question; the first press counts, later presses are 'already-answered'.
 * - A press at or after the deadline is 'closed' even if the question has not been closed yet.
 * - `startQuestion` on a round that is open or finished, and `closeQuestion` on a question already
 *   closed, change nothing (a timer and a button racing each other are harmless); `closeQuestion` then
 *   returns the stored reveal with `alreadyClosed: true`.
 * - Points come from ./scoring.ts; a member who does not answer a question loses their streak.
 */
import type { RoundQuestion } from "./select.js";
import { scoreAnswer } from "./scoring.js";
import type { ScoredAnswer } from "./scoring.js";

export const ROUND_STATE_VERSION = 1;
export const MIN_SECONDS_PER_QUESTION = 10;
export const MAX_SECONDS_PER_QUESTION = 60;

export type RoundPhase = "ready" | "open" | "closed" | "finished";

/** A press on the current question, in the order they came. */
export interface AnswerRecord {
  userId: string;
  choice: number;
  latencyMs: number;
}

/** One member's answer to a closed question, scored. */
export interface ScoredRecord extends AnswerRecord, ScoredAnswer {
  correct: boolean;
}

/** What a closed question reveals; also kept in `results`. */
export interface Reveal {
  questionIndex: number;
  questionId: string;
  /** Index of the correct option in display order. */
  correctIndex: number;
  openedAt: number;
  closedAt: number;
  /** Members who answered correctly, fastest first. */
  correctUsers: string[];
  /** Members who answered wrongly, in press order. */
  wrongUsers: string[];
  /** Known members (joined or answered before) who did not answer. */
  missedUsers: string[];
  /** Every answer with its score, keyed by user id. */
  scores: Record<string, ScoredRecord>;
}

export interface PlayerScore {
  userId: string;
  points: number;
  /** Correct answers. */
  correct: number;
  /** Questions answered (right or wrong). */
  answered: number;
  /** Current run of correct answers. */
  streak: number;
  bestStreak: number;
  /** Sum of latencies of the correct answers (the tie-breaker: less is better). */
  totalLatencyMs: number;
}

export interface RoundState {
  version: typeof ROUND_STATE_VERSION;
  questions: RoundQuestion[];
  secondsPerQuestion: number;
  /** Members who joined when the round was created; `shouldClose` uses them by default. */
  joined: string[];
  phase: RoundPhase;
  /** Index of the current (or last) question; -1 before the first. */
  current: number;
  openedAt: number | null;
  deadline: number | null;
  /** Presses on the current question. */
  answers: AnswerRecord[];
  /** Reveals of the closed questions, in order. */
  results: Reveal[];
  /** Every member seen (joined or answered), by user id. */
  scores: Record<string, PlayerScore>;
}

export type SubmitOutcome = "locked-in" | "already-answered" | "closed" | "not-current" | "invalid-choice";

export class RoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RoundError";
  }
}

function emptyScore(userId: string): PlayerScore {
  return { userId, points: 0, correct: 0, answered: 0, streak: 0, bestStreak: 0, totalLatencyMs: 0 };
}

export interface CreateRoundOptions {
  questions: readonly RoundQuestion[];
  /** 10–60. */
  secondsPerQuestion: number;
  /** Members who joined before the start; they appear in the standings with 0 points. */
  participants?: readonly string[];
}

export function createRound(options: CreateRoundOptions): RoundState {
  const { questions, secondsPerQuestion } = options;
  if (questions.length === 0) throw new RoundError("a round needs at least one question");
  if (
    !Number.isInteger(secondsPerQuestion) ||
    secondsPerQuestion < MIN_SECONDS_PER_QUESTION ||
    secondsPerQuestion > MAX_SECONDS_PER_QUESTION
  ) {
    throw new RoundError(`secondsPerQuestion must be a whole number from ${MIN_SECONDS_PER_QUESTION} to ${MAX_SECONDS_PER_QUESTION}`);
  }
  const joined = [...new Set(options.participants ?? [])];
  const scores: Record<string, PlayerScore> = {};
  for (const userId of joined) scores[userId] = emptyScore(userId);
  return {
    version: ROUND_STATE_VERSION,
    questions: questions.map((q) => ({ ...q, options: q.options.slice(), facts: q.facts.slice(), order: q.order.slice() })),
    secondsPerQuestion,
    joined,
    phase: "ready",
    current: -1,
    openedAt: null,
    deadline: null,
    answers: [],
    results: [],
    scores,
  };
}

/** The question being asked (or last asked), if any. */
export function currentQuestion(state: RoundState): RoundQuestion | undefined {
  return state.current >= 0 ? state.questions[state.current] : undefined;
}

export function isFinished(state: RoundState): boolean {
  return state.phase === "finished";
}

/** Milliseconds until the current question's deadline (0 when closed or past it). */
export function timeLeftMs(state: RoundState, now: number): number {
  if (state.phase !== "open" || state.deadline === null) return 0;
  return Math.max(0, state.deadline - now);
}

/** Opens the next question. Changes nothing when a question is open or the round is finished. */
export function startQuestion(state: RoundState, now: number): RoundState {
  if (state.phase === "open" || state.phase === "finished") return state;
  const next = state.current + 1;
  if (next >= state.questions.length) return state;
  return {
    ...state,
    phase: "open",
    current: next,
    openedAt: now,
    deadline: now + state.secondsPerQuestion * 1000,
    answers: [],
  };
}

export interface SubmitAnswer {
  userId: string;
  /** Option index in display order. */
  choice: number;
  now: number;
  /** The question the button belongs to; when given and not the current one the press is 'not-current'. */
  questionIndex?: number;
}

export function submitAnswer(state: RoundState, submit: SubmitAnswer): { state: RoundState; outcome: SubmitOutcome } {
  const { userId, choice, now } = submit;
  if (submit.questionIndex !== undefined && submit.questionIndex !== state.current) return { state, outcome: "not-current" };
  const question = currentQuestion(state);
  if (question === undefined) return { state, outcome: "closed" };
  if (!Number.isInteger(choice) || choice < 0 || choice >= question.options.length) return { state, outcome: "invalid-choice" };
  if (state.phase !== "open" || state.openedAt === null || state.deadline === null || now >= state.deadline) {
    return { state, outcome: "closed" };
  }
  if (state.answers.some((a) => a.userId === userId)) return { state, outcome: "already-answered" };
  const latencyMs = Math.max(0, now - state.openedAt);
  return {
    state: {
      ...state,
      answers: [...state.answers, { userId, choice, latencyMs }],
      scores: state.scores[userId] ? state.scores : { ...state.scores, [userId]: emptyScore(userId) },
    },
    outcome: "locked-in",
  };
}

/**
 * Whether the current question should close now: its time is up, or every member who joined has answered.
 * `joinedUserIds` defaults to the round's `participants`; with nobody joined, only the deadline counts.
 */
export function shouldClose(state: RoundState, now: number, options: { joinedUserIds?: Iterable<string> } = {}): boolean {
  if (state.phase !== "open" || state.deadline === null) return false;
  if (now >= state.deadline) return true;
  const joined = [...(options.joinedUserIds ?? state.joined)];
  if (joined.length === 0) return false;
  const answered = new Set(state.answers.map((a) => a.userId));
  return joined.every((id) => answered.has(id));
}

/** Closes the current question, scores its answers and reveals the correct option. */
export function closeQuestion(state: RoundState, now: number): { state: RoundState; reveal: Reveal; alreadyClosed: boolean } {
  if (state.phase !== "open") {
    const last = state.results[state.results.length - 1];
    if (last === undefined || last.questionIndex !== state.current) throw new RoundError("no question has been asked yet");
    return { state, reveal: last, alreadyClosed: true };
  }
  const question = currentQuestion(state);
  if (question === undefined || state.openedAt === null || state.deadline === null) throw new RoundError("round state is inconsistent");
  const durationMs = state.deadline - state.openedAt;

  const scores: Record<string, PlayerScore> = {};
  for (const [id, s] of Object.entries(state.scores)) scores[id] = { ...s };
  const revealScores: Record<string, ScoredRecord> = {};
  const wrongUsers: string[] = [];
  const correctAnswers: AnswerRecord[] = [];

  for (const answer of state.answers) {
    const player = scores[answer.userId] ?? emptyScore(answer.userId);
    const correct = answer.choice === question.answer;
    const scored = scoreAnswer({ correct, latencyMs: answer.latencyMs, durationMs, streakBefore: player.streak });
    revealScores[answer.userId] = { ...answer, correct, ...scored };
    player.points += scored.points;
    player.answered += 1;
    player.streak = scored.streakAfter;
    if (correct && scored.points > 0) {
      player.correct += 1;
      player.totalLatencyMs += answer.latencyMs;
      player.bestStreak = Math.max(player.bestStreak, player.streak);
      correctAnswers.push(answer);
    } else {
      wrongUsers.push(answer.userId);
    }
    scores[answer.userId] = player;
  }

  const answered = new Set(state.answers.map((a) => a.userId));
  const missedUsers: string[] = [];
  for (const player of Object.values(scores)) {
    if (answered.has(player.userId)) continue;
    player.streak = 0;
    missedUsers.push(player.userId);
  }

  const reveal: Reveal = {
    questionIndex: state.current,
    questionId: question.id,
    correctIndex: question.answer,
    openedAt: state.openedAt,
    closedAt: now,
    correctUsers: correctAnswers
      .slice()
      .sort((a, b) => a.latencyMs - b.latencyMs)
      .map((a) => a.userId),
    wrongUsers,
    missedUsers,
    scores: revealScores,
  };
  const last = state.current >= state.questions.length - 1;
  return {
    state: { ...state, phase: last ? "finished" : "closed", answers: [], results: [...state.results, reveal], scores },
    reveal,
    alreadyClosed: false,
  };
}

export interface Standing extends PlayerScore {
  /** 1-based; members with equal points and equal total latency share a rank. */
  rank: number;
}

/** Everyone seen in the round, by points (high first), then total latency of correct answers (low first). */
export function standings(state: RoundState): Standing[] {
  const sorted = Object.values(state.scores).sort(
    (a, b) => b.points - a.points || a.totalLatencyMs - b.totalLatencyMs || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
  const out: Standing[] = [];
  sorted.forEach((s, i) => {
    const prev = out[i - 1];
    const tied = prev !== undefined && prev.points === s.points && prev.totalLatencyMs === s.totalLatencyMs;
    out.push({ ...s, rank: tied ? prev.rank : i + 1 });
  });
  return out;
}
