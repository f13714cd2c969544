import { describe, expect, it } from "vitest";
import type { APIApplicationCommandOption, LocalizationMap } from "discord-api-types/v10";
import { ApplicationCommandOptionType, Locale as DiscordLocale } from "discord-api-types/v10";
import { registry } from "../../../commands/index.js";
import { matches } from "../../../src/discord/commandSync.js";
import { LIMITS, commandCharacters } from "../../../src/discord/limits.js";
import { commandChineseTexts } from "../../../src/discord/localize.js";
import { ZH_TW } from "../../../src/i18n/zh-TW.generated.js";

const NAME = /^[-_'\p{L}\p{N}]{1,32}$/u;
const DISCORD_LOCALES = new Set<string>(Object.values(DiscordLocale));

function checkLocalizations(map: LocalizationMap | null | undefined, max: number, isName: boolean, where: string) {
  for (const [locale, value] of Object.entries(map ?? {})) {
    expect(DISCORD_LOCALES.has(locale), `${where}: locale ${locale}`).toBe(true);
    expect(value!.length, `${where}: ${locale}`).toBeGreaterThan(0);
    expect(value!.length, `${where}: ${locale}`).toBeLessThanOrEqual(max);
    if (isName) {
      expect(NAME.test(value!), `${where}: ${locale} name ${value}`).toBe(true);
      expect(value, `${where}: lower case`).toBe(value!.toLowerCase());
    }
  }
}

function checkOptions(options: readonly APIApplicationCommandOption[], where: string) {
  expect(options.length, where).toBeLessThanOrEqual(25);
  const names = options.map((o) => o.name);
  expect(new Set(names).size, `${where}: unique option names`).toBe(names.length);
  let seenOptional = false;
  for (const option of options) {
    const at = `${where} ${option.name}`;
    expect(NAME.test(option.name), at).toBe(true);
    expect(option.name).toBe(option.name.toLowerCase());
    expect(option.description.length, at).toBeGreaterThan(0);
    expect(option.description.length, at).toBeLessThanOrEqual(100);
    checkLocalizations(option.name_localizations, 32, true, at);
    checkLocalizations(option.description_localizations, 100, false, at);
    expect(option.name_localizations?.["zh-CN"], `${at}: zh-CN name`).toBeDefined();
    expect(option.name_localizations?.["zh-TW"], `${at}: zh-TW name`).toBeDefined();
    if (option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup) {
      checkOptions(option.options ?? [], at);
      continue;
    }
    const required = "required" in option && option.required === true;
    if (required) expect(seenOptional, `${at}: required options come first`).toBe(false);
    else seenOptional = true;
    if ("choices" in option && option.choices) {
      expect(option.choices.length, at).toBeLessThanOrEqual(25);
      for (const c of option.choices) {
        expect(c.name.length).toBeLessThanOrEqual(100);
        checkLocalizations(c.name_localizations, 100, false, `${at} choice ${c.name}`);
      }
    }
  }
}

describe("command definitions", () => {
  it("have unique names and fit Discord's limits", () => {
    const names = registry.commands.map((c) => c.data.name);
    expect(new Set(names).size).toBe(names.length);
    for (const { data } of registry.commands) {
      expect(NAME.test(data.name)).toBe(true);
      expect(data.description.length).toBeLessThanOrEqual(100);
      checkLocalizations(data.name_localizations, 32, true, data.name);
      checkLocalizations(data.description_localizations, 100, false, data.name);
      checkOptions(data.options ?? [], data.name);
      expect(commandCharacters(data)).toBeLessThanOrEqual(LIMITS.commandCharacters);
    }
  });

  it("component handlers are unique", () => {
    const handlers = registry.components.map((c) => c.handler);
    expect(new Set(handlers).size).toBe(handlers.length);
  });

  it("serialise without side effects (same JSON twice)", () => {
    expect(JSON.stringify(registry.commands.map((c) => c.data))).toBe(JSON.stringify(registry.commands.map((c) => c.data)));
  });
});

describe("Traditional Chinese command texts", () => {
  it("cover every Chinese text of the commands (run `npm run i18n:zh-tw` after changing them)", () => {
    const missing = [...commandChineseTexts(registry.commands.map((c) => c.data))].filter((zh) => ZH_TW[zh] === undefined);
    expect(missing).toEqual([]);
  });

  it("are Traditional", () => {
    const root = registry.commands[0]!.data;
    expect(root.name_localizations?.["zh-TW"]).toBe("鐵西區");
    expect(root.name_localizations?.["zh-CN"]).toBe("铁西区");
  });
});

describe("command size", () => {
  it("counts only the longest localization of each field", () => {
    const size = commandCharacters({
      name: "abc",
      name_localizations: { "zh-CN": "甲", fr: "abcdef" },
      description: "12345",
      options: [{ name: "x", description: "y", choices: [{ name: "long name", value: "v" }] }],
    });
    expect(size).toBe(6 + 5 + 1 + 1 + 9 + 1);
  });
});

describe("command sync comparison", () => {
  const desired = { name: "x", description: "d", options: [{ type: 5, name: "private", description: "p", required: false }] };

  it("ignores fields Discord adds and defaults we leave out", () => {
    const existing = {
      id: "1",
      version: "2",
      application_id: "3",
      name: "x",
      description: "d",
      nsfw: false,
      default_member_permissions: null,
      options: [{ type: 5, name: "private", description: "p" }],
    };
    expect(matches(desired, existing)).toBe(true);
  });

  it("notices a changed description, an added option and a removed localization", () => {
    expect(matches(desired, { name: "x", description: "other", options: desired.options })).toBe(false);
    expect(matches(desired, { name: "x", description: "d", options: [] })).toBe(false);
    expect(matches({ ...desired, name_localizations: { "zh-CN": "甲" } }, { ...desired, name_localizations: null })).toBe(false);
  });
});
