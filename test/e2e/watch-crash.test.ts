/**
 * The bot as its own process, killed with SIGKILL at random moments of a sped-up watch party and started
 * again each time (same database, same clock epoch): every post still appears exactly once, in order.
 * And a storm of 429s on message creation delays posts but loses none.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PermissionFlagsBits } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/paths.js";
import { startEmulator, type Emulator } from "../../src/sandbox/emulator.js";
import { expectNoFindings } from "./harness.js";
import { posts, schedule, waitFor, type Club } from "./watch-helpers.js";

const SPEED = 120;
/** A three-part marathon (festival edition, no checkpoints), as an uncrashed run posts it. */
const SERIES = [
  "reminder", "get-ready", "start", "intermission", "intermission-end", "end", "discussion", "meal-break",
  "reminder", "get-ready", "start", "intermission", "intermission-end", "end", "discussion", "short-break",
  "reminder", "get-ready", "start", "end", "discussion",
];
const EXPECTED = [
  "reminder",
  "get-ready",
  "start",
  "checkpoint 0:10:00",
  "checkpoint 0:20:00",
  "checkpoint 0:30:00",
  "checkpoint 0:40:00",
  "checkpoint 0:50:00",
  "end",
  "discussion",
];

async function club(emu: Emulator): Promise<Club> {
  const guild = emu.createGuild({ name: "Crash club" });
  const channelId = emu.createChannel(guild.id, { name: "screenings" }).id;
  const role = emu.createRole(guild.id, { name: "Hosts", permissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ManageEvents });
  const hostId = emu.createUser({ username: "host" }).id;
  emu.addMember(guild.id, hostId, { roles: [role.id] });
  const memberId = emu.createUser({ username: "member" }).id;
  emu.addMember(guild.id, memberId);
  return { emu, guildId: guild.id, channelId, hostId, memberId };
}

/** Starts `node dist/src/main.js` (what `npm start` runs) and waits until it answers. */
function botProcess(emu: Emulator, dir: string, epoch: number): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, [join(projectRoot, "dist", "src", "main.js")], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      DISCORD_TOKEN: emu.token,
      DISCORD_API_URL: emu.apiBase,
      DATABASE_URL: `sqlite:${join(dir, "club.sqlite")}`,
      LOG_LEVEL: "warn",
      CLOCK_SPEED: String(SPEED),
      CLOCK_EPOCH: String(epoch),
    },
    stdio: "ignore",
  });
  const connected = emu.gateway.stats.identifies + emu.gateway.stats.resumes;
  const ready = (async () => {
    for (let i = 0; emu.gateway.stats.identifies + emu.gateway.stats.resumes === connected || emu.commands().length === 0; i++) {
      if (i > 300) throw new Error("the bot did not connect");
      if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode}`);
      await sleep(50);
    }
  })();
  return { child, ready };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGKILL");
  await once(child, "exit");
}

describe("watch-along survives crashes and rate limits", () => {
  it("posts every moment of a three-part series exactly once, in order, through 20 SIGKILLs", { timeout: 600_000 }, async () => {
    const emu = await startEmulator();
    const dir = mkdtempSync(join(tmpdir(), "wott-crash-"));
    const epoch = Date.now();
    let bot = botProcess(emu, dir, epoch);
    try {
      const world = await club(emu);
      await bot.ready;
      await schedule(world, { part: "all", cadence: "marathon", checkpoints: 0, when: "in 30 minutes" });

      let kills = 0;
      const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1000);
      let rand = seed;
      const random = () => ((rand = (rand * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      // The series lasts about 5.6 real minutes at 120×: 20 kills at random moments, 4–14 s apart (about
      // 3 minutes with the restarts, so all 20 land inside the series whatever the seed).
      while (kills < 20 && posts(world).filter((p) => p.kind === "discussion").length < 3) {
        await sleep(4000 + random() * 10_000);
        await kill(bot.child);
        kills++;
        bot = botProcess(emu, dir, epoch);
        await bot.ready;
      }
      expect(kills, `the party ended after only ${kills} kills (seed ${seed})`).toBe(20);

      const kinds = await waitFor(world, (k) => k.filter((x) => x === "discussion").length === 3, 400_000);
      expect(kinds, `seed ${seed}`).toEqual(SERIES);
      expectNoFindings(emu);
    } finally {
      await kill(bot.child);
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rides out a storm of 429s on message creation: posts are late, none lost or doubled", { timeout: 120_000 }, async () => {
    const emu = await startEmulator();
    const dir = mkdtempSync(join(tmpdir(), "wott-429-"));
    const bot = botProcess(emu, dir, Date.now());
    try {
      const world = await club(emu);
      await bot.ready;
      await schedule(world, { part: "rails", runtime: 60, checkpoints: 10, when: "in 15 minutes" });
      // Thirty refusals in a row on POST /channels/:id/messages, each asking to wait 300 ms.
      emu.faults.add({ method: "POST", route: "/channels/:channel_id/messages", status: 429, count: 30, retryAfterMs: 300 });
      const kinds = await waitFor(world, (k) => k.includes("discussion"), 100_000);
      expect(kinds).toEqual(EXPECTED);
      expect(emu.requests.filter((r) => r.status === 429).length).toBe(30);
      expectNoFindings(emu);
    } finally {
      await kill(bot.child);
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
