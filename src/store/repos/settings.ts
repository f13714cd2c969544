import type { Kysely, Transaction } from "kysely";
import type { Database, Row } from "../schema.js";
import type { GuildSettings, GuildSettingsPatch, Language, SpoilerPolicy } from "../types.js";
import { bool, chunks, inTransaction, intBool, type RepoContext } from "./context.js";

/** What a guild gets before anyone configures anything. The 001 column defaults say the same. */
export const DEFAULT_SETTINGS: Omit<GuildSettings, "guildId"> = Object.freeze({
  announceChannelId: null,
  hostRoleId: null,
  timezone: null,
  language: "auto",
  spoilerPolicy: "hide-unwatched",
  triviaAfterPart: false,
  removedAt: null,
  createdAt: null,
  updatedAt: null,
});

function fromRow(r: Row<"guild_settings">): GuildSettings {
  return {
    guildId: r.guild_id,
    announceChannelId: r.announce_channel_id,
    hostRoleId: r.host_role_id,
    timezone: r.timezone,
    language: r.language as Language,
    spoilerPolicy: r.spoiler_policy as SpoilerPolicy,
    triviaAfterPart: bool(r.trivia_after_part),
    removedAt: r.removed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function patchColumns(patch: GuildSettingsPatch) {
  const cols: Partial<{
    announce_channel_id: string | null;
    host_role_id: string | null;
    timezone: string | null;
    language: string;
    spoiler_policy: string;
    trivia_after_part: number;
  }> = {};
  if (patch.announceChannelId !== undefined) cols.announce_channel_id = patch.announceChannelId;
  if (patch.hostRoleId !== undefined) cols.host_role_id = patch.hostRoleId;
  if (patch.timezone !== undefined) cols.timezone = patch.timezone;
  if (patch.language !== undefined) cols.language = patch.language;
  if (patch.spoilerPolicy !== undefined) cols.spoiler_policy = patch.spoilerPolicy;
  if (patch.triviaAfterPart !== undefined) cols.trivia_after_part = intBool(patch.triviaAfterPart);
  return cols;
}

/**
 * Deletes every row of these guilds in every table. Order matters only for clarity: trivia answers go
 * with their rounds (ON DELETE CASCADE through the primary key, no scan by guild), RSVPs with their
 * sessions and series, and the explicit deletes catch anything left.
 */
export async function deleteGuildData(trx: Transaction<Database>, guildIds: readonly string[]): Promise<void> {
  for (const ids of chunks(guildIds, 500)) {
    await trx.deleteFrom("watch_progress").where("guild_id", "in", ids).execute();
    await trx.deleteFrom("rsvps").where("guild_id", "in", ids).execute();
    await trx.deleteFrom("watch_sessions").where("guild_id", "in", ids).execute();
    await trx.deleteFrom("watch_series").where("guild_id", "in", ids).execute();
    await trx.deleteFrom("jobs").where("guild_id", "in", ids).execute();
    await trx.deleteFrom("trivia_rounds").where("guild_id", "in", ids).execute();
    await trx.deleteFrom("trivia_scores").where("guild_id", "in", ids).execute();
    await trx.deleteFrom("guild_settings").where("guild_id", "in", ids).execute();
  }
}

export function settingsRepo(db: Kysely<Database>, ctx: RepoContext) {
  return {
    /** The guild's settings, or the defaults (createdAt null) when nothing was stored. */
    async get(guildId: string): Promise<GuildSettings> {
      const row = await db.selectFrom("guild_settings").selectAll().where("guild_id", "=", guildId).executeTakeFirst();
      return row ? fromRow(row) : { guildId, ...DEFAULT_SETTINGS };
    },

    /** Upsert: fields absent from the patch keep their value (or default); `null` clears a nullable one. */
    async update(guildId: string, patch: GuildSettingsPatch): Promise<GuildSettings> {
      const now = ctx.now();
      const cols = patchColumns(patch);
      const row = await db
        .insertInto("guild_settings")
        .values({ guild_id: guildId, ...cols, created_at: now, updated_at: now })
        .onConflict((oc) => oc.column("guild_id").doUpdateSet({ ...cols, updated_at: now }))
        .returningAll()
        .executeTakeFirstOrThrow();
      return fromRow(row);
    },

    /** The bot left (or was kicked from) the guild at `at`; its data is kept until purged. */
    async markRemoved(guildId: string, at: number): Promise<void> {
      const now = ctx.now();
      await db
        .insertInto("guild_settings")
        .values({ guild_id: guildId, removed_at: at, created_at: now, updated_at: now })
        .onConflict((oc) => oc.column("guild_id").doUpdateSet({ removed_at: at, updated_at: now }))
        .execute();
    },

    /** The bot is in the guild (again): cancels a pending purge. */
    async markPresent(guildId: string): Promise<void> {
      await db
        .updateTable("guild_settings")
        .set({ removed_at: null, updated_at: ctx.now() })
        .where("guild_id", "=", guildId)
        .where("removed_at", "is not", null)
        .execute();
    },

    /** Erases all data of guilds removed before `cutoff`, in one transaction; returns their ids. */
    async purgeRemovedBefore(cutoff: number): Promise<string[]> {
      return inTransaction(db, async (trx) => {
        const rows = await trx
          .selectFrom("guild_settings")
          .select("guild_id")
          .where("removed_at", "is not", null)
          .where("removed_at", "<", cutoff)
          .execute();
        const ids = rows.map((r) => r.guild_id);
        if (ids.length > 0) await deleteGuildData(trx, ids);
        return ids;
      });
    },

    /** Erases everything stored about the guild, at once. */
    async forget(guildId: string): Promise<void> {
      await inTransaction(db, (trx) => deleteGuildData(trx, [guildId]));
    },

    /**
     * Guilds the store holds data for and does not know to be removed: settings, watch progress, watch
     * sessions or trivia scores. At start the bot compares them with the guilds it is in, so a server that
     * removed the bot while it was offline still starts its 30 days.
     */
    async presentGuildIds(): Promise<string[]> {
      const rows = await db
        .selectFrom("guild_settings")
        .select("guild_id")
        .where("removed_at", "is", null)
        .union(db.selectFrom("watch_progress").select("guild_id"))
        .union(db.selectFrom("watch_sessions").select("guild_id"))
        .union(db.selectFrom("trivia_scores").select("guild_id"))
        .execute();
      const removed = new Set(await this.removedGuildIds());
      return rows.map((r) => r.guild_id).filter((id) => !removed.has(id));
    },

    /** Guilds marked as removed (their purge is pending). */
    async removedGuildIds(): Promise<string[]> {
      const rows = await db.selectFrom("guild_settings").select("guild_id").where("removed_at", "is not", null).execute();
      return rows.map((r) => r.guild_id);
    },

    /** How many guilds have stored settings (for metrics). */
    async count(): Promise<number> {
      const r = await db.selectFrom("guild_settings").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}

export type SettingsRepo = ReturnType<typeof settingsRepo>;
