/**
 * Structured logs (pino). Secrets never reach a log line: known secret values are scrubbed from every
 * string, and the usual secret-bearing keys are redacted wherever they appear.
 */
import { pino, type Logger, type LevelWithSilent, type DestinationStream } from "pino";

export type { Logger } from "pino";

const REDACT_PATHS = [
  "token",
  "*.token",
  "DISCORD_TOKEN",
  "*.DISCORD_TOKEN",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "req.headers.authorization",
];

function scrubber(secrets: readonly string[]): (value: string) => string {
  const real = secrets.filter((s) => s.length >= 8);
  if (real.length === 0) return (v) => v;
  return (value) => {
    let out = value;
    for (const secret of real) if (out.includes(secret)) out = out.split(secret).join("[redacted]");
    return out;
  };
}

function scrubDeep(value: unknown, scrub: (v: string) => string, depth = 0): unknown {
  if (typeof value === "string") return scrub(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    const copy = new Error(scrub(value.message));
    copy.name = value.name;
    copy.stack = value.stack === undefined ? undefined : scrub(value.stack);
    for (const [k, v] of Object.entries(value)) (copy as unknown as Record<string, unknown>)[k] = scrubDeep(v, scrub, depth + 1);
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, scrub, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, scrub, depth + 1);
  return out;
}

export function createLogger(options: {
  level: LevelWithSilent;
  secrets?: readonly string[];
  destination?: DestinationStream;
  base?: Record<string, unknown>;
}): Logger {
  const scrub = scrubber(options.secrets ?? []);
  return pino(
    {
      level: options.level,
      base: options.base ?? { app: "westofthetracks" },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrubDeep(a, scrub)) as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}
