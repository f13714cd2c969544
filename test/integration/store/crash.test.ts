/**
 * Durability under SIGKILL: a child process writes through the real (compiled) store and prints each
 * write after it committed; we kill it at random moments, reopen, and check that every acknowledged
 * write is there and the file passes integrity_check. Needs `npm run build` (npm test runs it first).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../../src/store/index.js";
import { crashWriterSource } from "../../fixtures/store/crash-writer.js";

const dist = resolve("dist/src/store/index.js");
const writer = crashWriterSource(pathToFileURL(dist).href);
const KILLS = 24;

interface Run {
  lines: string[];
  killedAfterReady: boolean;
}

/** Starts the writer, kills it with SIGKILL at a random moment, returns what it acknowledged. */
function runAndKill(url: string, prefix: string, round: number): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, ["--input-type=module", "-e", writer, url, prefix], { stdio: ["ignore", "pipe", "pipe"] });
    let buffer = "";
    const lines: string[] = [];
    let stderr = "";
    let killed = false;
    let ready = false;
    const kill = () => {
      if (!killed) {
        killed = true;
        proc.kill("SIGKILL");
      }
    };
    // Every fifth round the kill may land during start-up (opening, migrating); the others after a
    // random number of acknowledged writes plus a random sub-write delay.
    const earlyKill = round % 5 === 0;
    const wantAcks = 1 + Math.floor(Math.random() * 60);
    if (earlyKill) setTimeout(kill, Math.floor(Math.random() * 250));
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === "ready") ready = true;
        else lines.push(line);
      }
      if (!earlyKill && lines.length >= wantAcks) setTimeout(kill, Math.floor(Math.random() * 5));
    });
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.on("error", reject);
    proc.on("exit", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`writer exited on its own (code ${code}): ${stderr}`));
      else resolvePromise({ lines, killedAfterReady: ready });
    });
  });
}

describe.skipIf(!existsSync(dist))(
  existsSync(dist) ? "store survives SIGKILL (SQLite)" : "crash test skipped: dist/src/store/index.js missing, run npm run build",
  () => {
    const dir = mkdtempSync(join(tmpdir(), "wott-crash-"));
    const file = join(dir, "crash.sqlite");
    const url = `sqlite:${file}`;
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it(`keeps every acknowledged write across ${KILLS} kills`, { timeout: 180_000 }, async () => {
      const acknowledged: string[] = [];
      let killedMidWrite = 0;
      for (let round = 0; round < KILLS; round++) {
        const run = await runAndKill(url, `r${round}`, round);
        if (run.killedAfterReady) killedMidWrite++;
        acknowledged.push(...run.lines);

        const raw = new BetterSqlite3(file);
        expect(raw.pragma("integrity_check", { simple: true }), `round ${round}`).toBe("ok");
        raw.close();

        const store = await openStore(url);
        try {
          for (const line of acknowledged) {
            const [kind, a, b] = line.split(" ") as [string, string, string];
            if (kind === "settings") {
              expect((await store.settings.get(a)).announceChannelId, line).toBe(b);
            } else if (kind === "job") {
              expect(await store.jobs.get(a), line).toMatchObject({ dueAt: Number(b), payload: { n: Number(b) } });
            } else if (kind === "tx") {
              expect((await store.settings.get(a)).language, line).toBe("zh-CN");
              expect(await store.jobs.get(b), line).not.toBeNull();
            } else if (kind === "done") {
              expect((await store.jobs.get(a))?.status, line).toBe("done");
            } else {
              throw new Error(`unexpected line ${line}`);
            }
          }
        } finally {
          await store.close();
        }
      }
      expect(acknowledged.length).toBeGreaterThan(KILLS);
      expect(killedMidWrite).toBeGreaterThanOrEqual(KILLS / 2);
    });
  },
);
