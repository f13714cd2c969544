import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/paths.js";
import { startEmulator } from "../../src/sandbox/emulator.js";

const main = join(projectRoot, "dist", "src", "main.js");
let cwd: string;

/** The environment of a fresh shell: no token, no .env (the child runs in an empty folder). */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  return { ...env, ...extra };
}

beforeAll(() => {
  expect(existsSync(main), "run `npm run build` first (npm test does)").toBe(true);
  cwd = mkdtempSync(join(tmpdir(), "wott-proc-"));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe("npm start as a process", () => {
  it("refuses a missing token with one clear line and exit code 2", () => {
    const run = spawnSync(process.execPath, [main], { cwd, env: cleanEnv({}), encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([
      "Configuration error: DISCORD_TOKEN is missing: put your bot token in .env (see .env.example and README.md)",
    ]);
    expect(run.stdout).toBe("");
  });

  it("names every bad variable, never echoes the token, and prints no stack trace", () => {
    const secret = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.secret-looking-but-not-real-xyz";
    const run = spawnSync(process.execPath, [main], {
      cwd,
      env: cleanEnv({ DISCORD_TOKEN: secret, DISCORD_API_URL: "not a url", LOG_LEVEL: "loud" }),
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.startsWith("Configuration error: "))).toBe(true);
    expect(run.stderr).not.toContain(secret);
    expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it("a token Discord refuses is one line too", async () => {
    const emu = await startEmulator();
    try {
      const child = spawn(process.execPath, [main], {
        cwd,
        env: cleanEnv({ DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.not-the-emulators-token", DISCORD_API_URL: emu.apiBase, DATABASE_URL: `sqlite:${join(cwd, "refused.sqlite")}` }),
      });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const [code] = (await once(child, "exit")) as [number];
      expect(code).toBe(2);
      expect(stderr.trim()).toMatch(/^Configuration error: DISCORD_TOKEN was refused by Discord/);
    } finally {
      await emu.close();
    }
  });

  it("stops cleanly on SIGTERM within 10 seconds", async () => {
    const emu = await startEmulator();
    try {
      const child = spawn(process.execPath, [main], {
        cwd,
        env: cleanEnv({ DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.apiBase, DATABASE_URL: `sqlite:${join(cwd, "club.sqlite")}`, LOG_LEVEL: "warn" }),
        stdio: "ignore",
      });
      for (let i = 0; emu.commands().length === 0; i++) {
        if (i > 300) throw new Error("the bot did not start");
        await sleep(100);
      }
      const started = Date.now();
      child.kill("SIGTERM");
      const [code] = (await once(child, "exit")) as [number];
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await emu.close();
    }
  });
});
