import { InteractionResponseType } from "discord-api-types/v10";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { InteractionHandle } from "../../src/sandbox/emulator.js";
import { autocomplete, command, expectNoFindings, startWorld, textOf, type World } from "./harness.js";

const CJK = /[\u4e00-\u9fff]/;
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

function askCommand(question: string, locale = "en-US", extra: Record<string, string | boolean> = {}) {
  return command(world, { subcommand: "ask", options: { question, ...extra } }, { locale });
}

describe("/westofthetracks ask through the emulator", () => {
  it.each([
    ["how old are the kids in Remnants?", "17", false],
    ["who chaird the yamagata jury", "Bergala", false],
    ["was it ever shown in chinese cinemas", "China", false],
    ["这部片子在中国上映过吗", "中国", true],
  ])("answers the issue's example %j in the question's language", async (question, expected, chinese) => {
    const handle = askCommand(question, "en-US", { spoilers: true });
    const message = await handle.original();
    const text = textOf(message);
    expect(text).toContain(expected);
    expect(CJK.test(text.replace(/铁西区|鐵西區|艳粉街|工厂|铁路/g, ""))).toBe(chinese);
  });

  it("answers a Chinese question from an en-US client in Chinese", async () => {
    const text = textOf(await askCommand("工厂那部分多少分钟", "en-US").original());
    expect(text).toMatch(/分钟/);
  });

  it("refuses an out-of-scope question briefly and privately", async () => {
    const message = await askCommand("who directed parasite").original();
    expect(InteractionHandle.ephemeral(message)).toBe(true);
    expect(textOf(message)).toContain("Wang Bing");
  });

  it("answers @everyone alone privately, without echoing or pinging", async () => {
    const message = await askCommand("@everyone").original();
    expect(InteractionHandle.ephemeral(message)).toBe(true);
    expect(textOf(message)).not.toContain("@everyone");
  });

  it("a related-question button answers that topic for the presser", async () => {
    const message = await askCommand("who directed it").original();
    const ids = (message.components ?? []).flatMap((row) =>
      "components" in row ? row.components.flatMap((c: object) => ("custom_id" in c && typeof c.custom_id === "string" ? [c.custom_id] : [])) : [],
    );
    expect(ids.length).toBeGreaterThan(0);
    const press = world.emu.button({ user: world.hostId, message, customId: ids[0]! });
    expect((await press.response()).type).toBe(InteractionResponseType.ChannelMessageWithSource);
    const reply = await press.original();
    expect(InteractionHandle.ephemeral(reply)).toBe(true);
    expect(textOf(reply).length).toBeGreaterThan(20);
  });

  it("autocompletes questions", async () => {
    const { response, choices } = await autocomplete(world, { subcommand: "ask", options: { question: "how long" } }, "question");
    expect(response.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices[0]!.name.toLowerCase()).toContain("how long");
  });
});
