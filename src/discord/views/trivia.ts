/**
 * Club trivia as Discord messages: the question with its four answer buttons, the reveal that replaces
 * it, the start and final standings, the leaderboard with page buttons, a member's record and the help.
 * Pure: plain data in, plain API JSON out. Every time is a Discord timestamp; mentions are shown but the
 * callers send them with `allowed_mentions: { parse: [] }`, so nobody is pinged.
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
} from "discord-api-types/v10";
import type { Locale, Localized } from "../../knowledge/schema.js";
import type { MessageKey, Translator } from "../../i18n/index.js";
import type { LeaderboardRow, UserStats } from "../../store/index.js";
import type { Standing } from "../../trivia/engine.js";
import type { ScoringRules } from "../../trivia/scoring.js";
import type { RoundQuestion } from "../../trivia/select.js";
import { discordTimestamp } from "../../watchalong/time.js";
import { encodeCustomId } from "../customId.js";
import { LIMITS, NO_MENTIONS, truncate } from "../limits.js";
import { FILM_COLOUR, footer, listFields } from "./common.js";

export const ANSWER_HANDLER = "trivia";
export const LEADERBOARD_HANDLER = "tlb";
export const LETTERS = ["A", "B", "C", "D", "E", "F"] as const;
export const LEADERBOARD_PERIODS = ["all", "season", "week"] as const;
export type LeaderboardPeriod = (typeof LEADERBOARD_PERIODS)[number];
export const LEADERBOARD_PAGE_SIZE = 10;

const RIGHT_COLOUR = 0x3ba55c;

type Row = APIActionRowComponent<APIButtonComponent>;

export interface TriviaMessage {
  content?: string;
  embeds: APIEmbed[];
  components: Row[];
  allowed_mentions: typeof NO_MENTIONS;
}

export function letter(index: number): string {
  return LETTERS[index] ?? String(index + 1);
}

/** `wt1:trivia:<roundId>:<questionIndex>:<choice>` */
export function answerButtonId(roundId: string, questionIndex: number, choice: number): string {
  return encodeCustomId(ANSWER_HANDLER, roundId, questionIndex, choice);
}

/** `wt1:tlb:<period>:<page>` (page is 0-based). */
export function leaderboardButtonId(period: LeaderboardPeriod, page: number): string {
  return encodeCustomId(LEADERBOARD_HANDLER, period, page);
}

export interface QuestionView {
  t: Translator;
  locale: Locale;
  roundId: string;
  index: number;
  total: number;
  question: RoundQuestion;
  /** The part's title ("Rust · 工厂"), or null for a general question. */
  partLabel: string | null;
  colour: number;
  difficultyLabel: string;
}

function text(value: Localized, locale: Locale): string {
  return value[locale];
}

function optionLines(view: QuestionView, mark?: { correct: number }): string {
  return view.question.options
    .map((o, i) => {
      const line = `**${letter(i)}.** ${text(o, view.locale)}`;
      if (!mark) return line;
      return i === mark.correct ? `✅ ${line}` : `▫️ ${line}`;
    })
    .join("\n");
}

function questionFooter(view: QuestionView): NonNullable<APIEmbed["footer"]> {
  return { text: view.t("trivia.q.footer", { part: view.partLabel ?? view.t("trivia.q.general"), difficulty: view.difficultyLabel }) };
}

function buttons(view: QuestionView, reveal?: { correct: number }): Row[] {
  return [
    {
      type: ComponentType.ActionRow,
      components: view.question.options.map(
        (o, i): APIButtonComponent => ({
          type: ComponentType.Button,
          style: reveal ? (i === reveal.correct ? ButtonStyle.Success : ButtonStyle.Secondary) : ButtonStyle.Primary,
          custom_id: answerButtonId(view.roundId, view.index, i),
          label: truncate(`${letter(i)}. ${text(o, view.locale)}`, LIMITS.buttonLabel),
          ...(reveal ? { disabled: true } : {}),
        }),
      ),
    },
  ];
}

/** The open question: text, options, closing time, four answer buttons. */
export function questionMessage(view: QuestionView, deadline: number): TriviaMessage {
  const { t } = view;
  return {
    embeds: [
      {
        title: t("trivia.q.title", { number: view.index + 1, total: view.total }),
        description: `### ${text(view.question.question, view.locale)}\n\n${optionLines(view)}\n\n${t("trivia.q.closes", {
          relative: discordTimestamp(deadline, "R"),
          time: discordTimestamp(deadline, "T"),
        })}`,
        color: view.colour,
        footer: questionFooter(view),
      },
    ],
    components: buttons(view),
    allowed_mentions: NO_MENTIONS,
  };
}

