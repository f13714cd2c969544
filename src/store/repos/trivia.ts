import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { defaultPeriodKeys } from "../periods.js";
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
    async recordAnswer(a: NewTriviaAnswer): Promise<{ recorded: boolean }> {
      const periodKeys = [...new Set(a.periodKeys ?? defaultPeriodKeys(a.answeredAt))];
      return inTransaction(db, async (trx) => {
        const earlier = await trx
          .selectFrom("trivia_answers")
          .select("question_index")
          .where("round_id", "=", a.roundId)
          .where("user_id", "=", a.userId)
          .limit(1)
          .executeTakeFirst();
        const inserted = await trx
          .insertInto("trivia_answers")
          .values({
            round_id: a.roundId,
            question_index: a.questionIndex,
            user_id: a.userId,
            guild_id: a.guildId,
            question_id: a.questionId,
            choice: a.choice,
            correct: intBool(a.correct),
            points: a.points,
            answered_at: a.answeredAt,
            latency_ms: a.latencyMs,
          })
          .onConflict((oc) => oc.columns(["round_id", "question_index", "user_id"]).doNothing())
          .returning("round_id")
          .executeTakeFirst();
        if (!inserted) return { recorded: false };
        if (periodKeys.length === 0) return { recorded: true };
        const correct = intBool(a.correct);
        const now = ctx.now();
        await trx
          .insertInto("trivia_scores")
          .values(
            periodKeys.map((periodKey) => ({
              guild_id: a.guildId,
              user_id: a.userId,
              period_key: periodKey,
              points: a.points,
              answered: 1,
              correct,
              current_streak: correct,
              best_streak: correct,
              rounds: earlier ? 0 : 1,
              updated_at: now,
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
          )
          .execute();
        return { recorded: true };
      });
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
