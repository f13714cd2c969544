/**
 * `/westofthetracks watchparty schedule|list|status|whereami|pause|resume|delay|end|cancel|calendar` and
 * the buttons: Confirm / Cancel under the host's preview (`wt1:wpc:<draftId>:yes|no`), RSVP and Ready
 * (`wt1:wpr:<sessionId>:going|maybe|no|ready`), and the cancel confirmation (`wt1:wpx:<sessionId>:yes|no`).
 * Thin handlers: options are checked here, parties live in src/watchalong/service.ts (BotServices.watch).
 * Host-only actions check the club's host role on our side; everyone may RSVP, list, look and download.
 */
import { ApplicationCommandOptionType, ChannelType, type APIApplicationCommandBasicOption } from "discord-api-types/v10";
import type { CommandContext, ComponentModule, Invocation, SubcommandModule } from "../../src/discord/command.js";
import { UserError } from "../../src/discord/errors.js";
import { choice, described, named } from "../../src/discord/localize.js";
import { ANNOUNCEMENT_CHANNEL_NEEDS, has, missing, permissionName, requireGuild, requireHost } from "../../src/discord/permissions.js";
import {
  announcementMessage,
  cancelConfirmMessage,
  listMessage,
  partName,
  partyTitle,
  previewMessage,
  statusMessage,
  whereamiText,
  type WatchView,
} from "../../src/discord/views/watchparty.js";
import { translator, type MessageKey } from "../../src/i18n/index.js";
import { buildIcs } from "../../src/watchalong/ics.js";
import {
  DRAFT_TTL_MS,
  MAX_DELAY_MIN,
  planOfSessions,
  type ScheduleRequest,
  type WatchError,
  type WatchService,
} from "../../src/watchalong/service.js";
import { MINUTE, discordTimestamp, formatTimecode, formatWallClock, suggestTimeZones } from "../../src/watchalong/time.js";

const PARTS = ["rust", "remnants", "rails", "all"] as const;
const CADENCES = ["marathon", "daily", "weekly", "cron"] as const;

function service(inv: Invocation): WatchService {
  const s = inv.services.watch;
  if (!s) throw new UserError("watch.unavailable");
  return s;
}

function view(inv: Invocation): WatchView {
  return { t: inv.t, locale: inv.locale, kb: inv.services.knowledge };
}

/** A service error as the member's message. */
function userError(e: WatchError): UserError {
  const params: Record<string, string | number> = {};
  if (e.wallClock !== undefined) params.when = e.wallClock;
  if (e.suggestion !== undefined) params.suggestion = `${discordTimestamp(e.suggestion, "F")} (${discordTimestamp(e.suggestion, "R")})`;
  if (e.sessionId !== undefined) params.session = e.sessionId;
  if (e.max !== undefined) params.max = e.max;
  if (e.error === "past" && params.when === undefined) params.when = "—";
  return new UserError(`watch.error.${e.error}` as MessageKey, params);
}

async function hostCheck(ctx: Invocation, guildId: string): Promise<void> {
  const club = await ctx.services.store.settings.get(guildId);
  requireHost(ctx, club.hostRoleId);
}

// ---------------------------------------------------------------------------------------------------
// Definitions

const partyOption = (): APIApplicationCommandBasicOption => ({
  type: ApplicationCommandOptionType.String,
  ...named("watch.opt.party.name"),
  ...described("watch.opt.party.description"),
  autocomplete: true,
  max_length: 16,
});

const sub = (key: string, options: APIApplicationCommandBasicOption[] = [partyOption()]) => ({
  type: ApplicationCommandOptionType.Subcommand as const,
  ...named(`cmd.watch.${key}.name` as MessageKey),
  ...described(`cmd.watch.${key}.description` as MessageKey),
  options,
});

