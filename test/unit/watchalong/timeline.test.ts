import { describe, expect, it } from "vitest";
import { planWatchParty, type Moment, type WatchPartyPlan } from "../../../src/watchalong/plan.js";
import { catchUp, progressBar, sessionPosition, shiftMoments } from "../../../src/watchalong/timeline.js";
import { formatTimecode } from "../../../src/watchalong/time.js";
import { FESTIVAL, HOUR, MIN, PARTS, THREE_PARTS } from "./fixtures.js";

const S = Date.UTC(2026, 11, 5, 19, 0);

function rustPlan(): WatchPartyPlan {
  const r = planWatchParty({ parts: "rust", catalog: PARTS, startAt: S, zone: "UTC", cadence: { kind: "marathon" }, edition: THREE_PARTS });
  if (!r.ok) throw new Error(r.error);
  return r.plan;
}

const plan = rustPlan();
const session = plan.sessions[0]!;
const moments = plan.moments;
const byKey = (key: string): Moment => moments.find((m) => m.key === key)!;
const where = (now: number, extra: Partial<Parameters<typeof sessionPosition>[0]> = {}) => sessionPosition({ session, now, moments, ...extra });

describe("sessionPosition (whereami)", () => {
  it("before the start: at 0:00:00, next is the get-ready call", () => {
    const p = where(S - 10 * MIN);
    expect(p).toMatchObject({ phase: "before", filmOffsetMs: 0, elapsedMs: 0, progress: 0 });
    expect(p.nextMoment?.moment.key).toBe("s1:get-ready");
    expect(p.nextMoment?.at).toBe(S - 5 * MIN);
  });

  it("while watching, the timecode follows the clock", () => {
    const p = where(S + 72 * MIN);
    expect(p.phase).toBe("watching");
    expect(formatTimecode(p.filmOffsetMs)).toBe("1:12:00");
    expect(p.progress).toBeCloseTo(72 / 240);
    expect(p.blockIndex).toBe(1);
    expect(p.remainingMs).toBe((250 - 72) * MIN);
    expect(p.nextMoment?.moment.key).toBe("s1:checkpoint:90");
  });

  it("during the intermission the timecode stands still; after it, film time excludes the break", () => {
    const during = where(S + 125 * MIN);
    expect(during).toMatchObject({ phase: "intermission", filmOffsetMs: 120 * MIN, intermissionIndex: 1, intermissionEndsAt: S + 130 * MIN });
    expect(during.nextMoment?.moment.key).toBe("s1:intermission:end:1");
    const after = where(S + 140 * MIN);
    expect(after).toMatchObject({ phase: "watching", filmOffsetMs: 130 * MIN, blockIndex: 2 });
  });

  it("pauses hold the timecode and push later moments back", () => {
    const pauses = [{ at: S + 60 * MIN, resumedAt: S + 70 * MIN }];
    const p = where(S + 80 * MIN, { pauses });
    expect(p).toMatchObject({ phase: "watching", filmOffsetMs: 70 * MIN, pausedMs: 10 * MIN });
    expect(p.nextMoment).toMatchObject({ at: S + 100 * MIN });
    expect(p.nextMoment?.moment.key).toBe("s1:checkpoint:90");
    const open = where(S + 90 * MIN, { pauses: [{ at: S + 60 * MIN }] });
    expect(open).toMatchObject({ phase: "paused", filmOffsetMs: 60 * MIN, pausedMs: 30 * MIN });
    expect(open.nextMoment).toBeUndefined();
  });

  it("pauses, intermissions and a delay together", () => {
    // Delay 15 min before the start, pause 20 min in the first half, now 170 min after the planned start:
    // session time = 170 − 15 − 20 = 135 min; the intermission took 120–130, so the film is at 125 min.
    const p = where(S + 170 * MIN, { delayMs: 15 * MIN, pauses: [{ at: S + 40 * MIN, resumedAt: S + 60 * MIN }] });
    expect(p).toMatchObject({ phase: "watching", filmOffsetMs: 125 * MIN, startsAt: S + 15 * MIN, pausedMs: 20 * MIN });
    expect(p.projectedEndAt).toBe(S + 170 * MIN + (250 - 135) * MIN);
  });

  it("uses a recorded start", () => {
    expect(where(S + 30 * MIN, { startedAt: S + 10 * MIN }).filmOffsetMs).toBe(20 * MIN);
  });

  it("after the end", () => {
    expect(where(S + 300 * MIN)).toMatchObject({ phase: "ended", filmOffsetMs: 240 * MIN, progress: 1, remainingMs: 0 });
  });
});

describe("shiftMoments", () => {
  it("moves every moment at or after the point, and nothing before", () => {
    const shifted = shiftMoments(moments, S + 60 * MIN, 10 * MIN);
    const at = (key: string) => shifted.find((m) => m.key === key)!.at;
    expect(at("s1:start")).toBe(S);
    expect(at("s1:checkpoint:30")).toBe(S + 30 * MIN);
    expect(at("s1:checkpoint:60")).toBe(S + 70 * MIN);
    expect(at("s1:intermission:start:1")).toBe(S + 130 * MIN);
    expect(at("s1:end")).toBe(S + 260 * MIN);
    expect(shifted).toHaveLength(moments.length);
    expect(byKey("s1:end").at).toBe(S + 250 * MIN); // the input is untouched
  });
});

