/**
 * Registers commands only when they differ from what the application already has: compare, then one
 * bulk overwrite. A second start with the same commands sends nothing but the GET.
 */
import type { REST } from "@discordjs/rest";
import {
  Routes,
  type RESTGetAPIApplicationCommandsResult,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord-api-types/v10";

export interface SyncResult {
  scope: "global" | "guild";
  changed: boolean;
  created: string[];
  updated: string[];
  deleted: string[];
}

function isEmptyish(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

/**
 * True when everything `desired` says is also what `existing` says. Discord fills in defaults (ids,
 * versions, `nsfw: false`, …) that we never set; those are ignored, and "false / empty / absent" are one.
 */
export function matches(desired: unknown, existing: unknown): boolean {
  if (Array.isArray(desired)) {
    if (!Array.isArray(existing) || existing.length !== desired.length) return isEmptyish(desired) && isEmptyish(existing);
    return desired.every((d, i) => matches(d, existing[i]));
  }
  if (desired !== null && typeof desired === "object") {
    if (existing === null || typeof existing !== "object") return isEmptyish(desired) && isEmptyish(existing);
    const e = existing as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(([key, d]) => {
      const v = e[key];
      if (isEmptyish(d) && isEmptyish(v)) return true;
      return matches(d, v);
    });
  }
  if (typeof desired === "bigint" || typeof existing === "bigint") return String(desired) === String(existing);
  if (typeof desired === "number" && typeof existing === "string") return String(desired) === existing;
  if (typeof desired === "string" && typeof existing === "number") return desired === String(existing);
  return desired === existing;
}

export async function syncCommands(
  rest: REST,
  applicationId: string,
  commands: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
  guildId?: string,
): Promise<SyncResult> {
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const existing = (await rest.get(route, {
    query: new URLSearchParams({ with_localizations: "true" }),
  })) as RESTGetAPIApplicationCommandsResult;
  const byName = new Map(existing.map((c) => [c.name, c]));
  const created: string[] = [];
  const updated: string[] = [];
  for (const command of commands) {
    const current = byName.get(command.name);
    if (!current) created.push(command.name);
    else if (!matches(command, current)) updated.push(command.name);
  }
  const wanted = new Set(commands.map((c) => c.name));
  const deleted = existing.filter((c) => !wanted.has(c.name)).map((c) => c.name);
  const changed = created.length + updated.length + deleted.length > 0;
  if (changed) await rest.put(route, { body: commands });
  return { scope: guildId ? "guild" : "global", changed, created, updated, deleted };
}
