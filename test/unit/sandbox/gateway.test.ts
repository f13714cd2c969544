import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { startEmulator, type Emulator } from "../../../src/sandbox/emulator.js";
import { shardOf } from "../../../src/sandbox/snowflake.js";

interface Frame {
  op: number;
  t: string | null;
  s: number | null;
  d: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Opens a raw gateway connection and collects frames. */
async function connect(emu: Emulator): Promise<{ ws: WebSocket; frames: Frame[]; next: (pred: (f: Frame) => boolean) => Promise<Frame> }> {
  const ws = new WebSocket(`${emu.gatewayUrl}?v=10&encoding=json`);
  const frames: Frame[] = [];
  const waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  ws.on("message", (raw) => {
    const f = JSON.parse((raw as Buffer).toString()) as Frame;
    frames.push(f);
    for (const w of [...waiters]) if (w.pred(f)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(f);
    }
  });
  const next = (pred: (f: Frame) => boolean): Promise<Frame> => {
    const hit = frames.find(pred);
    return hit ? Promise.resolve(hit) : new Promise((resolve) => waiters.push({ pred, resolve }));
  };
  await next((f) => f.op === 10);
  return { ws, frames, next };
}

let emu: Emulator;
const guildIds: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({ specPath: null, heartbeatIntervalMs: 1000 });
  for (let i = 0; i < 6; i++) guildIds.push(emu.createGuild({ name: `g${i}` }).id);
});
afterAll(async () => {
  await emu?.close();
});

describe("gateway", () => {
  it("gives each shard only its guilds, acks heartbeats, and resumes with replay", async () => {
    const ready: string[][] = [];
    for (const shard of [0, 1]) {
      const c = await connect(emu);
      c.ws.send(JSON.stringify({ op: 2, d: { token: emu.token, intents: 1, properties: {}, shard: [shard, 2] } }));
      const r = await c.next((f) => f.t === "READY");
      expect(r.d.shard).toEqual([shard, 2]);
      ready.push((r.d.guilds as { id: string }[]).map((g) => g.id));
      expect(ready[shard]!.every((id) => shardOf(id, 2) === shard)).toBe(true);
      c.ws.send(JSON.stringify({ op: 1, d: r.s }));
      await c.next((f) => f.op === 11);
      c.ws.close(1000);
    }
    expect([...ready[0]!, ...ready[1]!].sort()).toEqual([...guildIds].sort());

    const a = await connect(emu);
    a.ws.send(JSON.stringify({ op: 2, d: { token: emu.token, intents: 1, properties: {} } }));
    const r = await a.next((f) => f.t === "READY");
    const lastSeq = (await a.next((f) => f.t === "GUILD_CREATE" && f.d.id === guildIds.at(-1))).s!;
    a.ws.terminate();
    const ch = emu.createChannel(guildIds[0]!, { name: "while-away" });
    const b = await connect(emu);
    b.ws.send(JSON.stringify({ op: 6, d: { token: emu.token, session_id: r.d.session_id, seq: lastSeq } }));
    const created = await b.next((f) => f.t === "CHANNEL_CREATE");
    expect(created.d.id).toBe(ch.id);
    await b.next((f) => f.t === "RESUMED");
    b.ws.close(1000);
    await once(b.ws, "close");

    const c = await connect(emu);
    c.ws.send(JSON.stringify({ op: 6, d: { token: emu.token, session_id: r.d.session_id, seq: lastSeq } }));
    expect((await c.next((f) => f.op === 9)).d).toBe(false);
    c.ws.close(1000);
  });
});