const scheduleOptions: APIApplicationCommandBasicOption[] = [
  {
    type: ApplicationCommandOptionType.String,
    ...named("watch.opt.part.name"),
    ...described("watch.opt.part.description"),
    required: true,
    choices: [
      choice("choice.part.rust", "rust"),
      choice("choice.part.remnants", "remnants"),
      choice("choice.part.rails", "rails"),
      choice("watch.choice.part.all", "all"),
    ],
  },
  { type: ApplicationCommandOptionType.String, ...named("watch.opt.when.name"), ...described("watch.opt.when.description"), required: true, max_length: 100 },
  { type: ApplicationCommandOptionType.String, ...named("opt.timezone.name"), ...described("watch.opt.timezone.description"), autocomplete: true, max_length: 64 },
  {
    type: ApplicationCommandOptionType.String,
    ...named("watch.opt.cadence.name"),
    ...described("watch.opt.cadence.description"),
    choices: CADENCES.map((c) => choice(`watch.choice.cadence.${c}` as MessageKey, c)),
  },
  { type: ApplicationCommandOptionType.String, ...named("watch.opt.cron.name"), ...described("watch.opt.cron.description"), max_length: 64 },
  { type: ApplicationCommandOptionType.String, ...named("watch.opt.edition.name"), ...described("watch.opt.edition.description"), autocomplete: true, max_length: 50 },
  { type: ApplicationCommandOptionType.Integer, ...named("watch.opt.runtime.name"), ...described("watch.opt.runtime.description"), min_value: 1, max_value: 600 },
  {
    type: ApplicationCommandOptionType.Channel,
    ...named("opt.channel.name"),
    ...described("watch.opt.channel.description"),
    channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
  },
  {
    type: ApplicationCommandOptionType.Channel,
    ...named("watch.opt.voice.name"),
    ...described("watch.opt.voice.description"),
    channel_types: [ChannelType.GuildVoice, ChannelType.GuildStageVoice],
  },
  { type: ApplicationCommandOptionType.Role, ...named("watch.opt.ping.name"), ...described("watch.opt.ping.description") },
  { type: ApplicationCommandOptionType.String, ...named("watch.opt.intermission.name"), ...described("watch.opt.intermission.description"), max_length: 8 },
  { type: ApplicationCommandOptionType.Integer, ...named("watch.opt.checkpoints.name"), ...described("watch.opt.checkpoints.description"), min_value: 0, max_value: 240 },
  { type: ApplicationCommandOptionType.String, ...named("watch.opt.title.name"), ...described("watch.opt.title.description"), max_length: 100 },
];

// ---------------------------------------------------------------------------------------------------
// schedule

function oneOf<T extends string>(values: readonly T[], value: string | null, error: WatchError["error"]): T | null {
  if (value === null) return null;
  const v = value.trim().toLowerCase();
  if ((values as readonly string[]).includes(v)) return v as T;
  throw userError({ ok: false, error });
}

function parseIntermission(value: string | null): ScheduleRequest["intermission"] {
  if (value === null) return null;
  const v = value.trim().toLowerCase();
  if (v === "auto" || v === "none") return v;
  if (/^\d{1,3}$/.test(v) && Number(v) >= 1 && Number(v) <= 120) return Number(v);
  throw userError({ ok: false, error: "bad-intermission" });
}

function checkTextChannel(ctx: Invocation, guildId: string, channelId: string): void {
  const channel = ctx.services.guilds.channel(guildId, channelId);
  if (!channel) throw new UserError("watch.error.channelUnknown", { channel: channelId });
  if (channel.kind !== "text" && channel.kind !== "announcement") throw new UserError("watch.error.channelType", { channel: channelId });
  const lacking = missing(channel.botPermissions, ANNOUNCEMENT_CHANNEL_NEEDS);
  if (lacking.length > 0) {
    throw new UserError("watch.error.channelMissing", { channel: channelId, permissions: lacking.map((f) => permissionName(ctx, f)).join(ctx.t("list.separator")) });
  }
}

