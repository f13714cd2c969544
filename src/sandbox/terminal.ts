/**
 * The sandbox's terminal side: parses what a person types (`/westofthetracks part name:rust`) against the
 * command JSON the bot registered, and renders Discord messages as readable text.
 */
import {
  ApplicationCommandOptionType,
  ComponentType,
  type APIApplicationCommand,
  type APIApplicationCommandOption,
  type APIMessage,
} from "discord-api-types/v10";

export interface ParsedCommand {
  name: string;
  group?: string;
  subcommand?: string;
  options: Record<string, string | number | boolean>;
  /** The option still being typed (for autocomplete), if the line asked for suggestions. */
  focused?: string;
}

export interface Names {
  channelByName(name: string): string | undefined;
  roleByName(name: string): string | undefined;
  userByName(name: string): string | undefined;
}

type Leaf = { options: readonly APIApplicationCommandOption[] };

function isGroup(o: APIApplicationCommandOption): boolean {
  return o.type === ApplicationCommandOptionType.SubcommandGroup;
}
function isSub(o: APIApplicationCommandOption): boolean {
  return o.type === ApplicationCommandOptionType.Subcommand;
}
function childrenOf(o: APIApplicationCommandOption): readonly APIApplicationCommandOption[] {
  return "options" in o && Array.isArray(o.options) ? (o.options) : [];
}

/** Walks `/cmd [group] [sub]` and returns the leaf's options and how many words the path used. */
function walk(commands: readonly APIApplicationCommand[], words: string[]): { cmd: APIApplicationCommand; group?: string; sub?: string; leaf: Leaf; used: number } | string {
  const cmd = commands.find((c) => c.name === words[0]);
  if (!cmd) return `unknown command /${words[0] ?? ""} (try: ${commands.map((c) => `/${c.name}`).join(", ")})`;
  let options: readonly APIApplicationCommandOption[] = cmd.options ?? [];
  let used = 1;
  let group: string | undefined;
  let sub: string | undefined;
  const g = options.find((o) => isGroup(o) && o.name === words[used]);
  if (g) {
    group = g.name;
    options = childrenOf(g);
    used++;
  }
  if (options.some(isSub)) {
    const s = options.find((o) => isSub(o) && o.name === words[used]);
    if (!s) {
      const names = options.filter((o) => isSub(o) || isGroup(o)).map((o) => o.name);
      return `/${[cmd.name, group].filter(Boolean).join(" ")} needs one of: ${names.join(", ")}`;
    }
    sub = s.name;
    options = childrenOf(s);
    used++;
  }
  return { cmd, ...(group ? { group } : {}), ...(sub ? { sub } : {}), leaf: { options }, used };
}

