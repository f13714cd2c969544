import { initial } from "./001_initial.js";
import { guildJobIndex } from "./002_guild_job_index.js";
import type { Migration } from "./types.js";

export type { Dialect, Migration } from "./types.js";

/** Every migration this build knows, in order. Append only; never edit one that has shipped. */
export const migrations: readonly Migration[] = [initial, guildJobIndex];

export const latestVersion: number = migrations.reduce((max, m) => Math.max(max, m.version), 0);
