/**
 * Bulk loading for the bench and large fixtures: batched multi-row inserts inside transactions,
 * far faster than one repository call per row. Not for the bot's own paths (it bypasses the
 * repositories' bookkeeping, e.g. trivia_scores is not derived from trivia_answers here).
 */
import { sql } from "kysely";
import { kyselyOf, type Store } from "./index.js";
import type { Database, NewRow } from "./schema.js";

export type BulkTable = Exclude<keyof Database, "schema_migrations">;

/** SQLite allows 32766 bound values per statement, PostgreSQL 65535; stay well below. */
const MAX_PARAMS = 30_000;
const MAX_ROWS = 1_000;

export async function bulkInsert<T extends BulkTable>(
  store: Store,
  table: T,
  rows: readonly NewRow<T>[],
  opts: { rowsPerTransaction?: number; concurrency?: number } = {},
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first).length;
  const batch = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / columns)));
  const db = kyselyOf(store);
  // PostgreSQL loads faster over a few connections at once; SQLite has one writer anyway.
  const concurrency = opts.concurrency ?? (store.kind === "postgres" ? 3 : 1);
  const perTx = opts.rowsPerTransaction ?? (store.kind === "postgres" ? 20_000 : 50_000);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const start = next;
      next += perTx;
      if (start >= rows.length) return;
      const slice = rows.slice(start, start + perTx);
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < slice.length; i += batch) {
          // The generic table name defeats Kysely's per-table typing; rows are typed by the signature.
          await trx
            .insertInto(table as "jobs")
            .values(slice.slice(i, i + batch) as never)
            .execute();
        }
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Refreshes planner statistics after a bulk load (`ANALYZE` on both backends). */
export async function analyze(store: Store): Promise<void> {
  await sql`analyze`.execute(kyselyOf(store));
}
