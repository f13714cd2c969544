/**
 * Wiring only: config -> logger -> knowledge -> client -> login -> command sync -> health server.
 * SIGINT/SIGTERM reverse it. `startBot` is the one start path, used by `npm start`, the sandbox and the
 * end-to-end tests alike.
 */
import { once } from "node:events";
import type { Server } from "node:http";
import { pathToFileURL } from "node:url";
import { Events, type Client } from "discord.js";
import { config as loadDotenv } from "dotenv";
import { registry as defaultRegistry } from "../commands/index.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import type { CommandRegistry } from "./discord/command.js";
import { createClient } from "./discord/client.js";
import { syncCommands, type SyncResult } from "./discord/commandSync.js";
import { createRouter, type Router } from "./discord/router.js";
import { startHealthServer } from "./health.js";
import { KnowledgeError } from "./knowledge/load.js";
import { defaultKnowledgeBase } from "./knowledge/base.js";
import type { KnowledgeBase } from "./knowledge/base.js";
import { PART_IDS, type PartId } from "./knowledge/schema.js";
import { createLogger, type Logger } from "./log.js";
import type { BotServices } from "./services.js";
import { openStore, type Store } from "./store/index.js";
import { discordInspector } from "./discord/inspector.js";
import { createClock, type Clock } from "./watchalong/clock.js";
import cron from "node-cron";
import { restAnnouncer } from "./discord/announcer.js";
import { createScheduler, type Scheduler } from "./scheduler/scheduler.js";
import { loadTriviaBank } from "./trivia/bank.js";
import { defaultAskTopics, warmAskIndex } from "./ask/default.js";
import { createTriviaService, startRoundAfterPart, type TriviaDeps } from "./trivia/rounds.js";
import { reconcileScheduledEvents } from "./watchalong/reconcile.js";
import { notifyHostOfFailure, watchJobHandlers } from "./watchalong/runner.js";
import { createWatchService } from "./watchalong/service.js";

function isPartId(value: string): value is PartId {
  return (PART_IDS as readonly string[]).includes(value);
}

/** How long a server's data is kept after the bot is removed from it. */
export const RETENTION_AFTER_REMOVAL_MS = 30 * 24 * 60 * 60 * 1000;

export interface StartOptions {
  config: Config;
  logger?: Logger;
  registry?: CommandRegistry;
  knowledge?: KnowledgeBase;
  clock?: Clock;
}

export interface RunningBot {
  client: Client;
  router: Router;
  logger: Logger;
  store: Store;
  clock: Clock;
  scheduler: Scheduler;
  sync: SyncResult;
  applicationId: string;
  /** Stop taking work, let in-flight interactions finish (up to `graceMs`), close the gateway. */
  stop(graceMs?: number): Promise<void>;
}

