import { describe, expect, it } from "vitest";
import { cronOccurrences, nextCronOccurrences, seriesStarts, validateCron } from "../../../src/watchalong/cadence.js";
import { formatWallClock } from "../../../src/watchalong/time.js";

const NOW = Date.UTC(2026, 10, 24, 12, 0); // Tuesday
const iso = (ms: number) => new Date(ms).toISOString();

describe("validateCron", () => {
  it("accepts club nights", () => {
    for (const expr of ["0 20 * * 5", "30 19 * * 1-5", "0 20 L * *", "0 20 * * 5#1", "0 20 * * FRI", "0  20 * * 5", "@weekly", "0 20 * * 5L"]) {
      expect(validateCron(expr), expr).toMatchObject({ ok: true });
    }
    expect(validateCron(" 0  20 * * 5 ")).toMatchObject({ ok: true, expr: "0 20 * * 5" });
  });

  it("refuses invalid, seconds and more-than-daily expressions", () => {
    expect(validateCron("")).toEqual({ ok: false, error: "cron-empty" });
    expect(validateCron("every friday")).toEqual({ ok: false, error: "cron-invalid" });
    expect(validateCron("0 20 * * 8")).toEqual({ ok: false, error: "cron-invalid" });
    expect(validateCron("61 20 * * 5")).toEqual({ ok: false, error: "cron-invalid" });
    expect(validateCron("0 20 * *")).toEqual({ ok: false, error: "cron-invalid" });
    expect(validateCron("0 0 20 * * 5")).toEqual({ ok: false, error: "cron-seconds" });
    expect(validateCron("*/5 * * * *")).toEqual({ ok: false, error: "cron-too-frequent" });
    expect(validateCron("0 20,21 * * 5")).toEqual({ ok: false, error: "cron-too-frequent" });
    expect(validateCron("0,30 20 * * 5")).toEqual({ ok: false, error: "cron-too-frequent" });
    expect(validateCron("@hourly")).toEqual({ ok: false, error: "cron-too-frequent" });
  });
});

describe("nextCronOccurrences", () => {
  it("Fridays 20:00 in Shanghai", () => {
    expect(nextCronOccurrences("0 20 * * 5", "Asia/Shanghai", NOW, 3).map(iso)).toEqual([
      "2026-11-27T12:00:00.000Z",
      "2026-12-04T12:00:00.000Z",
      "2026-12-11T12:00:00.000Z",
    ]);
  });

  it("Fridays 20:00 in London keep 20:00 across the change to summer time", () => {
    const from = Date.UTC(2027, 2, 20);
    const got = nextCronOccurrences("0 20 * * 5", "Europe/London", from, 3);
    expect(got.map(iso)).toEqual(["2027-03-26T20:00:00.000Z", "2027-04-02T19:00:00.000Z", "2027-04-09T19:00:00.000Z"]);
    expect(got.map((t) => formatWallClock(t, "Europe/London"))).toEqual(["2027-03-26 20:00", "2027-04-02 20:00", "2027-04-09 20:00"]);
  });

  it("is inclusive of `from` and skips the day's occurrence once passed", () => {
    const friday20 = Date.UTC(2026, 10, 27, 12, 0);
    expect(nextCronOccurrences("0 20 * * 5", "Asia/Shanghai", friday20, 1)).toEqual([friday20]);
    expect(nextCronOccurrences("0 20 * * 5", "Asia/Shanghai", friday20 + 1, 1).map(iso)).toEqual(["2026-12-04T12:00:00.000Z"]);
  });

  it("understands first-Friday, last-day and names", () => {
    expect(nextCronOccurrences("0 20 * * 5#1", "UTC", NOW, 2).map(iso)).toEqual(["2026-12-04T20:00:00.000Z", "2027-01-01T20:00:00.000Z"]);
    expect(nextCronOccurrences("0 20 L * *", "UTC", NOW, 2).map(iso)).toEqual(["2026-11-30T20:00:00.000Z", "2026-12-31T20:00:00.000Z"]);
    expect(nextCronOccurrences("0 20 * * 5L", "UTC", NOW, 1).map(iso)).toEqual(["2026-11-27T20:00:00.000Z"]);
    expect(nextCronOccurrences("0 20 * DEC SAT", "UTC", NOW, 1).map(iso)).toEqual(["2026-12-05T20:00:00.000Z"]);
  });

  it("moves a time inside a DST gap to just after it, and runs an overlapping time once", () => {
    const gap = cronOccurrences("30 2 * * 0", "Europe/Berlin", Date.UTC(2027, 2, 20), 2);
    expect(gap.map((o) => [iso(o.at), o.dst])).toEqual([
      ["2027-03-21T01:30:00.000Z", undefined],
      ["2027-03-28T01:00:00.000Z", "gap-shifted"],
    ]);
    const overlap = cronOccurrences("30 2 * * 0", "Europe/Berlin", Date.UTC(2027, 9, 30), 2);
    expect(overlap.map((o) => [iso(o.at), o.dst])).toEqual([
      ["2027-10-31T00:30:00.000Z", "overlap-first"],
      ["2027-11-07T01:30:00.000Z", undefined],
    ]);
  });

  it("returns fewer when the expression never fires, throws when it is invalid", () => {
    expect(nextCronOccurrences("0 20 29 2 *", "UTC", NOW, 1)).toEqual([]);
    expect(() => nextCronOccurrences("nope", "UTC", NOW, 1)).toThrow(RangeError);
    expect(() => nextCronOccurrences("0 20 * * 5", "Nowhere/Land", NOW, 1)).toThrow(RangeError);
  });
});

