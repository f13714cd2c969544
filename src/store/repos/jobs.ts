import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { Database, Row } from "../schema.js";
import type { ClaimOptions, Job, JobFilter, JobStatus, NewJob } from "../types.js";
import { changed, inTransaction, parseJson, toJson, type RepoContext } from "./context.js";

/** What claiming writes on a job (with one more attempt): running, leased to the owner until now + leaseMs. */
function claimedBy(opts: ClaimOptions, now: number, stamp: number) {
  return { status: "running" as const, lease_owner: opts.owner, lease_until: now + opts.leaseMs, updated_at: stamp };
}

// Status literals are written into the SQL (not bound) where they must match a partial index's
// predicate: SQLite only uses a partial index when the query repeats the literal term.
const PENDING = sql.lit("pending");
const RUNNING = sql.lit("running");
const LIVE: JobStatus[] = ["pending", "running"];

function fromRow<P>(r: Row<"jobs">): Job<P> {
  return {
    id: r.id,
    guildId: r.guild_id,
    kind: r.kind,
    dueAt: r.due_at,
    payload: parseJson<P>(r.payload) as P,
    status: r.status as JobStatus,
    attempts: r.attempts,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
    lastError: r.last_error,
    dedupeKey: r.dedupe_key,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function checkClaim(opts: ClaimOptions): void {
  if (!opts.owner) throw new RangeError("claimDue: owner is required");
  if (!Number.isSafeInteger(opts.leaseMs) || opts.leaseMs <= 0) throw new RangeError("claimDue: leaseMs must be a positive integer");
  if (!Number.isSafeInteger(opts.limit) || opts.limit <= 0) throw new RangeError("claimDue: limit must be a positive integer");
}

function sortByDue(jobs: Job[]): Job[] {
  return jobs.sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function jobsRepo(db: Kysely<Database>, ctx: RepoContext) {
  const pg = ctx.dialect === "postgres";

  /**
   * One statement claims up to `limit` rows of one kind (pending and due, or running with an expired
   * lease). The outer WHERE repeats the condition, so under PostgreSQL's READ COMMITTED a row another
   * claimer changed meanwhile is re-checked after its lock and skipped; SKIP LOCKED keeps claimers from
   * queueing behind each other. SQLite runs one writer at a time, so the statement is atomic there.
   */
  async function claim(
    trx: Kysely<Database>,
    which: "pending" | "expired",
    now: number,
    opts: ClaimOptions,
    limit: number,
  ): Promise<Job[]> {
    const col = which === "pending" ? "due_at" : "lease_until";
    const status = which === "pending" ? PENDING : RUNNING;
    const stamp = ctx.now();
    const rows = await trx
      // MATERIALIZED: PostgreSQL must run the locking, limited pick exactly once. Inlined into
      // `id in (…)`, the planner may re-run it and claim more than `limit` rows.
      .with(
        (cte) => cte("picked").materialized(),
        (qb) => {
          const pick = qb
            .selectFrom("jobs")
            .select("id")
            .where("status", "=", status)
            .where(col, "<=", now)
            .orderBy(col)
            .orderBy("id")
            .limit(limit);
          return pg ? pick.forUpdate().skipLocked() : pick;
        },
      )
      .updateTable("jobs")
      .set((eb) => ({ ...claimedBy(opts, now, stamp), attempts: eb("attempts", "+", 1) }))
      .where("id", "in", (eb) => eb.selectFrom("picked").select("picked.id"))
      .where("status", "=", status)
      .where(col, "<=", now)
      .returningAll()
      .execute();
    return rows.map((r) => fromRow(r));
  }

  /**
   * SQLite: expired leases and due jobs in one UPDATE (one statement, one commit; SQLite has a single
   * writer, so the statement is atomic). Half the work of the two-step PostgreSQL path, which needs
   * two statements because FOR UPDATE cannot be combined with UNION.
   */
  async function claimSqlite(trx: Kysely<Database>, now: number, opts: ClaimOptions): Promise<Job[]> {
    const stamp = ctx.now();
    const rows = await trx
      .with(
        (cte) => cte("picked").materialized(),
        (qb) =>
          qb
            .selectFrom((sub) =>
              sub
                .selectFrom("jobs")
                .select("id")
                .where("status", "=", RUNNING)
                .where("lease_until", "<=", now)
                .orderBy("lease_until")
                .limit(opts.limit)
                .as("expired"),
            )
            .select("expired.id")
            .unionAll((qb2) =>
              qb2
                .selectFrom((sub) =>
                  sub
                    .selectFrom("jobs")
                    .select("id")
                    .where("status", "=", PENDING)
                    .where("due_at", "<=", now)
                    .orderBy("due_at")
                    .orderBy("id")
                    .limit(opts.limit)
                    .as("due"),
                )
                .select("due.id"),
            )
            .limit(opts.limit),
      )
      .updateTable("jobs")
      .set((eb) => ({ ...claimedBy(opts, now, stamp), attempts: eb("attempts", "+", 1) }))
      .where("id", "in", (eb) => eb.selectFrom("picked").select("picked.id"))
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "=", PENDING), eb("due_at", "<=", now)]),
          eb.and([eb("status", "=", RUNNING), eb("lease_until", "<=", now)]),
        ]),
      )
      .returningAll()
      .execute();
    return rows.map((r) => fromRow(r));
  }

  /** Adds a job; with a dedupe key already taken, returns the existing id and `created: false`. */
  async function enqueue<P>(job: NewJob<P>): Promise<{ id: string; created: boolean }> {
    const now = ctx.now();
    const id = job.id ?? randomUUID();
    const dedupeKey = job.dedupeKey ?? null;
    const inserted = await db
      .insertInto("jobs")
      .values({
        id,
        guild_id: job.guildId,
        kind: job.kind,
        due_at: job.dueAt,
        payload: toJson(job.payload ?? {}),
        dedupe_key: dedupeKey,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column("dedupe_key").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (inserted) return { id: inserted.id, created: true };
    if (dedupeKey === null) throw new Error(`enqueue: job ${id} was not inserted`);
    const existing = await db.selectFrom("jobs").select("id").where("dedupe_key", "=", dedupeKey).executeTakeFirst();
    if (existing) return { id: existing.id, created: false };
    // The holder of the key was cancelled (releasing it) between our insert and select: try again.
    return enqueue(job);
  }

  return {
    enqueue,

    /**
     * Atomically takes jobs that can run at `now` for `owner`: first running jobs whose lease expired
     * (their owner died), then pending jobs that are due, oldest first, `limit` in all. Each becomes
     * `running` with `lease_until = now + leaseMs` and one more attempt. Two owners never get the same job.
     */
    async claimDue(now: number, opts: ClaimOptions): Promise<Job[]> {
      checkClaim(opts);
      if (!pg) return sortByDue(await claimSqlite(db, now, opts));
      return inTransaction(db, async (trx) => {
        const reclaimed = await claim(trx, "expired", now, opts, opts.limit);
        const rest = opts.limit - reclaimed.length;
        const fresh = rest > 0 ? await claim(trx, "pending", now, opts, rest) : [];
        return sortByDue([...reclaimed, ...fresh]);
      });
    },

    /** Extends a lease the owner still holds (long-running job). */
    async extendLease(id: string, owner: string, until: number): Promise<boolean> {
      const r = await db
        .updateTable("jobs")
        .set({ lease_until: until, updated_at: ctx.now() })
        .where("id", "=", id)
        .where("status", "=", "running")
        .where("lease_owner", "=", owner)
        .executeTakeFirst();
      return changed(r) > 0;
    },

    /** The owner finished the job. False if it no longer holds the lease (reclaimed or cancelled). */
    async complete(id: string, owner: string): Promise<boolean> {
      const r = await db
        .updateTable("jobs")
        .set({ status: "done", lease_until: null, updated_at: ctx.now() })
        .where("id", "=", id)
        .where("status", "=", "running")
        .where("lease_owner", "=", owner)
        .executeTakeFirst();
      return changed(r) > 0;
    },

    /** Puts the job back in the queue, due at `at`, remembering the error. */
    async retryAt(id: string, owner: string, at: number, error: string): Promise<boolean> {
      const r = await db
        .updateTable("jobs")
        .set({ status: "pending", due_at: at, last_error: error, lease_owner: null, lease_until: null, updated_at: ctx.now() })
        .where("id", "=", id)
        .where("status", "=", "running")
        .where("lease_owner", "=", owner)
        .executeTakeFirst();
      return changed(r) > 0;
    },

    /**
     * Runs the job again at `at` without counting this run as an attempt (the handler chose to wait: a
     * paused party, a post waiting for another). Only failures count toward giving up.
     */
    async reschedule(id: string, owner: string, at: number): Promise<boolean> {
      const r = await db
        .updateTable("jobs")
        .set((eb) => ({
          status: "pending",
          due_at: at,
          attempts: eb("attempts", "-", 1),
          lease_owner: null,
          lease_until: null,
          updated_at: ctx.now(),
        }))
        .where("id", "=", id)
        .where("status", "=", "running")
        .where("lease_owner", "=", owner)
        .executeTakeFirst();
      return changed(r) > 0;
    },

    /**
     * Returns every running job to pending (their leases released). Only for a bot that is the single
     * user of its database (SQLite): at start, jobs a killed process had claimed run again at once
     * instead of waiting for their leases to expire. Message nonces keep a rerun from posting twice.
     */
    async releaseAllLeases(): Promise<number> {
      const r = await db
        .updateTable("jobs")
        .set({ status: "pending", lease_owner: null, lease_until: null, updated_at: ctx.now() })
        .where("status", "=", "running")
        .executeTakeFirst();
      return changed(r);
    },

    /** Gives up on the job for good. */
    async fail(id: string, owner: string, error: string): Promise<boolean> {
      const r = await db
        .updateTable("jobs")
        .set({ status: "failed", last_error: error, lease_until: null, updated_at: ctx.now() })
        .where("id", "=", id)
        .where("status", "=", "running")
        .where("lease_owner", "=", owner)
        .executeTakeFirst();
      return changed(r) > 0;
    },

    /** Cancels a pending or running job and releases its dedupe key. False if it had already ended. */
    async cancel(id: string): Promise<boolean> {
      const r = await db
        .updateTable("jobs")
        .set({ status: "cancelled", dedupe_key: null, lease_until: null, updated_at: ctx.now() })
        .where("id", "=", id)
        .where("status", "in", LIVE)
        .executeTakeFirst();
      return changed(r) > 0;
    },

    /** Cancels the guild's pending and running jobs matching the filter; returns how many. */
    async cancelWhere(guildId: string, filter: JobFilter = {}): Promise<number> {
      let q = db
        .updateTable("jobs")
        .set({ status: "cancelled", dedupe_key: null, lease_until: null, updated_at: ctx.now() })
        .where("guild_id", "=", guildId)
        .where("status", "in", LIVE);
      if (filter.kinds) {
        if (filter.kinds.length === 0) return 0;
        q = q.where("kind", "in", [...filter.kinds]);
      }
      if (filter.dedupeKeyPrefix !== undefined) {
        const prefix = filter.dedupeKeyPrefix;
        q = q.where((eb) => eb(eb.fn("substr", ["dedupe_key", eb.val(1), eb.val(prefix.length)]), "=", prefix));
      }
      if (filter.dueFrom !== undefined) q = q.where("due_at", ">=", filter.dueFrom);
      return changed(await q.executeTakeFirst());
    },

    /**
     * When the scheduler should wake next: the earliest pending due_at or running lease expiry, or null
     * when the queue is idle. Both are one step down a partial index.
     */
    async nextDueAt(): Promise<number | null> {
      const pending = await db
        .selectFrom("jobs")
        .select("due_at as at")
        .where("status", "=", PENDING)
        .orderBy("due_at")
        .limit(1)
        .executeTakeFirst();
      const lease = await db
        .selectFrom("jobs")
        .select("lease_until as at")
        .where("status", "=", RUNNING)
        .where("lease_until", "is not", null)
        .orderBy("lease_until")
        .limit(1)
        .executeTakeFirst();
      const times = [pending?.at, lease?.at].filter((t): t is number => t != null);
      return times.length > 0 ? Math.min(...times) : null;
    },

    async get<P = unknown>(id: string): Promise<Job<P> | null> {
      const row = await db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? fromRow<P>(row) : null;
    },

    async getByDedupeKey<P = unknown>(dedupeKey: string): Promise<Job<P> | null> {
      const row = await db.selectFrom("jobs").selectAll().where("dedupe_key", "=", dedupeKey).executeTakeFirst();
      return row ? fromRow<P>(row) : null;
    },

    /** The guild's jobs by due time; by default only live (pending and running) ones. */
    async listForGuild(
      guildId: string,
      opts: { statuses?: readonly JobStatus[]; kinds?: readonly string[]; limit?: number } = {},
    ): Promise<Job[]> {
      const statuses = opts.statuses ?? LIVE;
      if (statuses.length === 0) return [];
      let q = db
        .selectFrom("jobs")
        .selectAll()
        .where("guild_id", "=", guildId)
        .where("status", "in", [...statuses]);
      if (opts.kinds) {
        if (opts.kinds.length === 0) return [];
        q = q.where("kind", "in", [...opts.kinds]);
      }
      const rows = await q.orderBy("due_at").orderBy("id").limit(opts.limit ?? 100).execute();
      return rows.map((r) => fromRow(r));
    },

    async countPending(): Promise<number> {
      const r = await db
        .selectFrom("jobs")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("status", "=", PENDING)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** Housekeeping: deletes finished (done, failed, cancelled) jobs last touched before `cutoff`. */
    async deleteFinishedBefore(cutoff: number): Promise<number> {
      const r = await db
        .deleteFrom("jobs")
        .where("status", "in", ["done", "failed", "cancelled"])
        .where("updated_at", "<", cutoff)
        .executeTakeFirst();
      return changed(r);
    },
  };
}

export type JobsRepo = ReturnType<typeof jobsRepo>;
