import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { kyselyOf, latestVersion, openStore, StoreError } from "../../../src/store/index.js";
import { initial } from "../../../src/store/migrations/001_initial.js";
import { migrate } from "../../../src/store/migrations/runner.js";
import { openPostgres, openSqlite } from "../../../src/store/connect.js";
import { parseDatabaseUrl } from "../../../src/store/url.js";
import { pgUrl, postgresBackend, sqliteBackend, type Backend, type FreshDatabase } from "./backends.js";

const silent = pino({ level: "silent" });
const T0 = 1_700_000_000_000;

/** What a database holds, read without the store (so reading cannot migrate anything). */
async function snapshot(fresh: FreshDatabase): Promise<{ tables: string[]; migrations: unknown[]; settings: unknown[] }> {
  const target = parseDatabaseUrl(fresh.url);
  const handle =
    target.kind === "sqlite"
      ? openSqlite(target.path, { readonly: true, logger: silent })
      : openPostgres(target.url, { readonly: true, logger: silent, ...(fresh.opts.schema ? { schema: fresh.opts.schema } : {}) });
  const db = handle.db;
  try {
    const tables =
      target.kind === "sqlite"
        ? (await sql<{ name: string }>`select name from sqlite_master where type in ('table', 'index') order by name`.execute(db)).rows
        : (await sql<{ name: string }>`select relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() order by relname`.execute(db)).rows;
    const migrations = await db.selectFrom("schema_migrations").selectAll().orderBy("version").execute();
    const settings = await db.selectFrom("guild_settings").selectAll().orderBy("guild_id").execute();
    return { tables: tables.map((t) => t.name), migrations, settings };
  } finally {
    await db.destroy();
  }
}

async function indexExists(fresh: FreshDatabase, name: string): Promise<boolean> {
  return (await snapshot(fresh)).tables.includes(name);
}

const backends: Backend[] = [sqliteBackend, ...(pgUrl ? [postgresBackend(pgUrl)] : [])];

