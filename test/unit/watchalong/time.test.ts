import { describe, expect, it } from "vitest";
import {
  discordTimestamp,
  formatTimecode,
  formatWallClock,
  isValidTimeZone,
  listTimeZones,
  normalizeTimeZone,
  parseWhen,
  resolveWallClock,
  suggestTimeZones,
} from "../../../src/watchalong/time.js";
import { HOUR, MIN } from "./fixtures.js";

// Tuesday 24 November 2026, 12:00 UTC (13:00 in Berlin, 20:00 in Shanghai, 07:00 in New York).
const NOW = Date.UTC(2026, 10, 24, 12, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function at(text: string, zone: string, now = NOW, locale?: "en" | "zh-CN"): string {
  const r = parseWhen(text, { zone, now, ...(locale ? { locale } : {}) });
  if (!r.ok) throw new Error(`${text} in ${zone}: ${r.error}`);
  return iso(r.at);
}

describe("parseWhen", () => {
  it("reads English times in the given zone", () => {
    expect(at("friday 8pm", "Europe/Berlin")).toBe("2026-11-27T19:00:00.000Z");
    expect(at("friday 8pm", "Asia/Shanghai")).toBe("2026-11-27T12:00:00.000Z");
    expect(at("friday 8pm", "America/New_York")).toBe("2026-11-28T01:00:00.000Z");
    expect(at("tomorrow 19:30", "Europe/Berlin")).toBe("2026-11-25T18:30:00.000Z");
    expect(at("tomorrow 19:30", "Europe/London")).toBe("2026-11-25T19:30:00.000Z");
    expect(at("2026-12-05 20:00", "America/New_York")).toBe("2026-12-06T01:00:00.000Z");
    expect(at("2026-12-05 20:00", "Asia/Shanghai")).toBe("2026-12-05T12:00:00.000Z");
  });

  it("uses the zone's own date for 'tomorrow' (20:00 UTC is already tomorrow in Shanghai)", () => {
    const late = Date.UTC(2026, 10, 24, 20, 0); // 04:00 on the 25th in Shanghai
    expect(at("tomorrow 19:30", "Asia/Shanghai", late)).toBe("2026-11-26T11:30:00.000Z");
    expect(at("明天晚上8点", "Asia/Shanghai", late, "zh-CN")).toBe("2026-11-26T12:00:00.000Z");
    expect(at("tomorrow 19:30", "America/New_York", late)).toBe("2026-11-26T00:30:00.000Z");
  });

  it("shows the wall clock back with its offset", () => {
    const r = parseWhen("2026-12-05 20:00", { zone: "europe/berlin", now: NOW });
    expect(r).toMatchObject({ ok: true, wallClock: "2026-12-05 20:00", zone: "Europe/Berlin", utcOffset: "+01:00", relative: false });
  });

  it("resolves relative expressions from now", () => {
    const r = parseWhen("in 2 hours", { zone: "Asia/Shanghai", now: NOW });
    expect(r).toMatchObject({ ok: true, at: NOW + 2 * HOUR, relative: true, wallClock: "2026-11-24 22:00" });
    expect(at("in 30 minutes", "UTC")).toBe(iso(NOW + 30 * MIN));
    expect(at("2小时后", "Asia/Shanghai")).toBe(iso(NOW + 2 * HOUR));
    expect(at("两个半小时后", "Asia/Shanghai")).toBe(iso(NOW + 2.5 * HOUR));
    expect(at("三十分钟后", "Asia/Shanghai")).toBe(iso(NOW + 30 * MIN));
    expect(at("now", "Asia/Shanghai")).toBe(iso(NOW));
    // A relative day still needs a time of day, read as wall clock in the zone.
    expect(parseWhen("in 2 days", { zone: "Europe/Berlin", now: NOW })).toEqual({ ok: false, error: "missing-time" });
    expect(at("in 2 days at 8pm", "Europe/Berlin")).toBe("2026-11-26T19:00:00.000Z");
  });

  it("reads Chinese", () => {
    expect(at("明天晚上8点", "Asia/Shanghai", NOW, "zh-CN")).toBe("2026-11-25T12:00:00.000Z");
    expect(at("周五20:00", "Asia/Shanghai", NOW, "zh-CN")).toBe("2026-11-27T12:00:00.000Z");
    // The English parser only sees "20:00" here; the Chinese one sees the weekday too and wins.
    expect(at("周五20:00", "Asia/Shanghai")).toBe("2026-11-27T12:00:00.000Z");
    expect(at("星期六下午3点半", "Europe/Berlin", NOW, "zh-CN")).toBe("2026-11-28T14:30:00.000Z");
  });

  it("refuses what is not a time", () => {
    expect(parseWhen("", { zone: "UTC", now: NOW })).toEqual({ ok: false, error: "empty" });
    expect(parseWhen("   ", { zone: "UTC", now: NOW })).toEqual({ ok: false, error: "empty" });
    expect(parseWhen("the rust belt", { zone: "UTC", now: NOW })).toEqual({ ok: false, error: "not-a-time" });
    expect(parseWhen("铁西区", { zone: "Asia/Shanghai", now: NOW })).toEqual({ ok: false, error: "not-a-time" });
    expect(parseWhen("friday 8pm or saturday 9pm", { zone: "UTC", now: NOW })).toEqual({ ok: false, error: "several-times" });
  });

  it("refuses a day without a time unless a default is given", () => {
    expect(parseWhen("saturday", { zone: "Europe/Berlin", now: NOW })).toEqual({ ok: false, error: "missing-time" });
    expect(parseWhen("2026-12-05", { zone: "Europe/Berlin", now: NOW })).toEqual({ ok: false, error: "missing-time" });
    const r = parseWhen("saturday", { zone: "Europe/Berlin", now: NOW, defaultTime: { hour: 20, minute: 0 } });
    expect(r.ok && iso(r.at)).toBe("2026-11-28T19:00:00.000Z");
  });

  it("refuses numeric dates that read two ways", () => {
    expect(parseWhen("05/12/2026 20:00", { zone: "UTC", now: NOW })).toEqual({ ok: false, error: "ambiguous-date" });
    expect(parseWhen("05.12.2026 20:00", { zone: "UTC", now: NOW })).toEqual({ ok: false, error: "ambiguous-date" });
    expect(at("12/25/2026 8pm", "UTC")).toBe("2026-12-25T20:00:00.000Z");
  });

  it("refuses the past (with a minute of tolerance) and more than a year ahead", () => {
    expect(parseWhen("yesterday 8pm", { zone: "Europe/Berlin", now: NOW })).toMatchObject({ ok: false, error: "in-past", wallClock: "2026-11-23 20:00" });
    expect(parseWhen("2026-11-24 11:58", { zone: "UTC", now: NOW })).toMatchObject({ ok: false, error: "in-past" });
    expect(parseWhen("2026-11-24 12:00", { zone: "UTC", now: NOW + 30_000 })).toMatchObject({ ok: true, at: NOW });
    expect(parseWhen("2028-01-01 20:00", { zone: "UTC", now: NOW })).toMatchObject({ ok: false, error: "too-far" });
    expect(parseWhen("2027-11-24 20:00", { zone: "UTC", now: NOW })).toMatchObject({ ok: true });
  });

  it("refuses an unknown zone", () => {
    expect(parseWhen("friday 8pm", { zone: "Mars/Olympus_Mons", now: NOW })).toEqual({ ok: false, error: "bad-zone" });
    expect(parseWhen("friday 8pm", { zone: "+08:00", now: NOW })).toEqual({ ok: false, error: "bad-zone" });
  });

  it("does not shift a time inside a DST gap: it refuses and suggests the first valid instant", () => {
    // Berlin springs forward on 2027-03-28 from 02:00 to 03:00.
    const r = parseWhen("2027-03-28 02:30", { zone: "Europe/Berlin", now: NOW });
    expect(r).toEqual({ ok: false, error: "dst-gap", suggestion: Date.UTC(2027, 2, 28, 1, 0), wallClock: "2027-03-28 02:30" });
    expect(formatWallClock(Date.UTC(2027, 2, 28, 1, 0), "Europe/Berlin")).toBe("2027-03-28 03:00");
    // New York springs forward on 2027-03-14.
    expect(parseWhen("2027-03-14 02:30", { zone: "America/New_York", now: NOW })).toMatchObject({
      ok: false,
      error: "dst-gap",
      suggestion: Date.UTC(2027, 2, 14, 7, 0),
    });
  });

  it("takes the first of two occurrences in an overlap and names the second", () => {
    // Berlin falls back on 2027-10-31 from 03:00 CEST to 02:00 CET.
    const r = parseWhen("2027-10-31 02:30", { zone: "Europe/Berlin", now: NOW });
    expect(r).toMatchObject({ ok: true, at: Date.UTC(2027, 9, 31, 0, 30), utcOffset: "+02:00", dst: { kind: "overlap", alternative: Date.UTC(2027, 9, 31, 1, 30) } });
    expect(parseWhen("2026-11-01 01:30", { zone: "America/New_York", now: Date.UTC(2026, 9, 1) })).toMatchObject({
      ok: true,
      at: Date.UTC(2026, 10, 1, 5, 30),
      dst: { kind: "overlap", alternative: Date.UTC(2026, 10, 1, 6, 30) },
    });
  });
});

describe("resolveWallClock", () => {
  it("classifies exact, gap, overlap and invalid readings", () => {
    expect(resolveWallClock({ year: 2027, month: 6, day: 1, hour: 20, minute: 0 }, "Europe/Berlin")).toEqual({ kind: "exact", at: Date.UTC(2027, 5, 1, 18) });
    expect(resolveWallClock({ year: 2027, month: 3, day: 28, hour: 2, minute: 30 }, "Europe/Berlin")).toEqual({
      kind: "gap",
      nextValid: Date.UTC(2027, 2, 28, 1),
      shifted: Date.UTC(2027, 2, 28, 1, 30),
    });
    expect(resolveWallClock({ year: 2027, month: 2, day: 30, hour: 20, minute: 0 }, "UTC")).toEqual({ kind: "invalid" });
    expect(() => resolveWallClock({ year: 2027, month: 1, day: 1, hour: 0, minute: 0 }, "Nowhere/Land")).toThrow(RangeError);
  });
});

describe("zones", () => {
  it("validates and normalizes", () => {
    expect(isValidTimeZone("Europe/Berlin")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Europe/Atlantis")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
    expect(normalizeTimeZone("asia/shanghai")).toBe("Asia/Shanghai");
    expect(normalizeTimeZone("nope")).toBeUndefined();
    expect(listTimeZones()).toContain("UTC");
    expect(listTimeZones()).toContain("America/New_York");
  });

  it("suggests zones by city, ignoring case and spaces", () => {
    expect(suggestTimeZones("new york")[0]).toBe("America/New_York");
    expect(suggestTimeZones("NEWYORK")[0]).toBe("America/New_York");
    expect(suggestTimeZones("shang")[0]).toBe("Asia/Shanghai");
    expect(suggestTimeZones("berlin")[0]).toBe("Europe/Berlin");
    expect(suggestTimeZones("beijing")[0]).toBe("Asia/Shanghai");
    expect(suggestTimeZones("沈阳")[0]).toBe("Asia/Shanghai");
    expect(suggestTimeZones("europe").length).toBe(25);
    expect(suggestTimeZones("europe", 3)).toHaveLength(3);
    expect(suggestTimeZones("")).toContain("Asia/Shanghai");
    expect(suggestTimeZones("zzzzzz")).toEqual([]);
  });
});

describe("display", () => {
  it("formats Discord timestamps and timecodes", () => {
    expect(discordTimestamp(Date.UTC(2026, 11, 5, 19), "F")).toBe("<t:1796497200:F>");
    expect(discordTimestamp(1_500, "R")).toBe("<t:1:R>");
    expect(discordTimestamp(0)).toBe("<t:0:f>");
    expect(formatTimecode(72 * MIN)).toBe("1:12:00");
    expect(formatTimecode(5 * MIN + 7_999)).toBe("0:05:07");
    expect(formatTimecode(551 * MIN)).toBe("9:11:00");
    expect(formatTimecode(-1)).toBe("0:00:00");
  });
});