async function schedule(ctx: CommandContext, guildId: string): Promise<void> {
  const watch = service(ctx);
  await ctx.respond.defer({ ephemeral: true });
  const club = await ctx.services.store.settings.get(guildId);
  requireHost(ctx, club.hostRoleId);
  const o = ctx.options;
  const part = oneOf(PARTS, o.string("part"), "unknown-part") ?? "all";
  const cron = o.string("cron");
  let cadence = oneOf(CADENCES, o.string("cadence"), "bad-cron");
  if (cadence === null && cron !== null) cadence = "cron";
  if (cadence === "cron" && (cron === null || cron.trim() === "")) throw new UserError("watch.error.cron-missing");
  const editionId = o.string("edition");
  if (editionId !== null && !ctx.services.knowledge.edition(editionId.trim())) throw userError({ ok: false, error: "bad-edition" });

  const channelId = o.id("channel") ?? ctx.channelId;
  if (!channelId) throw new UserError("watch.error.channelUnknown", { channel: "0" });
  checkTextChannel(ctx, guildId, channelId);
  const voiceId = o.id("voice");
  if (voiceId !== null) {
    const voice = ctx.services.guilds.channel(guildId, voiceId);
    if (!voice || (voice.kind !== "voice" && voice.kind !== "stage")) throw new UserError("watch.error.voiceType", { channel: voiceId });
  }
  const pingId = o.id("ping");
  if (pingId !== null) {
    const role = ctx.services.guilds.role(guildId, pingId);
    // An unknown role (deleted, or not this server's) is refused like @everyone and bot roles.
    if (pingId === guildId || !role || role.everyone || role.managed) throw new UserError("watch.error.pingRole");
    // The bot may be able to ping any role (Mention Everyone, Administrator); a host may only have it ping a
    // role that anyone can mention, unless they could ping that role themselves in the channel the reminders
    // go to: see it and mention everyone there (the command may be typed elsewhere; when the bot cannot tell
    // the host's permissions there, they are taken as none).
    const here = channelId === ctx.channelId;
    const hostPermissions = here ? ctx.memberPermissions : ctx.memberPermissionsIn(channelId);
    const mayPing = has(hostPermissions, "MentionEveryone") && (here || has(hostPermissions, "ViewChannel"));
    if (!role.mentionable && !mayPing) {
      throw new UserError("watch.error.pingRoleLocked");
    }
  }
  const eventsAllowed = has(ctx.appPermissions, "ManageEvents");
  const request: ScheduleRequest = {
    guildId,
    channelId,
    createdBy: ctx.userId,
    locale: club.language === "auto" ? ctx.locale : club.language,
    parts: part,
    when: o.string("when") ?? "",
    timezone: o.string("timezone"),
    cadence,
    cron,
    editionId: editionId?.trim() ?? null,
    runtimeMin: o.integer("runtime"),
    voiceChannelId: voiceId,
    pingRoleId: pingId,
    intermission: parseIntermission(o.string("intermission")),
    checkpointsMin: o.integer("checkpoints"),
    title: o.string("title"),
    createEvents: eventsAllowed,
  };
  const result = await watch.preview(request);
  if (!result.ok) throw userError(result);
  const edition = ctx.services.knowledge.edition(result.plan.editionId ?? "");
  const message = previewMessage(view(ctx), {
    draftId: result.draft.id,
    plan: result.plan,
    title: result.draft.title ?? null,
    channelId,
    voiceChannelId: voiceId,
    pingRoleId: pingId,
    editionName: edition ? edition.name[ctx.locale] : null,
    eventsAllowed,
    ...(result.overlapAlternative !== undefined ? { overlapAlternative: result.overlapAlternative } : {}),
    ttlMinutes: Math.round(DRAFT_TTL_MS / MINUTE),
  });
  await ctx.respond.send({ ...message, ephemeral: true });
}

// ---------------------------------------------------------------------------------------------------
// The other subcommands

