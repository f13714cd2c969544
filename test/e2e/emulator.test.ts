import { once } from "node:events";
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Interaction,
  type TextChannel,
} from "discord.js";
import { InteractionResponseType } from "discord-api-types/v10";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/sandbox/emulator.js";

/** A bare bot: registers /ping, answers it, and handles a button. Behaviour switches on the option "mode". */
function bareBot(emu: Emulator): Client {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiBase } });
  client.on(Events.InteractionCreate, (i: Interaction) => {
    void (async () => {
      if (i.isChatInputCommand() && i.commandName === "ping") {
        const mode = i.options.getString("mode") ?? "reply";
        if (mode === "reply") await i.reply({ content: "pong" });
        else if (mode === "defer") {
          await i.deferReply({ flags: MessageFlags.Ephemeral });
          await i.editReply({ content: "pong, later" });
        } else if (mode === "button") {
          const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder().setCustomId("ping:again").setLabel("Again").setStyle(ButtonStyle.Primary),
          );
          await i.reply({ content: "press", components: [row] });
        } else if (mode === "long") {
          await (i.channel as TextChannel | null)?.send({ content: "x".repeat(2100) }).catch(() => undefined);
          await i.reply({ content: "tried" });
        } else if (mode === "late") {
          await new Promise((r) => setTimeout(r, 400));
          await i.reply({ content: "too late" }).catch(() => undefined);
        } else if (mode === "send") {
          await i.reply({ content: "sending" });
          await (i.channel as TextChannel | null)?.send({ content: "from the channel route" });
        }
        else if (mode === "modal") {
          const input = new TextInputBuilder().setCustomId("note").setLabel("Note").setStyle(TextInputStyle.Short);
          await i.showModal(new ModalBuilder().setCustomId("ping:modal").setTitle("A note").addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input)));
        }
      } else if (i.isAutocomplete()) {
        const typed = i.options.getFocused();
        await i.respond(["reply", "defer", "button"].filter((m) => m.startsWith(typed)).map((m) => ({ name: m, value: m })));
      } else if (i.isModalSubmit() && i.customId === "ping:modal") {
        await i.reply({ content: `noted: ${i.fields.getTextInputValue("note")}` });
      } else if (i.isButton() && i.customId === "ping:again") {
        await i.update({ content: "pressed", components: [] });
      }
    })();
  });
  return client;
}

