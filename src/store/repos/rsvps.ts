import type { Kysely } from "kysely";
import type { Database, Row } from "../schema.js";
import type { Rsvp, RsvpStatus, RsvpTarget } from "../types.js";
import { changed, type RepoContext } from "./context.js";

function fromRow(r: Row<"rsvps">): Rsvp {
  return {
    guildId: r.guild_id,
    sessionId: r.session_id,
    seriesId: r.series_id,
    userId: r.user_id,
    status: r.status as RsvpStatus,
    readyAt: r.ready_at,
    updatedAt: r.updated_at,
  };
}

function targetColumn(t: RsvpTarget): { col: "session_id" | "series_id"; id: string } {
  return "sessionId" in t ? { col: "session_id", id: t.sessionId } : { col: "series_id", id: t.seriesId };
}

export function rsvpsRepo(db: Kysely<Database>, ctx: RepoContext) {
  async function list(target: RsvpTarget): Promise<Rsvp[]> {
    const { col, id } = targetColumn(target);
    const rows = await db.selectFrom("rsvps").selectAll().where(col, "=", id).orderBy("updated_at").orderBy("user_id").execute();
    return rows.map(fromRow);
  }

  return {
    /**
     * Sets a member's answer for a session or a whole series (upsert). Answering `no` clears the
     * member's "ready" mark.
     */
    async set(input: RsvpTarget & { guildId: string; userId: string; status: RsvpStatus }): Promise<Rsvp> {
      const { col, id } = targetColumn(input);
      const now = ctx.now();
      const row = await db
        .insertInto("rsvps")
        .values({
          guild_id: input.guildId,
          session_id: col === "session_id" ? id : null,
          series_id: col === "series_id" ? id : null,
          user_id: input.userId,
          status: input.status,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns([col, "user_id"]).doUpdateSet((eb) => ({
            status: input.status,
            ready_at: input.status === "no" ? null : eb.ref("rsvps.ready_at"),
            updated_at: now,
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return fromRow(row);
    },

    async get(target: RsvpTarget, userId: string): Promise<Rsvp | null> {
      const { col, id } = targetColumn(target);
      const row = await db.selectFrom("rsvps").selectAll().where(col, "=", id).where("user_id", "=", userId).executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    /**
     * Marks the member ready (or not, with null) for a session's start; creates a `going` RSVP if the
     * member had none.
     */
    async setReady(input: { guildId: string; sessionId: string; userId: string; at: number | null }): Promise<Rsvp> {
      const now = ctx.now();
      const row = await db
        .insertInto("rsvps")
        .values({
          guild_id: input.guildId,
          session_id: input.sessionId,
          user_id: input.userId,
          status: "going",
          ready_at: input.at,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(["session_id", "user_id"]).doUpdateSet({ ready_at: input.at, updated_at: now }))
        .returningAll()
        .executeTakeFirstOrThrow();
      return fromRow(row);
    },

    list,

    /** Answers for one session, oldest first. */
    async listRsvps(sessionId: string): Promise<Rsvp[]> {
      return list({ sessionId });
    },

    async counts(target: RsvpTarget): Promise<Record<RsvpStatus, number>> {
      const { col, id } = targetColumn(target);
      const rows = await db
        .selectFrom("rsvps")
        .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
        .where(col, "=", id)
        .groupBy("status")
        .execute();
      const out: Record<RsvpStatus, number> = { going: 0, maybe: 0, no: 0 };
      for (const r of rows) out[r.status as RsvpStatus] = Number(r.n);
      return out;
    },

    async remove(target: RsvpTarget, userId: string): Promise<boolean> {
      const { col, id } = targetColumn(target);
      return changed(await db.deleteFrom("rsvps").where(col, "=", id).where("user_id", "=", userId).executeTakeFirst()) > 0;
    },
  };
}

export type RsvpsRepo = ReturnType<typeof rsvpsRepo>;