export async function startBot(options: StartOptions): Promise<RunningBot> {
  const { config } = options;
  const token = config.DISCORD_TOKEN;
  const logger =
    options.logger ?? createLogger({ level: config.LOG_LEVEL, secrets: [token] });
  const knowledge = options.knowledge ?? defaultKnowledgeBase();
  const registry = options.registry ?? defaultRegistry;
  const clock = options.clock ?? createClock({ speed: config.CLOCK_SPEED, epoch: config.CLOCK_EPOCH, processStart: Date.now() });
  // Content is validated before anything connects: a broken data file stops the start with its path.
  const bank = loadTriviaBank();
  defaultAskTopics();
  const store = await openStore(config.DATABASE_URL, { logger, clock: () => clock.now(), synchronous: config.SQLITE_SYNCHRONOUS });

  const client = createClient(config);
  const announcer = restAnnouncer(client.rest);
  // Trivia, watch-along and reconciliation enqueue through the scheduler (created below, with their handlers),
  // so their jobs wake its timer.
  const enqueue: Scheduler["enqueue"] = (job) => scheduler.enqueue(job);
  const triviaDeps: TriviaDeps = { store, announcer, knowledge, clock, logger, bank, enqueue };
  const trivia = createTriviaService(triviaDeps);
  const watchDeps = {
    store,
    knowledge,
    clock,
    logger,
    announcer,
    // A club that asked for it gets a trivia round about the part it just watched.
    onPartWatched: async (guildId: string, channelId: string, partId: string) => {
      if (isPartId(partId)) await startRoundAfterPart(triviaDeps, { guildId, channelId, partId });
    },
  };
  const scheduler = createScheduler({
    store,
    clock,
    logger,
    handlers: [...trivia.handlers, ...watchJobHandlers(watchDeps)],
    // A job that keeps failing is given up, and the host is told (watch-along jobs; others are logged).
    onFailed: (job, error) => notifyHostOfFailure(watchDeps, job, error),
  });
  const watch = createWatchService({ store, knowledge, clock, logger, enqueue });
  const services: BotServices = {
    knowledge,
    logger,
    store,
    guilds: discordInspector(client),
    trivia,
    watch,
    async languagePreference(guildId) {
      return guildId ? (await store.settings.get(guildId)).language : "auto";
    },
  };
  const router = createRouter(registry, services);
  let draining = false;

  // A server that removes the bot keeps its data for 30 days (in case it was a mistake), then it is purged.
  client.on(Events.GuildDelete, (guild) => {
    if (!guild.available) return; // an outage, not a removal
    store.settings.markRemoved(guild.id, clock.now()).then(
      () => logger.info({ guildId: guild.id }, "removed from a server; its data is kept for 30 days"),
      (error: unknown) => logger.error({ err: error, guildId: guild.id }, "could not mark a server as removed"),
    );
  });
  client.on(Events.GuildCreate, (guild) => {
    store.settings.markPresent(guild.id).catch((error: unknown) => logger.error({ err: error, guildId: guild.id }, "could not mark a server as present"));
  });
  const purge = async () => {
    try {
      const purged = await store.settings.purgeRemovedBefore(clock.now() - RETENTION_AFTER_REMOVAL_MS);
      if (purged.length > 0) logger.info({ guildIds: purged }, "purged data of servers that removed the bot over 30 days ago");
    } catch (error) {
      logger.error({ err: error }, "purge of removed servers failed");
    }
  };
  // Servers that removed the bot while it was offline sent no GUILD_DELETE: start their 30 days now.
  // Servers it is in again lose a pending purge.
  // With several processes, each judges only the guilds of its own shards.
  const reconcileGuilds = async () => {
    try {
      const shardCount = client.options.shardCount ?? 1;
      const mine = new Set(client.ws.shards.keys());
      const ours = (id: string) => mine.size === 0 || mine.has(Number((BigInt(id) >> 22n) % BigInt(shardCount)));
      const present = new Set(client.guilds.cache.keys());
      const gone = (await store.settings.presentGuildIds()).filter((id) => ours(id) && !present.has(id));
      const back = (await store.settings.removedGuildIds()).filter((id) => present.has(id));
      for (const id of gone) await store.settings.markRemoved(id, clock.now());
      for (const id of back) await store.settings.markPresent(id);
      if (gone.length > 0) logger.info({ guildIds: gone }, "no longer in these servers; their data is kept for 30 days");
    } catch (error) {
      logger.error({ err: error }, "could not reconcile the servers the bot is in");
    }
  };
  const housekeeping = cron.schedule("17 4 * * *", purge, { name: "purge-removed-guilds" });

  client.on(Events.InteractionCreate, (interaction) => {
    if (draining) return;
    void router.handle(interaction);
  });
  client.on(Events.Error, (error) => logger.error({ err: error }, "discord client error"));
  client.on(Events.Warn, (message) => logger.warn(message));
  client.on(Events.ShardDisconnect, (event, shardId) => logger.warn({ code: event.code, shardId }, "gateway disconnected"));
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, "gateway resumed"));

  const ready = once(client, Events.ClientReady);
  try {
    await client.login(token);
    await ready;
  } catch (error) {
    await housekeeping.destroy();
    await client.destroy();
    await store.close();
    throw error;
  }
  await reconcileGuilds();
  await purge();
  // Scheduled Events changed or deleted by hand while the bot was offline: the sessions follow them.
  try {
    const report = await reconcileScheduledEvents({ store, announcer, knowledge, logger, enqueue }, clock.now());
    logger.info({ ...report }, "scheduled events reconciled");
  } catch (error) {
    logger.error({ err: error }, "could not reconcile scheduled events");
  }
  // SQLite without SHARD_IDS means one bot process: what a killed predecessor had claimed runs again now,
  // not after its lease. With SHARD_IDS other processes may hold leases right now, so they are left to expire.
  if (store.kind === "sqlite" && config.SHARD_IDS === undefined) {
    const released = await store.jobs.releaseAllLeases();
    if (released > 0) logger.info({ released }, "resumed jobs a previous run had started");
  }
  // Scheduled work starts once REST has the token: what was due while the bot was down runs now,
  // under each job's catch-up rules.
  scheduler.start();
  const applicationId = config.DISCORD_APPLICATION_ID ?? client.application?.id;
  if (!applicationId) throw new Error("the gateway did not say which application this bot belongs to");

  const sync = await syncCommands(
    client.rest,
    applicationId,
    registry.commands.map((c) => c.data),
    config.DISCORD_GUILD_ID,
  );
  logger.info({ ...sync }, sync.changed ? "commands registered" : "commands already up to date");

  let health: Server | undefined;
  if (config.HEALTH_PORT) {
    health = await startHealthServer(config.HEALTH_PORT, {
      healthy: () => client.isReady() && !draining,
      metrics: () => ({
        up: client.isReady() ? 1 : 0,
        guilds: client.guilds.cache.size,
        gateway_ping_ms: client.ws.ping,
        interactions_handled_total: router.metrics.handled,
        interactions_user_errors_total: router.metrics.userErrors,
        interactions_failures_total: router.metrics.failures,
        rss_bytes: process.memoryUsage().rss,
      }),
    });
  }
  logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, "ready");
  // The ask index is built once connected, off the start-up path (in one go: about 200 ms with cold code),
  // then warmed a topic at a time, yielding between topics; a question that comes first builds it itself.
  setImmediate(() => {
    warmAskIndex().catch((error: unknown) => {
      logger.error({ err: error }, "could not build or warm the ask index (a question builds it if it is missing)");
    });
  });

  return {
    client,
    router,
    logger,
    store,
    clock,
    scheduler,
    sync,
    applicationId,
    async stop(graceMs = 8_000) {
      if (draining) return;
      draining = true;
      const deadline = Date.now() + graceMs;
      while (router.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      if (router.inFlight > 0) logger.warn({ inFlight: router.inFlight }, "stopping with interactions still in flight");
      health?.close();
      await scheduler.stop();
      await housekeeping.destroy();
      await client.destroy();
      await store.close();
      logger.info("stopped");
    },
  };
}

