/**
 * Durable club state: SQLite (embedded, the default) or PostgreSQL, chosen by DATABASE_URL.
 * Everything outside src/store talks to the database through the repositories returned here.
 */
import { sql, type Kysely } from "kysely";
import { pino, type Logger } from "pino";
import { systemClock, type Clock } from "./clock.js";
import { openPostgres, openSqlite } from "./connect.js";
import { StoreError } from "./errors.js";
import { latestVersion } from "./migrations/index.js";
import type { Dialect } from "./migrations/types.js";
import { assertSchemaCurrent, migrate, readSchemaVersion } from "./migrations/runner.js";
import { inTransaction, type RepoContext } from "./repos/context.js";
import { jobsRepo, type JobsRepo } from "./repos/jobs.js";
import { progressRepo, type ProgressRepo } from "./repos/progress.js";
import { rsvpsRepo, type RsvpsRepo } from "./repos/rsvps.js";
import { sessionsRepo, type SessionsRepo } from "./repos/sessions.js";
import { SettingsCache, SettingsTxWrites, settingsRepo, type SettingsRepo } from "./repos/settings.js";
import { triviaRepo, type TriviaRepo } from "./repos/trivia.js";
import type { Database } from "./schema.js";
import type { HealthStatus } from "./types.js";
import { parseDatabaseUrl, redact } from "./url.js";

export * from "./types.js";
export { StoreError, type StoreErrorCode } from "./errors.js";
export { parseDatabaseUrl, type DatabaseTarget } from "./url.js";
export { defaultPeriodKeys, seasonKey, weekKey, ALL_TIME } from "./periods.js";
export { DEFAULT_SETTINGS } from "./repos/settings.js";
export { latestVersion } from "./migrations/index.js";
export type { Clock } from "./clock.js";
export type { JobsRepo, ProgressRepo, RsvpsRepo, SessionsRepo, SettingsRepo, TriviaRepo };
export type { MemberAnswer, QuestionTally, RecordAnswerInput } from "./repos/trivia.js";
export { SettingsCache } from "./repos/settings.js";

export type StoreKind = Dialect;

/** The repositories; inside `transaction(fn)` they all share the transaction. */
export interface Repos {
  settings: SettingsRepo;
  progress: ProgressRepo;
  jobs: JobsRepo;
  sessions: SessionsRepo;
  rsvps: RsvpsRepo;
  trivia: TriviaRepo;
}

export interface Store extends Repos {
  readonly kind: StoreKind;
  /** The schema version the database is at after opening. */
  readonly schemaVersion: number;
  /**
   * Runs `fn` in one transaction: all its writes commit together or not at all. Use only the `tx`
   * repositories inside (on SQLite the store's own repositories wait for the transaction to end).
   */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  /** A cheap round trip plus the schema version, for /healthz. */
  healthCheck(): Promise<HealthStatus>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  logger?: Logger;
  /** Open without migrating or writing; refused unless the schema is exactly this build's. */
  readonly?: boolean;
  /** Stamps created_at / updated_at; pass the bot's (possibly sped-up) clock. */
  clock?: Clock;
  /** PostgreSQL only: use this schema (search_path) instead of the user's default. Tests isolate with it. */
  schema?: string;
  /** SQLite only: NORMAL (default; survives a killed process) or FULL (also power loss). */
  synchronous?: "NORMAL" | "FULL";
  /** PostgreSQL only: pool size (default 10). */
  poolSize?: number;
  /**
   * How long `settings.get` may serve a cached value (real milliseconds, default 30 000; 0 turns the cache
   * off). Our own writes invalidate it at once; this bounds how late another process's changes show up.
   */
  settingsCacheTtlMs?: number;
  /** Tests and fixtures only: migrate up to this version instead of the latest. */
  targetVersion?: number;
}

/** How each repository is made: one table for the eager store-level set and the lazy per-transaction set. */
const REPO_FACTORIES: {
  readonly [K in keyof Repos]: (db: Kysely<Database>, ctx: RepoContext, cache: SettingsCache, txWrites?: SettingsTxWrites) => Repos[K];
} = {
  settings: (db, ctx, cache, txWrites) => settingsRepo(db, ctx, cache, txWrites),
  progress: (db, ctx) => progressRepo(db, ctx),
  jobs: (db, ctx) => jobsRepo(db, ctx),
  sessions: (db, ctx) => sessionsRepo(db, ctx),
  rsvps: (db, ctx) => rsvpsRepo(db, ctx),
  trivia: (db, ctx) => triviaRepo(db, ctx),
};
const REPO_NAMES = Object.keys(REPO_FACTORIES) as (keyof Repos)[];

