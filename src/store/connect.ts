import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";
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
  /** Stops the background checkpointer (if any) and closes the database. */
  close(): Promise<void>;
}

/**
 * A worker thread with its own connection that folds the WAL back into the database file
 * (`wal_checkpoint(PASSIVE)`: never blocks our writers or readers) every `intervalMs`. Without it, the
 * connection that commits the 1000th WAL page runs the checkpoint itself, inside that commit, on the
 * event loop: a 10–50 ms stall of whatever the bot was doing (the bench showed it as claimDue's p99).
 * SQLite's own auto-checkpoint stays on as the fallback should this worker ever stop.
 * Written as eval'd CommonJS so it runs the same from the sources (tests) and from dist/.
 */
const CHECKPOINTER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
const checkpoint = () => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (err) {
    parentPort.postMessage({ error: String(err) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

function startCheckpointer(path: string, logger: Logger, intervalMs: number): () => Promise<void> {
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: { path, intervalMs, driver: createRequire(import.meta.url).resolve("better-sqlite3") },
  });
  worker.unref();
  worker.on("message", (m: { error?: string }) => logger.warn({ err: m.error }, "sqlite background checkpoint failed"));
  worker.on("error", (err) => logger.error({ err }, "sqlite checkpointer stopped; falling back to auto-checkpoint"));
  return () =>
    new Promise<void>((resolveStop) => {
      worker.once("exit", () => resolveStop());
      worker.postMessage("stop");
    });
}

/**
 * Opens an SQLite file with the pragmas the bot relies on.
 *
 * - WAL: readers never block the writer (a `/westofthetracks` lookup never waits for the scheduler).
 * - synchronous=FULL: in WAL mode, NORMAL already survives a killed *process* (a commit is in the WAL
 *   file, i.e. in the OS page cache, before COMMIT returns); FULL also fsyncs the WAL at every commit, so
 *   a committed write survives power loss or a kernel crash too. `npm run bench:store` (shared 2-core VM)
 *   puts a single-commit write (jobs.enqueue) at p50 0.24 ms / p99 0.5 ms with FULL, and a busy scheduler
 *   tick's tail is the same with NORMAL or even OFF, so FULL costs this bot next to nothing: we pay it.
 * - busy_timeout=5000: another process holding the write lock (the backup CLI, a second bot by mistake)
 *   makes us wait, not fail.
 * - foreign_keys=ON: SQLite leaves them off per connection by default; cascades depend on them.
 */
export function openSqlite(
  path: string,
  opts: { readonly: boolean; logger: Logger; checkpointIntervalMs?: number },
): SqliteHandle {
  if (path !== ":memory:" && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
  const raw = new BetterSqlite3(path, { readonly: opts.readonly, fileMustExist: opts.readonly });
  raw.pragma("busy_timeout = 5000");
  if (!opts.readonly) raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = FULL");
  raw.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  const stopCheckpointer =
    path !== ":memory:" && !opts.readonly ? startCheckpointer(path, opts.logger, opts.checkpointIntervalMs ?? 1000) : null;
  opts.logger.debug({ path, readonly: opts.readonly }, "sqlite opened");
  return {
    db,
    raw,
    async close() {
      if (stopCheckpointer) await stopCheckpointer();
      if (!opts.readonly) {
        try {
          raw.pragma("optimize"); // SQLite's advice: refresh planner statistics where useful, on close
        } catch {
          // closing anyway
        }
      }
      await db.destroy();
    },
  };
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
