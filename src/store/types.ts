/** Plain data the repositories hand out; no Kysely or driver types leak past src/store. */

export type Millis = number;
/** A part of the film (`rust`, `remnants`, `rails`); the knowledge module owns the list. */
export type PartId = string;

export const LANGUAGES = ["auto", "en", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];
export const SPOILER_POLICIES = ["hide-unwatched", "show-all"] as const;
export type SpoilerPolicy = (typeof SPOILER_POLICIES)[number];

export interface GuildSettings {
  guildId: string;
  announceChannelId: string | null;
  hostRoleId: string | null;
  /** IANA zone name; null means UTC. */
  timezone: string | null;
  language: Language;
  spoilerPolicy: SpoilerPolicy;
  triviaAfterPart: boolean;
  /** Set when the bot was removed from the guild; data is purged some time later. */
  removedAt: Millis | null;
  /** null when nothing was ever stored for this guild (all values are defaults). */
  createdAt: Millis | null;
  updatedAt: Millis | null;
}

export type GuildSettingsPatch = Partial<
  Pick<GuildSettings, "announceChannelId" | "hostRoleId" | "timezone" | "language" | "spoilerPolicy" | "triviaAfterPart">
>;

export interface WatchProgress {
  partId: PartId;
  watchedAt: Millis;
  sessionId: string | null;
}

export const JOB_STATUSES = ["pending", "running", "done", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface Job<P = unknown> {
  id: string;
  /** null for jobs that belong to no guild (housekeeping). */
  guildId: string | null;
  kind: string;
  dueAt: Millis;
  payload: P;
  status: JobStatus;
  /** How many times the job was claimed (so the first run has attempts = 1). */
  attempts: number;
  leaseOwner: string | null;
  leaseUntil: Millis | null;
  lastError: string | null;
  dedupeKey: string | null;
  createdAt: Millis;
  updatedAt: Millis;
}

export interface NewJob<P = unknown> {
  /** Defaults to a random UUID. */
  id?: string;
  guildId: string | null;
  kind: string;
  dueAt: Millis;
  payload?: P;
  /**
   * Enqueueing a second job with the same key is a no-op that returns the first job's id, whatever its
   * status, except `cancelled`: cancelling a job releases its key so the moment can be planned again.
   */
  dedupeKey?: string | null;
}

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  limit: number;
}

export interface JobFilter {
  kinds?: readonly string[];
  /** Only jobs whose dedupe key starts with this (e.g. `session:<id>:`). */
  dedupeKeyPrefix?: string;
  /** Only jobs due at or after this moment. */
  dueFrom?: Millis;
}

export const SESSION_STATUSES = ["scheduled", "running", "paused", "ended", "cancelled"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export interface WatchSession<Plan = unknown> {
  id: string;
  guildId: string;
  channelId: string;
  threadId: string | null;
  seriesId: string | null;
  partId: PartId;
  title: string | null;
  status: SessionStatus;
  startsAt: Millis;
  pausedAt: Millis | null;
  pauseTotalMs: number;
  endsAt: Millis | null;
  scheduledEventId: string | null;
  createdBy: string;
  plan: Plan | null;
  createdAt: Millis;
  updatedAt: Millis;
}

export interface NewWatchSession<Plan = unknown> {
  id?: string;
  guildId: string;
  channelId: string;
  threadId?: string | null;
  seriesId?: string | null;
  partId: PartId;
  title?: string | null;
  status?: SessionStatus;
  startsAt: Millis;
  endsAt?: Millis | null;
  scheduledEventId?: string | null;
  createdBy: string;
  plan?: Plan | null;
}

export type WatchSessionPatch<Plan = unknown> = Partial<
  Pick<
    WatchSession<Plan>,
    "channelId" | "threadId" | "title" | "status" | "startsAt" | "pausedAt" | "pauseTotalMs" | "endsAt" | "scheduledEventId" | "plan"
  >
>;

export const SERIES_STATUSES = ["active", "paused", "ended"] as const;
export type SeriesStatus = (typeof SERIES_STATUSES)[number];

export interface WatchSeries {
  id: string;
  guildId: string;
  channelId: string;
  title: string | null;
  /** Free-form for the watch-along feature, e.g. `once`, `weekly`, `cron`. */
  cadence: string;
  cron: string | null;
  timezone: string | null;
  partIds: PartId[];
  /** Index into partIds of the next session to plan. */
  nextIndex: number;
  status: SeriesStatus;
  createdBy: string;
  createdAt: Millis;
  updatedAt: Millis;
}

export interface NewWatchSeries {
  id?: string;
  guildId: string;
  channelId: string;
  title?: string | null;
  cadence: string;
  cron?: string | null;
  timezone?: string | null;
  partIds: readonly PartId[];
  createdBy: string;
}

export type WatchSeriesPatch = Partial<
  Pick<WatchSeries, "channelId" | "title" | "cadence" | "cron" | "timezone" | "partIds" | "nextIndex" | "status">
>;

export const RSVP_STATUSES = ["going", "maybe", "no"] as const;
export type RsvpStatus = (typeof RSVP_STATUSES)[number];

export type RsvpTarget = { sessionId: string } | { seriesId: string };

export interface Rsvp {
  guildId: string;
  sessionId: string | null;
  seriesId: string | null;
  userId: string;
  status: RsvpStatus;
  readyAt: Millis | null;
  updatedAt: Millis;
}

export const ROUND_STATUSES = ["running", "ended", "cancelled"] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export interface TriviaRound<Settings = unknown> {
  id: string;
  guildId: string;
  channelId: string;
  startedBy: string;
  status: RoundStatus;
  questionIds: string[];
  currentIndex: number;
  questionStartedAt: Millis | null;
  settings: Settings;
  createdAt: Millis;
  endedAt: Millis | null;
}

export interface NewTriviaRound<Settings = unknown> {
  id?: string;
  guildId: string;
  channelId: string;
  startedBy: string;
  questionIds: readonly string[];
  questionStartedAt?: Millis | null;
  settings?: Settings;
}

export type TriviaRoundPatch<Settings = unknown> = Partial<
  Pick<TriviaRound<Settings>, "status" | "questionIds" | "currentIndex" | "questionStartedAt" | "settings" | "endedAt">
>;

export interface TriviaAnswer {
  roundId: string;
  questionIndex: number;
  userId: string;
  guildId: string;
  questionId: string;
  choice: number;
  correct: boolean;
  points: number;
  answeredAt: Millis;
  latencyMs: number;
}

export interface NewTriviaAnswer extends TriviaAnswer {
  /** Score periods to credit; defaults to `defaultPeriodKeys(answeredAt)` (UTC). */
  periodKeys?: readonly string[];
}

export interface TriviaScore {
  periodKey: string;
  points: number;
  answered: number;
  correct: number;
  /** Consecutive correct answers, most recent last. */
  currentStreak: number;
  bestStreak: number;
  /** Rounds in which the member answered at least once. */
  rounds: number;
}

export interface LeaderboardRow extends Omit<TriviaScore, "periodKey" | "currentStreak"> {
  /** Competition rank: equal points share a rank, the next rank skips (1, 1, 3). */
  rank: number;
  userId: string;
}

export interface UserStats extends TriviaScore {
  rank: number;
}

export interface HealthStatus {
  ok: boolean;
  kind: "sqlite" | "postgres";
  schemaVersion?: number;
  error?: string;
}
