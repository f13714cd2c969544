/**
 * `npm run sandbox [-- --speed N] [-- --script FILE] [-- --locale zh-CN]`
 *
 * Starts the local Discord emulator, starts the real bot as a child process against it (the same
 * `node dist/src/main.js` that `npm start` runs, with DISCORD_API_URL pointing at the emulator), and
 * opens a terminal where you act as a club member: type `/westofthetracks part name:rust`, press a
 * button by its number, switch who you are and your Discord language. `--script` runs a file of such
 * lines without a terminal and prints the transcript (CI runs the tour this way).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { ChannelType, PermissionFlagsBits, type APIApplicationCommand, type APIMessage } from "discord-api-types/v10";
import { projectRoot } from "../paths.js";
import { startEmulator, type Emulator, type InteractionHandle } from "./emulator.js";
import { completeLine, parseCommandLine, renderMessage, type Names, type RenderContext } from "./terminal.js";

interface Args {
  speed?: number;
  script?: string;
  locale: string;
  port: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { locale: "en-US", port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--speed") {
      args.speed = Number(next());
      if (!(args.speed >= 1)) throw new Error("--speed takes a number ≥ 1, e.g. --speed 60");
    } else if (a === "--script") args.script = next();
    else if (a === "--locale") args.locale = next();
    else if (a === "--port") args.port = Number(next());
    else if (a === "--help" || a === "-h") {
      console.log("npm run sandbox [-- --speed N] [-- --script FILE] [-- --locale zh-CN] [-- --port 8787]");
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (try --help)`);
  }
  return args;
}

const HELP = `Type a slash command as in Discord, e.g.
  /westofthetracks part name:rust
  /westofthetracks glossary term:xia?        (a trailing ? shows the bot's suggestions)
Other commands:
  press N        press button number N          as host | as member   act as someone else
  locale zh-CN   switch your Discord language    in #channel           act in another channel
  wait S         let S seconds pass              findings              rules the bot broke (should be none)
  help           this text                       quit                  stop the bot and leave
Tab completes commands, options and choices.`;

class Sandbox {
  private readonly seen = new Map<string, string>(); // message id -> last rendered text
  private readonly buttons = new Map<number, { messageId: string; customId: string }>();
  private readonly buttonNumbers = new Map<string, number>();
  private nextButton = 1;
  private actAs: "host" | "member" = "host";
  private locale: string;
  private channelId: string;
  private readonly users: Record<"host" | "member", string>;
  readonly guildId: string;
  private readonly names: Names;
  private readonly render: RenderContext;

  constructor(
    readonly emu: Emulator,
    locale: string,
    private readonly print: (text: string) => void,
    /** The bot's (possibly sped-up) clock, so "in 5 min" is shown as the bot means it. */
    private readonly virtualNow: (realMs?: number) => number = (realMs) => realMs ?? Date.now(),
  ) {
    this.locale = locale;
    const guild = emu.createGuild({ name: "Sandbox Film Club" });
    this.guildId = guild.id;
    const hostRole = emu.createRole(guild.id, {
      name: "Club host",
      permissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ManageEvents,
    });
    const host = emu.createUser({ username: "host", globalName: "Host" });
    const member = emu.createUser({ username: "member", globalName: "Member" });
    emu.addMember(guild.id, host.id, { roles: [hostRole.id] });
    emu.addMember(guild.id, member.id);
    this.users = { host: host.id, member: member.id };
    this.channelId = emu.createChannel(guild.id, { name: "screenings" }).id;
    emu.createChannel(guild.id, { name: "announcements" });
    emu.createChannel(guild.id, { name: "Cinema", type: ChannelType.GuildVoice });

    const world = emu.world;
    const channelName = (id: string) => world.channels.get(id)?.name ?? undefined;
    this.names = {
      channelByName: (name) => [...world.channels.values()].find((c) => c.name === name)?.id,
      roleByName: (name) => [...(world.guilds.get(guild.id)?.roles.values() ?? [])].find((r) => r.name === name)?.id,
      userByName: (name) => [...world.users.values()].find((u) => u.username === name)?.id,
    };
    this.render = {
      names: {
        channel: (id) => channelName(id) ?? undefined,
        role: (id) => world.guilds.get(guild.id)?.roles.get(id)?.name,
        user: (id) => world.users.get(id)?.username,
      },
      now: (postedAt) => this.virtualNow(postedAt),
      number: (messageId, customId) => {
        const key = `${messageId}|${customId}`;
        let n = this.buttonNumbers.get(key);
        if (n === undefined) {
          n = this.nextButton++;
          this.buttonNumbers.set(key, n);
          this.buttons.set(n, { messageId, customId });
        }
        return n;
      },
    };
  }

  get prompt(): string {
    const channel = this.emu.world.channels.get(this.channelId)?.name ?? "?";
    return `${this.actAs}@#${channel} (${this.locale})> `;
  }

  commands(): APIApplicationCommand[] {
    return [...this.emu.commands(), ...this.emu.commands(this.guildId)];
  }

  /** Prints every message that appeared or changed since last time, across all channels. */
  flush(): void {
    for (const channel of this.emu.world.channels.values()) {
      const where = channel.type === ChannelType.DM ? "DM" : `#${channel.name ?? channel.id}`;
      for (const m of this.emu.messages(channel.id)) {
        if (m.author.id !== this.emu.botUserId) continue;
        const text = renderMessage(m, where, this.render, false);
        const before = this.seen.get(m.id);
        if (before === text) continue;
        this.print(before === undefined ? text : renderMessage(m, where, this.render, true));
        this.seen.set(m.id, text);
      }
    }
  }

  /** Waits until the bot has answered and things have been quiet for a moment, then prints. */
  async settle(handle?: InteractionHandle): Promise<void> {
    if (handle) {
      await handle.response(10_000).catch((e: unknown) => this.print(`(no answer: ${e instanceof Error ? e.message : String(e)})`));
    }
    let last = -1;
    for (let i = 0; i < 40; i++) {
      const count = this.emu.requests.length;
      if (count === last) break;
      last = count;
      await sleep(150);
    }
    this.flush();
  }

  async run(line: string): Promise<"quit" | void> {
    const input = line.trim();
    if (input === "" || input.startsWith("#")) return;
    const [word, ...rest] = input.split(/\s+/);
    const arg = rest.join(" ");
    switch (word) {
      case "quit":
      case "exit":
        return "quit";
      case "help":
        this.print(HELP);
        return;
      case "as":
        if (arg !== "host" && arg !== "member") return this.print("as host | as member");
        this.actAs = arg;
        return;
      case "locale":
        this.locale = arg || "en-US";
        return;
      case "in": {
        const id = this.names.channelByName(arg.replace(/^#/, ""));
        if (!id) return this.print(`no channel called ${arg}`);
        this.channelId = id;
        return;
      }
      case "wait":
        await sleep(Math.max(0, Number(arg) || 1) * 1000);
        this.flush();
        return;
      case "findings":
        this.print(this.emu.findings.length === 0 ? "no findings: the bot broke no rule" : this.emu.findings.map((f) => `${f.kind} ${f.route}: ${f.detail}`).join("\n"));
        return;
      case "press": {
        const target = this.buttons.get(Number(arg));
        if (!target) return this.print(`no button number ${arg}`);
        const message = this.findMessage(target.messageId);
        if (!message) return this.print("that message is gone");
        try {
          const handle = this.emu.button({ user: this.users[this.actAs], message, customId: target.customId, locale: this.locale });
          await this.settle(handle);
        } catch (error) {
          this.print(`cannot press it: ${error instanceof Error ? error.message : String(error)}`);
        }
        return;
      }
    }
    if (/^\d+$/.test(input)) return this.run(`press ${input}`);
    if (!input.startsWith("/")) return this.print(`I don't know “${input}”. Type help.`);
    const parsed = parseCommandLine(input, this.commands(), this.names);
    if (typeof parsed === "string") return this.print(parsed);
    const base = {
      user: this.users[this.actAs],
      guildId: this.guildId,
      channelId: this.channelId,
      locale: this.locale,
      name: parsed.name,
      ...(parsed.group ? { group: parsed.group } : {}),
      ...(parsed.subcommand ? { subcommand: parsed.subcommand } : {}),
      options: parsed.options,
    };
    try {
      if (parsed.focused) {
        const handle = this.emu.autocomplete({ ...base, focused: parsed.focused });
        const response = await handle.response(5000);
        const choices = (response.data as { choices?: { name: string; value: string | number }[] } | undefined)?.choices ?? [];
        this.print(choices.length === 0 ? "(no suggestions)" : choices.map((c) => `  ${c.name}  →  ${parsed.focused}:${c.value}`).join("\n"));
        return;
      }
      await this.settle(this.emu.command(base));
    } catch (error) {
      this.print(`cannot send that: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private findMessage(id: string): APIMessage | undefined {
    for (const channel of this.emu.world.channels.values()) {
      const m = this.emu.messages(channel.id).find((x) => x.id === id);
      if (m) return m;
    }
    return undefined;
  }
}

async function waitForCommands(emu: Emulator, bot: ChildProcess, logFile: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (emu.commands().length === 0) {
    if (bot.exitCode !== null) throw new Error(`the bot exited with code ${bot.exitCode}; its log is in ${logFile}`);
    if (Date.now() - started > timeoutMs) throw new Error(`the bot did not register its commands within ${timeoutMs / 1000} s; its log is in ${logFile}`);
    await sleep(100);
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const print = (text: string) => console.log(text);
  const emu = await startEmulator({ port: args.port });
  const work = mkdtempSync(join(tmpdir(), "wott-sandbox-"));
  // The bot's clock: with --speed, virtual now = epoch + (real now − epoch) × speed (DESIGN.md).
  const epoch = Date.now();
  const speed = args.speed ?? 1;
  const virtualNow = (realMs: number = Date.now()) => epoch + (realMs - epoch) * speed;
  mkdirSync(join(projectRoot, "var"), { recursive: true });
  const logFile = join(projectRoot, "var", "sandbox-bot.log");
  const log = createWriteStream(logFile);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DISCORD_TOKEN: emu.token,
    DISCORD_API_URL: emu.apiBase,
    DATABASE_URL: `sqlite:${join(work, "sandbox.sqlite")}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
    NODE_ENV: "development",
    DISCORD_GUILD_ID: "",
    DISCORD_APPLICATION_ID: "",
    HEALTH_PORT: "",
    CLOCK_SPEED: args.speed === undefined ? "" : String(args.speed),
    CLOCK_EPOCH: args.speed === undefined ? "" : String(epoch),
  };
  const bot = spawn(process.execPath, [join(projectRoot, "dist", "src", "main.js")], { cwd: projectRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  bot.stdout?.pipe(log);
  bot.stderr?.pipe(log);

  const sandbox = new Sandbox(emu, args.locale, print, virtualNow);
  const shutdown = async () => {
    if (bot.exitCode === null) {
      bot.kill("SIGTERM");
      await Promise.race([new Promise((r) => bot.once("exit", r)), sleep(10_000)]);
    }
    await emu.close();
    rmSync(work, { recursive: true, force: true });
  };

  try {
    print(`Starting the local Discord emulator at ${emu.apiBase} and the bot${args.speed ? ` with its clock ${args.speed}× faster` : ""}…`);
    await waitForCommands(emu, bot, logFile);
    print(`Ready. You are in “Sandbox Film Club” as host (Manage Server) or member. The bot's log: ${logFile}`);

    if (args.script) {
      const lines = readFileSync(resolve(args.script), "utf8").split(/\r?\n/);
      for (const line of lines) {
        if (line.trim() === "" || line.trim().startsWith("#")) continue;
        print(`\n> ${line}`);
        if ((await sandbox.run(line)) === "quit") break;
      }
      print("");
      await sandbox.run("findings");
      const failed = emu.findings.length > 0 || bot.exitCode !== null;
      return failed ? 1 : 0;
    }

    print(HELP);
    const rl = createInterface({
      input: process.stdin,
      output: process.stdout,
      completer: (line: string) => [completeLine(line, sandbox.commands()), line],
    });
    const stopWatching = emu.onChange(() => setTimeout(() => sandbox.flush(), 50));
    rl.setPrompt(sandbox.prompt);
    rl.prompt();
    for await (const line of rl) {
      if ((await sandbox.run(line)) === "quit") break;
      rl.setPrompt(sandbox.prompt);
      rl.prompt();
    }
    stopWatching();
    rl.close();
    return 0;
  } finally {
    await shutdown();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`sandbox: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