export interface RevealLine {
  userId: string;
  points: number;
}

/** The closed question: the answer marked, the explanation, who got it right (fastest first). */
export function revealMessage(
  view: QuestionView,
  reveal: { closedAt: number; right: readonly RevealLine[]; answered: number },
): TriviaMessage {
  const { t } = view;
  const correct = view.question.answer;
  const option = view.question.options[correct];
  const rightLines = reveal.right.map((r) => `<@${r.userId}> ${t("trivia.points", { points: r.points })}`);
  const fields =
    rightLines.length > 0
      ? listFields(t("trivia.reveal.right"), t("trivia.reveal.right"), rightLines)
      : [{ name: t("trivia.reveal.right"), value: t("trivia.reveal.nobody") }];
  return {
    embeds: [
      {
        title: t("trivia.q.title", { number: view.index + 1, total: view.total }),
        description: [
          `### ${text(view.question.question, view.locale)}`,
          optionLines(view, { correct }),
          t("trivia.reveal.answer", { letter: letter(correct), option: option ? text(option, view.locale) : "" }),
          `*${text(view.question.explanation, view.locale)}*`,
          t("trivia.reveal.counts", { answered: reveal.answered, right: reveal.right.length }),
          t("trivia.reveal.closed", { time: discordTimestamp(reveal.closedAt, "T") }),
        ].join("\n\n"),
        color: reveal.right.length > 0 ? RIGHT_COLOUR : view.colour,
        fields,
        footer: questionFooter(view),
      },
    ],
    components: buttons(view, { correct }),
    allowed_mentions: NO_MENTIONS,
  };
}

export function rulesText(t: Translator, rules: ScoringRules): string {
  return `${t("trivia.rules.body", { ...rules })}\n${t("trivia.rules.early")}`;
}

export interface StartView {
  t: Translator;
  questions: number;
  seconds: number;
  firstAt: number;
  startedBy: string | null;
  origin: "command" | "schedule" | "after-part";
  spoilers: boolean;
  partLabel: string | null;
  difficultyLabel: string | null;
  rules: ScoringRules;
}

/** "Round starting" with its settings and the scoring rules. */
export function startMessage(view: StartView): TriviaMessage {
  const { t } = view;
  const lines = [t("trivia.start.body", { questions: view.questions, seconds: view.seconds, when: discordTimestamp(view.firstAt, "R") })];
  if (view.origin === "schedule") lines.push(t("trivia.start.scheduled"));
  if (view.origin === "after-part" && view.partLabel) lines.push(t("trivia.start.afterPart", { part: view.partLabel }));
  if (view.origin === "command" && view.startedBy) lines.push(t("trivia.start.by", { user: view.startedBy }));
  const scope = [view.spoilers ? t("trivia.start.spoilersOn") : t("trivia.start.spoilerSafe")];
  if (view.partLabel) scope.push(t("trivia.start.part", { part: view.partLabel }));
  if (view.difficultyLabel) scope.push(t("trivia.start.difficulty", { difficulty: view.difficultyLabel }));
  return {
    embeds: [
      {
        title: t("trivia.start.title"),
        description: lines.join("\n"),
        color: FILM_COLOUR,
        fields: [
          { name: t("trivia.start.questions"), value: scope.join("\n") },
          { name: t("trivia.rules.title"), value: rulesText(t, view.rules) },
        ],
        footer: footer(t, t("cmd.trivia.name")),
      },
    ],
    components: [],
    allowed_mentions: NO_MENTIONS,
  };
}

export interface StandingsView {
  t: Translator;
  standings: readonly Standing[];
  /** Questions closed in the round. */
  asked: number;
  stopped: boolean;
  stoppedBy?: string | null;
  note?: MessageKey | null;
}

/** The final (or so far) standings of a round. */
export function standingsMessage(view: StandingsView): TriviaMessage {
  const { t } = view;
  const lines = view.standings
    .filter((s) => s.answered > 0)
    .map((s) =>
      t("trivia.standings.line", { rank: s.rank, user: s.userId, points: s.points, correct: s.correct, asked: view.asked, streak: s.bestStreak }),
    );
  const head: string[] = [];
  if (view.note) head.push(t(view.note));
  if (view.stoppedBy) head.push(t("trivia.end.stoppedBy", { user: view.stoppedBy }));
  const body = lines.length > 0 ? lines.join("\n") : t("trivia.standings.empty");
  return {
    embeds: [
      {
        title: view.stopped ? t("trivia.standings.stopped") : t("trivia.standings.title"),
        description: truncate([...head, body].join("\n\n"), LIMITS.description),
        color: FILM_COLOUR,
        footer: { text: t("trivia.standings.footer") },
      },
    ],
    components: [],
    allowed_mentions: NO_MENTIONS,
  };
}

