import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { APIEmbed } from "discord-api-types/v10";
import { westofthetracks } from "../../../commands/westofthetracks.js";
import { glossaryButtons } from "../../../commands/westofthetracks/glossary.js";
import { partButtons } from "../../../commands/westofthetracks/part.js";
import { UserError } from "../../../src/discord/errors.js";
import { LIMITS } from "../../../src/discord/limits.js";
import type { BotServices } from "../../../src/services.js";
import {
  offlineAutocomplete,
  offlineCommand,
  offlineComponent,
  offlineServices,
  type OfflineInput,
  type Sent,
} from "../../../bench/lib/offline.js";

let services: BotServices;
beforeAll(async () => {
  services = await offlineServices();
});
afterAll(async () => {
  await services.store.close();
});
const CJK = /[\u4e00-\u9fff]/;

async function run(input: Omit<OfflineInput, "services">): Promise<Sent[]> {
  const { ctx, sent } = offlineCommand({ ...input, services });
  await westofthetracks.execute(ctx);
  return sent;
}

function embedText(e: APIEmbed): string {
  return [e.title, e.description, e.footer?.text, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])].join("\n");
}

function expectWithinLimits(sent: Sent) {
  const embeds = sent.converted?.embeds as APIEmbed[] | undefined;
  for (const e of embeds ?? []) {
    expect(e.title?.length ?? 0).toBeLessThanOrEqual(LIMITS.title);
    expect(e.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.description);
    expect(e.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.fields);
    for (const f of e.fields ?? []) {
      expect(f.value.length).toBeGreaterThan(0);
      expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    }
  }
  const total = (embeds ?? []).reduce((n, e) => n + embedText(e).length, 0);
  expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
  expect(sent.converted?.allowedMentions).toEqual({ parse: [] });
}

const SUBCOMMANDS: Omit<OfflineInput, "services">[] = [
  { subcommand: "about" },
  { subcommand: "part", options: { name: "rust" } },
  { subcommand: "part", options: { name: "remnants" } },
  { subcommand: "part", options: { name: "rails" } },
  { subcommand: "credits" },
  { subcommand: "reception" },
  { subcommand: "glossary", options: { term: "xiagang" } },
  { subcommand: "help" },
];

