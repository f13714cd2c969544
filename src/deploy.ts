/**
 * `npm run deploy-commands [-- --guild ID] [-- --dry-run]`: registers the commands now (the bot also does
 * this at start), printing what changed. Like main.ts, an entry point, so it may read the registry.
 */
import { REST } from "@discordjs/rest";
import { Routes, type RESTGetCurrentApplicationResult } from "discord-api-types/v10";
import { config as loadDotenv } from "dotenv";
import { registry } from "../commands/index.js";
import { ConfigError, loadConfig } from "./config.js";
import { syncCommands } from "./discord/commandSync.js";

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function run(): Promise<number> {
  loadDotenv({ quiet: true });
  const dryRun = process.argv.includes("--dry-run");
  if (dryRun) {
    console.log(JSON.stringify(registry.commands.map((c) => c.data), null, 2));
    return 0;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const line of error.lines) console.error(`Configuration error: ${line}`);
      return 2;
    }
    throw error;
  }
  const guildId = argValue("--guild") ?? config.DISCORD_GUILD_ID;
  if (guildId !== undefined && !/^\d{17,20}$/.test(guildId)) {
    console.error("--guild needs a server id (17–20 digits)");
    return 2;
  }
  const rest = new REST(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}).setToken(config.DISCORD_TOKEN);
  const applicationId =
    config.DISCORD_APPLICATION_ID ?? ((await rest.get(Routes.currentApplication())) as RESTGetCurrentApplicationResult).id;
  const commands = registry.commands.map((c) => c.data);
  const result = await syncCommands(rest, applicationId, commands, guildId);
  const where = result.scope === "guild" ? `in server ${guildId}` : "globally";
  if (!result.changed) console.log(`Commands ${where} are already up to date; nothing sent.`);
  else {
    console.log(`Commands ${where} updated.`);
    if (result.created.length) console.log(`  created: ${result.created.join(", ")}`);
    if (result.updated.length) console.log(`  updated: ${result.updated.join(", ")}`);
    if (result.deleted.length) console.log(`  deleted: ${result.deleted.join(", ")}`);
  }
  return 0;
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`deploy-commands failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
