import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { APIEmbed } from "discord-api-types/v10";
import { westofthetracks } from "../../../commands/westofthetracks.js";
import { askButtons } from "../../../commands/westofthetracks/ask.js";
import { registry } from "../../../commands/index.js";
import { decodeCustomId } from "../../../src/discord/customId.js";
import { LIMITS } from "../../../src/discord/limits.js";
import type { BotServices } from "../../../src/services.js";
import { offlineAutocomplete, offlineCommand, offlineComponent, offlineServices, type OfflineInput, type Sent } from "../../../bench/lib/offline.js";

let services: BotServices;
beforeAll(async () => {
  services = await offlineServices();
});
afterAll(async () => {
  await services.store.close();
});

const CJK = /[\u4e00-\u9fff]/;

async function ask(question: string, extra: Partial<Omit<OfflineInput, "services">> = {}, options: Record<string, string | boolean> = {}): Promise<Sent> {
  const { ctx, sent } = offlineCommand({ services, subcommand: "ask", options: { question, ...options }, ...extra });
  await westofthetracks.execute(ctx);
  expect(sent).toHaveLength(1);
  const s = sent[0]!;
  expect(s.converted?.allowedMentions).toEqual({ parse: [] });
  return s;
}

function textOf(s: Sent): string {
  const embeds = s.payload.embeds ?? [];
  return [s.payload.content ?? "", ...embeds.flatMap((e) => [e.title, e.description, e.footer?.text, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])])].join("\n");
}

function buttonIds(s: Sent): string[] {
  return (s.payload.components ?? []).flatMap((row) => row.components.flatMap((c) => ("custom_id" in c ? [c.custom_id] : [])));
}

describe("/westofthetracks ask: answers", () => {
  it("answers in English with the direct answer first, context, read-more, topic and related buttons", async () => {
    const s = await ask("who chaird the yamagata jury");
    const text = textOf(s);
    expect(text).toContain("Bergala");
    expect(text).toContain("/westofthetracks reception");
    expect(text).toContain("yamagata-jury-president");
    const ids = buttonIds(s);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThanOrEqual(3);
    for (const id of ids) {
      expect(id.length).toBeLessThanOrEqual(100);
      expect(decodeCustomId(id)).toMatchObject({ stale: false, handler: "ask" });
    }
    expect(s.payload.ephemeral).toBe(false);
  });

  it("answers a Chinese question in Chinese from an English client", async () => {
    const s = await ask("这部片子在中国上映过吗", { locale: "en" });
    expect(CJK.test(textOf(s))).toBe(true);
    expect(textOf(s)).toContain("china-release");
    expect(textOf(s)).not.toMatch(/\{\w+\}|undefined/);
  });

  it("answers an English question in English from a Chinese client", async () => {
    const s = await ask("how long is rust", { locale: "zh-CN" }, { spoilers: true });
    expect(textOf(s)).toContain("240");
    expect(textOf(s)).toMatch(/hours|minutes/);
  });

  it("honours private", async () => {
    const s = await ask("who directed it", {}, { private: true });
    expect(s.payload.ephemeral).toBe(true);
  });
});

describe("/westofthetracks ask: spoilers", () => {
  const q = "how old are the kids in Remnants?";
  it("hides part-specific detail when the club has not watched the part", async () => {
    const s = await ask(q, { guildId: "100000000000000077" });
    const d = (s.payload.embeds?.[0] as APIEmbed).description ?? "";
    expect(d).toMatch(/\|\|[^|]*17[^|]*\|\|/);
    expect(d).toContain("⚠️");
  });
  it("shows it with spoilers:true", async () => {
    const s = await ask(q, { guildId: "100000000000000077" }, { spoilers: true });
    const d = (s.payload.embeds?.[0] as APIEmbed).description ?? "";
    expect(d).toContain("17");
    expect(d).not.toContain("||");
  });
  it("shows it once the club has watched the part", async () => {
    await services.store.progress.markWatched("100000000000000078", "remnants", Date.now());
    const s = await ask(q, { guildId: "100000000000000078" });
    expect((s.payload.embeds?.[0] as APIEmbed).description).not.toContain("||");
  });
  it("treats every part as unwatched in DMs", async () => {
    const s = await ask(q, { guildId: null });
    const d = (s.payload.embeds?.[0] as APIEmbed).description ?? "";
    expect(d).toContain("||");
  });
  it("does not wrap topics that concern no part", async () => {
    const s = await ask("who directed it", { guildId: null });
    expect(textOf(s)).not.toContain("||");
  });
});

