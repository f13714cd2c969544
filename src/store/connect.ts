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

function startCheckpointer(path: string, logger: Logger, intervalMs: number, onFailure: () => void): () => Promise<void> {
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: { path, intervalMs, driver: createRequire(import.meta.url).resolve("better-sqlite3") },
  });
  worker.unref();
  let exited = false;
  worker.once("exit", () => {
    exited = true;
  });
  worker.on("message", (m: { error?: string }) => logger.warn({ err: m.error }, "sqlite background checkpoint failed"));
  worker.on("error", (err) => {
    onFailure();
    logger.error({ err }, "sqlite checkpointer stopped; falling back to auto-checkpoint");
  });
  return () =>
    exited
      ? Promise.resolve()
      : new Promise<void>((resolveStop) => {
          // Held open while it stops: otherwise a process with nothing else to do would exit mid-close.
          worker.ref();
          worker.once("exit", () => resolveStop());
          worker.postMessage("stop");
        });
}

/**
 * Kysely prepares every query anew, and preparing costs about as much as running a small indexed query.
 * The bot runs the same few dozen statements over and over, so keep them prepared (least recently used
 * dropped past `max`; queries with variable `in (…)` lists just take a slot each).
 */
function withStatementCache(raw: BetterSqlite3.Database, max = 256) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string): BetterSqlite3.Statement {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = raw.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
    close(): void {
      cache.clear();
      raw.close();
    },
  };
}

/**
 * Opens an SQLite file with the pragmas the bot relies on.
 *
 * - WAL: readers never block the writer (a `/westofthetracks` lookup never waits for the scheduler).
 * - synchronous=NORMAL: in WAL mode a commit is in the WAL file (the OS page cache) before COMMIT
 *   returns, so a process killed at any moment loses no committed write — the guarantee this bot promises,
 *   proven by the SIGKILL crash test. FULL would also survive power loss, but better-sqlite3 runs the
 *   fsync of every commit on the event loop: `npm run bench:trivia` measured ~0.6 ms of blocked loop per
 *   answer press, which under a burst of presses is the difference between a fast and a late "locked in".
 *   Hosts who need power-loss durability run PostgreSQL (or set SQLITE_SYNCHRONOUS=FULL).
 * - busy_timeout=5000: another process holding the write lock (the backup CLI, a second bot by mistake)
 *   makes us wait, not fail.
 * - foreign_keys=ON: SQLite leaves them off per connection by default; cascades depend on them.
 */
export function openSqlite(
  path: string,
  opts: { readonly: boolean; logger: Logger; checkpointIntervalMs?: number; synchronous?: "NORMAL" | "FULL" },
): SqliteHandle {
  if (path !== ":memory:" && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
  const raw = new BetterSqlite3(path, { readonly: opts.readonly, fileMustExist: opts.readonly });
  raw.pragma("busy_timeout = 5000");
  if (!opts.readonly) raw.pragma("journal_mode = WAL");
  raw.pragma(`synchronous = ${opts.synchronous === "FULL" ? "FULL" : "NORMAL"}`);
  raw.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  // With the background checkpointer, commits never checkpoint themselves: SQLite's auto-checkpoint would
  // copy the WAL back into the database inside whichever commit crosses 1,000 pages, a multi-millisecond
  // stall on the event loop (`npm run bench:store`, busy tick p99). If the worker dies, it comes back.
  const stopCheckpointer =
    path !== ":memory:" && !opts.readonly
      ? startCheckpointer(path, opts.logger, opts.checkpointIntervalMs ?? 1000, () => {
          // The worker can fail after the store closed (its file removed, say): nothing to fall back then.
          if (raw.open) raw.pragma("wal_autocheckpoint = 1000");
        })
      : null;
  if (stopCheckpointer) raw.pragma("wal_autocheckpoint = 0");
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