function makeRepos(db: Kysely<Database>, ctx: RepoContext, cache: SettingsCache, txWrites?: SettingsTxWrites): Repos {
  return Object.fromEntries(REPO_NAMES.map((name) => [name, REPO_FACTORIES[name](db, ctx, cache, txWrites)])) as unknown as Repos;
}

/** The repositories of one transaction, each made when first used (most transactions use one or two). */
function lazyRepos(db: Kysely<Database>, ctx: RepoContext, cache: SettingsCache, txWrites: SettingsTxWrites): Repos {
  const made = new Map<keyof Repos, unknown>();
  const repos = {};
  for (const name of REPO_NAMES) {
    Object.defineProperty(repos, name, {
      enumerable: true,
      get() {
        if (!made.has(name)) made.set(name, REPO_FACTORIES[name](db, ctx, cache, txWrites));
        return made.get(name);
      },
    });
  }
  return repos as Repos;
}

/** Internal: the Kysely handle behind a store, for src/store's own bulk helpers (bench, fixtures). */
const handles = new WeakMap<Store, Kysely<Database>>();
export function kyselyOf(store: Store): Kysely<Database> {
  const db = handles.get(store);
  if (!db) throw new StoreError("INVALID_ARGUMENT", "not a store opened by openStore");
  return db;
}

/**
 * Opens the database named by `url` (`sqlite:<path>`, `sqlite::memory:`, `postgres://…`) and brings
 * its schema up to date. Refuses, untouched, a database whose schema is newer than this build.
 */
export async function openStore(url: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const logger = (opts.logger ?? pino({ level: "silent" })).child({ module: "store" });
  const now = opts.clock ?? systemClock;
  const target = parseDatabaseUrl(url);
  const readonly = opts.readonly ?? false;

  let db: Kysely<Database>;
  let shutdown: () => Promise<void>;
  if (target.kind === "sqlite") {
    const handle = openSqlite(target.path, { readonly, logger, ...(opts.synchronous ? { synchronous: opts.synchronous } : {}) });
    db = handle.db;
    shutdown = () => handle.close();
  } else {
    db = openPostgres(target.url, {
      readonly,
      logger,
      ...(opts.schema !== undefined ? { schema: opts.schema } : {}),
      ...(opts.poolSize !== undefined ? { poolSize: opts.poolSize } : {}),
    }).db;
    shutdown = () => db.destroy();
  }
  const dialect: Dialect = target.kind;

  let schemaVersion: number;
  try {
    if (readonly) {
      schemaVersion = await assertSchemaCurrent(db, dialect);
    } else {
      const result = await migrate(db, dialect, {
        logger,
        now,
        ...(opts.targetVersion !== undefined ? { target: opts.targetVersion } : {}),
      });
      schemaVersion = result.to;
      if (result.applied.length > 0) logger.info({ from: result.from, to: result.to, applied: result.applied }, "database migrated");
    }
  } catch (err) {
    await shutdown().catch(() => undefined);
    if (err instanceof StoreError) throw err;
    throw new StoreError("MIGRATION_FAILED", `could not open ${target.kind === "sqlite" ? target.path : redact(target.url)}: ${String(err)}`, {
      cause: err,
    });
  }
  logger.info({ kind: dialect, schemaVersion, latest: latestVersion }, "store open");

  const ctx: RepoContext = { dialect, now };
  // settings.get is read on every interaction: cached in process, invalidated by our writes (see SettingsCache).
  const settingsCache = new SettingsCache(opts.settingsCacheTtlMs !== undefined ? { ttlMs: opts.settingsCacheTtlMs } : {});
  let closed = false;
  const store: Store = {
    kind: dialect,
    schemaVersion,
    ...makeRepos(db, ctx, settingsCache),
    async transaction(fn) {
      const writes = new SettingsTxWrites(settingsCache);
      try {
        return await inTransaction(db, (trx) => fn(lazyRepos(trx, ctx, settingsCache, writes)));
      } finally {
        writes.flush();
      }
    },
    async healthCheck() {
      try {
        await sql`select 1`.execute(db);
        return { ok: true, kind: dialect, schemaVersion: await readSchemaVersion(db, dialect) };
      } catch (err) {
        return { ok: false, kind: dialect, error: err instanceof Error ? err.message : String(err) };
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await shutdown();
    },
  };
  handles.set(store, db);
  return store;
}
