import { describe, expect, it } from "vitest";
import { createClock, manualClock, scaledClock, systemClock } from "../../../src/watchalong/clock.js";

describe("clock", () => {
  it("scaled clock: virtual now = epoch + (real now − epoch) × speed", () => {
    let real = 1_000_000;
    const clock = scaledClock({ speed: 60, epoch: 1_000_000, realNow: () => real });
    expect(clock.now()).toBe(1_000_000);
    real += 1_000;
    expect(clock.now()).toBe(1_060_000);
    expect(clock.realDelayFor(60_000)).toBe(1_000);
    expect(clock.realDelayFor(-5)).toBe(0);
    expect(clock.speed).toBe(60);
  });

  it("keeps virtual time continuous across a restart with the same epoch", () => {
    const epoch = 1_700_000_000_000;
    const before = scaledClock({ speed: 120, epoch, realNow: () => epoch + 10_000 });
    const after = scaledClock({ speed: 120, epoch, realNow: () => epoch + 10_000 });
    expect(after.now()).toBe(before.now());
  });

  it("refuses a bad speed", () => {
    expect(() => scaledClock({ speed: 0, epoch: 0 })).toThrow(RangeError);
    expect(() => scaledClock({ speed: Number.NaN, epoch: 0 })).toThrow(RangeError);
    expect(() => manualClock(0, -1)).toThrow(RangeError);
  });

  it("manual clock moves only when told", () => {
    const clock = manualClock(5_000);
    expect(clock.now()).toBe(5_000);
    expect(clock.advance(1_000)).toBe(6_000);
    clock.set(100);
    expect(clock.now()).toBe(100);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(clock.realDelayFor(250)).toBe(250);
  });

  it("createClock picks system or scaled", () => {
    expect(createClock({ processStart: 0 }).speed).toBe(1);
    const scaled = createClock({ speed: 10, processStart: 1_000, realNow: () => 2_000 });
    expect(scaled.now()).toBe(11_000);
    const withEpoch = createClock({ speed: 10, epoch: 1_500, processStart: 1_000, realNow: () => 2_000 });
    expect(withEpoch.now()).toBe(6_500);
    expect(systemClock().realDelayFor(10)).toBe(10);
  });
});
