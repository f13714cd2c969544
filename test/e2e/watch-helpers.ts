/**
 * Reading watch-along posts in end-to-end tests: each post's kind from its (English) text, in the order
 * Discord created them, across the channel and its threads.
 */
import type { APIMessage } from "discord-api-types/v10";
import { expect } from "vitest";
import type { Emulator } from "../../src/sandbox/emulator.js";
import { answerOf, textOf } from "./harness.js";

/** What these helpers need of a test world (the in-process harness or a child-process bot). */
export interface Club {
  emu: Emulator;
  guildId: string;
  channelId: string;
  hostId: string;
  memberId: string;
}

/** The kind of a watch-along post, read from its text (English client). */
export function kindOf(m: APIMessage): string | null {
  const text = textOf(m);
  if (/Reminder: /.test(text)) return "reminder";
  if (/Get ready: /.test(text)) return "get-ready";
  if (/Press play now!/.test(text)) return "start";
  const checkpoint = /You should be at \*\*(\d+:\d\d:\d\d)\*\*/.exec(text);
  if (checkpoint) return `checkpoint ${checkpoint[1]}`;
  if (/\*\*Intermission\*\*/.test(text)) return "intermission";
  if (/Press play again now/.test(text)) return "intermission-end";
  if (/Meal break/.test(text)) return "meal-break";
  if (/Short break/.test(text)) return "short-break";
  if (/That's the end of/.test(text)) return "end";
  if (/Let's talk about/.test(text)) return "discussion";
  if (/Paused at/.test(text)) return "paused";
  if (/Resumed: /.test(text)) return "resumed";
  return null;
}

/** Every watch-along post in the channel and its threads, oldest first (snowflakes grow with time). */
export function posts(world: Club): { kind: string; message: APIMessage }[] {
  const channels = [world.channelId, ...world.emu.threads(world.channelId).map((t) => t.id)];
  return channels
    .flatMap((c) => world.emu.messages(c))
    .filter((m) => m.author.id === world.emu.botUserId && ((m.flags ?? 0) & 64) === 0)
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
    .map((message) => ({ kind: kindOf(message), message }))
    .filter((p): p is { kind: string; message: APIMessage } => p.kind !== null);
}

export function buttonId(m: APIMessage, label: RegExp): string {
  const rows = (m.components ?? []) as unknown as { components?: { custom_id?: string; label?: string }[] }[];
  const found = rows.flatMap((r) => r.components ?? []).find((c) => label.test(c.label ?? ""));
  if (!found?.custom_id) throw new Error(`no button ${String(label)} on the message`);
  return found.custom_id;
}

export function watch(world: Club, user: string, subcommand: string, options: Record<string, string | number | boolean> = {}) {
  return world.emu.command({ user, guildId: world.guildId, channelId: world.channelId, name: "westofthetracks", group: "watchparty", subcommand, options });
}

export async function waitFor(world: Club, done: (kinds: string[]) => boolean, timeoutMs: number): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const kinds = posts(world).map((p) => p.kind);
    if (done(kinds)) return kinds;
    if (Date.now() > until) throw new Error(`timed out; posts so far: ${kinds.join(", ")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Schedules a party as the host: preview (private), Confirm, then the public announcement. */
export async function schedule(world: Club, options: Record<string, string | number | boolean>): Promise<APIMessage> {
  const preview = await answerOf(watch(world, world.hostId, "schedule", { timezone: "UTC", ...options }));
  expect((preview.flags ?? 0) & 64).toBe(64);
  const confirm = world.emu.button({ user: world.hostId, message: preview, customId: buttonId(preview, /^Confirm$/) });
  await confirm.response();
  return world.emu.waitForMessage(world.channelId, (m) => /Going/.test(JSON.stringify(m.components ?? [])), 10_000);
}

