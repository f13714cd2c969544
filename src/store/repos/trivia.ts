import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { defaultPeriodKeys } from "../periods.js";
import { prepared } from "../prepared.js";
import type { Database, Row, RowUpdate } from "../schema.js";
import type {
  LeaderboardRow,
  NewTriviaAnswer,
  NewTriviaRound,
  RoundStatus,
  TriviaAnswer,
  TriviaRound,
  TriviaRoundPatch,
  UserStats,
} from "../types.js";
import { bool, inTransaction, intBool, parseJson, toJson, type RepoContext } from "./context.js";

const RUNNING = sql.lit("running");

/** What `recordAnswer` may be told by a caller that already read the member's earlier answers. */
export interface RecordAnswerInput extends NewTriviaAnswer {
  /**
   * Whether this is the member's first answer in the round (it counts a round played). When omitted it is
   * read from the database; a caller that already read the member's answers of this round passes it.
   */
  firstInRound?: boolean;
}

/** A member's earlier answers in a round, as the answer path needs them (streak, rounds played). */
export interface MemberAnswer {
  questionIndex: number;
  correct: boolean;
  points: number;
}

/** Who has answered a round so far, around question `index` (the early-close rule). */
export interface QuestionTally {
  /** Members who answered a question before `index`. */
  joinedBefore: number;
  /** Members who answered any question up to and including `index`. */
  joined: number;
  /** Answers to question `index`. */
  answeredNow: number;
}

// The answer path's statements, built once per dialect (see ../prepared.ts).

const lockQuestionQuery = prepared<"id" | "index", { question_started_at: number | null }>((db, arg) =>
  db
    .updateTable("trivia_rounds")
    .set({ current_index: arg("index") })
    .where("id", "=", arg("id"))
    .where("status", "=", RUNNING)
    .where("current_index", "=", arg("index"))
    .returning("question_started_at"),
);

const memberAnswersQuery = prepared<"round" | "user", { question_index: number; correct: number; points: number }>((db, arg) =>
  db
    .selectFrom("trivia_answers")
    .select(["question_index", "correct", "points"])
    .where("round_id", "=", arg("round"))
    .where("user_id", "=", arg("user"))
    .orderBy("question_index"),
);

const tallyQuery = prepared<"round" | "index", { joined_before: number; joined: number; answered_now: number }>((db, arg) =>
  db
    .selectFrom("trivia_answers")
    .select((eb) => [
      eb.fn.count<number>(eb.case().when("question_index", "<", arg("index")).then(eb.ref("user_id")).end()).distinct().as("joined_before"),
      eb.fn.count<number>("user_id").distinct().as("joined"),
      eb.fn.count<number>(eb.case().when("question_index", "=", arg("index")).then(eb.ref("user_id")).end()).as("answered_now"),
    ])
    .where("round_id", "=", arg("round"))
    .where("question_index", "<=", arg("index")),
);

const earlierAnswerQuery = prepared<"round" | "user", { question_index: number }>((db, arg) =>
  db.selectFrom("trivia_answers").select("question_index").where("round_id", "=", arg("round")).where("user_id", "=", arg("user")).limit(1),
);

type AnswerArg = "round" | "index" | "user" | "guild" | "question" | "choice" | "correct" | "points" | "at" | "latency";
const insertAnswerQuery = prepared<AnswerArg, { round_id: string }>((db, arg) =>
  db
    .insertInto("trivia_answers")
    .values({
      round_id: arg("round"),
      question_index: arg("index"),
      user_id: arg("user"),
      guild_id: arg("guild"),
      question_id: arg("question"),
      choice: arg("choice"),
      correct: arg("correct"),
      points: arg("points"),
      answered_at: arg("at"),
      latency_ms: arg("latency"),
    })
    .onConflict((oc) => oc.columns(["round_id", "question_index", "user_id"]).doNothing())
    .returning("round_id"),
);

