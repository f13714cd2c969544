/**
 * Configuration: read once from the environment (and .env through dotenv in main), validated by zod,
 * frozen. Nothing else in the bot reads process.env.
 */
import { z } from "zod";

const snowflake = z.string().regex(/^\d{17,20}$/, "must be a Discord id (17–20 digits)");
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Tokens are three base64url segments separated by dots. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{16,}$/;

const fields = z.object({
  DISCORD_TOKEN: z
    .string({ error: "is missing: put your bot token in .env (see .env.example and README.md)" })
    .trim()
    .min(1, "is empty: put your bot token in .env (see .env.example and README.md)")
    .refine((v) => !/^bot\s/i.test(v), "starts with “Bot ”: paste the token alone, without the prefix")
    .refine(
      (v) => TOKEN_SHAPE.test(v),
      "does not look like a bot token (three dot-separated parts): copy it again from the developer portal's Bot page",
    ),
  DISCORD_APPLICATION_ID: snowflake.optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  DISCORD_API_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://127.0.0.1:8787/api" })
    .transform((v) => v.replace(/\/+$/, ""))
    .optional(),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, "must start with sqlite: or postgres://")
    .default("sqlite:./var/westofthetracks.sqlite"),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  HEALTH_PORT: z.coerce
    .number({ error: "must be a port number" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 65535")
    .max(65535, "must be between 1 and 65535")
    .optional(),
  CLOCK_SPEED: z.coerce
    .number({ error: "must be a number" })
    .min(1, "must be at least 1")
    .max(10_000, "must be at most 10000")
    .optional(),
  CLOCK_EPOCH: z.coerce.number({ error: "must be milliseconds since 1970" }).int("must be a whole number").min(0).optional(),
  SHARD_COUNT: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(1000).optional(),
  SHARD_IDS: z
    .string()
    .regex(/^\d+(\s*,\s*\d+)*$/, "must be shard numbers separated by commas, e.g. 0,1")
    .transform((v) => v.split(",").map((x) => Number(x.trim())))
    .optional(),
  /** SQLite durability: NORMAL survives a killed process (the default); FULL also survives power loss. */
  SQLITE_SYNCHRONOUS: z.enum(["NORMAL", "FULL"], { error: "must be NORMAL or FULL" }).default("NORMAL"),
  NODE_ENV: z.string().default("development"),
});

function productionRules(
  env: { NODE_ENV: string; CLOCK_SPEED?: number | undefined; SHARD_COUNT?: number | undefined; SHARD_IDS?: number[] | undefined },
  ctx: z.RefinementCtx,
): void {
  if (Array.isArray(env.SHARD_IDS)) {
    if (env.SHARD_COUNT === undefined) {
      ctx.addIssue({ code: "custom", path: ["SHARD_IDS"], message: "needs SHARD_COUNT (how many shards all processes run together)" });
    } else if (env.SHARD_IDS.some((id) => id >= env.SHARD_COUNT!)) {
      ctx.addIssue({ code: "custom", path: ["SHARD_IDS"], message: `must each be below SHARD_COUNT (${env.SHARD_COUNT})` });
    }
  }
  if (env.NODE_ENV === "production" && env.CLOCK_SPEED !== undefined && env.CLOCK_SPEED !== 1) {
    ctx.addIssue({
      code: "custom",
      path: ["CLOCK_SPEED"],
      message: "is for development and tests only and is refused when NODE_ENV=production",
    });
  }
}

const schema = fields.superRefine(productionRules);
/** For tools that need no token (deploy dry runs, backups): the same rules, token optional. */
const tokenlessSchema = fields.extend({ DISCORD_TOKEN: z.string().optional() }).superRefine(productionRules);

export type Config = Readonly<z.infer<typeof schema>>;

/** Raised for invalid configuration; `lines` name each variable and what to do. */
export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
    this.name = "ConfigError";
  }
}

/** Empty strings in .env mean "unset", as people expect from `FOO=` lines. */
function withoutBlanks(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value.trim() !== "") out[key] = value;
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv, options: { requireToken?: boolean } = {}): Config {
  const source = withoutBlanks(env);
  const result = (options.requireToken === false ? tokenlessSchema : schema).safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.length > 0 ? issue.path.join(".") : "configuration";
      // Never echo a value back: the token must not reach a terminal or a log.
      return `${name} ${issue.message}`;
    });
    throw new ConfigError(lines);
  }
  return Object.freeze(result.data as z.infer<typeof schema>);
}
