import { sql } from "kysely";
import type { Migration } from "./types.js";

/**
 * The first schema. Types are chosen to mean the same in both backends: `bigint` has INTEGER affinity in
 * SQLite and is int8 in PostgreSQL (milliseconds since the epoch); booleans are 0/1 integers.
 */
export const initial: Migration = {
  version: 1,
  name: "initial",
  async up(db) {
    await db.schema
      .createTable("guild_settings")
      .addColumn("guild_id", "text", (c) => c.primaryKey())
      .addColumn("announce_channel_id", "text")
      .addColumn("host_role_id", "text")
      .addColumn("timezone", "text")
      .addColumn("language", "text", (c) => c.notNull().defaultTo("auto"))
      .addColumn("spoiler_policy", "text", (c) => c.notNull().defaultTo("hide-unwatched"))
      .addColumn("trivia_after_part", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("removed_at", "bigint")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addCheckConstraint("guild_settings_language", sql`language in ('auto', 'en', 'zh-CN')`)
      .addCheckConstraint("guild_settings_spoiler_policy", sql`spoiler_policy in ('hide-unwatched', 'show-all')`)
      .addCheckConstraint("guild_settings_trivia_after_part", sql`trivia_after_part in (0, 1)`)
      .execute();
    // Only removed guilds are ever looked up by removed_at (the purge), so index only those.
    await db.schema
      .createIndex("guild_settings_removed")
      .on("guild_settings")
      .column("removed_at")
      .where(sql.ref("removed_at"), "is not", null)
      .execute();

    await db.schema
      .createTable("watch_series")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("guild_id", "text", (c) => c.notNull())
      .addColumn("channel_id", "text", (c) => c.notNull())
      .addColumn("title", "text")
      .addColumn("cadence", "text", (c) => c.notNull())
      .addColumn("cron", "text")
      .addColumn("timezone", "text")
      .addColumn("part_ids", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("next_index", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addCheckConstraint("watch_series_status", sql`status in ('active', 'paused', 'ended')`)
      .execute();
    await db.schema.createIndex("watch_series_guild").on("watch_series").column("guild_id").execute();

    await db.schema
      .createTable("watch_sessions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("guild_id", "text", (c) => c.notNull())
      .addColumn("channel_id", "text", (c) => c.notNull())
      .addColumn("thread_id", "text")
      .addColumn("series_id", "text", (c) => c.references("watch_series.id").onDelete("set null"))
      .addColumn("part_id", "text", (c) => c.notNull())
      .addColumn("title", "text")
      .addColumn("status", "text", (c) => c.notNull().defaultTo("scheduled"))
      .addColumn("starts_at", "bigint", (c) => c.notNull())
      .addColumn("paused_at", "bigint")
      .addColumn("pause_total_ms", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("ends_at", "bigint")
      .addColumn("scheduled_event_id", "text")
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("plan", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addCheckConstraint(
        "watch_sessions_status",
        sql`status in ('scheduled', 'running', 'paused', 'ended', 'cancelled')`,
      )
      .execute();
    await db.schema
      .createIndex("watch_sessions_guild_starts")
      .on("watch_sessions")
      .columns(["guild_id", "starts_at"])
      .execute();
    await db.schema.createIndex("watch_sessions_series").on("watch_sessions").column("series_id").execute();

    await db.schema
      .createTable("watch_progress")
      .addColumn("guild_id", "text", (c) => c.notNull())
      .addColumn("part_id", "text", (c) => c.notNull())
      .addColumn("watched_at", "bigint", (c) => c.notNull())
      .addColumn("session_id", "text", (c) => c.references("watch_sessions.id").onDelete("set null"))
      .addPrimaryKeyConstraint("watch_progress_pk", ["guild_id", "part_id"])
      .execute();

    await db.schema
      .createTable("rsvps")
      .addColumn("guild_id", "text", (c) => c.notNull())
      .addColumn("session_id", "text", (c) => c.references("watch_sessions.id").onDelete("cascade"))
      .addColumn("series_id", "text", (c) => c.references("watch_series.id").onDelete("cascade"))
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("ready_at", "bigint")
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addCheckConstraint("rsvps_status", sql`status in ('going', 'maybe', 'no')`)
      .addCheckConstraint("rsvps_one_target", sql`(session_id is null) <> (series_id is null)`)
      // NULLs are distinct in both backends, so these two act as the (session|series, user) key.
      .addUniqueConstraint("rsvps_session_user", ["session_id", "user_id"])
      .addUniqueConstraint("rsvps_series_user", ["series_id", "user_id"])
      .execute();

    await db.schema
      .createTable("jobs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("guild_id", "text")
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("due_at", "bigint", (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("lease_owner", "text")
      .addColumn("lease_until", "bigint")
      .addColumn("last_error", "text")
      .addColumn("dedupe_key", "text", (c) => c.unique())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addCheckConstraint(
        "jobs_status",
        sql`status in ('pending', 'running', 'done', 'failed', 'cancelled')`,
      )
      .execute();
    // The scheduler's two questions touch only live rows: "pending and due, by due_at" and
    // "running with an expired lease". Partial indexes keep both proportional to those rows, however
    // many finished jobs pile up.
    await db.schema
      .createIndex("jobs_pending_due")
      .on("jobs")
      .column("due_at")
      .where(sql.ref("status"), "=", "pending")
      .execute();
    await db.schema
      .createIndex("jobs_running_lease")
      .on("jobs")
      .column("lease_until")
      .where(sql.ref("status"), "=", "running")
      .execute();

    await db.schema
      .createTable("trivia_rounds")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("guild_id", "text", (c) => c.notNull())
      .addColumn("channel_id", "text", (c) => c.notNull())
      .addColumn("started_by", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull().defaultTo("running"))
      .addColumn("question_ids", "text", (c) => c.notNull())
      .addColumn("current_index", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("question_started_at", "bigint")
      .addColumn("settings", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("ended_at", "bigint")
      .addCheckConstraint("trivia_rounds_status", sql`status in ('running', 'ended', 'cancelled')`)
      .execute();
    // At most one running round per channel, enforced by the database.
    await db.schema
      .createIndex("trivia_rounds_one_running_per_channel")
      .on("trivia_rounds")
      .column("channel_id")
      .unique()
      .where(sql.ref("status"), "=", "running")
      .execute();
    await db.schema.createIndex("trivia_rounds_guild").on("trivia_rounds").column("guild_id").execute();

    await db.schema
      .createTable("trivia_answers")
      .addColumn("round_id", "text", (c) => c.notNull().references("trivia_rounds.id").onDelete("cascade"))
      .addColumn("question_index", "integer", (c) => c.notNull())
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("guild_id", "text", (c) => c.notNull())
      .addColumn("question_id", "text", (c) => c.notNull())
      .addColumn("choice", "integer", (c) => c.notNull())
      .addColumn("correct", "integer", (c) => c.notNull())
      .addColumn("points", "integer", (c) => c.notNull())
      .addColumn("answered_at", "bigint", (c) => c.notNull())
      .addColumn("latency_ms", "integer", (c) => c.notNull())
      // One answer per member per question, enforced by the database.
      .addPrimaryKeyConstraint("trivia_answers_pk", ["round_id", "question_index", "user_id"])
      .addCheckConstraint("trivia_answers_correct", sql`correct in (0, 1)`)
      .execute();

    await db.schema
      .createTable("trivia_scores")
      .addColumn("guild_id", "text", (c) => c.notNull())
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("period_key", "text", (c) => c.notNull())
      .addColumn("points", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("answered", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("correct", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("current_streak", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("best_streak", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("rounds", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("trivia_scores_pk", ["guild_id", "user_id", "period_key"])
      .execute();
    // A leaderboard page is a range scan of this index: no sort, no scan of other guilds or periods.
    await db.schema
      .createIndex("trivia_scores_board")
      .on("trivia_scores")
      .columns(["guild_id", "period_key", "points desc", "user_id"])
      .execute();
  },
};
