import type { Kysely } from "kysely";
import type { Database } from "../schema.js";

export type Dialect = "sqlite" | "postgres";

/**
 * One forward-only step. `up` runs inside the runner's transaction (both SQLite and PostgreSQL have
 * transactional DDL), so a failing migration leaves the database as it was.
 * Migrations use the schema builder and `sql` with literals written here, never input.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<Database>, dialect: Dialect): Promise<void>;
}