function convert(option: APIApplicationCommandOption, raw: string, names: Names): string | number | boolean | Error {
  const value = raw.trim().replace(/^"(.*)"$/s, "$1");
  switch (option.type) {
    case ApplicationCommandOptionType.Integer: {
      const n = Number(value);
      return Number.isInteger(n) ? n : new Error(`${option.name} needs a whole number`);
    }
    case ApplicationCommandOptionType.Number: {
      const n = Number(value);
      return Number.isFinite(n) ? n : new Error(`${option.name} needs a number`);
    }
    case ApplicationCommandOptionType.Boolean:
      if (/^(true|yes|y|1)$/i.test(value)) return true;
      if (/^(false|no|n|0)$/i.test(value)) return false;
      return new Error(`${option.name} is true or false`);
    case ApplicationCommandOptionType.Channel:
      return /^\d+$/.test(value) ? value : (names.channelByName(value.replace(/^#/, "")) ?? new Error(`no channel called ${value}`));
    case ApplicationCommandOptionType.Role:
      return /^\d+$/.test(value) ? value : (names.roleByName(value.replace(/^@/, "")) ?? new Error(`no role called ${value}`));
    case ApplicationCommandOptionType.User:
    case ApplicationCommandOptionType.Mentionable:
      return /^\d+$/.test(value) ? value : (names.userByName(value.replace(/^@/, "")) ?? new Error(`no member called ${value}`));
    default:
      return value;
  }
}

/**
 * Parses `/cmd [group] [sub] opt:value opt:"value with spaces" …`. A value runs until the next known
 * `option:` name, so `when:friday 8pm` works without quotes. A trailing `?` asks for suggestions.
 */
export function parseCommandLine(line: string, commands: readonly APIApplicationCommand[], names: Names): ParsedCommand | string {
  const text = line.trim().replace(/^\//, "");
  const words = text.split(/\s+/);
  const path = walk(commands, words);
  if (typeof path === "string") return path;
  const rest = words.slice(path.used).join(" ");
  const known = path.leaf.options.map((o) => o.name);
  const result: ParsedCommand = {
    name: path.cmd.name,
    ...(path.group ? { group: path.group } : {}),
    ...(path.sub ? { subcommand: path.sub } : {}),
    options: {},
  };
  const missingRequired = () =>
    path.leaf.options.filter((o) => "required" in o && o.required && !(o.name in result.options)).map((o) => `${o.name}:`);
  if (rest.trim() === "") {
    const missing = missingRequired();
    return missing.length > 0 ? `missing ${missing.join(" ")}` : result;
  }
  const pattern = new RegExp(`(?:^|\\s)(${known.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")}):`, "gu");
  const marks = [...rest.matchAll(pattern)];
  if (marks.length === 0) return `options look like name:value; this command takes ${known.join(", ") || "none"}`;
  const before = rest.slice(0, marks[0]!.index).trim();
  if (before) return `I don't understand “${before}”; options look like name:value (${known.join(", ")})`;
  for (let i = 0; i < marks.length; i++) {
    const m = marks[i]!;
    const name = m[1]!;
    const start = m.index + m[0].length;
    const end = i + 1 < marks.length ? marks[i + 1]!.index : rest.length;
    let raw = rest.slice(start, end).trim();
    if (raw.endsWith("?") && i === marks.length - 1) {
      raw = raw.slice(0, -1);
      result.focused = name;
    }
    const option = path.leaf.options.find((o) => o.name === name)!;
    const value = result.focused === name ? raw : convert(option, raw, names);
    if (value instanceof Error) return value.message;
    result.options[name] = value;
  }
  const missing = missingRequired();
  if (missing.length > 0 && !result.focused) return `missing ${missing.join(" ")}`;
  return result;
}

/** Tab completion: command path, option names and choice values, from the registered JSON. */
export function completeLine(line: string, commands: readonly APIApplicationCommand[]): string[] {
  if (!line.startsWith("/")) {
    const words = ["/", "press ", "as host", "as member", "locale en-US", "locale zh-CN", "in #", "wait ", "findings", "help", "quit"];
    return words.filter((w) => w.startsWith(line));
  }
  const words = line.slice(1).split(/\s+/);
  const last = words[words.length - 1] ?? "";
  const head = line.slice(0, line.length - last.length);
  if (words.length === 1) return commands.map((c) => `/${c.name} `).filter((c) => c.startsWith(line));
  const path = walk(commands, words.slice(0, -1));
  let candidates: string[] = [];
  if (typeof path === "string") {
    const cmd = commands.find((c) => c.name === words[0]);
    let opts: readonly APIApplicationCommandOption[] = cmd?.options ?? [];
    const g = opts.find((o) => isGroup(o) && o.name === words[1]);
    if (g && words.length === 3) opts = childrenOf(g);
    candidates = opts.filter((o) => isSub(o) || isGroup(o)).map((o) => `${o.name} `);
  } else {
    const colon = last.indexOf(":");
    if (colon >= 0) {
      const option = path.leaf.options.find((o) => o.name === last.slice(0, colon));
      const choices = option && "choices" in option && option.choices ? option.choices.map((c) => String(c.value)) : [];
      if (option?.type === ApplicationCommandOptionType.Boolean) choices.push("true", "false");
      candidates = choices.map((v) => `${last.slice(0, colon + 1)}${v} `);
    } else {
      const used = new Set([...line.matchAll(/(\S+):/g)].map((m) => m[1]));
      candidates = path.leaf.options.filter((o) => !used.has(o.name)).map((o) => `${o.name}:`);
    }
  }
  return candidates.filter((c) => c.startsWith(last)).map((c) => head + c);
}

export interface RenderContext {
  names: { channel(id: string): string | undefined; role(id: string): string | undefined; user(id: string): string | undefined };
  /** "Now" for relative times: the moment the message was posted or edited (real ms) mapped to the bot's clock. */
  now: (postedAt?: number) => number;
  /** Assigns a number to a button so a person can press it by typing it. */
  number(messageId: string, customId: string): number;
}

function relative(ms: number, now: number): string {
  const diff = Math.round((ms - now) / 1000);
  const abs = Math.abs(diff);
  const [n, unit] = abs < 90 ? [abs, "s"] : abs < 5400 ? [Math.round(abs / 60), "min"] : abs < 129600 ? [Math.round(abs / 3600), "h"] : [Math.round(abs / 86400), "d"];
  return diff >= 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
}

/** Discord markup made readable in a terminal: timestamps in local time, mentions as names. */
export function readable(text: string, ctx: RenderContext, postedAt?: number): string {
  return text
    .replace(/<t:(-?\d+)(?::([tTdDfFR]))?>/g, (_, s: string, style?: string) => {
      const ms = Number(s) * 1000;
      if (style === "R") return relative(ms, ctx.now(postedAt));
      const d = new Date(ms);
      return style === "t" || style === "T" ? d.toLocaleTimeString() : d.toLocaleString();
    })
    .replace(/<#(\d+)>/g, (_, id: string) => `#${ctx.names.channel(id) ?? id}`)
    .replace(/<@&(\d+)>/g, (_, id: string) => `@${ctx.names.role(id) ?? id}`)
    .replace(/<@!?(\d+)>/g, (_, id: string) => `@${ctx.names.user(id) ?? id}`);
}

export function renderMessage(m: APIMessage, where: string, ctx: RenderContext, edited: boolean): string {
  const lines: string[] = [];
  const ephemeral = ((m.flags ?? 0) & 64) !== 0;
  lines.push(`┌ ${m.author.username} in ${where}${ephemeral ? " (only you can see this)" : ""}${edited ? " (edited)" : ""}`);
  // Relative times read as of when the message was posted (or last edited), as its reader saw them then.
  const stamp = m.edited_timestamp ?? m.timestamp;
  const postedAt = stamp ? Date.parse(stamp) : undefined;
  const push = (text: string, indent = "│ ") => {
    for (const l of readable(text, ctx, postedAt).split("\n")) lines.push(indent + l);
  };
  if (m.content) push(m.content);
  for (const e of m.embeds ?? []) {
    if (e.title) push(`▌ ${e.title}`);
    if (e.description) push(e.description, "│   ");
    for (const f of e.fields ?? []) {
      push(`• ${f.name}`, "│   ");
      push(f.value, "│     ");
    }
    if (e.footer?.text) push(`— ${e.footer.text}`, "│   ");
  }
  for (const a of m.attachments ?? []) push(`📎 ${a.filename}`);
  const buttons: string[] = [];
  for (const row of m.components ?? []) {
    if (row.type !== ComponentType.ActionRow) continue;
    for (const c of row.components) {
      if (c.type === ComponentType.Button && "custom_id" in c) {
        const n = ctx.number(m.id, c.custom_id);
        buttons.push(c.disabled ? `[${c.label ?? "·"}]` : `[${n}] ${c.label ?? c.emoji?.name ?? "button"}`);
      }
    }
  }
  if (buttons.length > 0) lines.push(`│ ${buttons.join("  ")}`);
  lines.push("└");
  return lines.join("\n");
}
