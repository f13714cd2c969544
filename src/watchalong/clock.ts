/**
 * The bot's clock. Everything in the watch-along domain takes `now` as a number (milliseconds since
 * 1970, "virtual" time); this module is where that number comes from.
 *
 * `CLOCK_SPEED=N` makes virtual time run N times faster than real time:
 *   virtual now = epoch + (real now − epoch) × N
 * where the epoch is `CLOCK_EPOCH` or the moment the process started. Passing the same epoch to a
 * restarted process keeps virtual time continuous. Refusing a speed in production is config's job.
 *
 * Pure apart from `systemClock`/`scaledClock` reading `Date.now()` by default.
 */

export interface Clock {
  /** Virtual now, in milliseconds since 1970. */
  now(): number;
  /** How many real milliseconds to wait for `virtualMs` of virtual time to pass (never negative). */
  realDelayFor(virtualMs: number): number;
  /** Virtual milliseconds per real millisecond (1 for the system clock). */
  readonly speed: number;
}

export interface ManualClock extends Clock {
  /** Moves virtual time forward by `ms` (must be ≥ 0) and returns the new now. */
  advance(ms: number): number;
  /** Sets virtual now. */
  set(ms: number): void;
}

function positiveDelay(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/** Real time, speed 1. */
export function systemClock(): Clock {
  return {
    speed: 1,
    now: () => Date.now(),
    realDelayFor: (virtualMs) => Math.ceil(positiveDelay(virtualMs)),
  };
}

export interface ScaledClockOptions {
  /** Virtual milliseconds per real millisecond; a finite number > 0. */
  speed: number;
  /** The instant (ms) where virtual and real time agree: CLOCK_EPOCH, or the process start. */
  epoch: number;
  /** Source of real time; `Date.now` by default (tests pass their own). */
  realNow?: () => number;
}

/** A clock running `speed` times faster than `realNow` from `epoch` on. Throws RangeError on a bad speed/epoch. */
export function scaledClock({ speed, epoch, realNow = Date.now }: ScaledClockOptions): Clock {
  if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`clock speed must be a finite number > 0, got ${speed}`);
  if (!Number.isFinite(epoch)) throw new RangeError(`clock epoch must be a finite number, got ${epoch}`);
  return {
    speed,
    now: () => Math.floor(epoch + (realNow() - epoch) * speed),
    realDelayFor: (virtualMs) => Math.ceil(positiveDelay(virtualMs) / speed),
  };
}

/**
 * The clock config asks for: the system clock when `speed` is absent or 1, a scaled clock otherwise
 * (epoch = `epoch` when given, else `processStart`).
 */
export function createClock(options: { speed?: number; epoch?: number; processStart: number; realNow?: () => number }): Clock {
  const { speed, epoch, processStart, realNow } = options;
  if (speed === undefined || speed === 1) {
    if (epoch === undefined && realNow === undefined) return systemClock();
  }
  return scaledClock({ speed: speed ?? 1, epoch: epoch ?? processStart, ...(realNow ? { realNow } : {}) });
}

/** A clock that only moves when told to; for tests and the sandbox. `realDelayFor` uses `speed`. */
export function manualClock(start: number, speed = 1): ManualClock {
  if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`clock speed must be a finite number > 0, got ${speed}`);
  let current = start;
  return {
    speed,
    now: () => current,
    realDelayFor: (virtualMs) => Math.ceil(positiveDelay(virtualMs) / speed),
    advance(ms: number): number {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a manual clock only moves forward, got ${ms}`);
      current += ms;
      return current;
    },
    set(ms: number): void {
      current = ms;
    },
  };
}
