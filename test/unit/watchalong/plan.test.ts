import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { planWatchParty, type EditionInfo, type PartInfo, type PlanInput, type WatchPartyPlan } from "../../../src/watchalong/plan.js";
import { formatWallClock } from "../../../src/watchalong/time.js";
import { DAY, FESTIVAL, HOUR, MIN, PARTS, THREE_PARTS } from "./fixtures.js";

const S = Date.UTC(2026, 11, 5, 9, 0); // Saturday 5 December 2026, 09:00 UTC

function plan(input: Partial<PlanInput>): WatchPartyPlan {
  const r = planWatchParty({ parts: "rust", catalog: PARTS, startAt: S, zone: "UTC", cadence: { kind: "marathon" }, ...input });
  if (!r.ok) throw new Error(`plan failed: ${r.error}`);
  return r.plan;
}

/** Minutes from S of each block / intermission / break, for readable shape assertions. */
function shape(p: WatchPartyPlan): string[] {
  const m = (t: number) => (t - S) / MIN;
  const out: string[] = [];
  for (const s of p.sessions) {
    const items = [
      ...s.blocks.map((b) => ({ at: b.startsAt, text: `${s.part} ${b.label?.en ?? `block ${b.index}`} ${m(b.startsAt)}-${m(b.endsAt)}` })),
      ...s.intermissions.map((i) => ({ at: i.startsAt, text: `intermission ${m(i.startsAt)}-${m(i.endsAt)}` })),
    ].sort((a, b) => a.at - b.at);
    out.push(...items.map((i) => i.text));
    const br = p.breaks.find((b) => b.afterSession === s.index);
    if (br) out.push(`${br.kind} break ${m(br.startsAt)}-${m(br.endsAt)}`);
  }
  return out;
}

describe("planWatchParty: marathon", () => {
  it("follows the festival screening with its edition (Remnants, 176 min, gets the auto break too)", () => {
    const p = plan({ parts: "all", edition: FESTIVAL });
    expect(p.sessions.map((s) => s.part)).toEqual(["rust", "remnants", "rails"]);
    expect(shape(p)).toEqual([
      "rust Rust, first half 0-120",
      "intermission 120-130",
      "rust Rust, second half 130-250",
      "meal break 250-310",
      "remnants Remnants 310-400",
      "intermission 400-410",
      "remnants Remnants 410-496",
      "short break 496-511",
      "rails Rails 511-646",
    ]);
    expect(p.totals).toEqual({ sessions: 3, filmMs: 551 * MIN, intermissionMs: 20 * MIN, breakMs: 75 * MIN, spanMs: 646 * MIN, startsAt: S, endsAt: S + 646 * MIN });
    expect(p.editionId).toBe("festival");
  });

  it("screens it exactly as festivals do with a 180-minute threshold", () => {
    const p = plan({ parts: "all", edition: FESTIVAL, intermission: { minutes: 10, overMin: 180 } });
    expect(shape(p)).toEqual([
      "rust Rust, first half 0-120",
      "intermission 120-130",
      "rust Rust, second half 130-250",
      "meal break 250-310",
      "remnants Remnants 310-486",
      "short break 486-501",
      "rails Rails 501-636",
    ]);
    expect(p.totals.spanMs).toBe(636 * MIN);
  });

  it("gives a 240-minute single block one 10-minute break in the middle", () => {
    const p = plan({ edition: THREE_PARTS });
    expect(shape(p)).toEqual(["rust block 1 0-120", "intermission 120-130", "rust block 2 130-250"]);
    const [s] = p.sessions;
    expect(s!.blocks.map((b) => [b.filmStartMs / MIN, b.filmEndMs / MIN, b.sourceBlock, b.sourceBlocks])).toEqual([
      [0, 120, 1, 1],
      [120, 240, 1, 1],
    ]);
    expect(s!.intermissions).toEqual([{ index: 1, startsAt: S + 120 * MIN, endsAt: S + 130 * MIN, durationMs: 10 * MIN, filmOffsetMs: 120 * MIN }]);
  });

  it("plays straight through with `none`", () => {
    expect(shape(plan({ intermission: "none" }))).toEqual(["rust block 1 0-240"]);
    expect(shape(plan({ edition: FESTIVAL, intermission: "none" }))).toEqual(["rust Rust, first half 0-120", "rust Rust, second half 120-240"]);
    expect(plan({ intermission: "none" }).totals.intermissionMs).toBe(0);
  });

  it("follows the runtime of the club's copy", () => {
    expect(shape(plan({ runtimes: { rust: 246 } }))).toEqual(["rust block 1 0-125", "intermission 125-135", "rust block 2 135-256"]);
    expect(shape(plan({ runtimes: { rust: [110, 136] } }))).toEqual(["rust block 1 0-110", "intermission 110-120", "rust block 2 120-256"]);
    // A custom runtime wins over the edition for that part only.
    const p = plan({ parts: ["rust", "rails"], edition: FESTIVAL, runtimes: { rails: 130 } });
    expect(p.sessions.map((s) => s.filmMs / MIN)).toEqual([240, 130]);
  });

  it("places a chosen number of breaks evenly, snapping to a cut nearby", () => {
    expect(shape(plan({ intermission: { minutes: 15, count: 2 } }))).toEqual([
      "rust block 1 0-80",
      "intermission 80-95",
      "rust block 2 95-175",
      "intermission 175-190",
      "rust block 3 190-270",
    ]);
    expect(shape(plan({ edition: FESTIVAL, intermission: { minutes: 20, count: 1 } }))).toEqual([
      "rust Rust, first half 0-120",
      "intermission 120-140",
      "rust Rust, second half 140-260",
    ]);
  });

  it("honours explicit breaks between parts", () => {
    const p = plan({ parts: "all", intermission: "none", breaks: { betweenPartsMin: [30] } });
    expect(p.breaks.map((b) => [b.kind, b.durationMs / MIN])).toEqual([
      ["short", 30],
      ["short", 30],
    ]);
    expect(p.totals.spanMs).toBe((551 + 60) * MIN);
  });
});