/** `npm start`: .env, config, start, and a clean stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(error.lines.map((line) => `Configuration error: ${line}\n`).join(""));
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, secrets: [config.DISCORD_TOKEN] });
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled rejection"));

  // Some of discord.js's waits are on unref'd timers: hold the process open until start-up has settled,
  // so a failure is always reported (and never ends as a silent exit 0).
  const keepAlive = setInterval(() => undefined, 60_000);
  let bot: RunningBot | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const hardStop = setTimeout(() => process.exit(1), 10_000);
    hardStop.unref();
    // A signal during start-up stops as soon as the start has settled.
    void started.then(
      async () => {
        await bot?.stop();
        process.exit(0);
      },
      () => process.exit(0),
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));

  const started = startBot({ config, logger });
  try {
    bot = await started;
  } catch (error) {
    if (stopping) return;
    if ((error as { code?: unknown } | null)?.code === "TokenInvalid") {
      process.stderr.write("Configuration error: DISCORD_TOKEN was refused by Discord: copy a fresh token from the developer portal's Bot page into .env\n");
      process.exit(2);
    }
    if (error instanceof KnowledgeError) {
      logger.fatal({ problems: error.message }, "the film data in data/ is invalid; run npm run validate-data");
    } else {
      logger.fatal({ err: error }, "could not start");
    }
    process.exit(1);
  } finally {
    clearInterval(keepAlive);
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) void main();
