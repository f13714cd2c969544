import { resolve } from "node:path";
import { StoreError } from "./errors.js";

export type DatabaseTarget =
  | { kind: "sqlite"; /** absolute path, or ":memory:" */ path: string }
  | { kind: "postgres"; url: string };

/**
 * `sqlite:<path>` (relative to the working directory; `sqlite:///abs` and `sqlite://rel` are accepted too),
 * `sqlite::memory:`, or `postgres://…` / `postgresql://…`.
 */
export function parseDatabaseUrl(url: string, cwd: string = process.cwd()): DatabaseTarget {
  const trimmed = url.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { kind: "postgres", url: trimmed };
  if (/^sqlite:/i.test(trimmed)) {
    let rest = trimmed.slice("sqlite:".length);
    if (rest.startsWith("//")) rest = rest.slice(2);
    if (rest === "") throw new StoreError("BAD_URL", `DATABASE_URL "${url}" names no file; try sqlite:./var/westofthetracks.sqlite`);
    if (rest === ":memory:") return { kind: "sqlite", path: ":memory:" };
    return { kind: "sqlite", path: resolve(cwd, rest) };
  }
  throw new StoreError(
    "BAD_URL",
    `DATABASE_URL must start with sqlite: or postgres:// (got "${redact(url)}")`,
  );
}

/** The URL with any password replaced, for logs and errors. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}
