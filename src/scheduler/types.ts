/**
 * Contracts of the durable scheduler (implementation: ./scheduler.ts). Domain code registers handlers by
 * job kind; every future moment is a row in the store's `jobs` table, never a timer held only in memory.
 *
 * A handler returns what happened instead of mutating global state:
 *  - done        the job is finished
 *  - retry       it failed in a way worth retrying (at: when; default: the scheduler's backoff)
 *  - reschedule  run it again at `at` (not an error: e.g. the session was paused)
 *  - fail        give up now (the scheduler records it and calls `onFailed`)
 * A handler that throws counts as `retry` with backoff; after `maxAttempts` the job is failed.
 */
import type { Logger } from "../log.js";
import type { Job, NewJob } from "../store/index.js";
import type { Clock } from "../watchalong/clock.js";

export type JobOutcome =
  | { type: "done" }
  | { type: "retry"; error: string; at?: number }
  | { type: "reschedule"; at: number }
  | { type: "fail"; error: string };

export interface JobContext {
  /** Virtual now (CLOCK_SPEED aware) when the job started. */
  now: number;
  /** How late the job runs: now − dueAt (virtual ms, ≥ 0). Handlers apply catch-up rules with it. */
  lateByMs: number;
  /** 1 on the first run. */
  attempt: number;
  clock: Clock;
  log: Logger;
  /** Plan follow-up jobs (same store; dedupe keys make planning idempotent). */
  enqueue(job: NewJob): Promise<{ id: string; created: boolean }>;
}

export interface JobHandler<P = unknown> {
  kind: string;
  run(job: Job<P>, ctx: JobContext): Promise<JobOutcome>;
}
