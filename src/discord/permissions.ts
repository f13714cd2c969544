/**
 * The one module that decides permissions, on our side: Discord's `default_member_permissions` only hides
 * commands, and server admins can change it, so every privileged action checks here again.
 */
import { PermissionFlagsBits } from "discord-api-types/v10";
import type { MessageKey } from "../i18n/index.js";
import type { Invocation } from "./command.js";
import { UserError } from "./errors.js";

type Flag = keyof typeof PermissionFlagsBits;

/** Catalog keys for the permission names we ever mention to a member. */
const NAMES: Partial<Record<Flag, MessageKey>> = {
  ManageGuild: "perm.ManageGuild",
  ManageEvents: "perm.ManageEvents",
  ViewChannel: "perm.ViewChannel",
  SendMessages: "perm.SendMessages",
  EmbedLinks: "perm.EmbedLinks",
  AttachFiles: "perm.AttachFiles",
  ReadMessageHistory: "perm.ReadMessageHistory",
  CreatePublicThreads: "perm.CreatePublicThreads",
  SendMessagesInThreads: "perm.SendMessagesInThreads",
};

export function has(bits: bigint | null, flag: Flag): boolean {
  if (bits === null) return false;
  if ((bits & PermissionFlagsBits.Administrator) === PermissionFlagsBits.Administrator) return true;
  const f = PermissionFlagsBits[flag];
  return (bits & f) === f;
}

export function permissionName(inv: Pick<Invocation, "t">, flag: Flag): string {
  const key = NAMES[flag];
  return key ? inv.t(key) : flag;
}

/** What the bot needs in the club's announcement channel: post, embed, and open discussion threads. */
export const ANNOUNCEMENT_CHANNEL_NEEDS: readonly Flag[] = [
  "ViewChannel",
  "SendMessages",
  "EmbedLinks",
  "AttachFiles",
  "CreatePublicThreads",
  "SendMessagesInThreads",
];

export function missing(bits: bigint | null, needs: readonly Flag[]): Flag[] {
  return needs.filter((flag) => !has(bits, flag));
}

export function requireGuild(inv: Invocation): string {
  if (!inv.guildId) throw new UserError("error.guildOnly");
  return inv.guildId;
}

/** Club settings: Manage Server. */
export function requireManageServer(inv: Invocation): void {
  if (!has(inv.memberPermissions, "ManageGuild")) {
    throw new UserError("error.missingPermissionPlain", { permission: permissionName(inv, "ManageGuild") });
  }
}

/** Running watch parties and trivia: Manage Events, Manage Server, or the club's host role. */
export function isHost(inv: Invocation, hostRoleId: string | null): boolean {
  if (has(inv.memberPermissions, "ManageEvents") || has(inv.memberPermissions, "ManageGuild")) return true;
  return hostRoleId !== null && inv.memberRoleIds.includes(hostRoleId);
}

export function requireHost(inv: Invocation, hostRoleId: string | null): void {
  if (!isHost(inv, hostRoleId)) {
    throw new UserError("error.missingPermission", { permission: permissionName(inv, "ManageEvents") });
  }
}
