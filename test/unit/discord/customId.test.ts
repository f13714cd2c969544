import { describe, expect, it } from "vitest";
import { CUSTOM_ID_MAX, decodeCustomId, encodeCustomId } from "../../../src/discord/customId.js";

describe("custom ids", () => {
  it("round-trips handler and arguments", () => {
    const id = encodeCustomId("part", "rails", "123456789012345678");
    expect(id).toBe("wt1:part:rails:123456789012345678");
    expect(decodeCustomId(id)).toEqual({ stale: false, handler: "part", args: ["rails", "123456789012345678"] });
  });

  it("refuses arguments that would break the format, and ids over Discord's limit", () => {
    expect(() => encodeCustomId("part", "a:b")).toThrow(/may hold only/);
    expect(() => encodeCustomId("x", "y".repeat(CUSTOM_ID_MAX))).toThrow(/Discord allows 100/);
  });

  it("treats ids from older versions or other bots as stale", () => {
    expect(decodeCustomId("part:rails")).toEqual({ stale: true });
    expect(decodeCustomId("wt0:part:rails")).toEqual({ stale: true });
    expect(decodeCustomId("wt1:")).toEqual({ stale: true });
    expect(decodeCustomId("wt1:part:<@&1>")).toEqual({ stale: true });
  });
});