async function hostAction(ctx: CommandContext, guildId: string, sub: "pause" | "resume" | "delay" | "end"): Promise<void> {
  const watch = service(ctx);
  // The answer is public (members follow the host's pause); errors still reach only the host.
  await ctx.respond.defer({ ephemeral: false });
  await hostCheck(ctx, guildId);
  const party = ctx.options.string("party");
  const v = view(ctx);
  const statusOf = async (sessionId: string) => {
    const s = await watch.status(guildId, sessionId);
    if (!s.ok) throw userError(s);
    return s.status;
  };
  if (sub === "pause") {
    const r = await watch.pause(guildId, party, ctx.channelId);
    if (!r.ok) throw userError(r);
    const s = await statusOf(r.session.id);
    await ctx.respond.send({ content: ctx.t("watch.paused", { part: partName(v, s.session.partId), timecode: timecode(s.position.filmOffsetMs) }) });
    return;
  }
  if (sub === "resume") {
    const r = await watch.resume(guildId, party, ctx.channelId);
    if (!r.ok) throw userError(r);
    const s = await statusOf(r.session.id);
    await ctx.respond.send({ content: ctx.t("watch.resumed", { timecode: timecode(s.position.filmOffsetMs), minutes: Math.round(r.pausedMs / MINUTE) }) });
    return;
  }
  if (sub === "delay") {
    const minutes = ctx.options.integer("minutes") ?? 0;
    const r = await watch.delay(guildId, party, minutes, ctx.channelId);
    if (!r.ok) throw userError(r);
    const s = await statusOf(r.session.id);
    const part = partName(v, s.session.partId);
    const content =
      s.position.phase === "before"
        ? ctx.t("watch.delayed.before", { minutes, part, at: discordTimestamp(r.startsAt, "F"), relative: discordTimestamp(r.startsAt, "R") })
        : ctx.t("watch.delayed.during", {
            minutes,
            timecode: timecode(s.position.filmOffsetMs),
            at: discordTimestamp(watch.now() + minutes * MINUTE, "T"),
            relative: discordTimestamp(watch.now() + minutes * MINUTE, "R"),
          });
    await ctx.respond.send({ content });
    return;
  }
  const r = await watch.end(guildId, party, ctx.channelId);
  if (!r.ok) throw userError(r);
  await ctx.respond.send({ content: ctx.t("watch.ended", { part: partName(v, r.session.partId) }) });
}

const timecode = formatTimecode;

async function calendar(ctx: CommandContext, guildId: string): Promise<void> {
  const watch = service(ctx);
  await ctx.respond.defer({ ephemeral: true });
  const found = await watch.find(guildId, ctx.options.string("party"), ctx.channelId);
  if (!found.ok) throw userError(found);
  const series = await watch.series(guildId, found.session.id);
  if (!series.ok) throw userError(series);
  const plan = planOfSessions(
    series.sessions.map((s) => s.state),
    series.series.createdAt,
  );
  if (!plan) throw new UserError("watch.error.not-found");
  const t = ctx.t;
  const title = series.series.title ? series.series.title : t("watch.ics.title");
  const partTitle = (id: string) => partName(view(ctx), id);
  const ics = buildIcs(plan, {
    title,
    prodId: "-//westofthetracks-bot//watchalong//EN",
    uid: series.series.id,
    locale: ctx.locale,
    url: `https://discord.com/channels/${guildId}/${series.series.channelId}`,
    describe: (e) => {
      switch (e.kind) {
        case "block":
          return {
            summary:
              e.session.blocks.length > 1
                ? t("watch.ics.blockOf", { title, part: partTitle(e.session.part), n: e.block.index, count: e.session.blocks.length })
                : t("watch.ics.block", { title, part: partTitle(e.session.part) }),
          };
        case "intermission":
          return { summary: t("watch.ics.intermission", { title, minutes: Math.round(e.intermission.durationMs / MINUTE) }) };
        case "break":
          return { summary: t("watch.ics.break", { title, minutes: Math.round(e.break.durationMs / MINUTE) }) };
      }
    },
  });
  await ctx.respond.send({
    content: t("watch.calendar", { title: partyTitle(t, series.series.title) }),
    files: [{ name: `watchparty-${series.series.id}.ics`, data: Buffer.from(ics, "utf8") }],
    ephemeral: true,
  });
}

