/**
 * The backends every store test runs against: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.
 * Each PostgreSQL database handed out is a fresh schema (search_path), dropped by `cleanup`, so test
 * files running in parallel never see each other's rows.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { OpenStoreOptions } from "../../../src/store/index.js";

export const pgUrl = process.env.TEST_DATABASE_URL;

export interface FreshDatabase {
  url: string;
  opts: OpenStoreOptions;
  cleanup(): Promise<void>;
}

export interface Backend {
  name: "sqlite" | "postgres";
  /** An empty database that survives reopening (a temp file, or a fresh schema). */
  fresh(): Promise<FreshDatabase>;
}

export const sqliteBackend: Backend = {
  name: "sqlite",
  fresh() {
    const dir = mkdtempSync(join(tmpdir(), "wott-store-"));
    return Promise.resolve({
      url: `sqlite:${join(dir, "test.sqlite")}`,
      opts: {},
      cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    });
  },
};

/** Runs one admin statement on the PostgreSQL test database. */
async function admin(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export function postgresBackend(url: string): Backend {
  return {
    name: "postgres",
    async fresh() {
      // The name is generated here from hex digits only; never from input.
      const schema = `store_test_${randomBytes(6).toString("hex")}`;
      await admin(url, `create schema ${schema}`);
      return {
        url,
        opts: { schema, poolSize: 4 },
        cleanup: () => admin(url, `drop schema if exists ${schema} cascade`),
      };
    },
  };
}