describe("seriesStarts", () => {
  it("daily keeps 20:00 local across a DST change", () => {
    const start = Date.UTC(2027, 2, 27, 19, 0); // Saturday 20:00 CET; clocks change that night
    const r = seriesStarts({ kind: "daily" }, start, "Europe/Berlin", 3);
    if (!r.ok) throw new Error(r.error);
    expect(r.starts.map((o) => iso(o.at))).toEqual(["2027-03-27T19:00:00.000Z", "2027-03-28T18:00:00.000Z", "2027-03-29T18:00:00.000Z"]);
    expect(r.starts.map((o) => formatWallClock(o.at, "Europe/Berlin"))).toEqual(["2027-03-27 20:00", "2027-03-28 20:00", "2027-03-29 20:00"]);
  });

  it("weekly keeps the wall clock in New York across the fall-back", () => {
    const start = Date.UTC(2026, 9, 24, 0, 0); // Friday 23 October 20:00 EDT
    const r = seriesStarts({ kind: "weekly" }, start, "America/New_York", 3);
    if (!r.ok) throw new Error(r.error);
    expect(r.starts.map((o) => formatWallClock(o.at, "America/New_York"))).toEqual(["2026-10-23 20:00", "2026-10-30 20:00", "2026-11-06 20:00"]);
    expect(r.starts[2]!.at - r.starts[1]!.at).toBe(7 * 24 * 3_600_000 + 3_600_000);
  });

  it("cron uses its own zone and the occurrences at or after the start", () => {
    const r = seriesStarts({ kind: "cron", expr: "0 20 * * 5", zone: "Asia/Shanghai" }, NOW, "Europe/Berlin", 2);
    expect(r.ok && r.starts.map((o) => iso(o.at))).toEqual(["2026-11-27T12:00:00.000Z", "2026-12-04T12:00:00.000Z"]);
    expect(seriesStarts({ kind: "cron", expr: "* * * * *", zone: "UTC" }, NOW, "UTC", 2)).toEqual({ ok: false, error: "cron-too-frequent" });
    expect(seriesStarts({ kind: "cron", expr: "0 20 * * 5", zone: "Mars/Base" }, NOW, "UTC", 2)).toEqual({ ok: false, error: "bad-zone" });
    expect(seriesStarts({ kind: "cron", expr: "0 20 29 2 *", zone: "UTC" }, NOW, "UTC", 1)).toEqual({ ok: false, error: "cron-no-occurrence" });
  });
});
