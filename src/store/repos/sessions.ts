import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, Row, RowUpdate } from "../schema.js";
import type {
  NewWatchSeries,
  NewWatchSession,
  SeriesStatus,
  SessionStatus,
  WatchSeries,
  WatchSeriesPatch,
  WatchSession,
  WatchSessionPatch,
} from "../types.js";
import { changed, parseJson, toJson, type RepoContext } from "./context.js";

const LIVE_SESSION: SessionStatus[] = ["scheduled", "running", "paused"];

function sessionFromRow<Plan>(r: Row<"watch_sessions">): WatchSession<Plan> {
  return {
    id: r.id,
    guildId: r.guild_id,
    channelId: r.channel_id,
    threadId: r.thread_id,
    seriesId: r.series_id,
    partId: r.part_id,
    title: r.title,
    status: r.status as SessionStatus,
    startsAt: r.starts_at,
    pausedAt: r.paused_at,
    pauseTotalMs: r.pause_total_ms,
    endsAt: r.ends_at,
    scheduledEventId: r.scheduled_event_id,
    createdBy: r.created_by,
    plan: parseJson<Plan>(r.plan),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function seriesFromRow(r: Row<"watch_series">): WatchSeries {
  return {
    id: r.id,
    guildId: r.guild_id,
    channelId: r.channel_id,
    title: r.title,
    cadence: r.cadence,
    cron: r.cron,
    timezone: r.timezone,
    partIds: parseJson<string[]>(r.part_ids) ?? [],
    nextIndex: r.next_index,
    status: r.status as SeriesStatus,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function sessionPatch(p: WatchSessionPatch): RowUpdate<"watch_sessions"> {
  const u: RowUpdate<"watch_sessions"> = {};
  if (p.channelId !== undefined) u.channel_id = p.channelId;
  if (p.threadId !== undefined) u.thread_id = p.threadId;
  if (p.title !== undefined) u.title = p.title;
  if (p.status !== undefined) u.status = p.status;
  if (p.startsAt !== undefined) u.starts_at = p.startsAt;
  if (p.pausedAt !== undefined) u.paused_at = p.pausedAt;
  if (p.pauseTotalMs !== undefined) u.pause_total_ms = p.pauseTotalMs;
  if (p.endsAt !== undefined) u.ends_at = p.endsAt;
  if (p.scheduledEventId !== undefined) u.scheduled_event_id = p.scheduledEventId;
  if (p.plan !== undefined) u.plan = p.plan === null ? null : toJson(p.plan);
  return u;
}

function seriesPatch(p: WatchSeriesPatch): RowUpdate<"watch_series"> {
  const u: RowUpdate<"watch_series"> = {};
  if (p.channelId !== undefined) u.channel_id = p.channelId;
  if (p.title !== undefined) u.title = p.title;
  if (p.cadence !== undefined) u.cadence = p.cadence;
  if (p.cron !== undefined) u.cron = p.cron;
  if (p.timezone !== undefined) u.timezone = p.timezone;
  if (p.partIds !== undefined) u.part_ids = toJson(p.partIds);
  if (p.nextIndex !== undefined) u.next_index = p.nextIndex;
  if (p.status !== undefined) u.status = p.status;
  return u;
}

export function sessionsRepo(db: Kysely<Database>, ctx: RepoContext) {
  return {
    async create<Plan = unknown>(input: NewWatchSession<Plan>): Promise<WatchSession<Plan>> {
      const now = ctx.now();
      const row = await db
        .insertInto("watch_sessions")
        .values({
          id: input.id ?? randomUUID(),
          guild_id: input.guildId,
          channel_id: input.channelId,
          thread_id: input.threadId ?? null,
          series_id: input.seriesId ?? null,
          part_id: input.partId,
          title: input.title ?? null,
          status: input.status ?? "scheduled",
          starts_at: input.startsAt,
          ends_at: input.endsAt ?? null,
          scheduled_event_id: input.scheduledEventId ?? null,
          created_by: input.createdBy,
          plan: input.plan == null ? null : toJson(input.plan),
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return sessionFromRow<Plan>(row);
    },

    async get<Plan = unknown>(id: string): Promise<WatchSession<Plan> | null> {
      const row = await db.selectFrom("watch_sessions").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? sessionFromRow<Plan>(row) : null;
    },

    /**
     * Changes fields; with `expectStatus`, only if the session is in one of those states (compare-and-set,
     * so two handlers racing on "pause" cannot both win). Returns the new session, or null if nothing
     * matched.
     */
    async update<Plan = unknown>(
      id: string,
      patch: WatchSessionPatch<Plan>,
      opts: { expectStatus?: SessionStatus | readonly SessionStatus[] } = {},
    ): Promise<WatchSession<Plan> | null> {
      let q = db
        .updateTable("watch_sessions")
        .set({ ...sessionPatch(patch as WatchSessionPatch), updated_at: ctx.now() })
        .where("id", "=", id);
      if (opts.expectStatus !== undefined) {
        const expected = typeof opts.expectStatus === "string" ? [opts.expectStatus] : [...opts.expectStatus];
        if (expected.length === 0) return null;
        q = q.where("status", "in", expected);
      }
      const row = await q.returningAll().executeTakeFirst();
      return row ? sessionFromRow<Plan>(row) : null;
    },

    /** The guild's sessions that are not over (scheduled, running, paused), soonest first. */
    async listUpcoming(guildId: string, opts: { limit?: number } = {}): Promise<WatchSession[]> {
      const rows = await db
        .selectFrom("watch_sessions")
        .selectAll()
        .where("guild_id", "=", guildId)
        .where("status", "in", LIVE_SESSION)
        .orderBy("starts_at")
        .orderBy("id")
        .limit(opts.limit ?? 25)
        .execute();
      return rows.map((r) => sessionFromRow(r));
    },

    /** Sessions of every guild that are running or paused (what a restarted bot must resume). */
    async listActive(opts: { limit?: number } = {}): Promise<WatchSession[]> {
      const rows = await db
        .selectFrom("watch_sessions")
        .selectAll()
        .where("status", "in", ["running", "paused"])
        .orderBy("starts_at")
        .limit(opts.limit ?? 1000)
        .execute();
      return rows.map((r) => sessionFromRow(r));
    },

    /**
     * Sessions of every guild that are not over (scheduled, running, paused) and have a Discord Scheduled
     * Event, soonest first: what a restarted bot reconciles against Discord.
     */
    async listLiveWithEvents(opts: { limit?: number } = {}): Promise<WatchSession[]> {
      const rows = await db
        .selectFrom("watch_sessions")
        .selectAll()
        .where("status", "in", LIVE_SESSION)
        .where("scheduled_event_id", "is not", null)
        .orderBy("starts_at")
        .orderBy("id")
        .limit(opts.limit ?? 1000)
        .execute();
      return rows.map((r) => sessionFromRow(r));
    },

    /** Past sessions of the guild, most recent first. */
    async listHistory(guildId: string, opts: { limit?: number } = {}): Promise<WatchSession[]> {
      const rows = await db
        .selectFrom("watch_sessions")
        .selectAll()
        .where("guild_id", "=", guildId)
        .where("status", "in", ["ended", "cancelled"])
        .orderBy("starts_at", "desc")
        .limit(opts.limit ?? 25)
        .execute();
      return rows.map((r) => sessionFromRow(r));
    },

    async listForSeries(seriesId: string): Promise<WatchSession[]> {
      const rows = await db.selectFrom("watch_sessions").selectAll().where("series_id", "=", seriesId).orderBy("starts_at").execute();
      return rows.map((r) => sessionFromRow(r));
    },

    /** Deletes the session and its RSVPs. */
    async delete(id: string): Promise<boolean> {
      return changed(await db.deleteFrom("watch_sessions").where("id", "=", id).executeTakeFirst()) > 0;
    },

    async createSeries(input: NewWatchSeries): Promise<WatchSeries> {
      const now = ctx.now();
      const row = await db
        .insertInto("watch_series")
        .values({
          id: input.id ?? randomUUID(),
          guild_id: input.guildId,
          channel_id: input.channelId,
          title: input.title ?? null,
          cadence: input.cadence,
          cron: input.cron ?? null,
          timezone: input.timezone ?? null,
          part_ids: toJson(input.partIds),
          created_by: input.createdBy,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return seriesFromRow(row);
    },

    async getSeries(id: string): Promise<WatchSeries | null> {
      const row = await db.selectFrom("watch_series").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? seriesFromRow(row) : null;
    },

    async updateSeries(
      id: string,
      patch: WatchSeriesPatch,
      opts: { expectNextIndex?: number } = {},
    ): Promise<WatchSeries | null> {
      let q = db
        .updateTable("watch_series")
        .set({ ...seriesPatch(patch), updated_at: ctx.now() })
        .where("id", "=", id);
      if (opts.expectNextIndex !== undefined) q = q.where("next_index", "=", opts.expectNextIndex);
      const row = await q.returningAll().executeTakeFirst();
      return row ? seriesFromRow(row) : null;
    },

    async listSeries(guildId: string, opts: { statuses?: readonly SeriesStatus[] } = {}): Promise<WatchSeries[]> {
      let q = db.selectFrom("watch_series").selectAll().where("guild_id", "=", guildId);
      if (opts.statuses) {
        if (opts.statuses.length === 0) return [];
        q = q.where("status", "in", [...opts.statuses]);
      }
      const rows = await q.orderBy("created_at").orderBy("id").execute();
      return rows.map((r) => seriesFromRow(r));
    },

    /** Deletes the series and its RSVPs; its sessions stay, detached (series_id set to null). */
    async deleteSeries(id: string): Promise<boolean> {
      return changed(await db.deleteFrom("watch_series").where("id", "=", id).executeTakeFirst()) > 0;
    },
  };
}

export type SessionsRepo = ReturnType<typeof sessionsRepo>;
