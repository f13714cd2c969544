/**
 * Queries built once and run many times. Building and compiling a Kysely query costs more JS than SQLite
 * takes to run a small indexed statement (the trivia bench measured ~1 ms of Kysely per answer press), so
 * the hottest statements are built once per dialect with named placeholders, compiled, and then executed
 * as a `CompiledQuery` with fresh parameter values. The query stays written with the typed builder, so
 * both dialects keep their own SQL (`?` or `$1`, quoting, `returning`).
 */
import type { CompiledQuery, Compilable, Kysely, QueryResult } from "kysely";
import type { Dialect } from "./migrations/types.js";
import type { Database } from "./schema.js";

const SENTINEL = "\u0000kysely-arg:";

type Slot = { arg: string } | { value: unknown };

interface Template {
  sql: string;
  query: CompiledQuery["query"];
  queryId: CompiledQuery["queryId"];
  slots: Slot[];
}

/**
 * `prepared((db, arg) => db.selectFrom("t").selectAll().where("id", "=", arg("id")))` returns
 * `run(db, dialect, { id })`. `arg(name)` stands for a value bound at each run; anything else in the
 * builder is fixed. Every `arg` must end up as a bound parameter (not inside `sql.lit` or an identifier).
 */
export function prepared<A extends string, R>(
  build: (db: Kysely<Database>, arg: (name: A) => never) => Compilable<R>,
): (db: Kysely<Database>, dialect: Dialect, args: Readonly<Record<A, unknown>>) => Promise<QueryResult<R>> {
  const templates = new Map<Dialect, Template>();
  const arg = (name: A): never => `${SENTINEL}${name}` as never;
  return (db, dialect, args) => {
    let t = templates.get(dialect);
    if (!t) {
      const compiled = build(db, arg).compile();
      if (compiled.sql.includes(SENTINEL)) throw new Error(`prepared: a placeholder ended up in the SQL text: ${compiled.sql}`);
      const slots = compiled.parameters.map((p): Slot =>
        typeof p === "string" && p.startsWith(SENTINEL) ? { arg: p.slice(SENTINEL.length) } : { value: p },
      );
      t = { sql: compiled.sql, query: compiled.query, queryId: compiled.queryId, slots };
      templates.set(dialect, t);
    }
    const parameters = new Array<unknown>(t.slots.length);
    for (let i = 0; i < t.slots.length; i++) {
      const slot = t.slots[i]!;
      parameters[i] = "arg" in slot ? args[slot.arg as A] : slot.value;
    }
    const query: CompiledQuery<R> = { sql: t.sql, query: t.query, queryId: t.queryId, parameters };
    return db.executeQuery(query);
  };
}
