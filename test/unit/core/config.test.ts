import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../src/config.js";

const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123";

function errorLines(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.lines;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("config", () => {
  it("accepts a minimal environment and fills defaults", () => {
    const config = loadConfig({ DISCORD_TOKEN: TOKEN });
    expect(config.DATABASE_URL).toBe("sqlite:./var/westofthetracks.sqlite");
    expect(config.LOG_LEVEL).toBe("info");
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("names a missing token and says what to do", () => {
    const lines = errorLines({});
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^DISCORD_TOKEN is missing: put your bot token in \.env/);
  });

  it("treats an empty line in .env as unset", () => {
    expect(errorLines({ DISCORD_TOKEN: "  " })[0]).toMatch(/^DISCORD_TOKEN is missing/);
  });

  it("refuses a malformed token without echoing it", () => {
    const lines = errorLines({ DISCORD_TOKEN: "not-a-token-secretvalue" });
    expect(lines[0]).toMatch(/^DISCORD_TOKEN does not look like a bot token/);
    expect(lines.join("\n")).not.toContain("secretvalue");
  });

  it("spots the 'Bot ' prefix mistake", () => {
    expect(errorLines({ DISCORD_TOKEN: `Bot ${TOKEN}` })[0]).toMatch(/without the prefix/);
  });

  it("refuses a bad API URL and an unknown log level, each on its own line", () => {
    const lines = errorLines({ DISCORD_TOKEN: TOKEN, DISCORD_API_URL: "ftp://x", LOG_LEVEL: "loud" });
    expect(lines).toHaveLength(2);
    expect(lines.some((l) => l.startsWith("DISCORD_API_URL must be an http(s) URL"))).toBe(true);
    expect(lines.some((l) => l.startsWith("LOG_LEVEL must be one of fatal, error"))).toBe(true);
  });

  it("strips a trailing slash from the API URL", () => {
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_API_URL: "http://127.0.0.1:8787/api/" }).DISCORD_API_URL).toBe(
      "http://127.0.0.1:8787/api",
    );
  });

  it("refuses CLOCK_SPEED in production but allows it in development", () => {
    expect(errorLines({ DISCORD_TOKEN: TOKEN, CLOCK_SPEED: "60", NODE_ENV: "production" })[0]).toMatch(
      /^CLOCK_SPEED is for development and tests only/,
    );
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, CLOCK_SPEED: "60" }).CLOCK_SPEED).toBe(60);
  });

  it("validates ids, ports and database URLs", () => {
    const lines = errorLines({
      DISCORD_TOKEN: TOKEN,
      DISCORD_GUILD_ID: "abc",
      HEALTH_PORT: "70000",
      DATABASE_URL: "mysql://x",
    });
    expect(lines.map((l) => l.split(" ")[0]).sort()).toEqual(["DATABASE_URL", "DISCORD_GUILD_ID", "HEALTH_PORT"]);
  });

  it("reads shard settings and refuses inconsistent ones", () => {
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, SHARD_COUNT: "4", SHARD_IDS: "0, 2" })).toMatchObject({ SHARD_COUNT: 4, SHARD_IDS: [0, 2] });
    expect(errorLines({ DISCORD_TOKEN: TOKEN, SHARD_IDS: "0" })[0]).toMatch(/^SHARD_IDS needs SHARD_COUNT/);
    expect(errorLines({ DISCORD_TOKEN: TOKEN, SHARD_COUNT: "2", SHARD_IDS: "1,2" })[0]).toMatch(/^SHARD_IDS must each be below SHARD_COUNT \(2\)/);
    expect(errorLines({ DISCORD_TOKEN: TOKEN, SHARD_COUNT: "2", SHARD_IDS: "one" })[0]).toMatch(/^SHARD_IDS must be shard numbers/);
  });

  it("lets tools run without a token when asked", () => {
    expect(loadConfig({}, { requireToken: false }).DISCORD_TOKEN).toBeUndefined();
  });
});
