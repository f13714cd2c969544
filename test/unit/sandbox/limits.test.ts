import { describe, expect, it } from "vitest";
import { checkCommands, checkMessage, formError, unsafeMentions } from "../../../src/sandbox/limits.js";

const paths = (p: { path: (string | number)[] }[]): string[] => p.map((x) => x.path.join("."));

describe("message limits", () => {
  it("accepts a message at the limits", () => {
    const embed = { title: "t".repeat(256), description: "d".repeat(4096), fields: [{ name: "n", value: "v".repeat(1024) }], footer: { text: "f" } };
    expect(checkMessage({ content: "x".repeat(2000), embeds: [embed] })).toEqual([]);
  });

  it("refuses content, embed and component overflows with Discord's paths", () => {
    const problems = checkMessage({
      content: "x".repeat(2001),
      embeds: [{ title: "t".repeat(257), fields: Array.from({ length: 26 }, () => ({ name: "n", value: "v" })) }],
      components: [{ type: 1, components: Array.from({ length: 6 }, (_, i) => ({ type: 2, style: 1, custom_id: `b${i}`, label: "l".repeat(81) })) }],
    });
    expect(paths(problems)).toEqual(expect.arrayContaining(["content", "embeds.0.title", "embeds.0.fields", "components.0.components", "components.0.components.0.label"]));
    expect(formError(problems).errors).toMatchObject({ content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } });
  });

  it("counts all embed text against 6000", () => {
    const embeds = [0, 1].map(() => ({ description: "d".repeat(3500) }));
    expect(paths(checkMessage({ embeds }))).toEqual(["embeds"]);
  });

  it("refuses long and duplicate custom ids and more than 5 rows", () => {
    const row = (id: string) => ({ type: 1, components: [{ type: 2, style: 1, custom_id: id, label: "x" }] });
    expect(paths(checkMessage({ components: [row("a".repeat(101))] }))).toEqual(["components.0.components.0.custom_id"]);
    expect(paths(checkMessage({ components: [row("a"), row("a")] }))).toEqual(["components.1.components.0.custom_id"]);
    expect(paths(checkMessage({ components: ["a", "b", "c", "d", "e", "f"].map(row) }))).toEqual(["components"]);
  });
});

describe("command limits", () => {
  const good = { name: "westofthetracks", description: "The film", options: [{ type: 1, name: "part", description: "A part" }] };

  it("accepts a valid command with localizations", () => {
    expect(checkCommands([{ ...good, name_localizations: { "zh-CN": "铁西区" }, description_localizations: { "zh-CN": "电影" } }])).toEqual([]);
  });

  it("refuses bad names, descriptions, locales and too many options", () => {
    const problems = checkCommands([
      { name: "Ping", description: "x" },
      { name: "ok", description: "" },
      { name: "loc", description: "x", name_localizations: { zh: "x" } },
      { name: "many", description: "x", options: Array.from({ length: 26 }, (_, i) => ({ type: 3, name: `o${i}`, description: "d" })) },
      { name: "choices", description: "x", options: [{ type: 3, name: "c", description: "d", choices: Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `${i}` })) }] },
    ]);
    expect(paths(problems)).toEqual(expect.arrayContaining(["0.name", "1.description", "2.name_localizations.zh", "3.options", "4.options.0.choices"]));
  });

  it("refuses duplicate names and required options after optional ones", () => {
    const problems = checkCommands([
      good,
      good,
      { name: "x", description: "x", options: [{ type: 3, name: "a", description: "a" }, { type: 3, name: "b", description: "b", required: true }] },
    ]);
    expect(paths(problems)).toEqual(expect.arrayContaining(["1.name", "2.options.1.required"]));
  });
});

describe("mention safety", () => {
  it("flags @everyone, @here and role mentions without allowed_mentions", () => {
    expect(unsafeMentions({ content: "hello @everyone" })).toContain("@everyone");
    expect(unsafeMentions({ embeds: [{ description: "ping <@&123456789012345678>" }] })).toContain("<@&123456789012345678>");
    expect(unsafeMentions({ content: "@here" })).not.toBeNull();
  });

  it("accepts any explicit allowed_mentions and harmless text", () => {
    expect(unsafeMentions({ content: "hello @everyone", allowed_mentions: { parse: [] } })).toBeNull();
    expect(unsafeMentions({ content: "hello @everyone", allowed_mentions: { parse: ["users"] } })).toBeNull();
    expect(unsafeMentions({ content: "hello <@123>" })).toBeNull();
  });
});
