/** Waiting for state: re-check a condition on every change until it yields a value or time runs out. */
export const DEFAULT_WAIT_MS = 5000;

export function waitUntil<T>(
  subscribe: (listener: () => void) => () => void,
  check: () => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let unsubscribe: () => void = () => {};
    const finish = (fn: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      fn();
    };
    const attempt = (): void => {
      try {
        const v = check();
        if (v !== undefined) finish(() => resolve(v));
      } catch (err) {
        finish(() => reject(err instanceof Error ? err : new Error(String(err))));
      }
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
    unsubscribe = subscribe(attempt);
    attempt();
  });
}
