/**
 * End-to-end harness: the emulator plus the real bot, started through `startBot` (the path `npm start`
 * takes) with a throwaway database. A world has a server with a host, a member and a channel.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { PermissionFlagsBits, type APIEmbed, type APIMessage } from "discord-api-types/v10";
import pg from "pg";
import { expect } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startBot, type RunningBot } from "../../src/main.js";
import { createLogger } from "../../src/log.js";
import { startEmulator, type CommandInput, type Emulator, type InteractionCallback, type InteractionHandle } from "../../src/sandbox/emulator.js";

export interface World {
  emu: Emulator;
  bot: RunningBot;
  guildId: string;
  /** The role Discord gives the bot in the server (for permission overwrites in tests). */
  botRoleId: string;
  channelId: string;
  hostId: string;
  memberId: string;
  databaseUrl: string;
  /** Stops the bot and starts it again on the same database and emulator. */
  restart(): Promise<RunningBot>;
  close(): Promise<void>;
}

export type Backend = "sqlite" | "postgres";

export const POSTGRES_URL = process.env.TEST_DATABASE_URL;

/** A fresh database: a temp SQLite file, or a fresh PostgreSQL schema (named in the URL's search_path). */
export async function freshDatabase(backend: Backend): Promise<{ url: string; cleanup(): Promise<void> }> {
  if (backend === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "wott-e2e-"));
    return { url: `sqlite:${join(dir, "club.sqlite")}`, cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
  }
  if (!POSTGRES_URL) throw new Error("TEST_DATABASE_URL is not set");
  const schema = `e2e_${randomBytes(5).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create schema ${schema}`);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return { url: url.toString(), cleanup: () => admin(`drop schema if exists ${schema} cascade`) };
}

export async function startWorld(options: { backend?: Backend; env?: Record<string, string> } = {}): Promise<World> {
  const emu = await startEmulator();
  const db = await freshDatabase(options.backend ?? "sqlite");
  const guild = emu.createGuild({ name: "Tiexi Film Club" });
  const channelId = emu.createChannel(guild.id, { name: "screenings" }).id;
  const hostRole = emu.createRole(guild.id, { name: "Club admin", permissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ManageEvents });
  const host = emu.createUser({ username: "host", globalName: "Host" });
  emu.addMember(guild.id, host.id, { roles: [hostRole.id] });
  const member = emu.createUser({ username: "member", globalName: "Member" });
  emu.addMember(guild.id, member.id);

  const config = loadConfig({
    // A sped-up clock keeps one epoch across restarts, as DESIGN.md asks, so virtual time never jumps back.
    ...(options.env?.CLOCK_SPEED ? { CLOCK_EPOCH: String(Date.now()) } : {}),
    DISCORD_TOKEN: emu.token,
    DISCORD_API_URL: emu.apiBase,
    DATABASE_URL: db.url,
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const logger = createLogger({ level: process.env.E2E_LOG_LEVEL === "debug" ? "debug" : "silent", secrets: [emu.token] });
  let bot = await startBot({ config, logger });

  const world: World = {
    emu,
    get bot() {
      return bot;
    },
    guildId: guild.id,
    botRoleId: guild.botRoleId,
    channelId,
    hostId: host.id,
    memberId: member.id,
    databaseUrl: db.url,
    async restart() {
      await bot.stop();
      bot = await startBot({ config, logger });
      return bot;
    },
    async close() {
      await bot.stop();
      await emu.close();
      await db.cleanup();
    },
  };
  return world;
}

/** Fails the test on any rule the bot broke (over-long messages, late answers, unsafe mentions, bad requests …). */
export function expectNoFindings(emu: Emulator): void {
  expect(emu.findings.map((f) => `${f.kind} ${f.route}: ${f.detail}`)).toEqual([]);
}

export function embedsOf(m: APIMessage): APIEmbed[] {
  return m.embeds ?? [];
}

export function textOf(m: APIMessage): string {
  return [m.content, ...embedsOf(m).flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text])]
    .filter(Boolean)
    .join("\n");
}

/** The answer a member sees: the original response, or the private follow-up that replaced it. */
export async function answerOf(handle: InteractionHandle, timeoutMs = 10_000): Promise<APIMessage> {
  return Promise.any([handle.original(timeoutMs), handle.waitForFollowUp(() => true, timeoutMs)]);
}

type Here = Pick<World, "emu" | "guildId" | "channelId" | "memberId">;

/** `/westofthetracks …` in the world's channel, as its member unless `extra` says otherwise. */
export function command(world: Here, options: CommandInput["options"], extra: Partial<CommandInput> = {}): InteractionHandle {
  return world.emu.command({ user: world.memberId, guildId: world.guildId, channelId: world.channelId, name: "westofthetracks", options, ...extra });
}

/** Autocomplete on `/westofthetracks` as the member: the callback and the choices it offered. */
export async function autocomplete(world: Here, options: CommandInput["options"], focused: string): Promise<{ response: InteractionCallback; choices: { name: string; value: string }[] }> {
  const response = await world.emu.autocomplete({ user: world.memberId, guildId: world.guildId, channelId: world.channelId, name: "westofthetracks", options, focused }).response();
  return { response, choices: (response.data as { choices: { name: string; value: string }[] }).choices };
}
