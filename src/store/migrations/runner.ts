import { sql, type Kysely } from "kysely";
import type { Logger } from "pino";
import { StoreError } from "../errors.js";
import type { Database } from "../schema.js";
import { migrations as allMigrations, latestVersion } from "./index.js";
import type { Dialect, Migration } from "./types.js";

/** Advisory lock class for "migrating this schema"; the second key is the schema name's hash. */
const PG_MIGRATION_LOCK = 0x57545400;

export interface MigrateResult {
  from: number;
  to: number;
  applied: string[];
}

function tooNew(current: number, known: number): StoreError {
  return new StoreError(
    "SCHEMA_TOO_NEW",
    `database schema is version ${current} but this build only knows up to ${known}; upgrade the bot or restore a backup`,
  );
}

async function schemaMigrationsExists(db: Kysely<Database>, dialect: Dialect): Promise<boolean> {
  if (dialect === "sqlite") {
    const row = await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = ${"schema_migrations"}`.execute(db);
    return (row.rows[0]?.n ?? 0) > 0;
  }
  const row = await sql<{ r: string | null }>`select to_regclass(${"schema_migrations"})::text as r`.execute(db);
  return row.rows[0]?.r != null;
}

/** The recorded schema version (0 for an empty database), without changing anything. */
export async function readSchemaVersion(db: Kysely<Database>, dialect: Dialect): Promise<number> {
  if (!(await schemaMigrationsExists(db, dialect))) return 0;
  const row = await db
    .selectFrom("schema_migrations")
    .select((eb) => eb.fn.max("version").as("v"))
    .executeTakeFirst();
  return Number(row?.v ?? 0);
}

/**
 * Brings the database to `target` (the latest by default) inside one transaction, holding a lock so
 * concurrent starts apply each migration once: `BEGIN IMMEDIATE` takes SQLite's write lock up front, and
 * PostgreSQL takes a transaction-scoped advisory lock for the current schema. A database newer than this
 * build is refused before anything is written.
 */
export async function migrate(
  db: Kysely<Database>,
  dialect: Dialect,
  opts: { logger: Logger; now: () => number; target?: number; migrations?: readonly Migration[] },
): Promise<MigrateResult> {
  const list = [...(opts.migrations ?? allMigrations)].sort((a, b) => a.version - b.version);
  const known = list.reduce((max, m) => Math.max(max, m.version), 0);
  const target = opts.target ?? known;
  if (target > known) throw new StoreError("INVALID_ARGUMENT", `no migration ${target}; latest is ${known}`);

  return db.connection().execute(async (conn) => {
    if (dialect === "sqlite") {
      await sql`begin immediate`.execute(conn);
    } else {
      await sql`begin`.execute(conn);
      await sql`select pg_advisory_xact_lock(${sql.lit(PG_MIGRATION_LOCK)}, hashtext(current_schema()))`.execute(conn);
    }
    try {
      const existed = await schemaMigrationsExists(conn, dialect);
      const from = existed ? await readSchemaVersion(conn, dialect) : 0;
      if (from > known) throw tooNew(from, known);
      if (!existed) {
        await conn.schema
          .createTable("schema_migrations")
          .addColumn("version", "integer", (c) => c.primaryKey())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("applied_at", "bigint", (c) => c.notNull())
          .execute();
      }
      const applied: string[] = [];
      for (const m of list) {
        if (m.version <= from || m.version > target) continue;
        opts.logger.info({ version: m.version, name: m.name }, "applying database migration");
        try {
          await m.up(conn, dialect);
        } catch (err) {
          throw new StoreError("MIGRATION_FAILED", `migration ${m.version} (${m.name}) failed: ${String(err)}`, { cause: err });
        }
        await conn.insertInto("schema_migrations").values({ version: m.version, name: m.name, applied_at: opts.now() }).execute();
        applied.push(`${m.version}_${m.name}`);
      }
      await sql`commit`.execute(conn);
      const to = Math.max(from, ...list.filter((m) => m.version <= target).map((m) => m.version), 0);
      return { from, to, applied };
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}

/** For read-only opens: refuse unless the schema is exactly what this build expects. */
export async function assertSchemaCurrent(db: Kysely<Database>, dialect: Dialect): Promise<number> {
  const current = await readSchemaVersion(db, dialect);
  if (current > latestVersion) throw tooNew(current, latestVersion);
  if (current < latestVersion) {
    throw new StoreError(
      "SCHEMA_OUTDATED",
      `database schema is version ${current} but this build needs ${latestVersion}; open it read-write once to migrate`,
    );
  }
  return current;
}