describe("knowledge subcommands", () => {
  for (const input of SUBCOMMANDS) {
    const label = `${input.subcommand} ${JSON.stringify(input.options ?? {})}`;
    it(`${label} answers within Discord's limits in English and Chinese`, async () => {
      const [en] = await run({ ...input, locale: "en" });
      const [zh] = await run({ ...input, locale: "zh-CN" });
      expect(en?.method).toBe("send");
      expect(zh?.method).toBe("send");
      expectWithinLimits(en!);
      expectWithinLimits(zh!);
      const enText = (en!.payload.embeds ?? []).map(embedText).join("\n");
      const zhText = (zh!.payload.embeds ?? []).map(embedText).join("\n");
      expect(enText.length).toBeGreaterThan(40);
      expect(zhText).not.toBe(enText);
      expect(CJK.test(zhText)).toBe(true);
      // Nothing unfilled or missing slips through.
      expect(enText + zhText).not.toMatch(/\{\w+\}|undefined|\[object /);
    });
  }

  it("about gives the facts a club asks first", async () => {
    const [sent] = await run({ subcommand: "about", locale: "en" });
    const text = embedText(sent!.payload.embeds![0]!);
    for (const fact of ["Wang Bing", "铁西区", "Tiěxī Qū", "551", "Rust", "Remnants", "Rails", "2002", "2003"]) expect(text).toContain(fact);
  });

  it("is public by default and private on request; help is always private", async () => {
    expect((await run({ subcommand: "about" }))[0]!.payload.ephemeral).toBe(false);
    expect((await run({ subcommand: "about", options: { private: true } }))[0]!.payload.ephemeral).toBe(true);
    expect((await run({ subcommand: "help" }))[0]!.payload.ephemeral).toBe(true);
  });

  it("works in DMs", async () => {
    const sent = await run({ subcommand: "part", options: { name: "rails" }, guildId: null });
    expect(sent[0]!.payload.embeds?.[0]?.title).toContain("Rails");
  });

  it("parts carry their own colour and previous/next buttons", async () => {
    const colours = new Set<number | undefined>();
    for (const name of ["rust", "remnants", "rails"]) {
      const [sent] = await run({ subcommand: "part", options: { name } });
      colours.add(sent!.payload.embeds![0]!.color);
      const buttons = sent!.payload.components![0]!.components as { custom_id: string; disabled?: boolean }[];
      expect(buttons).toHaveLength(2);
      if (name === "rust") expect(buttons[0]!.disabled).toBe(true);
      if (name === "rails") expect(buttons[1]!.disabled).toBe(true);
      if (name === "remnants") expect(buttons.map((b) => b.custom_id)).toEqual(["wt1:part:rust:300000000000000001", "wt1:part:rails:300000000000000001"]);
    }
    expect(colours.size).toBe(3);
  });

  it("refuses a part outside the choices with a friendly error", async () => {
    await expect(run({ subcommand: "part", options: { name: "@everyone" } })).rejects.toBeInstanceOf(UserError);
  });

  it("an unknown subcommand (stale command version) is a user error", async () => {
    await expect(run({ subcommand: "retired" })).rejects.toMatchObject({ key: "error.unknownCommand" });
  });

  it("glossary: exact, toneless and Chinese lookups find the entry", async () => {
    for (const term of ["xiagang", "xia gang", "下岗", "Rainbow row", "tiexi", "Tiěxī"]) {
      const [sent] = await run({ subcommand: "glossary", options: { term } });
      expect(sent!.payload.embeds, term).toHaveLength(1);
    }
  });

  it("glossary: an unknown term gets the closest matches privately, never echoing mentions", async () => {
    const [typo] = await run({ subcommand: "glossary", options: { term: "shenyng" } });
    expect(typo!.payload.ephemeral).toBe(true);
    expect(JSON.stringify(typo!.payload.components)).toContain("wt1:glossary:shenyang");
    const [ping] = await run({ subcommand: "glossary", options: { term: "@everyone <@&123456789012345678>" } });
    expect(ping!.payload.content).not.toContain("@everyone");
    expect(ping!.payload.content).not.toContain("<@&123456789012345678>");
    expect(ping!.converted?.allowedMentions).toEqual({ parse: [] });
  });

  it("glossary: a 6,000-character search is answered, shortened, and explained", async () => {
    const [sent] = await run({ subcommand: "glossary", options: { term: "x".repeat(6000) }, locale: "zh-CN" });
    expect(sent!.payload.ephemeral).toBe(true);
    expect(sent!.payload.content!.length).toBeLessThan(600);
    expect(sent!.payload.content).toContain("100");
  });

  it("glossary autocomplete offers at most 25 choices, in the member's language", async () => {
    for (const [value, locale] of [["", "en"], ["sh", "en"], ["下", "zh-CN"], ["y".repeat(6000), "en"]] as const) {
      const { ctx, choices } = offlineAutocomplete({ services, subcommand: "glossary", focused: { name: "term", value }, locale });
      await westofthetracks.autocomplete!(ctx);
      expect(choices).toHaveLength(1);
      expect(choices[0]!.length).toBeLessThanOrEqual(25);
      if (value === "") expect(choices[0]!.length).toBeGreaterThan(10);
      for (const c of choices[0]!) expect(c.name.length).toBeLessThanOrEqual(100);
    }
    const { ctx, choices } = offlineAutocomplete({ services, subcommand: "glossary", focused: { name: "term", value: "xiag" } });
    await westofthetracks.autocomplete!(ctx);
    expect(choices[0]![0]!.value).toBe("xiagang");
  });
});

describe("knowledge buttons", () => {
  it("the owner turns the page in place; anyone else gets it privately", async () => {
    const owner = offlineComponent({ services, args: ["rails", "300000000000000001"] });
    await partButtons.execute(owner.ctx);
    expect(owner.sent[0]!.method).toBe("update");
    const other = offlineComponent({ services, args: ["rails", "300000000000000001"], userId: "300000000000000002" });
    await partButtons.execute(other.ctx);
    expect(other.sent[0]).toMatchObject({ method: "send", payload: { ephemeral: true } });
  });

  it("a glossary button for an entry that no longer exists is stale", async () => {
    const { ctx } = offlineComponent({ services, args: ["removed-entry"] });
    await expect(glossaryButtons.execute(ctx)).rejects.toMatchObject({ key: "error.staleButton" });
  });
});
