/**
 * The discord.js client: only the Guilds intent, and caches cut to what the bot reads, so memory stays
 * small across many servers. REST goes to DISCORD_API_URL when set (the gateway URL then comes from
 * `GET /gateway/bot` on it), which is how the bot runs against the local emulator.
 */
import { Client, GatewayIntentBits, Options } from "discord.js";
import type { Config } from "../config.js";

export function createClient(config: Pick<Config, "DISCORD_API_URL" | "SHARD_COUNT" | "SHARD_IDS">): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    // One process runs every shard Discord recommends ("auto"), or the shards it is given: a host with
    // thousands of servers runs several processes on one PostgreSQL database, each with its SHARD_IDS.
    ...(config.SHARD_COUNT !== undefined
      ? { shardCount: config.SHARD_COUNT, shards: config.SHARD_IDS ?? [...Array(config.SHARD_COUNT).keys()] }
      : { shards: "auto" as const }),
    rest: config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {},
    // The bot never pings by accident, even if a payload forgot to say so.
    allowedMentions: { parse: [] },
    makeCache: Options.cacheWithLimits({
      // Kept: guilds, channels and roles (needed for permission checks) arrive with GUILD_CREATE.
      MessageManager: 0,
      DMMessageManager: 0,
      GuildMessageManager: 0,
      ReactionManager: 0,
      ReactionUserManager: 0,
      PresenceManager: 0,
      VoiceStateManager: 0,
      GuildEmojiManager: 0,
      BaseGuildEmojiManager: 0,
      GuildStickerManager: 0,
      StageInstanceManager: 0,
      GuildInviteManager: 0,
      GuildBanManager: 0,
      AutoModerationRuleManager: 0,
      ApplicationCommandManager: 0,
      ThreadMemberManager: 0,
      GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
      UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
    }),
  });
}