type ScoreArg = "guild" | "user" | "points" | "correct" | "rounds" | "now" | `key${number}`;
/** The score upsert for `n` period keys (one statement, `n` rows), built once per `n` and dialect. */
const scoreUpserts = new Map<number, ReturnType<typeof prepared<ScoreArg, never>>>();
function scoreUpsertQuery(n: number) {
  let q = scoreUpserts.get(n);
  if (!q) {
    q = prepared<ScoreArg, never>((db, arg) =>
      db
        .insertInto("trivia_scores")
        .values(
          Array.from({ length: n }, (_, i) => ({
            guild_id: arg("guild"),
            user_id: arg("user"),
            period_key: arg(`key${i}`),
            points: arg("points"),
            answered: 1,
            correct: arg("correct"),
            current_streak: arg("correct"),
            best_streak: arg("correct"),
            rounds: arg("rounds"),
            updated_at: arg("now"),
          })),
        )
        .onConflict((oc) =>
          oc.columns(["guild_id", "user_id", "period_key"]).doUpdateSet((eb) => {
            const cur = eb.ref("trivia_scores.current_streak");
            const best = eb.ref("trivia_scores.best_streak");
            const isCorrect = eb(eb.ref("excluded.correct"), "=", 1);
            return {
              points: eb(eb.ref("trivia_scores.points"), "+", eb.ref("excluded.points")),
              answered: eb(eb.ref("trivia_scores.answered"), "+", 1),
              correct: eb(eb.ref("trivia_scores.correct"), "+", eb.ref("excluded.correct")),
              rounds: eb(eb.ref("trivia_scores.rounds"), "+", eb.ref("excluded.rounds")),
              current_streak: eb.case().when(isCorrect).then(eb(cur, "+", 1)).else(0).end(),
              best_streak: eb
                .case()
                .when(eb.and([isCorrect, eb(eb(cur, "+", 1), ">", best)]))
                .then(eb(cur, "+", 1))
                .else(best)
                .end(),
              updated_at: eb.ref("excluded.updated_at"),
            };
          }),
        ),
    );
    scoreUpserts.set(n, q);
  }
  return q;
}

/** `defaultPeriodKeys`, remembered for the last UTC hour seen: the keys change only at UTC midnights. */
let periodKeysCache: { hour: number; keys: readonly string[] } | null = null;
function periodKeysAt(at: number): readonly string[] {
  const hour = Math.floor(at / 3_600_000);
  if (periodKeysCache?.hour !== hour) periodKeysCache = { hour, keys: Object.freeze([...new Set(defaultPeriodKeys(at))]) };
  return periodKeysCache.keys;
}

function roundFromRow<S>(r: Row<"trivia_rounds">): TriviaRound<S> {
  return {
    id: r.id,
    guildId: r.guild_id,
    channelId: r.channel_id,
    startedBy: r.started_by,
    status: r.status as RoundStatus,
    questionIds: parseJson<string[]>(r.question_ids) ?? [],
    currentIndex: r.current_index,
    questionStartedAt: r.question_started_at,
    settings: parseJson<S>(r.settings) as S,
    createdAt: r.created_at,
    endedAt: r.ended_at,
  };
}

function answerFromRow(r: Row<"trivia_answers">): TriviaAnswer {
  return {
    roundId: r.round_id,
    questionIndex: r.question_index,
    userId: r.user_id,
    guildId: r.guild_id,
    questionId: r.question_id,
    choice: r.choice,
    correct: bool(r.correct),
    points: r.points,
    answeredAt: r.answered_at,
    latencyMs: r.latency_ms,
  };
}

function roundPatch(p: TriviaRoundPatch): RowUpdate<"trivia_rounds"> {
  const u: RowUpdate<"trivia_rounds"> = {};
  if (p.status !== undefined) u.status = p.status;
  if (p.questionIds !== undefined) u.question_ids = toJson(p.questionIds);
  if (p.currentIndex !== undefined) u.current_index = p.currentIndex;
  if (p.questionStartedAt !== undefined) u.question_started_at = p.questionStartedAt;
  if (p.settings !== undefined) u.settings = toJson(p.settings);
  if (p.endedAt !== undefined) u.ended_at = p.endedAt;
  return u;
}

