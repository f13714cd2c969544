/**
 * A bare discord.js bot answering /ping with "pong" against the emulator: 1,000 interactions, then the
 * dispatch → callback latency. Run: `npm run build --silent && node dist/bench/pong.js [n]`.
 */
import { once } from "node:events";
import { Client, Events, GatewayIntentBits } from "discord.js";
import { measureInteractionLatency, startEmulator } from "../src/sandbox/emulator.js";

const n = Number(process.argv[2] ?? 1000);
const emu = await startEmulator({ specPath: null });
const guild = emu.createGuild({ name: "Bench" });
const channelId = guild.systemChannelId!;
const user = emu.createUser({ username: "bench" });
emu.addMember(guild.id, user.id);

const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiBase } });
client.on(Events.InteractionCreate, (i) => {
  if (i.isChatInputCommand()) void i.reply({ content: "pong" }).catch((err: unknown) => console.error(err));
});
const ready = once(client, Events.ClientReady);
await client.login(emu.token);
await ready;
await client.application!.commands.set([{ name: "ping", description: "Ping" }]);

// warm up (JIT, sockets)
await measureInteractionLatency(emu, () => emu.command({ user: user.id, channelId, name: "ping" }), 50);
const report = await measureInteractionLatency(emu, () => emu.command({ user: user.id, channelId, name: "ping" }), n);
console.log(
  `pong x${report.n}: p50 ${report.p50.toFixed(2)} ms, p90 ${report.p90.toFixed(2)} ms, p99 ${report.p99.toFixed(2)} ms, max ${report.max.toFixed(2)} ms, failures ${report.failures}`,
);
console.log(`findings: ${emu.findings.length}`);
await client.destroy();
await emu.close();