export const watchparty: SubcommandModule = {
  data: {
    type: ApplicationCommandOptionType.SubcommandGroup,
    ...named("cmd.watch.name"),
    ...described("cmd.watch.description"),
    options: [
      sub("schedule", scheduleOptions),
      sub("list", []),
      sub("status"),
      sub("whereami"),
      sub("pause"),
      sub("resume"),
      sub("delay", [
        {
          type: ApplicationCommandOptionType.Integer,
          ...named("watch.opt.minutes.name"),
          ...described("watch.opt.minutes.description"),
          required: true,
          min_value: 1,
          max_value: MAX_DELAY_MIN,
        },
        partyOption(),
      ]),
      sub("end"),
      sub("cancel"),
      sub("calendar"),
    ],
  },
  async execute(ctx) {
    const guildId = requireGuild(ctx);
    const subcommand = ctx.options.subcommand();
    switch (subcommand) {
      case "schedule":
        return schedule(ctx, guildId);
      case "list": {
        const watch = service(ctx);
        await ctx.respond.defer({ ephemeral: true });
        const list = await watch.list(guildId);
        await ctx.respond.send({ ...listMessage(view(ctx), list), ephemeral: true });
        return;
      }
      case "status":
      case "whereami": {
        const watch = service(ctx);
        await ctx.respond.defer({ ephemeral: true });
        const s = await watch.status(guildId, ctx.options.string("party"), ctx.channelId);
        if (!s.ok) throw userError(s);
        if (subcommand === "status") await ctx.respond.send({ ...statusMessage(view(ctx), s.status), ephemeral: true });
        else await ctx.respond.send({ content: whereamiText(view(ctx), s.status), ephemeral: true });
        return;
      }
      case "pause":
      case "resume":
      case "delay":
      case "end":
        return hostAction(ctx, guildId, subcommand);
      case "cancel": {
        const watch = service(ctx);
        await ctx.respond.defer({ ephemeral: true });
        await hostCheck(ctx, guildId);
        const found = await watch.find(guildId, ctx.options.string("party"), ctx.channelId);
        if (!found.ok) throw userError(found);
        const series = await watch.series(guildId, found.session.id);
        if (!series.ok) throw userError(series);
        const live = series.sessions.filter((s) => ["scheduled", "running", "paused"].includes(s.session.status));
        if (live.length === 0) throw new UserError("watch.error.over");
        const message = cancelConfirmMessage(view(ctx), { sessionId: found.session.id, title: series.series.title, count: live.length });
        await ctx.respond.send({ ...message, ephemeral: true });
        return;
      }
      case "calendar":
        return calendar(ctx, guildId);
      default:
        throw new UserError("error.unknownCommand");
    }
  },
  async autocomplete(ctx) {
    const focused = ctx.options.focused();
    if (!focused) return ctx.respond.choices([]);
    const query = focused.value.slice(0, 64).trim().toLowerCase();
    if (focused.name === "timezone") {
      await ctx.respond.choices(suggestTimeZones(query, 25).map((z) => ({ name: z, value: z })));
      return;
    }
    if (focused.name === "edition") {
      const editions = ctx.services.knowledge.editions.filter((e) => query === "" || e.id.includes(query) || e.name[ctx.locale].toLowerCase().includes(query));
      await ctx.respond.choices(editions.slice(0, 25).map((e) => ({ name: e.name[ctx.locale].slice(0, 100), value: e.id })));
      return;
    }
    if (focused.name === "party" && ctx.guildId && ctx.services.watch) {
      const list = await ctx.services.watch.list(ctx.guildId);
      const v = view(ctx);
      const choices = list
        .filter((s) => query === "" || s.session.id.startsWith(query) || partName(v, s.session.partId).toLowerCase().includes(query))
        .slice(0, 25)
        .map((s) => ({
          name: `${partName(v, s.session.partId)} · ${formatWallClock(s.startsAt, s.state.zone)} ${s.state.zone} · ${s.session.id}`.slice(0, 100),
          value: s.session.id,
        }));
      await ctx.respond.choices(choices);
      return;
    }
    await ctx.respond.choices([]);
  },
};