for (const backend of backends) {
  describe(`migrations on ${backend.name}`, () => {
    let fresh: FreshDatabase;
    beforeEach(async () => {
      fresh = await backend.fresh();
    });
    afterEach(async () => {
      await fresh.cleanup();
    });

    it("an empty database is brought to the latest version, recorded in schema_migrations", async () => {
      const store = await openStore(fresh.url, { ...fresh.opts, clock: () => T0 });
      expect(store.schemaVersion).toBe(latestVersion);
      await store.close();
      const snap = await snapshot(fresh);
      expect(snap.migrations).toEqual([
        { version: 1, name: "initial", applied_at: T0 },
        { version: 2, name: "guild_job_index", applied_at: T0 },
      ]);
      for (const t of ["guild_settings", "watch_progress", "jobs", "watch_sessions", "watch_series", "rsvps", "trivia_rounds", "trivia_answers", "trivia_scores", "jobs_pending_due", "jobs_running_lease", "trivia_scores_board"]) {
        expect(snap.tables).toContain(t);
      }
      // A second start applies nothing.
      const again = await openStore(fresh.url, { ...fresh.opts, clock: () => T0 + 1 });
      await again.close();
      expect((await snapshot(fresh)).migrations).toEqual(snap.migrations);
    });

    it("a database at the previous version is migrated forward, keeping its rows", async () => {
      const old = await openStore(fresh.url, { ...fresh.opts, clock: () => T0, targetVersion: latestVersion - 1 });
      expect(old.schemaVersion).toBe(latestVersion - 1);
      await old.settings.update("g1", { language: "zh-CN" });
      const { id } = await old.jobs.enqueue({ guildId: "g1", kind: "reminder", dueAt: 5, dedupeKey: "d" });
      await old.close();
      expect(await indexExists(fresh, "jobs_guild_status_due")).toBe(false);

      const store = await openStore(fresh.url, { ...fresh.opts, clock: () => T0 + 1 });
      expect(store.schemaVersion).toBe(latestVersion);
      expect((await store.settings.get("g1")).language).toBe("zh-CN");
      expect((await store.jobs.get(id))?.dedupeKey).toBe("d");
      await store.close();
      expect(await indexExists(fresh, "jobs_guild_status_due")).toBe(true);
      expect((await snapshot(fresh)).migrations).toEqual([
        { version: 1, name: "initial", applied_at: T0 },
        { version: 2, name: "guild_job_index", applied_at: T0 + 1 },
      ]);
    });

    it("a database claiming a newer version is refused with a clear error and left untouched", async () => {
      const store = await openStore(fresh.url, { ...fresh.opts, clock: () => T0 });
      await store.settings.update("g1", { language: "en" });
      await kyselyOf(store).insertInto("schema_migrations").values({ version: 99, name: "from_the_future", applied_at: T0 }).execute();
      await store.close();
      const before = await snapshot(fresh);
      const sqlitePath = backend.name === "sqlite" ? (parseDatabaseUrl(fresh.url) as { path: string }).path : null;
      const hash = () => (sqlitePath ? createHash("sha256").update(readFileSync(sqlitePath)).digest("hex") : null);
      const hashBefore = hash();

      const err = await openStore(fresh.url, { ...fresh.opts }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe("SCHEMA_TOO_NEW");
      expect((err as StoreError).message).toBe(
        `database schema is version 99 but this build only knows up to ${latestVersion}; upgrade the bot or restore a backup`,
      );
      await expect(openStore(fresh.url, { ...fresh.opts, readonly: true })).rejects.toThrow(/version 99/);
      expect(hash()).toBe(hashBefore);
      expect(await snapshot(fresh)).toEqual(before);
    });

    it("a failing migration rolls back entirely (transactional DDL)", async () => {
      const target = parseDatabaseUrl(fresh.url);
      const handle =
        target.kind === "sqlite"
          ? openSqlite(target.path, { readonly: false, logger: silent })
          : openPostgres(target.url, { readonly: false, logger: silent, ...(fresh.opts.schema ? { schema: fresh.opts.schema } : {}) });
      const broken = {
        version: 2,
        name: "broken",
        async up(db: Parameters<typeof initial.up>[0]) {
          await db.schema.createTable("half_done").addColumn("x", "integer").execute();
          throw new Error("disk on fire");
        },
      };
      await expect(migrate(handle.db, target.kind, { logger: silent, now: () => T0, migrations: [initial, broken] })).rejects.toThrow(
        /migration 2 \(broken\) failed: Error: disk on fire/,
      );
      await handle.db.destroy();
      const snap = await snapshot(fresh).catch((e: unknown) => e);
      // Nothing survived, not even schema_migrations or 001's tables.
      expect(snap).toBeInstanceOf(Error);
      const store = await openStore(fresh.url, fresh.opts);
      expect(store.schemaVersion).toBe(latestVersion);
      await store.close();
    });

    it("read-only opens refuse an outdated schema and never write", async () => {
      const old = await openStore(fresh.url, { ...fresh.opts, targetVersion: 1 });
      await old.close();
      await expect(openStore(fresh.url, { ...fresh.opts, readonly: true })).rejects.toMatchObject({ code: "SCHEMA_OUTDATED" });
      const store = await openStore(fresh.url, fresh.opts);
      await store.settings.update("g1", { language: "en" });
      await store.close();
      const ro = await openStore(fresh.url, { ...fresh.opts, readonly: true });
      expect((await ro.settings.get("g1")).language).toBe("en");
      await expect(ro.settings.update("g1", { language: "zh-CN" })).rejects.toThrow();
      await ro.close();
    });

    if (backend.name === "postgres") {
      it("concurrent starts apply each migration once (advisory lock)", async () => {
        const stores = await Promise.all([1, 2, 3, 4].map((i) => openStore(fresh.url, { ...fresh.opts, clock: () => T0 + i, poolSize: 2 })));
        expect(stores.map((s) => s.schemaVersion)).toEqual([2, 2, 2, 2]);
        await Promise.all(stores.map((s) => s.close()));
        expect((await snapshot(fresh)).migrations).toHaveLength(latestVersion);
      });
    }
  });
}

if (!pgUrl) {
  describe.skip("PostgreSQL tests skipped: TEST_DATABASE_URL not set", () => {
    it("migrations on postgres", () => undefined);
  });
}
