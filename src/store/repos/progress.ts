import type { Kysely } from "kysely";
import type { Database } from "../schema.js";
import type { PartId, WatchProgress } from "../types.js";
import { changed, type RepoContext } from "./context.js";

export function progressRepo(db: Kysely<Database>, _ctx: RepoContext) {
  return {
    /** Records that the club watched the part. The first time counts; returns false if already marked. */
    async markWatched(guildId: string, partId: PartId, at: number, sessionId?: string | null): Promise<boolean> {
      const rows = await db
        .insertInto("watch_progress")
        .values({ guild_id: guildId, part_id: partId, watched_at: at, session_id: sessionId ?? null })
        .onConflict((oc) => oc.columns(["guild_id", "part_id"]).doNothing())
        .returning("part_id")
        .execute();
      return rows.length > 0;
    },

    async watched(guildId: string): Promise<Set<PartId>> {
      const rows = await db.selectFrom("watch_progress").select("part_id").where("guild_id", "=", guildId).execute();
      return new Set(rows.map((r) => r.part_id));
    },

    /** Details, ordered by when each part was watched. */
    async list(guildId: string): Promise<WatchProgress[]> {
      const rows = await db
        .selectFrom("watch_progress")
        .selectAll()
        .where("guild_id", "=", guildId)
        .orderBy("watched_at")
        .orderBy("part_id")
        .execute();
      return rows.map((r) => ({ partId: r.part_id, watchedAt: r.watched_at, sessionId: r.session_id }));
    },

    async unmark(guildId: string, partId: PartId): Promise<boolean> {
      const r = await db.deleteFrom("watch_progress").where("guild_id", "=", guildId).where("part_id", "=", partId).executeTakeFirst();
      return changed(r) > 0;
    },

    async clear(guildId: string): Promise<number> {
      const r = await db.deleteFrom("watch_progress").where("guild_id", "=", guildId).executeTakeFirst();
      return changed(r);
    },
  };
}

export type ProgressRepo = ReturnType<typeof progressRepo>;
