/**
 * `/westofthetracks trivia start|stop|leaderboard|stats|schedule|unschedule|help` and the buttons:
 * answers (`wt1:trivia:<roundId>:<questionIndex>:<choice>`) and leaderboard pages (`wt1:tlb:<period>:<page>`).
 * Thin handlers: options are checked here, rounds live in src/trivia/rounds.ts (BotServices.trivia).
 */
import {
  ApplicationCommandOptionType,
  ChannelType,
  type APIApplicationCommandChannelOption,
  type APIApplicationCommandIntegerOption,
  type PermissionFlagsBits,
} from "discord-api-types/v10";
import type { CommandContext, ComponentModule, Invocation, SubcommandModule } from "../../src/discord/command.js";
import { UserError } from "../../src/discord/errors.js";
import { quoteUserText } from "../../src/discord/limits.js";
import { choice, described, named } from "../../src/discord/localize.js";
import { isHost, missing, permissionName, requireGuild, requireHost } from "../../src/discord/permissions.js";
import {
  LEADERBOARD_PAGE_SIZE,
  LEADERBOARD_PERIODS,
  leaderboardMessage,
  letter,
  scheduledMessage,
  statsMessage,
  triviaHelpMessage,
  type LeaderboardPeriod,
} from "../../src/discord/views/trivia.js";
import type { MessageKey, MessageParams } from "../../src/i18n/index.js";
import { PART_IDS, type PartId } from "../../src/knowledge/schema.js";
import { ALL_TIME, seasonKey, weekKey } from "../../src/store/index.js";
import { DIFFICULTIES, type Difficulty } from "../../src/trivia/bank.js";
import { MAX_SECONDS_PER_QUESTION, MIN_SECONDS_PER_QUESTION } from "../../src/trivia/engine.js";
import {
  DEFAULT_QUESTIONS,
  DEFAULT_SECONDS,
  type AnswerOutcome,
  type ScheduleError,
  type StartError,
  type TriviaService,
} from "../../src/trivia/rounds.js";
import { scoringRules } from "../../src/trivia/scoring.js";
import { MAX_QUESTIONS, MIN_QUESTIONS } from "../../src/trivia/select.js";
import { discordTimestamp, suggestTimeZones } from "../../src/watchalong/time.js";

type Flag = keyof typeof PermissionFlagsBits;

/** What the bot needs in a trivia channel: see it, post, embed. */
export const TRIVIA_CHANNEL_NEEDS: readonly Flag[] = ["ViewChannel", "SendMessages", "EmbedLinks"];

function service(inv: Invocation): TriviaService {
  const s = inv.services.trivia;
  if (!s) throw new UserError("trivia.unavailable");
  return s;
}

function now(inv: Invocation): number {
  return inv.services.trivia?.now() ?? Date.now();
}

function oneOf<T extends string>(values: readonly T[], value: string | null, option: string): T | null {
  if (value === null) return null;
  if ((values as readonly string[]).includes(value)) return value as T;
  throw new UserError("error.badOption", { value: quoteUserText(value, 40), option });
}

function questionsOption(ctx: CommandContext): number {
  const n = ctx.options.integer("questions") ?? DEFAULT_QUESTIONS;
  if (!Number.isInteger(n) || n < MIN_QUESTIONS || n > MAX_QUESTIONS) throw new UserError("trivia.badQuestions", { min: MIN_QUESTIONS, max: MAX_QUESTIONS });
  return n;
}

function secondsOption(ctx: CommandContext): number {
  const n = ctx.options.integer("seconds") ?? DEFAULT_SECONDS;
  if (!Number.isInteger(n) || n < MIN_SECONDS_PER_QUESTION || n > MAX_SECONDS_PER_QUESTION) {
    throw new UserError("trivia.badSeconds", { min: MIN_SECONDS_PER_QUESTION, max: MAX_SECONDS_PER_QUESTION });
  }
  return n;
}

function requireChannel(inv: Invocation): string {
  if (!inv.channelId) throw new UserError("error.guildOnly");
  return inv.channelId;
}

function checkBotCanPost(inv: Invocation, channelId: string, bits: bigint | null): void {
  const lacking = missing(bits, TRIVIA_CHANNEL_NEEDS);
  if (lacking.length > 0) {
    throw new UserError("trivia.channelMissing", {
      channel: channelId,
      permissions: lacking.map((flag) => permissionName(inv, flag)).join(inv.t("list.separator")),
    });
  }
}

function startError(e: StartError): UserError {
  switch (e.error) {
    case "bad-count":
      return new UserError("trivia.badQuestions", { min: e.min, max: e.max });
    case "bad-seconds":
      return new UserError("trivia.badSeconds", { min: e.min, max: e.max });
    case "running":
      return new UserError("trivia.running");
    case "cooldown":
      return new UserError("trivia.cooldown", { when: discordTimestamp(e.until, "R") });
    case "not-enough":
      return new UserError("trivia.notEnough", { available: e.available, count: e.count });
  }
}