describe("planWatchParty: moments", () => {
  it("has reminders, get-ready, start, checkpoints, intermission, end and discussion with stable keys", () => {
    const p = plan({ edition: THREE_PARTS });
    expect(p.moments.map((m) => [m.key, (m.at - S) / MIN, m.filmOffsetMs === undefined ? null : m.filmOffsetMs / MIN])).toEqual([
      ["s1:reminder:24h", -1440, null],
      ["s1:reminder:1h", -60, null],
      ["s1:reminder:10m", -10, null],
      ["s1:get-ready", -5, null],
      ["s1:start", 0, 0],
      ["s1:checkpoint:30", 30, 30],
      ["s1:checkpoint:60", 60, 60],
      ["s1:checkpoint:90", 90, 90],
      ["s1:intermission:start:1", 120, 120],
      ["s1:intermission:end:1", 130, 120],
      ["s1:checkpoint:150", 160, 150],
      ["s1:checkpoint:180", 190, 180],
      ["s1:checkpoint:210", 220, 210],
      ["s1:end", 250, 240],
      ["s1:discussion", 250, 240],
    ]);
    expect(p.sessions[0]!.checkpoints.map((c) => c.filmOffsetMs / MIN)).toEqual([30, 60, 90, 150, 180, 210]);
  });

  it("takes other reminder, get-ready and checkpoint settings", () => {
    const p = plan({ intermission: "none", remindersMin: [90, 15], getReadyMin: 0, checkpointEveryMin: 0, discussionDelayMin: 5 });
    expect(p.moments.map((m) => m.key)).toEqual(["s1:reminder:90m", "s1:reminder:15m", "s1:start", "s1:end", "s1:discussion"]);
    expect(p.sessions[0]!.discussionAt).toBe(S + 245 * MIN);
  });

  it("leaves out reminders already past at planning time and reminders during the previous session", () => {
    const p = plan({ parts: "all", edition: FESTIVAL, now: S - 2 * HOUR });
    const keys = p.moments.map((m) => m.key);
    expect(keys).not.toContain("s1:reminder:24h");
    expect(keys).toContain("s1:reminder:1h");
    // Remnants starts after the 60-minute meal break: only the 10-minute reminder and get-ready fit.
    expect(keys.filter((k) => k.startsWith("s2:reminder") || k === "s2:get-ready")).toEqual(["s2:reminder:10m", "s2:get-ready"]);
    expect(keys).toContain("s1:break");
    expect(new Set(keys).size).toBe(keys.length);
    const sorted = [...p.moments].sort((a, b) => a.at - b.at);
    expect(p.moments.map((m) => m.at)).toEqual(sorted.map((m) => m.at));
  });

  it("is plain JSON data", () => {
    const p = plan({ parts: "all", edition: FESTIVAL });
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});

describe("planWatchParty: series", () => {
  it("daily keeps 20:00 in Berlin across the change to summer time", () => {
    const start = Date.UTC(2027, 2, 27, 19, 0);
    const p = plan({ parts: "all", cadence: { kind: "daily" }, zone: "Europe/Berlin", startAt: start });
    expect(p.sessions.map((s) => formatWallClock(s.startsAt, "Europe/Berlin"))).toEqual(["2027-03-27 20:00", "2027-03-28 20:00", "2027-03-29 20:00"]);
    expect(p.breaks).toEqual([]);
    // A daily 24 h reminder would fall during the previous session: left out.
    expect(p.moments.filter((m) => m.kind === "reminder").map((m) => m.key)).toEqual([
      "s1:reminder:24h",
      "s1:reminder:1h",
      "s1:reminder:10m",
      "s2:reminder:1h",
      "s2:reminder:10m",
      "s3:reminder:1h",
      "s3:reminder:10m",
    ]);
  });

  it("weekly and cron", () => {
    const weekly = plan({ parts: ["rust", "remnants"], cadence: { kind: "weekly" } });
    expect(weekly.sessions[1]!.startsAt - weekly.sessions[0]!.startsAt).toBe(7 * DAY);
    const now = Date.UTC(2026, 10, 24, 12, 0);
    const cron = plan({ parts: "all", cadence: { kind: "cron", expr: "0 20 * * 5", zone: "Asia/Shanghai" }, startAt: now, now, zone: "Asia/Shanghai" });
    expect(cron.sessions.map((s) => new Date(s.startsAt).toISOString())).toEqual([
      "2026-11-27T12:00:00.000Z",
      "2026-12-04T12:00:00.000Z",
      "2026-12-11T12:00:00.000Z",
    ]);
    expect(cron.cadence).toEqual({ kind: "cron", expr: "0 20 * * 5", zone: "Asia/Shanghai" });
  });
});

describe("planWatchParty: errors", () => {
  const base: PlanInput = { parts: "all", catalog: PARTS, startAt: S, zone: "UTC", cadence: { kind: "marathon" } };
  const error = (input: Partial<PlanInput>) => {
    const r = planWatchParty({ ...base, ...input });
    return r.ok ? "ok" : r.error;
  };
  it("returns codes and plans nothing", () => {
    expect(error({ parts: [] })).toBe("no-parts");
    expect(error({ parts: ["rust", "rust"] })).toBe("duplicate-part");
    expect(error({ parts: JSON.parse(`["rust", "nope"]`) as PlanInput["parts"] })).toBe("unknown-part");
    expect(error({ edition: { id: "x", blocks: [{ part: "rust", minutes: 240 }] } })).toBe("edition-missing-part");
    expect(error({ runtimes: { rust: 0 } })).toBe("bad-runtime");
    expect(error({ runtimes: { rust: 700 } })).toBe("bad-runtime");
    expect(error({ runtimes: { rust: [] } })).toBe("bad-runtime");
    expect(error({ intermission: { minutes: 0 } })).toBe("bad-intermission");
    expect(error({ intermission: { minutes: 10, count: 1.5 } })).toBe("bad-intermission");
    expect(error({ checkpointEveryMin: 1 })).toBe("bad-checkpoint");
    expect(error({ remindersMin: [-5] })).toBe("bad-reminder");
    expect(error({ breaks: { mealMin: -1 } })).toBe("bad-break");
    expect(error({ zone: "Mars/Base" })).toBe("bad-zone");
    expect(error({ startAt: Number.NaN })).toBe("bad-start");
    expect(error({ cadence: { kind: "cron", expr: "every friday", zone: "UTC" } })).toBe("cron-invalid");
    expect(error({ cadence: { kind: "cron", expr: "*/10 * * * *", zone: "UTC" } })).toBe("cron-too-frequent");
    expect(error({ now: S + HOUR })).toBe("in-past");
    expect(error({ cadence: { kind: "weekly" }, now: S - 360 * DAY })).toBe("too-far");
    expect(planWatchParty({ ...base, cadence: { kind: "weekly" }, now: S - 360 * DAY })).toMatchObject({ sessionIndex: 2 });
  });
});

describe("planWatchParty with data/film", () => {
  const dir = new URL("../../../data/film/", import.meta.url);
  const present = existsSync(new URL("film.json", dir)) && existsSync(new URL("parts.json", dir));
  it.skipIf(!present)("plans every edition of the knowledge base", () => {
    const film = JSON.parse(readFileSync(new URL("film.json", dir), "utf8")) as { editions: EditionInfo[]; defaultEdition: string };
    const parts = JSON.parse(readFileSync(new URL("parts.json", dir), "utf8")) as PartInfo[];
    expect(film.editions.map((e) => e.id)).toContain(film.defaultEdition);
    for (const edition of film.editions) {
      const r = planWatchParty({ parts: "all", catalog: parts, startAt: S, zone: "Asia/Shanghai", cadence: { kind: "marathon" }, edition });
      expect(r.ok, edition.id).toBe(true);
      if (r.ok) expect(r.plan.sessions.map((s) => s.part)).toEqual(["rust", "remnants", "rails"]);
    }
  });
});
