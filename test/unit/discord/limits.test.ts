import { describe, expect, it } from "vitest";
import type { APIEmbed } from "discord-api-types/v10";
import { LIMITS, NO_MENTIONS, clampEmbeds, quoteUserText, safeMessage, truncate } from "../../../src/discord/limits.js";

function embedLength(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

describe("render limits", () => {
  it("truncates by code points with an ellipsis", () => {
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("abc", 4)).toBe("abc");
    const emoji = "😀".repeat(10);
    expect(Array.from(truncate(emoji, 5))).toHaveLength(5);
  });

  it("keeps content within 2000 characters and pings nobody by default", () => {
    const out = safeMessage({ content: "x".repeat(2100) });
    expect(out.content).toHaveLength(LIMITS.content);
    expect(out.allowed_mentions).toEqual(NO_MENTIONS);
  });

  it("keeps an explicit allowed_mentions", () => {
    expect(safeMessage({ content: "hi", allowed_mentions: { roles: ["1"] } }).allowed_mentions).toEqual({ roles: ["1"] });
  });

  it("clamps every embed part and the 6000-character total", () => {
    const huge: APIEmbed = {
      title: "t".repeat(300),
      description: "d".repeat(5000),
      footer: { text: "f".repeat(3000) },
      fields: Array.from({ length: 30 }, (_, i) => ({ name: `n${i}`.repeat(100), value: "v".repeat(2000) })),
    };
    const [a, b] = clampEmbeds([huge, huge]);
    expect(a).toBeDefined();
    for (const e of [a, b].filter((x): x is APIEmbed => x !== undefined)) {
      expect(e.title!.length).toBeLessThanOrEqual(LIMITS.title);
      expect(e.description!.length).toBeLessThanOrEqual(LIMITS.description);
      expect(e.fields!.length).toBeLessThanOrEqual(LIMITS.fields);
      for (const f of e.fields!) {
        expect(f.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
        expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
      }
    }
    const total = [a, b].filter((x): x is APIEmbed => x !== undefined).reduce((n, e) => n + embedLength(e), 0);
    expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
  });

  it("neutralises markdown and mention syntax in quoted member text", () => {
    const quoted = quoteUserText("@everyone **hi** <@&123> <#5> `x`");
    expect(quoted).not.toMatch(/@everyone/);
    expect(quoted).not.toMatch(/<@&123>/);
    expect(quoted).toContain("\\*\\*hi\\*\\*");
    expect(quoteUserText("a".repeat(6000), 100).length).toBeLessThanOrEqual(100);
  });
});
