/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- assertions on raw Discord JSON */
import { PermissionFlagsBits as P } from "discord-api-types/v10";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../../src/sandbox/emulator.js";

let emu: Emulator;
let guildId: string;
let channelId: string;
let userId: string;

async function api(method: string, path: string, body?: unknown, auth = true): Promise<{ status: number; json: any }> {
  const res = await fetch(`${emu.apiBase}/v10${path}`, {
    method,
    headers: { ...(auth ? { authorization: `Bot ${emu.token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  emu = await startEmulator({ specPath: null });
  const g = emu.createGuild({ name: "Club" });
  guildId = g.id;
  channelId = emu.createChannel(guildId, { name: "talk" }).id;
  userId = emu.createUser({ username: "bo" }).id;
  emu.addMember(guildId, userId);
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(() => emu.clearFindings());

describe("emulator REST", () => {
  it("makes enforce_nonce creates idempotent", async () => {
    const body = { content: "reminder", nonce: "job-42", enforce_nonce: true, allowed_mentions: { parse: [] } };
    const a = await api("POST", `/channels/${channelId}/messages`, body);
    const b = await api("POST", `/channels/${channelId}/messages`, body);
    expect(a.status).toBe(200);
    expect(b.json.id).toBe(a.json.id);
    expect(emu.messages(channelId).filter((m) => m.content === "reminder")).toHaveLength(1);
    await api("POST", `/channels/${channelId}/messages`, { content: "again", nonce: "n1" });
    await api("POST", `/channels/${channelId}/messages`, { content: "again", nonce: "n1" });
    expect(emu.messages(channelId).filter((m) => m.content === "again")).toHaveLength(2);
  });

  it("refuses a second callback with 40060 and records it", async () => {
    await api("PUT", `/applications/${emu.applicationId}/commands`, [{ name: "ping", description: "Ping" }]);
    const it = emu.command({ user: userId, channelId, name: "ping" });
    const first = await api("POST", `/interactions/${it.id}/${it.token}/callback`, { type: 4, data: { content: "pong" } }, false);
    const second = await api("POST", `/interactions/${it.id}/${it.token}/callback`, { type: 4, data: { content: "pong" } }, false);
    expect(first.status).toBe(204);
    expect(second).toMatchObject({ status: 400, json: { code: 40060 } });
    expect(emu.findings.map((f) => f.kind)).toEqual(["double-ack"]);
    expect((await it.original()).content).toBe("pong");
  });

  it("answers with_response=true with the callback resource", async () => {
    const it = emu.command({ user: userId, channelId, name: "ping" });
    const r = await api("POST", `/interactions/${it.id}/${it.token}/callback?with_response=true`, { type: 4, data: { content: "hi", flags: 64 } }, false);
    expect(r.json).toMatchObject({ interaction: { id: it.id, response_message_ephemeral: true }, resource: { type: 4, message: { content: "hi" } } });
  });

  it("refuses invalid command registrations with 50035 and bumps versions on change", async () => {
    const bad = await api("PUT", `/applications/${emu.applicationId}/commands`, [{ name: "Bad Name", description: "x" }]);
    expect(bad).toMatchObject({ status: 400, json: { code: 50035, errors: { 0: { name: { _errors: [{ code: "APPLICATION_COMMAND_INVALID_NAME" }] } } } } });
    expect(emu.findings.map((f) => f.kind)).toEqual(["command-limits"]);
    const v1 = (await api("PUT", `/applications/${emu.applicationId}/commands`, [{ name: "ping", description: "Ping" }])).json[0];
    const same = (await api("PUT", `/applications/${emu.applicationId}/commands`, [{ name: "ping", description: "Ping" }])).json[0];
    const changed = (await api("PUT", `/applications/${emu.applicationId}/commands`, [{ name: "ping", description: "Ping!" }])).json[0];
    expect(same).toMatchObject({ id: v1.id, version: v1.version });
    expect(changed.id).toBe(v1.id);
    expect(changed.version).not.toBe(v1.version);
  });

  it("resolves natural options against the registered command", async () => {
    await api("PUT", `/applications/${emu.applicationId}/guilds/${guildId}/commands`, [
      {
        name: "film",
        description: "The film",
        options: [{ type: 1, name: "part", description: "A part", options: [{ type: 3, name: "name", description: "which", required: true }, { type: 6, name: "who", description: "who" }] }],
      },
    ]);
    const it = emu.command({ user: userId, channelId, name: "film", options: { subcommand: "part", options: { name: "rust", who: userId } } });
    const data = (it.payload as any).data;
    expect(data.guild_id).toBe(guildId);
    expect(data.options).toEqual([{ name: "part", type: 1, options: [{ name: "name", type: 3, value: "rust" }, { name: "who", type: 6, value: userId }] }]);
    expect(data.resolved.users[userId].username).toBe("bo");
    expect(() => emu.command({ user: userId, channelId, name: "film", subcommand: "part", options: {} })).toThrow(/needs option "name"/);
    const ac = emu.autocomplete({ user: userId, channelId, name: "film", subcommand: "part", options: { name: "ru" }, focused: "name" });
    expect((ac.payload as any).data.options[0].options[0]).toEqual({ name: "name", type: 3, value: "ru", focused: true });
    const member = (it.payload as any).member;
    expect(BigInt(member.permissions) & P.SendMessages).toBe(P.SendMessages);
  });

  it("answers 50013 when the bot may not send, and 10003 after a channel is deleted", async () => {
    const ch = emu.createChannel(guildId, { name: "quiet", permissionOverwrites: [{ id: guildId, type: 0, deny: P.SendMessages }] });
    const denied = await api("POST", `/channels/${ch.id}/messages`, { content: "hi" });
    expect(denied).toMatchObject({ status: 403, json: { code: 50013 } });
    emu.setBotPermissions(guildId, P.Administrator);
    expect((await api("POST", `/channels/${ch.id}/messages`, { content: "hi" })).status).toBe(200);
    emu.deleteChannel(ch.id);
    expect(await api("GET", `/channels/${ch.id}`)).toMatchObject({ status: 404, json: { code: 10003 } });
  });

  it("records unsafe mentions but still sends", async () => {
    const r = await api("POST", `/channels/${channelId}/messages`, { content: "movie night @everyone" });
    expect(r.status).toBe(200);
    expect(emu.findings.map((f) => f.kind)).toEqual(["unsafe-mentions"]);
  });

  it("answers unknown routes and missing auth like Discord", async () => {
    expect(await api("GET", "/nowhere")).toMatchObject({ status: 404, json: { message: "404: Not Found", code: 0 } });
    expect(await api("GET", "/users/@me", undefined, false)).toMatchObject({ status: 401, json: { code: 0 } });
    expect(emu.findings.map((f) => f.kind)).toEqual(["unknown-route", "unauthorized"]);
  });

  it("creates threads, pins and reactions", async () => {
    const m = (await api("POST", `/channels/${channelId}/messages`, { content: "part 1" })).json;
    const t = await api("POST", `/channels/${channelId}/messages/${m.id}/threads`, { name: "Part 1 talk" });
    expect(t).toMatchObject({ status: 201, json: { id: m.id, type: 11, parent_id: channelId } });
    expect(emu.threads(channelId).map((x) => x.id)).toEqual([m.id]);
    expect((await api("PUT", `/channels/${m.id}/thread-members/@me`)).status).toBe(204);
    expect((await api("PUT", `/channels/${channelId}/pins/${m.id}`)).status).toBe(204);
    expect((await api("PUT", `/channels/${channelId}/messages/${m.id}/reactions/${encodeURIComponent("👍")}/@me`)).status).toBe(204);
    const after = emu.messages(channelId).find((x) => x.id === m.id)!;
    expect(after.pinned).toBe(true);
    expect(after.reactions?.[0]).toMatchObject({ count: 1, me: true, emoji: { name: "👍" } });
  });

  it("creates, updates and lists scheduled events", async () => {
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const end = new Date(Date.now() + 7_200_000).toISOString();
    const bad = await api("POST", `/guilds/${guildId}/scheduled-events`, { name: "Rust", privacy_level: 2, entity_type: 3, scheduled_start_time: start });
    expect(bad).toMatchObject({ status: 400, json: { code: 50035 } });
    const ev = (await api("POST", `/guilds/${guildId}/scheduled-events`, { name: "Rust", privacy_level: 2, entity_type: 3, scheduled_start_time: start, scheduled_end_time: end, entity_metadata: { location: "Online" } })).json;
    expect(ev).toMatchObject({ name: "Rust", status: 1 });
    expect((await api("PATCH", `/guilds/${guildId}/scheduled-events/${ev.id}`, { status: 2 })).json.status).toBe(2);
    expect((await api("PATCH", `/guilds/${guildId}/scheduled-events/${ev.id}`, { status: 1 })).status).toBe(400);
    emu.subscribeToEvent(guildId, ev.id, userId);
    const users = (await api("GET", `/guilds/${guildId}/scheduled-events/${ev.id}/users`)).json;
    expect(users.map((u: any) => u.user.id)).toEqual([userId]);
    expect(emu.scheduledEvents(guildId)).toHaveLength(1);
  });

  it("injects faults with Discord's headers", async () => {
    emu.faults.add({ route: "/users/@me", status: 429, count: 1, retryAfterMs: 1500 });
    const res = await fetch(`${emu.apiBase}/v10/users/@me`, { headers: { authorization: `Bot ${emu.token}` } });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1.5");
    expect(res.headers.get("x-ratelimit-scope")).toBe("user");
    expect(await res.json()).toMatchObject({ retry_after: 1.5, global: false });
    expect((await api("GET", "/users/@me")).status).toBe(200);
  });
});
