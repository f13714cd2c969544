/**
 * What the bot can see of a server, from discord.js's cache (the Guilds intent keeps guilds, channels and
 * roles current). Commands use it through the plain `GuildInspector` interface, so they stay free of
 * discord.js and can be tested with a stub.
 */
import { ChannelType, type Client } from "discord.js";
import type { ChannelKind, GuildInspector } from "../services.js";

function kindOf(type: ChannelType): ChannelKind {
  switch (type) {
    case ChannelType.GuildText:
      return "text";
    case ChannelType.GuildAnnouncement:
      return "announcement";
    case ChannelType.GuildVoice:
      return "voice";
    case ChannelType.GuildStageVoice:
      return "stage";
    case ChannelType.GuildForum:
    case ChannelType.GuildMedia:
      return "forum";
    case ChannelType.PublicThread:
    case ChannelType.PrivateThread:
    case ChannelType.AnnouncementThread:
      return "thread";
    case ChannelType.GuildCategory:
      return "category";
    default:
      return "other";
  }
}

export function discordInspector(client: Client): GuildInspector {
  return {
    channel(guildId, channelId) {
      const channel = client.guilds.cache.get(guildId)?.channels.cache.get(channelId);
      if (!channel) return null;
      const me = client.user;
      const permissions = me && "permissionsFor" in channel ? (channel.permissionsFor(me)?.bitfield ?? null) : null;
      return { kind: kindOf(channel.type), name: channel.name, botPermissions: permissions };
    },
    role(guildId, roleId) {
      const guild = client.guilds.cache.get(guildId);
      const role = guild?.roles.cache.get(roleId);
      if (!guild || !role) return null;
      return { name: role.name, everyone: role.id === guild.id, managed: role.managed, mentionable: role.mentionable };
    },
  };
}
