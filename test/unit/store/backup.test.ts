import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backupDatabase } from "../../../src/store/backup.js";
import { openStore, StoreError, type Store } from "../../../src/store/index.js";

const cli = resolve("dist/src/store/backup-cli.js");

describe("db:backup", () => {
  let dir: string;
  let url: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "wott-backup-"));
    url = `sqlite:${join(dir, "live", "bot.sqlite")}`;
    store = await openStore(url);
    for (let i = 0; i < 50; i++) {
      await store.settings.update(`g${i}`, { language: "en" });
      await store.jobs.enqueue({ guildId: `g${i}`, kind: "reminder", dueAt: i, dedupeKey: `k${i}` });
    }
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("copies the live database consistently while it is being written", async () => {
    const dest = join(dir, "backups", "copy.sqlite");
    const writes = (async () => {
      for (let i = 50; i < 150; i++) await store.jobs.enqueue({ guildId: `g${i}`, kind: "reminder", dueAt: i, dedupeKey: `k${i}` });
    })();
    const result = await backupDatabase(url, dest);
    await writes;
    expect(result).toMatchObject({ destination: dest, integrity: "ok", schemaVersion: 2 });
    expect(result.pages).toBeGreaterThan(0);

    const raw = new BetterSqlite3(dest, { readonly: true });
    expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(raw.pragma("journal_mode", { simple: true })).toBe("delete");
    raw.close();
    expect(existsSync(`${dest}-wal`)).toBe(false);

    const copy = await openStore(`sqlite:${dest}`, { readonly: true });
    expect((await copy.settings.get("g49")).language).toBe("en");
    const pending = await copy.jobs.countPending();
    // Whatever moment the snapshot caught, it holds a prefix of the writes: all 50 first, in order.
    expect(pending).toBeGreaterThanOrEqual(50);
    expect(pending).toBeLessThanOrEqual(150);
    for (let i = 0; i < pending; i++) expect(await copy.jobs.getByDedupeKey(`k${i}`)).not.toBeNull();
    await copy.close();
  });

  it("refuses to overwrite, to copy onto itself, and PostgreSQL (pointing at pg_dump)", async () => {
    const dest = join(dir, "copy.sqlite");
    await backupDatabase(url, dest);
    await expect(backupDatabase(url, dest)).rejects.toThrow(/exists; pass --force/);
    await expect(backupDatabase(url, dest, { overwrite: true })).resolves.toMatchObject({ integrity: "ok" });
    await expect(backupDatabase(url, join(dir, "live", "bot.sqlite"))).rejects.toThrow(/itself/);
    await expect(backupDatabase("postgres://u@h/db", dest)).rejects.toThrow(/pg_dump/);
    await expect(backupDatabase("postgres://u@h/db", dest)).rejects.toBeInstanceOf(StoreError);
    await expect(backupDatabase(`sqlite:${join(dir, "nope.sqlite")}`, join(dir, "x.sqlite"))).rejects.toThrow(/no database/);
  });

  describe.skipIf(!existsSync(cli))(existsSync(cli) ? "the CLI (compiled)" : "backup CLI test skipped: run npm run build first", () => {
    const run = (args: string[], env: Record<string, string>) =>
      promisify(execFile)(process.execPath, [cli, ...args], { cwd: dir, env: { ...process.env, ...env } }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );

    it("backs up DATABASE_URL and refuses postgres", async () => {
      const ok = await run(["out.sqlite"], { DATABASE_URL: url });
      expect(ok.stderr).toBe("");
      expect(ok.stdout).toMatch(/backed up .* \(\d+ pages, schema v2, integrity ok\)/);
      const copy = await openStore(`sqlite:${join(dir, "out.sqlite")}`, { readonly: true });
      expect(await copy.jobs.countPending()).toBe(50);
      await copy.close();
      const pgRun = await run(["out2.sqlite"], { DATABASE_URL: "postgres://u@127.0.0.1:1/db" });
      expect(pgRun.code).toBe(1);
      expect(pgRun.stderr).toMatch(/pg_dump/);
      const usage = await run([], { DATABASE_URL: url });
      expect(usage.code).toBe(2);
    });
  });
});
