/**
 * Discord's permission arithmetic, as the documentation describes it:
 * base = @everyone | roles; ADMINISTRATOR or ownership => all; then channel overwrites
 * (@everyone, then the union of the member's roles, then the member) applied in that order.
 */
import { PermissionFlagsBits } from "discord-api-types/v10";

export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce((a, b) => a | b, 0n);

export interface PermissionRole {
  id: string;
  permissions: bigint;
}

export interface PermissionOverwrite {
  id: string;
  /** 0 role, 1 member */
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export interface PermissionSubject {
  guildId: string;
  ownerId: string;
  userId: string;
  /** role ids of the member, without @everyone */
  roleIds: readonly string[];
  /** all roles of the guild, @everyone (id = guild id) included */
  roles: readonly PermissionRole[];
}

export function basePermissions(s: PermissionSubject): bigint {
  if (s.userId === s.ownerId) return ALL_PERMISSIONS;
  const byId = new Map(s.roles.map((r) => [r.id, r.permissions]));
  let perms = byId.get(s.guildId) ?? 0n;
  for (const id of s.roleIds) perms |= byId.get(id) ?? 0n;
  if ((perms & PermissionFlagsBits.Administrator) !== 0n) return ALL_PERMISSIONS;
  return perms;
}

export function channelPermissions(s: PermissionSubject, overwrites: readonly PermissionOverwrite[]): bigint {
  const base = basePermissions(s);
  if ((base & PermissionFlagsBits.Administrator) !== 0n) return ALL_PERMISSIONS;
  let perms = base;
  const everyone = overwrites.find((o) => o.type === 0 && o.id === s.guildId);
  if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== s.guildId && s.roleIds.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  perms = (perms & ~deny) | allow;
  const member = overwrites.find((o) => o.type === 1 && o.id === s.userId);
  if (member) perms = (perms & ~member.deny) | member.allow;
  // without VIEW_CHANNEL nothing else in the channel is granted
  if ((perms & PermissionFlagsBits.ViewChannel) === 0n) return 0n;
  return perms;
}

export function has(perms: bigint, flag: bigint): boolean {
  return (perms & flag) === flag;
}

/** What @everyone gets in a new guild in the emulator (close to Discord's defaults). */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.CreatePrivateThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak |
  PermissionFlagsBits.ChangeNickname |
  PermissionFlagsBits.CreateInstantInvite;

/** The bot's own role by default: what a typical invite link grants. */
export const DEFAULT_BOT_PERMISSIONS: bigint =
  DEFAULT_EVERYONE_PERMISSIONS |
  PermissionFlagsBits.ManageMessages |
  PermissionFlagsBits.ManageThreads |
  PermissionFlagsBits.ManageEvents |
  PermissionFlagsBits.CreateEvents;
