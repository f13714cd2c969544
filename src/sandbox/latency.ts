/** Dispatch → callback latency over many interactions, for benchmarks of any bot against the emulator. */
import type { Emulator } from "./emulator.js";
import type { InteractionHandle } from "./interactions.js";

export interface LatencyReport {
  n: number;
  /** interactions that got no accepted callback in time */
  failures: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** ms, in the order measured */
  samples: number[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * Starts `n` interactions with `makeInteraction(i)` (e.g. `i => emu.command({ … name: "ping" })`), `concurrency`
 * at a time (default 1), and measures, for each, the time from the INTERACTION_CREATE reaching the bot's socket
 * to the callback arriving.
 */
export async function measureInteractionLatency(
  _emu: Emulator,
  makeInteraction: (i: number) => InteractionHandle,
  n: number,
  opts: { concurrency?: number; timeoutMs?: number } = {},
): Promise<LatencyReport> {
  const samples: number[] = [];
  let failures = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      const handle = makeInteraction(i);
      try {
        await handle.response(opts.timeoutMs ?? 5000);
        const ms = handle.latencyMs;
        if (ms === null) failures += 1;
        else samples.push(ms);
      } catch {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, () => worker()));
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n,
    failures,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: samples.reduce((a, b) => a + b, 0) / (samples.length || 1),
    samples,
  };
}
