import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, SettingsCache } from "../../../src/store/index.js";

const settings = (guildId: string, language: "en" | "auto" = "auto") => ({ ...DEFAULT_SETTINGS, guildId, language });

describe("SettingsCache", () => {
  it("serves copies until the TTL, then forgets", () => {
    let t = 0;
    const cache = new SettingsCache({ ttlMs: 30_000, now: () => t });
    cache.set("g1", settings("g1", "en"), cache.generation());
    const hit = cache.get("g1");
    expect(hit?.language).toBe("en");
    hit!.language = "auto";
    expect(cache.get("g1")?.language).toBe("en");
    t = 29_999;
    expect(cache.get("g1")).toBeDefined();
    t = 30_000;
    expect(cache.get("g1")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("a read that overlapped a write does not fill it; invalidate and clear drop entries", () => {
    const cache = new SettingsCache();
    const before = cache.generation();
    cache.invalidate("g1"); // a write finished while the read was in flight
    cache.set("g1", settings("g1"), before);
    expect(cache.get("g1")).toBeUndefined();
    cache.set("g1", settings("g1"), cache.generation());
    cache.set("g2", settings("g2"), cache.generation());
    cache.invalidate("g1");
    expect(cache.get("g1")).toBeUndefined();
    expect(cache.get("g2")).toBeDefined();
    cache.clear();
    expect(cache.get("g2")).toBeUndefined();
  });

  it("holds at most `max` guilds, dropping the oldest", () => {
    const cache = new SettingsCache({ max: 2 });
    for (const g of ["a", "b", "c"]) cache.set(g, settings(g), cache.generation());
    expect(cache.size).toBe(2);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("c")).toBeDefined();
  });

  it("ttl 0 never serves", () => {
    const cache = new SettingsCache({ ttlMs: 0 });
    cache.set("g1", settings("g1"), cache.generation());
    expect(cache.get("g1")).toBeUndefined();
  });
});
