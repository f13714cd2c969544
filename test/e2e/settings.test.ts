import { InteractionResponseType, PermissionFlagsBits } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { InteractionHandle } from "../../src/sandbox/emulator.js";
import { POSTGRES_URL, expectNoFindings, startWorld, textOf, type Backend, type World } from "./harness.js";

const backends: Backend[] = ["sqlite", "postgres"];

function configure(world: World, user: string, options: Record<string, string | boolean>) {
  return world.emu.command({
    user,
    guildId: world.guildId,
    channelId: world.channelId,
    name: "westofthetracks",
    group: "setup",
    subcommand: "configure",
    options,
  });
}

function showSettings(world: World) {
  return world.emu.command({ user: world.memberId, guildId: world.guildId, channelId: world.channelId, name: "westofthetracks", options: { subcommand: "settings" } });
}

for (const backend of backends) {
  const skip = backend === "postgres" && !POSTGRES_URL;
  describe.skipIf(skip)(`club settings on ${backend}${skip ? " (skipped: TEST_DATABASE_URL not set)" : ""}`, () => {
    it("are set through Discord, refused for non-admins, and survive a restart", async () => {
      const world = await startWorld({ backend });
      try {
        // An ordinary member may not change settings: refused privately, nothing changes.
        const refused = configure(world, world.memberId, { timezone: "Asia/Shanghai" });
        const refusal = await refused.original();
        expect(InteractionHandle.ephemeral(refusal)).toBe(true);
        expect(refusal.content).toMatch(/Manage Server/);

        // The host sets them; the answer is deferred, then edited in.
        const announce = world.emu.createChannel(world.guildId, { name: "announcements" }).id;
        const set = configure(world, world.hostId, { channel: announce, timezone: "asia/shanghai", language: "zh-CN", spoilers: "show-all" });
        expect((await set.response()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
        const saved = await set.waitForEdit();
        expect(InteractionHandle.ephemeral(saved)).toBe(true);
        expect(textOf(saved)).toContain("Asia/Shanghai");

        // A bad value changes nothing.
        const bad = configure(world, world.hostId, { timezone: "Mars/Olympus" });
        expect((await bad.waitForEdit()).content).toMatch(/Mars\/Olympus/);

        await world.restart();
        const after = await showSettings(world).original();
        const text = textOf(after);
        expect(text).toContain("Asia/Shanghai");
        expect(text).toContain(`<#${announce}>`);
        // The club chose Chinese: replies follow it whatever the member's client says.
        expect(text).toContain("俱乐部设置");
        expectNoFindings(world.emu);
      } finally {
        await world.close();
      }
    });

    it("refuse a channel where the bot cannot post, naming what is missing", async () => {
      const world = await startWorld({ backend });
      try {
        const closed = world.emu.createChannel(world.guildId, {
          name: "read-only",
          permissionOverwrites: [
            { id: world.botRoleId, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages },
          ],
        }).id;
        const answer = await configure(world, world.hostId, { channel: closed }).waitForEdit();
        expect(answer.content).toMatch(/Send Messages/);
        const current = textOf(await showSettings(world).original());
        expect(current).not.toContain(`<#${closed}>`);
        expectNoFindings(world.emu);
      } finally {
        await world.close();
      }
    });
  });
}

describe("a server that removes the bot", () => {
  it("keeps its data for 30 days, forgets the removal if the bot comes back, and purges after", async () => {
    const world = await startWorld();
    try {
      await configure(world, world.hostId, { timezone: "Europe/Berlin" }).waitForEdit();
      const store = world.bot.store;

      world.emu.removeBotFromGuild(world.guildId);
      await expect.poll(async () => (await store.settings.get(world.guildId)).removedAt, { timeout: 5000 }).not.toBeNull();
      expect((await store.settings.get(world.guildId)).timezone).toBe("Europe/Berlin");

      world.emu.addBotToGuild(world.guildId);
      await expect.poll(async () => (await store.settings.get(world.guildId)).removedAt, { timeout: 5000 }).toBeNull();

      // Removed 31 days ago: the purge at the next start erases it.
      world.emu.removeBotFromGuild(world.guildId);
      await expect.poll(async () => (await store.settings.get(world.guildId)).removedAt, { timeout: 5000 }).not.toBeNull();
      await store.settings.markRemoved(world.guildId, Date.now() - 31 * 24 * 60 * 60 * 1000);
      const bot = await world.restart();
      const after = await bot.store.settings.get(world.guildId);
      expect(after.timezone).toBeNull();
      expect(after.createdAt).toBeNull();
    } finally {
      await world.close();
    }
  });
});
