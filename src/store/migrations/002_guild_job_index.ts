import type { Migration } from "./types.js";

/**
 * Guild-scoped job queries (listForGuild, cancelWhere, purging a guild) scanned the whole queue in 001;
 * this index makes them proportional to the guild's own jobs.
 */
export const guildJobIndex: Migration = {
  version: 2,
  name: "guild_job_index",
  async up(db) {
    await db.schema
      .createIndex("jobs_guild_status_due")
      .on("jobs")
      .columns(["guild_id", "status", "due_at"])
      .execute();
  },
};
