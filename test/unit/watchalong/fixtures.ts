// Small stand-ins for data/film: the three parts and two editions, as the planner sees them.
import type { EditionInfo, PartInfo } from "../../../src/watchalong/plan.js";

export const PARTS: readonly PartInfo[] = [
  { id: "rails", number: 3, runtime: { minutes: 135 } },
  { id: "rust", number: 1, runtime: { minutes: 240 } },
  { id: "remnants", number: 2, runtime: { minutes: 176 } },
];

const label = (en: string, zh: string) => ({ en, "zh-CN": zh });

export const FESTIVAL: EditionInfo = {
  id: "festival",
  blocks: [
    { part: "rust", minutes: 120, label: label("Rust, first half", "锈（上）") },
    { part: "rust", minutes: 120, label: label("Rust, second half", "锈（下）") },
    { part: "remnants", minutes: 176, label: label("Remnants", "艳粉街") },
    { part: "rails", minutes: 135, label: label("Rails", "铁路") },
  ],
};

export const THREE_PARTS: EditionInfo = {
  id: "three-parts",
  blocks: [
    { part: "rust", minutes: 240 },
    { part: "remnants", minutes: 176 },
    { part: "rails", minutes: 135 },
  ],
};

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
