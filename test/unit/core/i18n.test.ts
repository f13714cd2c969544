import { describe, expect, it } from "vitest";
import { catalogEntries, t } from "../../../src/i18n/index.js";
import { chooseLocale } from "../../../src/i18n/locale.js";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("i18n catalog", () => {
  it("has every key in both languages with the same placeholders", () => {
    const entries = catalogEntries();
    expect(entries.length).toBeGreaterThan(20);
    for (const { key, en, zh } of entries) {
      expect(en.trim(), key).not.toBe("");
      expect(zh.trim(), key).not.toBe("");
      expect(placeholders(zh), key).toEqual(placeholders(en));
    }
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(t("en", "error.badOption", { value: "x", option: "name" })).toBe("The value “x” is not one I can use for “name”.");
    expect(t("zh-CN", "error.badOption", { value: "x" })).toContain("{option}");
  });

  it("Chinese strings are written in Chinese", () => {
    const cjk = /[\u4e00-\u9fff]/;
    const untranslated = catalogEntries().filter(({ key, en, zh }) => zh === en && cjk.test(en) === false && !key.endsWith(".name") && !/^footer\.section$/.test(key));
    expect(untranslated.map((e) => e.key)).toEqual([]);
  });
});

describe("locale choice", () => {
  it("follows the member's client unless the club fixed a language", () => {
    expect(chooseLocale("zh-CN")).toBe("zh-CN");
    expect(chooseLocale("zh-TW")).toBe("zh-CN");
    expect(chooseLocale("en-US")).toBe("en");
    expect(chooseLocale("fr")).toBe("en");
    expect(chooseLocale(undefined)).toBe("en");
    expect(chooseLocale("zh-CN", "en")).toBe("en");
    expect(chooseLocale("de", "zh-CN")).toBe("zh-CN");
  });
});