function scheduleError(e: ScheduleError): UserError {
  const value = "value" in e ? quoteUserText(e.value, 64) : "";
  switch (e.error) {
    case "cron-empty":
      return new UserError("trivia.cronEmpty");
    case "cron-invalid":
      return new UserError("trivia.cronInvalid", { value });
    case "cron-seconds":
      return new UserError("trivia.cronSeconds", { value });
    case "cron-too-frequent":
      return new UserError("trivia.cronTooFrequent", { value });
    case "bad-zone":
      return new UserError("setup.badTimezone", { value });
    case "never":
      return new UserError("trivia.cronNever", { value });
    case "bad-count":
      return new UserError("trivia.badQuestions", { min: e.min, max: e.max });
    case "bad-seconds":
      return new UserError("trivia.badSeconds", { min: e.min, max: e.max });
    case "too-many":
      return new UserError("trivia.tooManySchedules", { max: e.max });
  }
}

const ANSWER_MESSAGES: Record<Exclude<AnswerOutcome, "locked-in">, MessageKey> = {
  "already-answered": "trivia.alreadyAnswered",
  "time-up": "trivia.timeUp",
  "not-current": "trivia.notCurrent",
  "round-over": "trivia.roundOver",
  "unknown-round": "trivia.unknownRound",
  "invalid-choice": "error.staleButton",
};

function periodKey(inv: Invocation, period: LeaderboardPeriod): string {
  const at = now(inv);
  return period === "all" ? ALL_TIME : period === "season" ? seasonKey(at) : weekKey(at);
}

async function leaderboardPage(inv: Invocation, guildId: string, period: LeaderboardPeriod, page: number) {
  const store = inv.services.store;
  const key = periodKey(inv, period);
  const total = await store.trivia.leaderboardSize(guildId, key);
  const pages = Math.max(1, Math.ceil(total / LEADERBOARD_PAGE_SIZE));
  const p = Math.min(Math.max(0, page), pages - 1);
  const rows = total > 0 ? await store.trivia.leaderboard(guildId, key, { offset: p * LEADERBOARD_PAGE_SIZE, limit: LEADERBOARD_PAGE_SIZE }) : [];
  return leaderboardMessage(inv.t, { period, page: p, total, rows });
}

// ---------------------------------------------------------------------------------------------------
// Subcommands

async function start(ctx: CommandContext, guildId: string): Promise<void> {
  const trivia = service(ctx);
  const channelId = requireChannel(ctx);
  checkBotCanPost(ctx, channelId, ctx.appPermissions);
  const questions = questionsOption(ctx);
  const seconds = secondsOption(ctx);
  const part = oneOf<PartId>(PART_IDS, ctx.options.string("part"), "part");
  const difficulty = oneOf<Difficulty>(DIFFICULTIES, ctx.options.string("difficulty"), "difficulty");
  await ctx.respond.defer({ ephemeral: false });
  const result = await trivia.start({
    guildId,
    channelId,
    startedBy: ctx.userId,
    locale: ctx.locale,
    questions,
    seconds,
    part,
    difficulty,
    spoilers: ctx.options.boolean("spoilers") === true,
    origin: "command",
  });
  if (!result.ok) throw startError(result);
  await ctx.respond.send(result.message);
}

async function stop(ctx: CommandContext, guildId: string): Promise<void> {
  const trivia = service(ctx);
  const channelId = requireChannel(ctx);
  const round = await trivia.activeRound(guildId, channelId);
  if (!round) throw new UserError("trivia.noRound");
  if (round.startedBy !== ctx.userId) {
    const club = await ctx.services.store.settings.get(guildId);
    if (!isHost(ctx, club.hostRoleId)) throw new UserError("trivia.stopDenied");
  }
  await ctx.respond.defer({ ephemeral: false });
  const result = await trivia.stop({ guildId, channelId, stoppedBy: ctx.userId, locale: ctx.locale });
  if (!result.ok) throw new UserError("trivia.noRound");
  await ctx.respond.send(result.message);
}

async function leaderboard(ctx: CommandContext, guildId: string): Promise<void> {
  const period = oneOf<LeaderboardPeriod>(LEADERBOARD_PERIODS, ctx.options.string("period"), "period") ?? "all";
  await ctx.respond.send(await leaderboardPage(ctx, guildId, period, 0));
}

