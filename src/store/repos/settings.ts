import type { Kysely, Transaction } from "kysely";
import type { Database, Row } from "../schema.js";
import type { GuildSettings, GuildSettingsPatch, Language, SpoilerPolicy } from "../types.js";
import { prepared } from "../prepared.js";
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
 * A small in-process cache of `settings.get` (the router reads the club's language on every interaction).
 *
 * - Every write through this process's repositories invalidates it (`update`, `markRemoved`, `markPresent`,
 *   `forget`, `purgeRemovedBefore`): after the statement, and for writes inside `store.transaction`, again
 *   after the commit. A read that overlapped a write does not fill the cache (generation check).
 * - Reads inside a transaction bypass it (they must see the transaction's own writes, and must not publish
 *   uncommitted ones).
 * - Entries live `ttlMs` (30 s by default, real time): a change made by another process (a second bot on the
 *   same PostgreSQL, the CLI) shows up within that time.
 */
export class SettingsCache {
  readonly #entries = new Map<string, { value: GuildSettings; at: number }>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  #generation = 0;

  constructor(opts: { ttlMs?: number; max?: number; now?: () => number } = {}) {
    this.#ttlMs = opts.ttlMs ?? 30_000;
    this.#max = opts.max ?? 10_000;
    this.#now = opts.now ?? (() => performance.now());
  }

  /** The cached settings (a copy), or undefined. */
  get(guildId: string): GuildSettings | undefined {
    const e = this.#entries.get(guildId);
    if (!e) return undefined;
    if (this.#now() - e.at >= this.#ttlMs) {
      this.#entries.delete(guildId);
      return undefined;
    }
    return { ...e.value };
  }

  /** Marks the start of a read: pass the result to `set`, which ignores it if a write happened since. */
  generation(): number {
    return this.#generation;
  }

  set(guildId: string, value: GuildSettings, generation: number): void {
    if (generation !== this.#generation) return;
    if (this.#entries.size >= this.#max && !this.#entries.has(guildId)) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(guildId, { value: { ...value }, at: this.#now() });
  }

  invalidate(guildId: string): void {
    this.#generation++;
    this.#entries.delete(guildId);
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Settings writes made inside a transaction, invalidated again once it has ended (committed or not). */
export class SettingsTxWrites {
  readonly #ids = new Set<string>();
  #all = false;

  constructor(readonly cache: SettingsCache) {}

  /** A write in the transaction (null: any guild): forgotten now, and again by `flush`. */
  record(guildId: string | null): void {
    if (guildId === null) {
      this.#all = true;
      this.cache.clear();
    } else {
      this.#ids.add(guildId);
      this.cache.invalidate(guildId);
    }
  }

  /** Call once the transaction has ended (committed or rolled back). */
  flush(): void {
    if (this.#all) this.cache.clear();
    else for (const id of this.#ids) this.cache.invalidate(id);
  }
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

const getQuery = prepared<"id", Row<"guild_settings">>((db, arg) => db.selectFrom("guild_settings").selectAll().where("guild_id", "=", arg("id")));

/**
 * `cache`: the store's settings cache (see SettingsCache); `txWrites`: set when `db` is a transaction, to
 * invalidate what it wrote once it has ended.
 */
export function settingsRepo(db: Kysely<Database>, ctx: RepoContext, cache?: SettingsCache, txWrites?: SettingsTxWrites) {
  /** After a write (or, in a transaction, also after it ends): forget the guild (null: every guild). */
  const wrote = (guildId: string | null): void => {
    if (txWrites) txWrites.record(guildId);
    else if (guildId === null) cache?.clear();
    else cache?.invalidate(guildId);
  };
  const useCache = cache !== undefined && !db.isTransaction;

  return {
    /**
     * The guild's settings, or the defaults (createdAt null) when nothing was stored. Outside a transaction
     * this may be served from the in-process cache (see SettingsCache: up to 30 s behind other processes).
     */
    async get(guildId: string): Promise<GuildSettings> {
      if (useCache) {
        const hit = cache.get(guildId);
        if (hit) return hit;
      }
      const generation = cache?.generation() ?? 0;
      const row = (await getQuery(db, ctx.dialect, { id: guildId })).rows[0];
      const value = row ? fromRow(row) : { guildId, ...DEFAULT_SETTINGS };
      if (useCache) cache.set(guildId, value, generation);
      return value;
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
        .executeTakeFirstOrThrow()
        .finally(() => wrote(guildId));
      return fromRow(row);
    },

    /** The bot left (or was kicked from) the guild at `at`; its data is kept until purged. */
    async markRemoved(guildId: string, at: number): Promise<void> {
      const now = ctx.now();
      await db
        .insertInto("guild_settings")
        .values({ guild_id: guildId, removed_at: at, created_at: now, updated_at: now })
        .onConflict((oc) => oc.column("guild_id").doUpdateSet({ removed_at: at, updated_at: now }))
        .execute()
        .finally(() => wrote(guildId));
    },

    /** The bot is in the guild (again): cancels a pending purge. */
    async markPresent(guildId: string): Promise<void> {
      await db
        .updateTable("guild_settings")
        .set({ removed_at: null, updated_at: ctx.now() })
        .where("guild_id", "=", guildId)
        .where("removed_at", "is not", null)
        .execute()
        .finally(() => wrote(guildId));
    },

    /** Erases all data of guilds removed before `cutoff`, in one transaction; returns their ids. */
    async purgeRemovedBefore(cutoff: number): Promise<string[]> {
      let purged = false;
      return inTransaction(db, async (trx) => {
        const rows = await trx
          .selectFrom("guild_settings")
          .select("guild_id")
          .where("removed_at", "is not", null)
          .where("removed_at", "<", cutoff)
          .execute();
        const ids = rows.map((r) => r.guild_id);
        purged = ids.length > 0;
        if (purged) await deleteGuildData(trx, ids);
        return ids;
      }).finally(() => {
        if (purged) wrote(null);
      });
    },

    /** Erases everything stored about the guild, at once. */
    async forget(guildId: string): Promise<void> {
      await inTransaction(db, (trx) => deleteGuildData(trx, [guildId])).finally(() => wrote(guildId));
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
