import { InteractionResponseType } from "discord-api-types/v10";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { InteractionHandle } from "../../src/sandbox/emulator.js";
import { autocomplete, command, expectNoFindings, startWorld, textOf, type World } from "./harness.js";

/** Share of Chinese characters among all letters: English replies quote a few Chinese titles, Chinese ones are mostly Chinese. */
function chineseShare(text: string): number {
  const letters = text.match(/[\p{L}]/gu) ?? [];
  const cjk = text.match(/[\u4e00-\u9fff]/g) ?? [];
  return letters.length === 0 ? 0 : cjk.length / letters.length;
}
let world: World;

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});
afterEach(() => {
  expectNoFindings(world.emu);
});

const SUBCOMMANDS: { subcommand: string; options?: Record<string, string | boolean> }[] = [
  { subcommand: "about" },
  { subcommand: "part", options: { name: "rust" } },
  { subcommand: "part", options: { name: "remnants" } },
  { subcommand: "part", options: { name: "rails" } },
  { subcommand: "credits" },
  { subcommand: "reception" },
  { subcommand: "glossary", options: { term: "xiagang" } },
  { subcommand: "help" },
];

describe("the real bot against the emulator", () => {
  it("registered /westofthetracks at start, and a second start registers nothing", async () => {
    const names = world.emu.commands().map((c) => c.name);
    expect(names).toEqual(["westofthetracks"]);
    const puts = () => world.emu.requests.filter((r) => r.method === "PUT" && r.path.includes("/commands")).length;
    const before = puts();
    expect(before).toBe(1);
    const bot = await world.restart();
    expect(bot.sync.changed).toBe(false);
    expect(puts()).toBe(before);
  });

  for (const { subcommand, options } of SUBCOMMANDS) {
    for (const locale of ["en-US", "zh-CN"]) {
      it(`${subcommand} ${JSON.stringify(options ?? {})} in ${locale}`, async () => {
        const handle = command(world, { subcommand, ...(options ? { options } : {}) }, { locale });
        const response = await handle.response();
        expect(response.type).toBe(InteractionResponseType.ChannelMessageWithSource);
        const message = await handle.original();
        const text = textOf(message);
        expect(text.length).toBeGreaterThan(50);
        if (locale === "zh-CN") expect(chineseShare(text)).toBeGreaterThan(0.5);
        else expect(chineseShare(text)).toBeLessThan(0.15);
        expect(InteractionHandle.ephemeral(message)).toBe(subcommand === "help");
      });
    }
  }

  it("answers privately on request", async () => {
    const handle = command(world, { subcommand: "about", options: { private: true } });
    expect(InteractionHandle.ephemeral(await handle.original())).toBe(true);
  });

  it("autocompletes glossary terms", async () => {
    const { response, choices } = await autocomplete(world, { subcommand: "glossary", options: { term: "xia" } }, "term");
    expect(response.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    expect(choices.map((c) => c.value)).toContain("xiagang");
  });

  it("turns the page with the next-part button", async () => {
    const handle = command(world, { subcommand: "part", options: { name: "rust" } });
    const message = await handle.original();
    const press = world.emu.button({ user: world.memberId, message, customId: `wt1:part:remnants:${world.memberId}` });
    expect((await press.response()).type).toBe(InteractionResponseType.UpdateMessage);
    const updated = world.emu.messages(world.channelId).find((m) => m.id === message.id)!;
    expect(updated.embeds?.[0]?.title).toContain("Remnants");
    // Someone else pressing gets their own private copy instead of flipping the owner's message.
    const other = world.emu.button({ user: world.hostId, message: updated, customId: `wt1:part:rails:${world.memberId}` });
    expect((await other.response()).type).toBe(InteractionResponseType.ChannelMessageWithSource);
  });

  it("works in a DM", async () => {
    const dm = world.emu.openDm(world.memberId);
    const handle = world.emu.command({ user: world.memberId, channelId: dm.id, name: "westofthetracks", options: { subcommand: "part", options: { name: "rails" } } });
    expect(textOf(await handle.original())).toContain("Rails");
  });

  it("answers a 6,000-character glossary search briefly and privately, echoing no mention", async () => {
    const handle = command(world, { subcommand: "glossary", options: { term: "@everyone " + "y".repeat(5990) } });
    const reply = await handle.original();
    expect(InteractionHandle.ephemeral(reply)).toBe(true);
    expect(reply.content.length).toBeLessThan(2000);
    expect(reply.content).not.toContain("@everyone");
  });

  it("rides out a 429 and a 500 on the interaction callback", async () => {
    world.emu.faults.add({ route: /\/interactions\/.*\/callback/, status: 429, count: 1, retryAfterMs: 100 });
    world.emu.faults.add({ route: /\/interactions\/.*\/callback/, status: 500, count: 1 });
    const handle = command(world, { subcommand: "credits" });
    expect(textOf(await handle.original())).toContain("Wang Bing");
  });

  it("resumes after the gateway drops, and loses no interaction sent meanwhile", async () => {
    const { identifies, resumes } = world.emu.gateway.stats;
    world.emu.gateway.drop({ clean: false });
    const handle = command(world, { subcommand: "about" });
    expect(textOf(await handle.original(15_000))).toContain("Wang Bing");
    // It came back by RESUME (the interaction was replayed), not by starting a new session.
    expect(world.emu.gateway.stats.resumes).toBe(resumes + 1);
    expect(world.emu.gateway.stats.identifies).toBe(identifies);
  });
});