describe("catchUp", () => {
  const pending = moments;
  const keys = (ms: readonly Moment[]) => ms.map((m) => m.key);

  it("posts on-time moments without a late flag and leaves future ones alone", () => {
    const r = catchUp(pending.filter((m) => m.at >= S), S);
    expect(r.post.map((m) => [m.key, m.late])).toEqual([["s1:start", false]]);
    expect(r.drop).toEqual([]);
    expect(r.summary).toBeUndefined();
  });

  it("posts a start or checkpoint late within the grace period, flagged", () => {
    const r = catchUp(pending.filter((m) => m.at >= S + 60 * MIN), S + 63 * MIN);
    expect(r.post.map((m) => [m.key, m.late, m.lateMs])).toEqual([["s1:checkpoint:60", true, 3 * MIN]]);
  });

  it("drops reminders whose moment has passed, keeps a slightly late one", () => {
    const r = catchUp(pending.filter((m) => m.kind === "reminder"), S - 58 * MIN);
    expect(keys(r.post)).toEqual(["s1:reminder:1h"]);
    expect(keys(r.drop)).toEqual(["s1:reminder:24h"]);
    // Once the session has started, even a barely late reminder is pointless.
    const started = catchUp([byKey("s1:reminder:10m"), byKey("s1:get-ready"), byKey("s1:start")], S + MIN);
    expect(keys(started.post)).toEqual(["s1:start"]);
    expect(keys(started.drop)).toEqual(["s1:reminder:10m", "s1:get-ready"]);
  });

  it("beyond the grace period, one status replaces the missed posts", () => {
    const due = pending.filter((m) => m.at >= S - 30 * MIN);
    const r = catchUp(due, S + 72 * MIN);
    expect(r.post).toEqual([]);
    expect(keys(r.drop)).toEqual(["s1:reminder:10m", "s1:get-ready"]);
    expect(r.summary).toMatchObject({ sessionIndex: 1, part: "rust", phase: "watching", at: S + 72 * MIN });
    expect(formatTimecode(r.summary!.filmOffsetMs)).toBe("1:12:00");
    expect(keys(r.summary!.replaces)).toEqual(["s1:start", "s1:checkpoint:30", "s1:checkpoint:60"]);
  });

  it("when the newest missed moment is within grace, it is posted and older ones are superseded", () => {
    const r = catchUp(pending.filter((m) => m.at >= S), S + 92 * MIN);
    expect(keys(r.post)).toEqual(["s1:checkpoint:90"]);
    expect(keys(r.drop)).toEqual(["s1:start", "s1:checkpoint:30", "s1:checkpoint:60"]);
    expect(r.summary).toBeUndefined();
  });

  it("knows the party is in an intermission or over", () => {
    const inBreak = catchUp(pending.filter((m) => m.at >= S), S + 128 * MIN);
    expect(inBreak.summary).toMatchObject({ phase: "intermission", filmOffsetMs: 120 * MIN });
    const over = catchUp(pending.filter((m) => m.at >= S), S + 5 * HOUR);
    expect(over.summary).toMatchObject({ phase: "ended", filmOffsetMs: 240 * MIN });
  });

  it("never runs the estimate past the next moment's position", () => {
    const sparse = pending.filter((m) => m.key === "s1:start" || m.key === "s1:intermission:start:1");
    const r = catchUp(sparse, S + 119 * MIN);
    expect(r.summary?.filmOffsetMs).toBe(119 * MIN);
    const capped = catchUp([byKey("s1:start"), { ...byKey("s1:intermission:start:1"), at: S + 200 * MIN }], S + 150 * MIN);
    expect(capped.summary?.filmOffsetMs).toBe(120 * MIN);
  });

  it("puts every due moment in exactly one place (marathon, after a long outage)", () => {
    const r = planWatchParty({ parts: "all", catalog: PARTS, startAt: S, zone: "UTC", cadence: { kind: "marathon" }, edition: FESTIVAL });
    if (!r.ok) throw new Error(r.error);
    const now = S + 320 * MIN; // Remnants started at 310
    const out = catchUp(r.plan.moments, now);
    const seen = [...keys(out.post), ...keys(out.drop), ...keys(out.summary?.replaces ?? [])].sort();
    expect(seen).toEqual(keys(r.plan.moments.filter((m) => m.at <= now)).sort());
    expect(out.summary).toMatchObject({ sessionIndex: 2, part: "remnants", phase: "watching", filmOffsetMs: 10 * MIN });
  });
});

describe("progressBar", () => {
  it("draws plain characters", () => {
    expect(progressBar(0.5)).toBe("▰▰▰▰▰▰▱▱▱▱▱▱");
    expect(progressBar(0)).toBe("▱".repeat(12));
    expect(progressBar(1, 5)).toBe("▰▰▰▰▰");
    expect(progressBar(2, 4)).toBe("▰▰▰▰");
    expect(progressBar(Number.NaN, 3)).toBe("▱▱▱");
  });
});
