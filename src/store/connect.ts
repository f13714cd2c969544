import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { Logger } from "pino";
import { StoreError } from "./errors.js";
import type { Database } from "./schema.js";

const INT8_OID = 20;

/** int8 (bigint, count(*)) as a JS number; refuses what a number cannot hold exactly. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new StoreError("INVALID_ARGUMENT", `int8 value ${text} does not fit a JS number`);
  return n;
}

const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary"
      ? parseInt8
            : (pg.types.getTypeParser(oid, format ?? "text") as (value: string) => unknown)) as pg.CustomTypesConfig["getTypeParser"],
};

export interface SqliteHandle {
  db: Kysely<Database>;
  raw: BetterSqlite3.Database;
}

/**
 * Opens an SQLite file with the pragmas the bot relies on.
 *
 * - WAL: readers never block the writer (a `/westofthetracks` lookup never waits for the scheduler).
 * - synchronous=FULL: in WAL mode, NORMAL already survives a killed *process* (a commit is in the WAL
 *   file, i.e. in the OS page cache, before COMMIT returns); FULL also fsyncs the WAL at every commit, so
 *   a committed write survives power loss or a kernel crash too. The bench (`npm run bench:store`) shows
 *   the cost is small at this bot's write rate (a few commits per second), so we pay it.
 * - busy_timeout=5000: another process holding the write lock (the backup CLI, a second bot by mistake)
 *   makes us wait, not fail.
 * - foreign_keys=ON: SQLite leaves them off per connection by default; cascades depend on them.
 */
export function openSqlite(path: string, opts: { readonly: boolean; logger: Logger }): SqliteHandle {
  if (path !== ":memory:" && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
  const raw = new BetterSqlite3(path, { readonly: opts.readonly, fileMustExist: opts.readonly });
  raw.pragma("busy_timeout = 5000");
  if (!opts.readonly) raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = FULL");
  raw.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  opts.logger.debug({ path, readonly: opts.readonly }, "sqlite opened");
  return { db, raw };
}

export interface PostgresHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
}

export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function openPostgres(
  url: string,
  opts: { readonly: boolean; logger: Logger; schema?: string; poolSize?: number },
): PostgresHandle {
  const options: string[] = [];
  if (opts.schema !== undefined) {
    if (!SCHEMA_NAME.test(opts.schema)) throw new StoreError("INVALID_ARGUMENT", `bad schema name "${opts.schema}"`);
    options.push(`-c search_path=${opts.schema}`);
  }
  if (opts.readonly) options.push("-c default_transaction_read_only=on");
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    types: pgTypes,
    ...(options.length > 0 ? { options: options.join(" ") } : {}),
  });
  // An idle client losing its connection emits on the pool; unhandled, that would kill the process.
  pool.on("error", (err) => opts.logger.error({ err }, "postgres pool client error"));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}