// ---------------------------------------------------------------------------------------------------
// Buttons

/** Confirm / Cancel under the host's preview. The plan is in the store; the button carries its id. */
export const watchConfirmButtons: ComponentModule = {
  handler: "wpc",
  async execute(ctx) {
    const guildId = requireGuild(ctx);
    const watch = service(ctx);
    const [draftId, answer] = ctx.args;
    if (!draftId) throw new UserError("error.staleButton");
    await hostCheck(ctx, guildId);
    if (answer !== "yes") {
      await watch.discard(draftId, guildId);
      await ctx.respond.update({ content: ctx.t("watch.discarded"), embeds: [], components: [] });
      return;
    }
    // The service checks that the presser made the plan (not-yours), inside the same confirm.
    const result = await watch.confirm(draftId, { guildId, userId: ctx.userId });
    if (!result.ok) throw userError(result);
    ctx.log.info({ guildId, seriesId: result.series.id }, "watch party confirmed");
    await ctx.respond.update({ content: ctx.t("watch.confirmed", { channel: result.series.channelId, id: result.sessions[0]?.id ?? result.series.id }), embeds: [], components: [] });
  },
};

/** RSVP buttons on the announcement (the counts update in place) and the Ready button of the get-ready call. */
export const watchRsvpButtons: ComponentModule = {
  handler: "wpr",
  async execute(ctx) {
    const guildId = requireGuild(ctx);
    const watch = service(ctx);
    const [sessionId, answer] = ctx.args;
    if (!sessionId) throw new UserError("error.staleButton");
    if (answer === "ready") {
      const r = await watch.ready(guildId, sessionId, ctx.userId);
      if (!r.ok) throw userError(r);
      await ctx.respond.send({ content: ctx.t("watch.ready.saved", { ready: r.ready, going: Math.max(r.going, r.ready) }), ephemeral: true });
      return;
    }
    if (answer !== "going" && answer !== "maybe" && answer !== "no") throw new UserError("error.staleButton");
    const r = await watch.rsvp(guildId, sessionId, ctx.userId, answer);
    if (!r.ok) throw userError(r);
    const series = await watch.series(guildId, sessionId);
    if (!series.ok) throw userError(series);
    const first = series.sessions[0]!;
    const v = view(ctx);
    // The announcement is in the channel's language, whoever presses.
    const channelView: WatchView = { ...v, locale: first.state.locale, t: translator(first.state.locale) };
    await ctx.respond.update(
      announcementMessage(channelView, {
        seriesId: series.series.id,
        title: series.series.title,
        hostId: series.series.createdBy,
        channelId: series.series.channelId,
        voiceChannelId: first.state.voiceChannelId,
        sessions: series.sessions,
      }),
    );
    const mine = series.sessions.find((s) => s.session.id === sessionId);
    await ctx.respond.followUp({
      content: ctx.t(`watch.rsvp.saved.${answer}`, {
        part: partName(v, mine?.session.partId ?? ""),
        at: discordTimestamp(mine?.startsAt ?? 0, "F"),
      }),
      ephemeral: true,
    });
  },
};

/** The cancel confirmation. */
export const watchCancelButtons: ComponentModule = {
  handler: "wpx",
  async execute(ctx) {
    const guildId = requireGuild(ctx);
    const watch = service(ctx);
    await hostCheck(ctx, guildId);
    const [sessionId, answer] = ctx.args;
    if (!sessionId) throw new UserError("error.staleButton");
    if (answer !== "yes") {
      await ctx.respond.update({ content: ctx.t("watch.cancel.kept"), embeds: [], components: [] });
      return;
    }
    const r = await watch.cancel(guildId, sessionId, ctx.userId);
    if (!r.ok) throw userError(r);
    await ctx.respond.update({ content: ctx.t("watch.cancel.done"), embeds: [], components: [] });
  },
};
