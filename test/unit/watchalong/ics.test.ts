import { describe, expect, it } from "vitest";
import { buildIcs, escapeText, foldLine, icsDate } from "../../../src/watchalong/ics.js";
import { planWatchParty, type WatchPartyPlan } from "../../../src/watchalong/plan.js";
import { FESTIVAL, PARTS } from "./fixtures.js";

const S = Date.UTC(2026, 11, 5, 9, 0);
const octets = (s: string) => new TextEncoder().encode(s).length;
const unfold = (ics: string) => ics.replace(/\r\n /g, "");

function marathon(): WatchPartyPlan {
  const r = planWatchParty({ parts: "all", catalog: PARTS, startAt: S, zone: "UTC", cadence: { kind: "marathon" }, edition: FESTIVAL, now: S - 86_400_000 });
  if (!r.ok) throw new Error(r.error);
  return r.plan;
}

describe("ics helpers", () => {
  it("escapes TEXT values", () => {
    expect(escapeText("a;b,c\\d\ne\r\nf")).toBe("a\\;b\\,c\\\\d\\ne\\nf");
  });

  it("folds at 75 octets without splitting UTF-8 characters", () => {
    expect(foldLine("x".repeat(75))).toBe("x".repeat(75));
    expect(foldLine("x".repeat(76))).toBe(`${"x".repeat(75)}\r\n x`);
    const long = "SUMMARY:" + "铁西区".repeat(40);
    const folded = foldLine(long);
    const lines = folded.split("\r\n");
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(octets(line)).toBeLessThanOrEqual(75);
    for (const line of lines.slice(1)) expect(line.startsWith(" ")).toBe(true);
    for (const line of lines) expect(() => new TextDecoder("utf-8", { fatal: true }).decode(new TextEncoder().encode(line))).not.toThrow();
    expect(folded.replace(/\r\n /g, "")).toBe(long);
  });

  it("writes UTC date-times", () => {
    expect(icsDate(Date.UTC(2026, 11, 5, 19, 0, 0, 500))).toBe("20261205T190000Z");
  });
});

describe("buildIcs", () => {
  const plan = marathon();
  const title = "Tie Xi Qu; West of the Tracks, together \\ 铁西区 — a very long title that needs folding in calendars";
  const ics = buildIcs(plan, { title, prodId: "-//westofthetracks-bot//watchalong//EN", url: "https://discord.com/channels/1/2", uid: "series-42" });

  it("is CRLF-only with lines of at most 75 octets", () => {
    expect(ics.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")).toBe(true);
    expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    for (const line of ics.split("\r\n")) expect(octets(line)).toBeLessThanOrEqual(75);
  });

  it("has one event per viewing block and per intermission or break, in time order", () => {
    const text = unfold(ics);
    const events = text.split("BEGIN:VEVENT").slice(1);
    // Rust: 2 blocks + 1 intermission; meal break; Remnants: 2 blocks + 1 intermission; short break; Rails: 1 block.
    expect(events).toHaveLength(9);
    const starts = [...text.matchAll(/^DTSTART:(\d{8}T\d{6}Z)$/gm)].map((m) => m[1]);
    expect(starts).toEqual([...starts].sort());
    expect(starts[0]).toBe("20261205T090000Z");
    expect(text).toMatch(/^DTEND:20261205T194600Z$/m); // Rails ends 646 minutes after 09:00
    expect(text.match(/^CATEGORIES:BREAK$/gm)).toHaveLength(4);
    expect(text).toMatch(/^DTSTAMP:20261204T090000Z$/m);
  });

  it("escapes the title and uses edition labels", () => {
    const text = unfold(ics);
    expect(text).toContain("SUMMARY:Tie Xi Qu\\; West of the Tracks\\, together \\\\ 铁西区 — a very long title that needs folding in calendars · Rust\\, first half");
    expect(text).toContain("X-WR-CALNAME:Tie Xi Qu\\; West");
    expect(text).toContain("URL:https://discord.com/channels/1/2");
  });

  it("has stable, unique UIDs", () => {
    const uids = [...unfold(ics).matchAll(/^UID:(.+)$/gm)].map((m) => m[1]);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids[0]).toBe("series-42-s1-block-1@westofthetracks.bot");
    expect(buildIcs(plan, { title, prodId: "x", uid: "series-42" }).match(/UID:.+/g)).toEqual(
      buildIcs(marathon(), { title, prodId: "x", uid: "series-42" }).match(/UID:.+/g),
    );
  });

  it("lets the caller write the texts (i18n) and pick the label language", () => {
    const zh = unfold(buildIcs(plan, { title: "铁西区", prodId: "x", locale: "zh-CN" }));
    expect(zh).toContain("SUMMARY:铁西区 · 锈（上）");
    const custom = unfold(buildIcs(plan, { title: "t", prodId: "x", describe: (e) => ({ summary: e.kind, description: "line 1\nline 2" }) }));
    expect(custom).toContain("SUMMARY:intermission");
    expect(custom).toContain("DESCRIPTION:line 1\\nline 2");
  });
});