describe("emulator with a bare discord.js client", () => {
  let emu: Emulator;
  let client: Client;
  let guildId: string;
  let channelId: string;
  let userId: string;

  beforeAll(async () => {
    emu = await startEmulator({ interactionDeadlineMs: 250 });
    const guild = emu.createGuild({ name: "Film club" });
    guildId = guild.id;
    channelId = emu.createChannel(guildId, { name: "screening" }).id;
    userId = emu.createUser({ username: "alice" }).id;
    emu.addMember(guildId, userId);
    client = bareBot(emu);
    const ready = once(client, Events.ClientReady);
    await client.login(emu.token);
    await ready;
    await client.application!.commands.set([
      {
        name: "ping",
        description: "Ping the bot",
        options: [{ type: 3, name: "mode", description: "how to answer", required: false, autocomplete: true }],
      },
    ]);
  });

  afterAll(async () => {
    await client?.destroy();
    await emu?.close();
  });

  it("sees the guild and the registered command", () => {
    expect(client.guilds.cache.get(guildId)?.name).toBe("Film club");
    expect(emu.commands().map((c) => c.name)).toEqual(["ping"]);
    expect(emu.findings.filter((f) => f.kind.startsWith("openapi"))).toEqual([]);
  });

  it("answers /ping with pong", async () => {
    const it = emu.command({ user: userId, channelId, name: "ping" });
    const res = await it.response();
    expect(res.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect((await it.original()).content).toBe("pong");
    expect(it.latencyMs).toBeGreaterThanOrEqual(0);
    expect(emu.messages(channelId).at(-1)?.content).toBe("pong");
  });

  it("defers, then edits the reply", async () => {
    const it = emu.command({ user: userId, channelId, name: "ping", options: { mode: "defer" } });
    expect((await it.response()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(it.deferred).toBe(true);
    const edited = await it.waitForEdit((m) => m.content === "pong, later");
    expect((edited.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect((await it.original()).content).toBe("pong, later");
  });

  it("updates the message when the button is pressed", async () => {
    const it = emu.command({ user: userId, channelId, name: "ping", options: { mode: "button" } });
    const msg = await it.original();
    const press = emu.button({ user: userId, message: msg, customId: "ping:again" });
    expect((await press.response()).type).toBe(InteractionResponseType.UpdateMessage);
    const updated = await press.original();
    expect(updated.id).toBe(msg.id);
    expect(updated.content).toBe("pressed");
    expect(updated.components).toEqual([]);
  });

  it("resumes after an abrupt drop and gets the interaction sent while away", async () => {
    const resumesBefore = emu.gateway.stats.resumes;
    emu.gateway.drop({ clean: false });
    const it = emu.command({ user: userId, channelId, name: "ping" });
    expect((await it.original()).content).toBe("pong");
    expect(emu.gateway.stats.resumes).toBe(resumesBefore + 1);
  });

  it("answers autocomplete and a modal", async () => {
    const ac = emu.autocomplete({ user: userId, channelId, name: "ping", options: { mode: "de" }, focused: "mode" });
    const res = await ac.response();
    expect(res.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    expect(res.data?.choices).toEqual([{ name: "defer", value: "defer" }]);
    const open = emu.command({ user: userId, channelId, name: "ping", options: { mode: "modal" } });
    expect((await open.response()).type).toBe(InteractionResponseType.Modal);
    const submit = emu.modalSubmit({ user: userId, from: open, customId: "ping:modal", fields: { note: "rust" } });
    expect((await submit.original()).content).toBe("noted: rust");
  });

  it("resumes after a clean drop and follows guild and channel changes", async () => {
    const resumes = emu.gateway.stats.resumes;
    emu.gateway.drop({ clean: true });
    const created = once(client, Events.GuildCreate);
    const other = emu.createGuild({ name: "Second club" });
    await created;
    expect(emu.gateway.stats.resumes).toBe(resumes + 1);
    const deleted = once(client, Events.ChannelDelete);
    emu.deleteChannel(other.systemChannelId!);
    await deleted;
    expect(client.channels.cache.has(other.systemChannelId!)).toBe(false);
    const left = once(client, Events.GuildDelete);
    emu.removeBotFromGuild(other.id);
    await left;
    expect(client.guilds.cache.has(other.id)).toBe(false);
  });

  it("rides out a 429 and a 500 on the callback route", async () => {
    emu.faults.add({ route: "/interactions/:interaction_id/:interaction_token/callback", status: 429, count: 1, retryAfterMs: 20 });
    emu.faults.add({ route: /\/callback$/, status: 500, count: 1 });
    const it = emu.command({ user: userId, channelId, name: "ping" });
    expect((await it.original()).content).toBe("pong");
    await emu.waitForRequest((r) => r.path.startsWith(`/interactions/${it.id}/`) && r.status === 204);
    const statuses = emu.requests.filter((r) => r.path.startsWith(`/interactions/${it.id}/`)).map((r) => r.status);
    expect(statuses).toEqual([429, 500, 204]);
  });

  it("rides out a 429 on the message route", async () => {
    emu.faults.add({ method: "POST", route: "/channels/:channel_id/messages", status: 429, count: 1, retryAfterMs: 20 });
    const it = emu.command({ user: userId, channelId, name: "ping", options: { mode: "send" } });
    await it.response();
    const m = await emu.waitForMessage(channelId, (x) => x.content === "from the channel route");
    expect(m.author.id).toBe(emu.botUserId);
  });

  it("has nothing to say about the requests so far", () => {
    expect(emu.findings).toEqual([]);
  });

  it("records a finding for a 2,100-character message", async () => {
    emu.clearFindings();
    const it = emu.command({ user: userId, channelId, name: "ping", options: { mode: "long" } });
    await it.response();
    const f = await emu.waitForFinding("message-limits");
    expect(f.detail).toContain("content");
    const rejected = emu.requests.find((r) => r.route === "/channels/:channel_id/messages" && r.status === 400);
    expect(rejected?.response).toMatchObject({ code: 50035 });
  });

  it("records a finding for a late answer and refuses it with 10062", async () => {
    emu.clearFindings();
    const it = emu.command({ user: userId, channelId, name: "ping", options: { mode: "late" } });
    const f = await emu.waitForFinding("late-response");
    expect(f.route).toContain("/callback");
    await expect(it.response()).rejects.toThrow(/after the deadline/);
    const r = await emu.waitForRequest((x) => x.path.startsWith(`/interactions/${it.id}/`));
    expect(r.response).toMatchObject({ code: 10062 });
  });
});

describe("emulator auth", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ specPath: null });
  });
  afterAll(async () => {
    await emu?.close();
  });

  it("answers 401 to a wrong token and closes the gateway with 4004", async () => {
    const res = await fetch(`${emu.apiBase}/v10/users/@me`, { headers: { authorization: "Bot nope" } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "401: Unauthorized", code: 0 });
    expect(emu.findings.map((f) => f.kind)).toContain("unauthorized");

    const { WebSocket } = await import("ws");
    const ws = new WebSocket(`${emu.gatewayUrl}?v=10&encoding=json`);
    const hello = await new Promise<{ op: number }>((resolve) => ws.once("message", (d) => resolve(JSON.parse((d as Buffer).toString()) as { op: number })));
    expect(hello.op).toBe(10);
    ws.send(JSON.stringify({ op: 2, d: { token: "nope", intents: 1, properties: {} } }));
    const [code] = (await once(ws, "close")) as [number];
    expect(code).toBe(4004);
  });

  it("makes discord.js login fail with a bad token", async () => {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiBase } });
    await expect(client.login("bad-token")).rejects.toThrow();
    await client.destroy();
  });
});