async function stats(ctx: CommandContext, guildId: string): Promise<void> {
  const userId = ctx.options.id("member") ?? ctx.userId;
  const keys = LEADERBOARD_PERIODS.map((period) => ({ period, key: periodKey(ctx, period) }));
  const rows = await ctx.services.store.trivia.stats(
    guildId,
    userId,
    keys.map((k) => k.key),
  );
  const byKey = new Map(rows.map((r) => [r.periodKey, r]));
  const found = keys.flatMap(({ period, key }) => {
    const s = byKey.get(key);
    return s ? [{ period, stats: s }] : [];
  });
  await ctx.respond.send({ ...statsMessage(ctx.t, userId, found), ephemeral: true });
}

function validateTargetChannel(ctx: CommandContext, guildId: string, channelId: string): void {
  if (channelId === ctx.channelId) {
    checkBotCanPost(ctx, channelId, ctx.appPermissions);
    return;
  }
  const channel = ctx.services.guilds.channel(guildId, channelId);
  if (!channel) throw new UserError("setup.channelUnknown");
  if (channel.kind !== "text" && channel.kind !== "announcement") throw new UserError("setup.badChannelType", { channel: channelId });
  checkBotCanPost(ctx, channelId, channel.botPermissions);
}

async function schedule(ctx: CommandContext, guildId: string): Promise<void> {
  const trivia = service(ctx);
  const club = await ctx.services.store.settings.get(guildId);
  requireHost(ctx, club.hostRoleId);
  const channelId = ctx.options.id("channel") ?? requireChannel(ctx);
  validateTargetChannel(ctx, guildId, channelId);
  const result = await trivia.schedule({
    guildId,
    channelId,
    cron: ctx.options.string("cron") ?? "",
    timezone: ctx.options.string("timezone") ?? club.timezone ?? "UTC",
    questions: questionsOption(ctx),
    seconds: secondsOption(ctx),
    createdBy: ctx.userId,
  });
  if (!result.ok) throw scheduleError(result);
  await ctx.respond.send(
    scheduledMessage(ctx.t, {
      channelId,
      cron: result.payload.cron,
      timezone: result.payload.timezone,
      questions: result.payload.questions,
      seconds: result.payload.seconds,
      next: result.next,
      replaced: result.replaced,
    }),
  );
}

async function unschedule(ctx: CommandContext, guildId: string): Promise<void> {
  const trivia = service(ctx);
  const club = await ctx.services.store.settings.get(guildId);
  requireHost(ctx, club.hostRoleId);
  const channelId = ctx.options.id("channel") ?? requireChannel(ctx);
  const removed = await trivia.unschedule(guildId, channelId);
  if (removed === 0) throw new UserError("trivia.noSchedule", { channel: channelId });
  await ctx.respond.send({ content: ctx.t("trivia.unscheduled", { channel: channelId }) });
}

// ---------------------------------------------------------------------------------------------------
// Definition

const questionsOpt: APIApplicationCommandIntegerOption = {
  type: ApplicationCommandOptionType.Integer,
  ...named("opt.trivia.questions.name"),
  ...described("opt.trivia.questions.description"),
  min_value: MIN_QUESTIONS,
  max_value: MAX_QUESTIONS,
};

const secondsOpt: APIApplicationCommandIntegerOption = {
  type: ApplicationCommandOptionType.Integer,
  ...named("opt.trivia.seconds.name"),
  ...described("opt.trivia.seconds.description"),
  min_value: MIN_SECONDS_PER_QUESTION,
  max_value: MAX_SECONDS_PER_QUESTION,
};

const channelOpt: APIApplicationCommandChannelOption = {
  type: ApplicationCommandOptionType.Channel,
  ...named("opt.trivia.channel.name"),
  ...described("opt.trivia.channel.description"),
  channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
};