export function periodLabel(t: Translator, period: LeaderboardPeriod): string {
  return t(period === "all" ? "choice.period.all" : period === "season" ? "choice.period.season" : "choice.period.week");
}

function accuracy(correct: number, answered: number): number {
  return answered > 0 ? Math.round((100 * correct) / answered) : 0;
}

/** One page of the leaderboard with previous / next buttons. */
export function leaderboardMessage(
  t: Translator,
  input: { period: LeaderboardPeriod; page: number; total: number; rows: readonly LeaderboardRow[] },
): TriviaMessage {
  const pages = Math.max(1, Math.ceil(input.total / LEADERBOARD_PAGE_SIZE));
  const page = Math.min(Math.max(0, input.page), pages - 1);
  const lines = input.rows.map((r) =>
    t("trivia.lb.line", { rank: r.rank, user: r.userId, points: r.points, accuracy: accuracy(r.correct, r.answered), rounds: r.rounds }),
  );
  const components: Row[] =
    pages > 1
      ? [
          {
            type: ComponentType.ActionRow,
            components: [
              {
                type: ComponentType.Button,
                style: ButtonStyle.Secondary,
                custom_id: leaderboardButtonId(input.period, Math.max(0, page - 1)),
                label: t("label.previous"),
                disabled: page === 0,
              },
              {
                type: ComponentType.Button,
                style: ButtonStyle.Secondary,
                custom_id: leaderboardButtonId(input.period, Math.min(pages - 1, page + 1)),
                label: t("label.next"),
                disabled: page >= pages - 1,
              },
            ],
          },
        ]
      : [];
  return {
    embeds: [
      {
        title: t("trivia.lb.title", { period: periodLabel(t, input.period) }),
        description: lines.length > 0 ? lines.join("\n") : t("trivia.lb.empty"),
        color: FILM_COLOUR,
        footer: { text: t("trivia.lb.page", { page: page + 1, pages }) },
      },
    ],
    components,
    allowed_mentions: NO_MENTIONS,
  };
}

/** A member's record: one field per period they played in. */
export function statsMessage(t: Translator, userId: string, stats: readonly { period: LeaderboardPeriod; stats: UserStats }[]): TriviaMessage {
  if (stats.length === 0) {
    return { content: t("trivia.stats.none", { user: userId }), embeds: [], components: [], allowed_mentions: NO_MENTIONS };
  }
  return {
    embeds: [
      {
        title: t("trivia.stats.title"),
        description: t("trivia.stats.who", { user: userId }),
        color: FILM_COLOUR,
        fields: stats.map(({ period, stats: s }) => ({
          name: periodLabel(t, period),
          value: t("trivia.stats.value", {
            points: s.points,
            rank: s.rank,
            answered: s.answered,
            accuracy: accuracy(s.correct, s.answered),
            best: s.bestStreak,
            rounds: s.rounds,
          }),
          inline: true,
        })),
        footer: footer(t, t("cmd.trivia.name")),
      },
    ],
    components: [],
    allowed_mentions: NO_MENTIONS,
  };
}

export function triviaHelpMessage(t: Translator, rules: ScoringRules): TriviaMessage {
  return {
    embeds: [
      {
        title: t("trivia.help.title"),
        description: `${t("trivia.help.body")}\n\n${t("trivia.help.spoilers")}`,
        color: FILM_COLOUR,
        fields: [{ name: t("trivia.rules.title"), value: rulesText(t, rules) }],
        footer: footer(t, t("cmd.trivia.name")),
      },
    ],
    components: [],
    allowed_mentions: NO_MENTIONS,
  };
}

export function scheduledMessage(
  t: Translator,
  s: { channelId: string; cron: string; timezone: string; questions: number; seconds: number; next: number; replaced: boolean },
): TriviaMessage {
  const body = t("trivia.scheduled.body", {
    questions: s.questions,
    seconds: s.seconds,
    channel: s.channelId,
    cron: s.cron,
    timezone: s.timezone,
    next: discordTimestamp(s.next, "F"),
    relative: discordTimestamp(s.next, "R"),
  });
  return {
    embeds: [
      {
        title: t("trivia.scheduled.title"),
        description: s.replaced ? `${body}\n${t("trivia.scheduled.replaced")}` : body,
        color: FILM_COLOUR,
        footer: footer(t, t("cmd.trivia.name")),
      },
    ],
    components: [],
    allowed_mentions: NO_MENTIONS,
  };
}
