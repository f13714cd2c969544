/**
 * The one typed view of the database, shared by SQLite and PostgreSQL.
 *
 * Conventions (both backends):
 * - ids are text (Discord snowflakes, UUIDs);
 * - timestamps are integer milliseconds since the epoch (`integer` in SQLite, `bigint` in PostgreSQL;
 *   the pg pool parses int8 into a JS number and refuses values above 2^53);
 * - booleans are integers 0/1 (SQLite has no boolean; using the same representation in PostgreSQL keeps
 *   one code path and one `Database` type). Repositories convert to `boolean`;
 * - JSON is text, parsed and serialised by the repositories.
 */
import type { Generated, Insertable, Selectable, Updateable } from "kysely";

export type Millis = number;
/** 0 or 1. */
export type IntBool = number;

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: Millis;
}

export interface GuildSettingsTable {
  guild_id: string;
  announce_channel_id: string | null;
  host_role_id: string | null;
  timezone: string | null;
  language: Generated<string>;
  spoiler_policy: Generated<string>;
  trivia_after_part: Generated<IntBool>;
  removed_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface WatchProgressTable {
  guild_id: string;
  part_id: string;
  watched_at: Millis;
  session_id: string | null;
}

export interface JobsTable {
  id: string;
  guild_id: string | null;
  kind: string;
  due_at: Millis;
  payload: string;
  status: Generated<string>;
  attempts: Generated<number>;
  lease_owner: string | null;
  lease_until: Millis | null;
  last_error: string | null;
  dedupe_key: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface WatchSeriesTable {
  id: string;
  guild_id: string;
  channel_id: string;
  title: string | null;
  cadence: string;
  cron: string | null;
  timezone: string | null;
  part_ids: string;
  next_index: Generated<number>;
  status: Generated<string>;
  created_by: string;
  created_at: Millis;
  updated_at: Millis;
}

export interface WatchSessionsTable {
  id: string;
  guild_id: string;
  channel_id: string;
  thread_id: string | null;
  series_id: string | null;
  part_id: string;
  title: string | null;
  status: Generated<string>;
  starts_at: Millis;
  paused_at: Millis | null;
  pause_total_ms: Generated<number>;
  ends_at: Millis | null;
  scheduled_event_id: string | null;
  created_by: string;
  plan: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface RsvpsTable {
  guild_id: string;
  /** Exactly one of session_id / series_id is set (CHECK constraint). */
  session_id: string | null;
  series_id: string | null;
  user_id: string;
  status: string;
  ready_at: Millis | null;
  updated_at: Millis;
}

export interface TriviaRoundsTable {
  id: string;
  guild_id: string;
  channel_id: string;
  started_by: string;
  status: Generated<string>;
  question_ids: string;
  current_index: Generated<number>;
  question_started_at: Millis | null;
  settings: string;
  created_at: Millis;
  ended_at: Millis | null;
}

export interface TriviaAnswersTable {
  round_id: string;
  question_index: number;
  user_id: string;
  guild_id: string;
  question_id: string;
  choice: number;
  correct: IntBool;
  points: number;
  answered_at: Millis;
  latency_ms: number;
}

export interface TriviaScoresTable {
  guild_id: string;
  user_id: string;
  period_key: string;
  points: Generated<number>;
  answered: Generated<number>;
  correct: Generated<number>;
  current_streak: Generated<number>;
  best_streak: Generated<number>;
  rounds: Generated<number>;
  updated_at: Millis;
}

export interface Database {
  schema_migrations: SchemaMigrationsTable;
  guild_settings: GuildSettingsTable;
  watch_progress: WatchProgressTable;
  jobs: JobsTable;
  watch_series: WatchSeriesTable;
  watch_sessions: WatchSessionsTable;
  rsvps: RsvpsTable;
  trivia_rounds: TriviaRoundsTable;
  trivia_answers: TriviaAnswersTable;
  trivia_scores: TriviaScoresTable;
}

export type Row<T extends keyof Database> = Selectable<Database[T]>;
export type NewRow<T extends keyof Database> = Insertable<Database[T]>;
export type RowUpdate<T extends keyof Database> = Updateable<Database[T]>;
