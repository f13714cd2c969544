import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultPeriodKeys, parseDatabaseUrl, seasonKey, StoreError, weekKey } from "../../../src/store/index.js";
import { redact } from "../../../src/store/url.js";

describe("parseDatabaseUrl", () => {
  it("resolves sqlite paths against the working directory", () => {
    expect(parseDatabaseUrl("sqlite:./var/x.sqlite", "/srv/bot")).toEqual({ kind: "sqlite", path: "/srv/bot/var/x.sqlite" });
    expect(parseDatabaseUrl("sqlite:var/x.sqlite", "/srv/bot")).toEqual({ kind: "sqlite", path: "/srv/bot/var/x.sqlite" });
    expect(parseDatabaseUrl("sqlite:/data/x.sqlite", "/srv/bot")).toEqual({ kind: "sqlite", path: "/data/x.sqlite" });
    expect(parseDatabaseUrl("sqlite:///data/x.sqlite", "/srv/bot")).toEqual({ kind: "sqlite", path: "/data/x.sqlite" });
    expect(parseDatabaseUrl("sqlite::memory:")).toEqual({ kind: "sqlite", path: ":memory:" });
    expect(parseDatabaseUrl("sqlite:x.db")).toEqual({ kind: "sqlite", path: resolve("x.db") });
  });

  it("accepts postgres:// and postgresql://", () => {
    expect(parseDatabaseUrl("postgres://u@h/db")).toEqual({ kind: "postgres", url: "postgres://u@h/db" });
    expect(parseDatabaseUrl("postgresql://u@h/db").kind).toBe("postgres");
  });

  it("refuses anything else, without echoing a password", () => {
    expect(() => parseDatabaseUrl("mysql://u:secret@h/db")).toThrow(StoreError);
    expect(() => parseDatabaseUrl("mysql://u:secret@h/db")).not.toThrow(/secret/);
    expect(() => parseDatabaseUrl("sqlite:")).toThrow(/names no file/);
    expect(redact("postgres://bot:hunter2@db:5432/x")).toBe("postgres://bot:***@db:5432/x");
  });
});

describe("period keys", () => {
  it("uses ISO weeks and quarters in UTC", () => {
    expect(weekKey(Date.UTC(2026, 10, 26))).toBe("week:2026-W48");
    expect(weekKey(Date.UTC(2021, 0, 3))).toBe("week:2020-W53");
    expect(weekKey(Date.UTC(2024, 11, 30))).toBe("week:2025-W01");
    expect(seasonKey(Date.UTC(2026, 0, 1))).toBe("season:2026-1");
    expect(seasonKey(Date.UTC(2026, 11, 31, 23, 59))).toBe("season:2026-4");
    expect(defaultPeriodKeys(Date.UTC(2026, 3, 1))).toEqual(["all", "season:2026-2", "week:2026-W14"]);
  });
});