describe("/westofthetracks ask: refusals, unsure and bad input", () => {
  it("refuses out-of-scope questions briefly, ephemerally, in the question's language", async () => {
    const en = await ask("what is the capital of france");
    expect(en.payload.ephemeral).toBe(true);
    expect(en.payload.content).toContain("Wang Bing");
    const zh = await ask("今天天气怎么样", { locale: "en" });
    expect(CJK.test(zh.payload.content ?? "")).toBe(true);
    // Nothing about the film was asked, so no film question is offered.
    expect(buttonIds(en)).toEqual([]);
  });

  it("says plainly that a detail about the film is not known, and offers the closest questions", async () => {
    // The demolition topic tells of families holding out for compensation, but names no sum.
    const en = await ask("how much compensation did the yanfen street families get");
    expect(en.payload.ephemeral).toBe(true);
    expect(en.payload.content).toContain("won't guess");
    expect(en.payload.content).not.toContain("not sure I understood");
    expect(buttonIds(en)[0]).toBe("wt1:ask:remnants-demolition:en");
    const zh = await ask("拆迁补偿了多少钱", { locale: "en" });
    expect(zh.payload.content).toContain("不乱猜");
    expect(buttonIds(zh)[0]).toBe("wt1:ask:remnants-demolition:zh-CN");
  });

  it("offers the closest questions as buttons when unsure", async () => {
    const s = await ask("who cut the footage together");
    expect(s.payload.ephemeral).toBe(true);
    const ids = buttonIds(s);
    expect(ids.length).toBeGreaterThan(1);
    expect(ids).toContain("wt1:ask:editor:en");
  });

  it.each([
    ["", "Type a question"],
    ["   ", "Type a question"],
    ["x".repeat(6000), "longer than"],
    ["😀😀😀", "in words"],
    ["@everyone", "in words"],
    ["<@&123456789012345678> <@123456789012345678> **__**", "in words"],
  ])("answers %j clearly and never echoes it", async (input, expected) => {
    const s = await ask(input);
    expect(s.payload.ephemeral).toBe(true);
    expect(s.payload.content).toContain(expected);
    expect(s.payload.content).not.toContain("@everyone");
    expect(s.payload.content).not.toMatch(/<@&?\d+>/);
  });

  it("judges a question hidden among mentions without pinging anyone", async () => {
    const s = await ask("@everyone <@&123456789012345678> how long is the film");
    expect(textOf(s)).toContain("551");
    expect(textOf(s)).not.toContain("@everyone");
  });
});

describe("/westofthetracks ask: buttons and autocomplete", () => {
  it("a related-question button answers that topic ephemerally for the presser, in the button's language", async () => {
    const { ctx, sent } = offlineComponent({ services, args: ["director", "zh-CN"], userId: "300000000000000009" });
    await askButtons.execute(ctx);
    expect(sent[0]).toMatchObject({ method: "send", payload: { ephemeral: true } });
    expect(textOf(sent[0]!)).toContain("王兵");
  });

  it("a button for a removed topic is stale", async () => {
    const { ctx } = offlineComponent({ services, args: ["no-such-topic", "en"] });
    await expect(askButtons.execute(ctx)).rejects.toMatchObject({ key: "error.staleButton" });
  });

  it("is registered", () => {
    expect(registry.components.some((c) => c.handler === "ask")).toBe(true);
  });

  it("autocompletes at most 25 well-formed questions in the typed language", async () => {
    for (const [value, locale] of [["", "en"], ["how lo", "en"], ["", "zh-CN"], ["工厂", "en"], ["x".repeat(6000), "en"]] as const) {
      const { ctx, choices } = offlineAutocomplete({ services, subcommand: "ask", focused: { name: "question", value }, locale });
      await westofthetracks.autocomplete!(ctx);
      const list = choices[0]!;
      expect(list.length).toBeLessThanOrEqual(LIMITS.choices);
      for (const c of list) {
        expect(c.name.length).toBeLessThanOrEqual(100);
        expect(String(c.value).length).toBeLessThanOrEqual(100);
      }
      if (value === "" || value === "how lo") expect(list.length).toBeGreaterThan(0);
      if (value === "工厂") expect(list.every((c) => CJK.test(c.name))).toBe(true);
      if (value === "how lo") expect(list[0]!.name).toMatch(/^How lo/);
    }
  });
});