export const trivia: SubcommandModule = {
  data: {
    type: ApplicationCommandOptionType.SubcommandGroup,
    ...named("cmd.trivia.name"),
    ...described("cmd.trivia.description"),
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        ...named("cmd.trivia.start.name"),
        ...described("cmd.trivia.start.description"),
        options: [
          questionsOpt,
          {
            type: ApplicationCommandOptionType.String,
            ...named("opt.trivia.part.name"),
            ...described("opt.trivia.part.description"),
            choices: [choice("choice.part.rust", "rust"), choice("choice.part.remnants", "remnants"), choice("choice.part.rails", "rails")],
          },
          {
            type: ApplicationCommandOptionType.String,
            ...named("opt.trivia.difficulty.name"),
            ...described("opt.trivia.difficulty.description"),
            choices: [
              choice("choice.difficulty.easy", "easy"),
              choice("choice.difficulty.medium", "medium"),
              choice("choice.difficulty.hard", "hard"),
            ],
          },
          secondsOpt,
          { type: ApplicationCommandOptionType.Boolean, ...named("opt.trivia.spoilers.name"), ...described("opt.trivia.spoilers.description") },
        ],
      },
      { type: ApplicationCommandOptionType.Subcommand, ...named("cmd.trivia.stop.name"), ...described("cmd.trivia.stop.description") },
      {
        type: ApplicationCommandOptionType.Subcommand,
        ...named("cmd.trivia.leaderboard.name"),
        ...described("cmd.trivia.leaderboard.description"),
        options: [
          {
            type: ApplicationCommandOptionType.String,
            ...named("opt.trivia.period.name"),
            ...described("opt.trivia.period.description"),
            choices: [choice("choice.period.all", "all"), choice("choice.period.season", "season"), choice("choice.period.week", "week")],
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        ...named("cmd.trivia.stats.name"),
        ...described("cmd.trivia.stats.description"),
        options: [{ type: ApplicationCommandOptionType.User, ...named("opt.trivia.member.name"), ...described("opt.trivia.member.description") }],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        ...named("cmd.trivia.schedule.name"),
        ...described("cmd.trivia.schedule.description"),
        options: [
          {
            type: ApplicationCommandOptionType.String,
            ...named("opt.trivia.cron.name"),
            ...described("opt.trivia.cron.description"),
            required: true,
            max_length: 100,
          },
          {
            type: ApplicationCommandOptionType.String,
            ...named("opt.trivia.timezone.name"),
            ...described("opt.trivia.timezone.description"),
            required: true,
            autocomplete: true,
            max_length: 64,
          },
          channelOpt,
          questionsOpt,
          secondsOpt,
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        ...named("cmd.trivia.unschedule.name"),
        ...described("cmd.trivia.unschedule.description"),
        options: [channelOpt],
      },
      { type: ApplicationCommandOptionType.Subcommand, ...named("cmd.trivia.help.name"), ...described("cmd.trivia.help.description") },
    ],
  },
  async execute(ctx) {
    const sub = ctx.options.subcommand();
    if (sub === "help") {
      await ctx.respond.send({ ...triviaHelpMessage(ctx.t, scoringRules), ephemeral: true });
      return;
    }
    // Trivia is a server feature: refuse in DMs before anything else.
    const guildId = requireGuild(ctx);
    switch (sub) {
      case "start":
        return start(ctx, guildId);
      case "stop":
        return stop(ctx, guildId);
      case "leaderboard":
        return leaderboard(ctx, guildId);
      case "stats":
        return stats(ctx, guildId);
      case "schedule":
        return schedule(ctx, guildId);
      case "unschedule":
        return unschedule(ctx, guildId);
      default:
        throw new UserError("error.unknownCommand");
    }
  },
  async autocomplete(ctx) {
    const focused = ctx.options.focused();
    const zones = focused?.name === "timezone" ? suggestTimeZones(focused.value.slice(0, 64), 25) : [];
    await ctx.respond.choices(zones.map((z) => ({ name: z, value: z })));
  },
};

// ---------------------------------------------------------------------------------------------------
// Buttons

function wholeNumber(value: string | undefined): number | null {
  return value !== undefined && /^\d{1,3}$/.test(value) ? Number(value) : null;
}

/** An answer button. The store decides (one answer per member per question); nothing slow before the reply. */
export const triviaButtons: ComponentModule = {
  handler: "trivia",
  async execute(ctx) {
    requireGuild(ctx);
    const [roundId, rawIndex, rawChoice] = ctx.args;
    const questionIndex = wholeNumber(rawIndex);
    const choiceIndex = wholeNumber(rawChoice);
    if (!roundId || questionIndex === null || choiceIndex === null) throw new UserError("error.staleButton");
    const result = await service(ctx).answer({ roundId, questionIndex, choice: choiceIndex, userId: ctx.userId });
    if (result.outcome === "locked-in") {
      const params: MessageParams = { letter: letter(choiceIndex), when: discordTimestamp(result.revealAt ?? now(ctx), "R") };
      await ctx.respond.send({ content: ctx.t("trivia.lockedIn", params), ephemeral: true });
      return;
    }
    await ctx.respond.send({ content: ctx.t(ANSWER_MESSAGES[result.outcome]), ephemeral: true });
  },
};

/**
 * Leaderboard pages. The member who asked turns the page in place; anyone else gets the page privately,
 * so nobody flips a message out from under its owner.
 */
export const triviaLeaderboardButtons: ComponentModule = {
  handler: "tlb",
  async execute(ctx) {
    const guildId = requireGuild(ctx);
    const period = oneOf<LeaderboardPeriod>(LEADERBOARD_PERIODS, ctx.args[0] ?? null, "period") ?? "all";
    const page = wholeNumber(ctx.args[1]) ?? 0;
    const message = await leaderboardPage(ctx, guildId, period, page);
    if (ctx.messageOwnerId !== null && ctx.messageOwnerId !== ctx.userId) {
      await ctx.respond.send({ ...message, ephemeral: true });
      return;
    }
    await ctx.respond.update(message);
  },
};
