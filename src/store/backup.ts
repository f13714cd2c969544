import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { StoreError } from "./errors.js";
import { parseDatabaseUrl } from "./url.js";

export interface BackupResult {
  source: string;
  destination: string;
  pages: number;
  integrity: string;
  schemaVersion: number;
}

/**
 * Copies the SQLite database named by `url` to `destination` while the bot keeps running, through
 * SQLite's online backup API (a consistent snapshot, WAL content included). Writes to a temporary
 * name, checks the copy with `PRAGMA integrity_check`, then renames it into place. Refuses to
 * overwrite an existing file unless `overwrite`. PostgreSQL is refused with a pointer to pg_dump.
 */
export async function backupDatabase(url: string, destination: string, opts: { overwrite?: boolean } = {}): Promise<BackupResult> {
  const target = parseDatabaseUrl(url);
  if (target.kind === "postgres") {
    throw new StoreError(
      "NOT_SUPPORTED",
      "db:backup copies SQLite databases only; for PostgreSQL use pg_dump, e.g. pg_dump --format=custom --file=backup.dump \"$DATABASE_URL\"",
    );
  }
  if (target.path === ":memory:") throw new StoreError("NOT_SUPPORTED", "an in-memory database cannot be backed up");
  if (!existsSync(target.path)) throw new StoreError("INVALID_ARGUMENT", `no database at ${target.path}`);
  const dest = resolve(destination);
  if (dest === target.path) throw new StoreError("INVALID_ARGUMENT", "the backup must not be the database itself");
  if (existsSync(dest) && !opts.overwrite) throw new StoreError("INVALID_ARGUMENT", `${dest} exists; pass --force to overwrite`);
  mkdirSync(dirname(dest), { recursive: true });

  const partial = `${dest}.partial-${process.pid}`;
  const source = new BetterSqlite3(target.path, { fileMustExist: true });
  try {
    source.pragma("busy_timeout = 5000");
    const progress = await source.backup(partial);
    const copy = new BetterSqlite3(partial);
    let integrity: string;
    let schemaVersion: number;
    try {
      integrity = String(copy.pragma("integrity_check", { simple: true }));
      const row = copy.prepare("select coalesce(max(version), 0) as v from schema_migrations").get() as { v: number } | undefined;
      schemaVersion = row?.v ?? 0;
      // A single self-contained file: fold any WAL into it and switch the copy to rollback journal.
      copy.pragma("journal_mode = DELETE");
    } finally {
      copy.close();
    }
    if (integrity !== "ok") throw new StoreError("MIGRATION_FAILED", `the copy failed integrity_check: ${integrity}`);
    renameSync(partial, dest);
    return { source: target.path, destination: dest, pages: progress.totalPages, integrity, schemaVersion };
  } catch (err) {
    for (const f of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`]) rmSync(f, { force: true });
    throw err;
  } finally {
    source.close();
  }
}
