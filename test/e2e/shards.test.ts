import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { startBot, type RunningBot } from "../../src/main.js";
import { startEmulator, type Emulator } from "../../src/sandbox/emulator.js";
import { POSTGRES_URL, expectNoFindings, freshDatabase, textOf } from "./harness.js";

/** Guilds until there is one on each of two shards ((id >> 22) % 2). */
function guildsOnBothShards(emu: Emulator): Map<number, string> {
  const byShard = new Map<number, string>();
  for (let i = 0; byShard.size < 2 && i < 50; i++) {
    const g = emu.createGuild({ name: `Club ${i}` });
    const shard = Number((BigInt(g.id) >> 22n) % 2n);
    if (!byShard.has(shard)) byShard.set(shard, g.id);
    else emu.removeBotFromGuild(g.id);
  }
  return byShard;
}

function ask(emu: Emulator, guildId: string, userId: string, channelId: string) {
  return emu.command({ user: userId, guildId, channelId, name: "westofthetracks", options: { subcommand: "part", options: { name: "rails" } } });
}

async function bot(emu: Emulator, databaseUrl: string, shards: Record<string, string>): Promise<RunningBot> {
  const config = loadConfig({ DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.apiBase, DATABASE_URL: databaseUrl, LOG_LEVEL: "silent", ...shards });
  return startBot({ config, logger: createLogger({ level: "silent" }) });
}

function setUp(emu: Emulator) {
  const guilds = guildsOnBothShards(emu);
  const user = emu.createUser({ username: "member" }).id;
  const channels = new Map<number, string>();
  for (const [shard, guildId] of guilds) {
    emu.addMember(guildId, user);
    channels.set(shard, emu.createChannel(guildId, { name: "screenings" }).id);
  }
  return { guilds, channels, user };
}

describe("sharding", () => {
  it("one process can run several shards and answers in guilds on each", async () => {
    const emu = await startEmulator();
    const db = await freshDatabase("sqlite");
    const { guilds, channels, user } = setUp(emu);
    const running = await bot(emu, db.url, { SHARD_COUNT: "2" });
    try {
      expect(emu.gateway.stats.identifies).toBe(2);
      for (const shard of [0, 1]) {
        const reply = await ask(emu, guilds.get(shard)!, user, channels.get(shard)!).original();
        expect(textOf(reply)).toContain("Rails");
      }
      expectNoFindings(emu);
    } finally {
      await running.stop();
      await emu.close();
      await db.cleanup();
    }
  });

  describe.skipIf(!POSTGRES_URL)(`several processes on one PostgreSQL database${POSTGRES_URL ? "" : " (skipped: TEST_DATABASE_URL not set)"}`, () => {
    it("each process answers its own shards' guilds, sharing the club data", async () => {
      const emu = await startEmulator();
      const db = await freshDatabase("postgres");
      const { guilds, channels, user } = setUp(emu);
      const zero = await bot(emu, db.url, { SHARD_COUNT: "2", SHARD_IDS: "0" });
      const one = await bot(emu, db.url, { SHARD_COUNT: "2", SHARD_IDS: "1" });
      try {
        expect(zero.client.guilds.cache.has(guilds.get(0)!)).toBe(true);
        expect(zero.client.guilds.cache.has(guilds.get(1)!)).toBe(false);
        expect(one.client.guilds.cache.has(guilds.get(1)!)).toBe(true);
        for (const shard of [0, 1]) {
          const handle = ask(emu, guilds.get(shard)!, user, channels.get(shard)!);
          expect(textOf(await handle.original())).toContain("Rails");
        }
        // (A process counts an interaction once Discord has acknowledged its answer: poll.)
        await expect.poll(() => [zero.router.metrics.handled, one.router.metrics.handled]).toEqual([1, 1]);
        // Both processes read and write the same club data (settings are cached for up to 30 s per
        // process; watch progress is read fresh).
        await zero.store.progress.markWatched(guilds.get(1)!, "rails", Date.now());
        expect([...(await one.store.progress.watched(guilds.get(1)!))]).toEqual(["rails"]);
        expectNoFindings(emu);
      } finally {
        await zero.stop();
        await one.stop();
        await emu.close();
        await db.cleanup();
      }
    });
  });
});
