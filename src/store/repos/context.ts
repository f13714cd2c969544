import type { Kysely, Transaction } from "kysely";
import type { Clock } from "../clock.js";
import type { Dialect } from "../migrations/types.js";
import type { Database } from "../schema.js";

export interface RepoContext {
  dialect: Dialect;
  now: Clock;
}

/** Runs `fn` in the caller's transaction if there is one, else in a new one. */
export async function inTransaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return db.transaction().execute(fn);
}

export function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  return JSON.parse(text) as T;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export const bool = (v: number): boolean => v !== 0;
export const intBool = (v: boolean): number => (v ? 1 : 0);

/** Kysely reports affected rows as bigint. */
export const changed = (r: { numUpdatedRows?: bigint; numDeletedRows?: bigint }): number =>
  Number(r.numUpdatedRows ?? r.numDeletedRows ?? 0n);

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