export function triviaRepo(db: Kysely<Database>, ctx: RepoContext) {
  async function activeRoundInChannel<S = unknown>(channelId: string): Promise<TriviaRound<S> | null> {
    const row = await db
      .selectFrom("trivia_rounds")
      .selectAll()
      .where("channel_id", "=", channelId)
      .where("status", "=", RUNNING)
      .executeTakeFirst();
    return row ? roundFromRow<S>(row) : null;
  }

  return {
    /**
     * Starts a round, unless one is already running in the channel (the database allows one per
     * channel): then returns that one with `created: false`.
     */
    async createRound<S = unknown>(
      input: NewTriviaRound<S>,
    ): Promise<{ created: true; round: TriviaRound<S> } | { created: false; existing: TriviaRound<S> }> {
      for (let attempt = 0; attempt < 3; attempt++) {
        const row = await db
          .insertInto("trivia_rounds")
          .values({
            id: input.id ?? randomUUID(),
            guild_id: input.guildId,
            channel_id: input.channelId,
            started_by: input.startedBy,
            question_ids: toJson(input.questionIds),
            question_started_at: input.questionStartedAt ?? null,
            settings: toJson(input.settings ?? {}),
            created_at: ctx.now(),
          })
          .onConflict((oc) => oc.column("channel_id").where("status", "=", RUNNING).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (row) return { created: true, round: roundFromRow<S>(row) };
        const existing = await activeRoundInChannel<S>(input.channelId);
        if (existing) return { created: false, existing };
        // It ended between our insert and our look: try again.
      }
      throw new Error(`createRound: channel ${input.channelId} keeps changing`);
    },

    async getRound<S = unknown>(id: string): Promise<TriviaRound<S> | null> {
      const row = await db.selectFrom("trivia_rounds").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? roundFromRow<S>(row) : null;
    },

    /** The running round in the channel, if any. `guildId` is accepted for symmetry; channels are unique. */
    async activeRoundInChannel<S = unknown>(_guildId: string, channelId: string): Promise<TriviaRound<S> | null> {
      return activeRoundInChannel<S>(channelId);
    },

    /**
     * The channel's most recent round (running or not), by creation time: its `endedAt` drives the
     * per-channel cooldown and its questions are avoided by the next round.
     */
    async lastRoundInChannel<S = unknown>(guildId: string, channelId: string): Promise<TriviaRound<S> | null> {
      const row = await db
        .selectFrom("trivia_rounds")
        .selectAll()
        .where("guild_id", "=", guildId)
        .where("channel_id", "=", channelId)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      return row ? roundFromRow<S>(row) : null;
    },

    /** Running rounds of every guild (what a restarted bot must resume or close). */
    async listRunningRounds(): Promise<TriviaRound[]> {
      const rows = await db.selectFrom("trivia_rounds").selectAll().where("status", "=", RUNNING).orderBy("created_at").execute();
      return rows.map((r) => roundFromRow(r));
    },

    /**
     * Changes the round; with `expect`, only if it still has that status / question index
     * (compare-and-set, so two timers cannot both advance the same question). Null if nothing matched.
     */
    async updateRound<S = unknown>(
      id: string,
      patch: TriviaRoundPatch<S>,
      expect: { status?: RoundStatus; currentIndex?: number } = {},
    ): Promise<TriviaRound<S> | null> {
      let q = db
        .updateTable("trivia_rounds")
        .set(roundPatch(patch as TriviaRoundPatch))
        .where("id", "=", id);
      if (expect.status !== undefined) q = q.where("status", "=", expect.status);
      if (expect.currentIndex !== undefined) q = q.where("current_index", "=", expect.currentIndex);
      const row = await q.returningAll().executeTakeFirst();
      return row ? roundFromRow<S>(row) : null;
    },

    /**
     * Records a member's answer and credits their scores in the same transaction. A second answer to
     * the same question is ignored by the database (`recorded: false`, no exception, not counted).
     */
    async recordAnswer(a: RecordAnswerInput): Promise<{ recorded: boolean }> {
      const periodKeys = a.periodKeys ? [...new Set(a.periodKeys)] : periodKeysAt(a.answeredAt);
      return inTransaction(db, async (trx) => {
        const firstInRound =
          a.firstInRound ?? (await earlierAnswerQuery(trx, ctx.dialect, { round: a.roundId, user: a.userId })).rows.length === 0;
        const correct = intBool(a.correct);
        const inserted = await insertAnswerQuery(trx, ctx.dialect, {
          round: a.roundId,
          index: a.questionIndex,
          user: a.userId,
          guild: a.guildId,
          question: a.questionId,
          choice: a.choice,
          correct,
          points: a.points,
          at: a.answeredAt,
          latency: a.latencyMs,
        });
        if (inserted.rows.length === 0) return { recorded: false };
        if (periodKeys.length === 0) return { recorded: true };
        const args: Record<ScoreArg, unknown> = {
          guild: a.guildId,
          user: a.userId,
          points: a.points,
          correct,
          rounds: firstInRound ? 1 : 0,
          now: ctx.now(),
        };
        for (let i = 0; i < periodKeys.length; i++) args[`key${i}`] = periodKeys[i];
        await scoreUpsertQuery(periodKeys.length)(trx, ctx.dialect, args);
        return { recorded: true };
      });
    },

    /**
     * The guard of an answer, run first in its transaction: touches the round row under the condition the
     * close uses (running, at question `index`), so the answer serialises with the close (row lock on
     * PostgreSQL, one writer on SQLite). Returns the question's start time, or `undefined` when the round
     * is no longer running at that question.
     */
    async lockQuestion(roundId: string, index: number): Promise<number | null | undefined> {
      const r = await lockQuestionQuery(db, ctx.dialect, { id: roundId, index });
      const row = r.rows[0];
      return row ? row.question_started_at : undefined;
    },

    /** One member's answers in a round, by question. */
    async memberAnswers(roundId: string, userId: string): Promise<MemberAnswer[]> {
      const r = await memberAnswersQuery(db, ctx.dialect, { round: roundId, user: userId });
      return r.rows.map((x) => ({ questionIndex: x.question_index, correct: bool(x.correct), points: x.points }));
    },

    /** Counts for the early-close rule at question `index` (one aggregate over the round's answers). */
    async questionTally(roundId: string, index: number): Promise<QuestionTally> {
      const r = await tallyQuery(db, ctx.dialect, { round: roundId, index });
      const row = r.rows[0];
      return {
        joinedBefore: Number(row?.joined_before ?? 0),
        joined: Number(row?.joined ?? 0),
        answeredNow: Number(row?.answered_now ?? 0),
      };
    },

    /** Answers of a round (optionally one question), in answer order. */
    async answers(roundId: string, questionIndex?: number): Promise<TriviaAnswer[]> {
      let q = db.selectFrom("trivia_answers").selectAll().where("round_id", "=", roundId);
      if (questionIndex !== undefined) q = q.where("question_index", "=", questionIndex);
      const rows = await q.orderBy("question_index").orderBy("answered_at").orderBy("user_id").execute();
      return rows.map(answerFromRow);
    },

    /**
     * One page of the guild's leaderboard for a period, by points (ties by user id), with competition
     * ranks. Cost: a range scan of the board index for the page plus one count of the rows above it.
     */
    async leaderboard(
      guildId: string,
      periodKey: string,
      page: { offset?: number; limit?: number } = {},
    ): Promise<LeaderboardRow[]> {
      const offset = Math.max(0, Math.trunc(page.offset ?? 0));
      const limit = Math.min(100, Math.max(1, Math.trunc(page.limit ?? 10)));
      const rows = await db
        .selectFrom("trivia_scores")
        .select(["user_id", "points", "answered", "correct", "best_streak", "rounds"])
        .where("guild_id", "=", guildId)
        .where("period_key", "=", periodKey)
        .orderBy("points", "desc")
        .orderBy("user_id")
        .limit(limit)
        .offset(offset)
        .execute();
      const first = rows[0];
      if (!first) return [];
      const above = await db
        .selectFrom("trivia_scores")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("guild_id", "=", guildId)
        .where("period_key", "=", periodKey)
        .where("points", ">", first.points)
        .executeTakeFirstOrThrow();
      let rank = Number(above.n) + 1;
      let prevPoints = first.points;
      return rows.map((r, i) => {
        if (r.points !== prevPoints) rank = offset + i + 1;
        prevPoints = r.points;
        return {
          rank,
          userId: r.user_id,
          points: r.points,
          answered: r.answered,
          correct: r.correct,
          bestStreak: r.best_streak,
          rounds: r.rounds,
        };
      });
    },

    /** How many members have a score in the period (for "page 3 of 12"). */
    async leaderboardSize(guildId: string, periodKey: string): Promise<number> {
      const r = await db
        .selectFrom("trivia_scores")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("guild_id", "=", guildId)
        .where("period_key", "=", periodKey)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** A member's scores in every period they played (or only `periodKeys`), with their rank in each. */
    async stats(guildId: string, userId: string, periodKeys?: readonly string[]): Promise<UserStats[]> {
      let q = db.selectFrom("trivia_scores").selectAll().where("guild_id", "=", guildId).where("user_id", "=", userId);
      if (periodKeys) {
        if (periodKeys.length === 0) return [];
        q = q.where("period_key", "in", [...periodKeys]);
      }
      const rows = await q.orderBy("period_key").execute();
      const out: UserStats[] = [];
      for (const r of rows) {
        const above = await db
          .selectFrom("trivia_scores")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("guild_id", "=", guildId)
          .where("period_key", "=", r.period_key)
          .where("points", ">", r.points)
          .executeTakeFirstOrThrow();
        out.push({
          periodKey: r.period_key,
          points: r.points,
          answered: r.answered,
          correct: r.correct,
          currentStreak: r.current_streak,
          bestStreak: r.best_streak,
          rounds: r.rounds,
          rank: Number(above.n) + 1,
        });
      }
      return out;
    },
  };
}

export type TriviaRepo = ReturnType<typeof triviaRepo>;
