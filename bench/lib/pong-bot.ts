/**
 * A bare discord.js bot for benchmarks: registers /ping and answers "pong". Reads DISCORD_TOKEN and
 * DISCORD_API_URL like the real bot, so both run as their own processes against the emulator.
 */
import { Client, Events, GatewayIntentBits } from "discord.js";

const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: process.env.DISCORD_API_URL! } });
client.on(Events.InteractionCreate, (i) => {
  if (i.isChatInputCommand()) void i.reply({ content: "pong" }).catch(() => undefined);
});
client.once(Events.ClientReady, (c) => {
  void c.application.commands.set([{ name: "ping", description: "Ping" }]);
});
process.once("SIGTERM", () => void client.destroy().then(() => process.exit(0)));
await client.login(process.env.DISCORD_TOKEN);
