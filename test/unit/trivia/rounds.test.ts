import { afterEach, describe, expect, it } from "vitest";
import { AnnounceError } from "../../../src/announcer.js";
import { isSpoiler, loadTriviaBank } from "../../../src/trivia/bank.js";
import { scoreAnswer } from "../../../src/trivia/scoring.js";
import { JOB_SCHEDULED, startRoundAfterPart, triviaJobHandlers, type TriviaRoundRow } from "../../../src/trivia/rounds.js";
import { CHANNEL, GUILD, OTHER_CHANNEL, T0, rightChoice, smallBank, world, type World } from "./rounds-harness.js";

const ALICE = "300000000000000001";
const BOB = "300000000000000002";
const CAROL = "300000000000000003";

let w: World;
afterEach(async () => {
  await w.close();
});

async function startRound(options: { questions?: number; seconds?: number; channelId?: string; startedBy?: string } = {}): Promise<TriviaRoundRow> {
  const result = await w.service.start({
    guildId: GUILD,
    channelId: options.channelId ?? CHANNEL,
    startedBy: options.startedBy ?? ALICE,
    locale: "en",
    questions: options.questions ?? 3,
    seconds: options.seconds ?? 20,
  });
  if (!result.ok) throw new Error(`start failed: ${result.error}`);
  return result.round;
}

/** Runs the ask job of the next question and returns the round with the question open. */
async function openNext(id: string): Promise<TriviaRoundRow> {
  const before = await w.round(id);
  const pending = await w.store.jobs.listForGuild(GUILD, { statuses: ["pending"] });
  const ask = pending.find((j) => j.kind === "trivia:ask" && (j.payload as { roundId: string }).roundId === id);
  if (!ask) throw new Error("no ask job planned");
  if (w.clock.now() < ask.dueAt) w.clock.set(ask.dueAt);
  await w.runDue();
  const after = await w.round(id);
  expect(after.currentIndex).toBe(before.currentIndex);
  expect(after.questionStartedAt).toBe(ask.dueAt);
  return after;
}

async function pressAt(round: TriviaRoundRow, userId: string, latencyMs: number, choice: number, index = round.currentIndex) {
  w.clock.set((round.questionStartedAt ?? 0) + latencyMs);
  return w.service.answer({ roundId: round.id, questionIndex: index, choice, userId });
}

function wrong(choice: number): number {
  return (choice + 1) % 4;
}

async function toDeadline(round: TriviaRoundRow): Promise<string[]> {
  w.clock.set((round.questionStartedAt ?? 0) + round.settings.seconds * 1000);
  return w.runDue();
}

describe("a full round", () => {
  it("never closes the first question early: members still reading must get their full time", async () => {
    w = await world();
    const started = await startRound();
    const r = await openNext(started.id);
    const c1 = rightChoice(r, w.deps.bank, 0);
    expect((await pressAt(r, ALICE, 1000, c1)).closesEarly).toBe(false);
    expect((await pressAt(r, BOB, 1500, wrong(c1))).closesEarly).toBe(false);
    await w.runDue();
    expect((await w.round(r.id)).currentIndex).toBe(0);
    expect((await pressAt(r, CAROL, 10_000, c1)).outcome).toBe("locked-in");
  });

  it("scores three members to the point: right, wrong, late, double press, early close, standings", async () => {
    w = await world();
    const bank = w.deps.bank;
    const started = await startRound();
    expect(started.id).toMatch(/^[0-9a-z]{10}$/);
    expect(w.announcer.sends).toHaveLength(0);

    // Question 1: only Alice answers (one player joined: no early close); Bob presses at the deadline: late.
    let r = await openNext(started.id);
    expect(w.announcer.sends).toHaveLength(1);
    const q1 = w.announcer.sends[0]!;
    expect(q1.key).toMatch(/./);
    const buttons = JSON.stringify(q1.message.components);
    expect(buttons).toContain(`wt1:trivia:${r.id}:0:0`);
    expect(buttons).toContain(`wt1:trivia:${r.id}:0:3`);
    const embed = JSON.stringify(q1.message.embeds);
    expect(embed).toContain(`<t:${Math.floor((r.questionStartedAt! + 20_000) / 1000)}:R>`);
    expect(embed).toContain(`<t:${Math.floor((r.questionStartedAt! + 20_000) / 1000)}:T>`);
    expect(q1.message.allowed_mentions).toEqual({ parse: [] });

    const c1 = rightChoice(r, bank, 0);
    expect((await pressAt(r, ALICE, 2000, c1)).outcome).toBe("locked-in");
    expect((await pressAt(r, BOB, 20_000, c1)).outcome).toBe("time-up");
    expect(await toDeadline(r)).toContain("trivia:close");
    expect(w.announcer.edits).toHaveLength(1);
    const reveal1 = w.announcer.edits[0]!;
    expect(reveal1.messageId).toBe(q1.messageId);
    expect(JSON.stringify(reveal1.message.embeds)).toContain(`<@${ALICE}> +145`);
    expect(JSON.stringify(reveal1.message.embeds)).toContain("Because");
    expect(reveal1.message.allowed_mentions).toEqual({ parse: [] });
    expect(JSON.stringify(reveal1.message.components)).toContain('"disabled":true');

    // Question 2: Alice right (streak 2), Bob wrong and presses twice: both joined and answered -> closes early.
    r = await openNext(r.id);
    expect(r.currentIndex).toBe(1);
    expect(w.announcer.sends).toHaveLength(2);
    const c2 = rightChoice(r, bank, 1);
    expect((await pressAt(r, ALICE, 1000, c2)).outcome).toBe("locked-in");
    const bobFirst = await pressAt(r, BOB, 3000, wrong(c2));
    expect(bobFirst).toMatchObject({ outcome: "locked-in", closesEarly: true });
    // Through the scheduler's enqueue, so its precise timer wakes for the close.
    expect(w.enqueued.at(-1)).toMatchObject({ kind: "trivia:close", dueAt: w.clock.now(), payload: { roundId: r.id, index: 1, early: true } });
    expect((await pressAt(r, BOB, 3500, c2)).outcome).toBe("already-answered");
    // A button of the closed first question.
    expect((await w.service.answer({ roundId: r.id, questionIndex: 0, choice: c1, userId: CAROL })).outcome).toBe("not-current");
    await w.runDue(); // the early close, before the deadline
    r = await w.round(r.id);
    expect(r.currentIndex).toBe(2);
    expect(w.announcer.edits).toHaveLength(2);
    expect(JSON.stringify(w.announcer.edits[1]!.message.embeds)).toContain(`<@${ALICE}> +157`);
    expect((await w.service.answer({ roundId: r.id, questionIndex: 1, choice: 0, userId: CAROL })).outcome).toBe("not-current");

    // Question 3: Carol joins and is right, Alice wrong, Bob silent -> closes at the deadline; round ends.
    r = await openNext(r.id);
    const c3 = rightChoice(r, bank, 2);
    expect((await pressAt(r, CAROL, 4000, c3)).outcome).toBe("locked-in");
    expect((await pressAt(r, ALICE, 6000, wrong(c3))).outcome).toBe("locked-in");
    const kinds = await toDeadline(r);
    expect(kinds).toEqual(expect.arrayContaining(["trivia:close", "trivia:end"]));
    r = await w.round(r.id);
    expect(r.status).toBe("ended");
    expect(r.endedAt).toBe(w.clock.now());
    // The deadline close job of question 2 ran too (harmlessly) — no extra edits, no extra question.
    expect(w.announcer.edits).toHaveLength(3);
    expect(w.announcer.sends).toHaveLength(4); // 3 questions + standings
    const standings = JSON.stringify(w.announcer.sends[3]!.message.embeds);
    expect(standings).toContain("Final standings");
    const order = [ALICE, CAROL, BOB].map((u) => standings.indexOf(`<@${u}>`));
    expect(order[0]).toBeLessThan(order[1]!);
    expect(order[1]).toBeLessThan(order[2]!);
    expect(standings).toContain(`<@${ALICE}> · 302 points`);
    expect(standings).toContain(`<@${CAROL}> · 140 points`);
    expect(standings).toContain(`<@${BOB}> · 0 points`);

    const s = await w.service.standings(r.id);
    expect(s!.standings.map((x) => [x.userId, x.points, x.correct, x.answered, x.bestStreak])).toEqual([
      [ALICE, 302, 2, 3, 2],
      [CAROL, 140, 1, 1, 1],
      [BOB, 0, 0, 1, 0],
    ]);
    // Points stored at press time equal the engine's replay, and the leaderboard has them once.
    const answers = await w.store.trivia.answers(r.id);
    expect(answers).toHaveLength(5);
    expect(answers.reduce((n, a) => n + a.points, 0)).toBe(442);
    const board = await w.store.trivia.leaderboard(GUILD, "all");
    expect(board.map((b) => [b.userId, b.points, b.rounds])).toEqual([
      [ALICE, 302, 1],
      [CAROL, 140, 1],
      [BOB, 0, 1],
    ]);
    // Nothing left to run, and presses on the ended round are refused.
    expect(await w.store.jobs.listForGuild(GUILD, { statuses: ["pending"] })).toEqual([]);
    expect((await w.service.answer({ roundId: r.id, questionIndex: 2, choice: c3, userId: BOB })).outcome).toBe("round-over");
    expect((await w.service.answer({ roundId: "nosuchround", questionIndex: 0, choice: 0, userId: BOB })).outcome).toBe("unknown-round");
  });

  it("the leaderboard adds up two rounds and counts rounds per member", async () => {
    w = await world();
    for (let n = 0; n < 2; n++) {
      const started = await startRound({ questions: 2 });
      for (let i = 0; i < 2; i++) {
        const r = await openNext(started.id);
        await pressAt(r, ALICE, 0, rightChoice(r, w.deps.bank, i)); // 150 (+10 streak on the second)
        if (n === 1) await pressAt(r, BOB, 10_000, rightChoice(r, w.deps.bank, i)); // 125, 135
        await toDeadline(r);
      }
      expect((await w.round(started.id)).status).toBe("ended");
      w.clock.advance(30_000); // the channel's cooldown
    }
    const board = await w.store.trivia.leaderboard(GUILD, "all");
    expect(board.map((b) => [b.rank, b.userId, b.points, b.answered, b.rounds])).toEqual([
      [1, ALICE, 620, 4, 2],
      [2, BOB, 260, 2, 1],
    ]);
    const week = await w.store.trivia.leaderboard(GUILD, w.service.periodKey("week"));
    expect(week).toHaveLength(2);
  });
});

describe("the answer path's shortcuts change nothing", () => {
  it("streaks, points and rounds played stay exact over several questions (scores equal the replayed standings)", async () => {
    w = await world();
    const started = await startRound({ questions: 3 });
    let r = await openNext(started.id);
    const pattern: Record<string, boolean[]> = { [ALICE]: [true, true, true], [BOB]: [true, false, true], [CAROL]: [false, true, true] };
    for (let i = 0; i < 3; i++) {
      if (i > 0) r = await openNext(r.id);
      const right = rightChoice(r, w.deps.bank, i);
      for (const [k, [user, answers]] of Object.entries(pattern).entries()) {
        expect((await pressAt(r, user, 1000 + k * 1500 + i * 100, answers[i] ? right : wrong(right))).outcome).toBe("locked-in");
        expect((await pressAt(r, user, 1200 + k * 1500, right)).outcome).toBe("already-answered");
      }
      await toDeadline(r);
    }
    const result = await w.service.standings(r.id);
    for (const user of [ALICE, BOB, CAROL]) {
      const [all] = await w.store.trivia.stats(GUILD, user, ["all"]);
      const standing = result?.standings.find((s) => s.userId === user);
      expect(all).toMatchObject({ answered: 3, rounds: 1, points: standing?.points });
    }
    const [alice] = await w.store.trivia.stats(GUILD, ALICE, ["all"]);
    expect(alice).toMatchObject({ correct: 3, currentStreak: 3, bestStreak: 3 });
  });

  it("a round changed behind this service's back is read again: closed, advanced or ended", async () => {
    w = await world();
    const started = await startRound({ questions: 3 });
    const r = await openNext(started.id);
    const a = w.service;
    const c1 = rightChoice(r, w.deps.bank, 0);
    expect((await pressAt(r, ALICE, 1000, c1)).outcome).toBe("locked-in"); // `a` now holds the open round

    // Another instance closes question 1 and opens question 2 (its jobs, its own service).
    w.restart();
    await toDeadline(r);
    const r2 = await openNext(r.id);
    expect((await a.answer({ roundId: r.id, questionIndex: 0, choice: c1, userId: BOB })).outcome).toBe("not-current");
    w.clock.set(r2.questionStartedAt! + 500);
    const c2 = rightChoice(r2, w.deps.bank, 1);
    expect(await a.answer({ roundId: r.id, questionIndex: 1, choice: c2, userId: ALICE })).toMatchObject({ outcome: "locked-in", closesEarly: false });
    const expected = scoreAnswer({ correct: true, latencyMs: 500, durationMs: 20_000, streakBefore: 1 }).points;
    expect((await w.store.trivia.answers(r.id, 1))[0]).toMatchObject({ userId: ALICE, points: expected });
    // Ended elsewhere while `a` still holds the round open.
    await w.store.trivia.updateRound(r.id, { status: "ended", endedAt: w.clock.now(), questionStartedAt: null }, { status: "running" });
    expect((await a.answer({ roundId: r.id, questionIndex: 1, choice: c2, userId: BOB })).outcome).toBe("round-over");
    expect(await w.store.trivia.answers(r.id, 1)).toHaveLength(1);
  });

  it("the last two members pressing together still close the question early", async () => {
    w = await world();
    const started = await startRound({ questions: 2 });
    let r = await openNext(started.id);
    await pressAt(r, ALICE, 1000, 0);
    await pressAt(r, BOB, 1000, 1);
    await toDeadline(r);
    r = await openNext(r.id);
    w.clock.set(r.questionStartedAt! + 2000);
    const both = await Promise.all([ALICE, BOB].map((userId) => w.service.answer({ roundId: r.id, questionIndex: 1, choice: 2, userId })));
    expect(both.map((b) => b.outcome)).toEqual(["locked-in", "locked-in"]);
    expect(both.some((b) => b.closesEarly)).toBe(true);
    expect(await w.runDue()).toContain("trivia:close");
    expect((await w.round(r.id)).status).toBe("ended");
  });
});

describe("durability", () => {
  it("a restart mid-question resumes from the store: the close job runs, nothing is counted twice", async () => {
    w = await world();
    const started = await startRound();
    let r = await openNext(started.id);
    const c = rightChoice(r, w.deps.bank, 0);
    expect((await pressAt(r, ALICE, 5000, c)).outcome).toBe("locked-in");

    w.restart(); // a new service instance on the same store; the close job is a row
    expect((await pressAt(r, ALICE, 6000, wrong(c))).outcome).toBe("already-answered");
    expect((await pressAt(r, BOB, 7000, c)).outcome).toBe("locked-in");
    await toDeadline(r);
    r = await w.round(r.id);
    expect(r.currentIndex).toBe(1);
    expect(w.announcer.edits).toHaveLength(1);
    r = await openNext(r.id);
    expect(w.announcer.sends).toHaveLength(2);
    expect(await w.store.trivia.answers(r.id, 0)).toHaveLength(2);
    const [alice] = await w.store.trivia.stats(GUILD, ALICE, ["all"]);
    expect(alice).toMatchObject({ answered: 1, correct: 1, points: 137, rounds: 1 });
  });

  it("posting a question twice (a retried job) sends one message", async () => {
    w = await world();
    const started = await startRound();
    const r = await openNext(started.id);
    const handlers = triviaJobHandlers(w.deps);
    const ask = handlers.find((h) => h.kind === "trivia:ask")!;
    const job = (await w.store.jobs.listForGuild(GUILD, { statuses: ["done"] })).find((j) => j.kind === "trivia:ask")!;
    await ask.run(job, { now: w.clock.now(), lateByMs: 0, attempt: 2, clock: w.clock, log: w.deps.logger, enqueue: (j) => w.store.jobs.enqueue(j) });
    expect(w.announcer.sends).toHaveLength(1);
    expect((await w.round(r.id)).questionStartedAt).toBe(r.questionStartedAt);
  });

  it("a deleted question message closes the round cleanly with a note and the standings", async () => {
    w = await world();
    const started = await startRound();
    const r = await openNext(started.id);
    await pressAt(r, ALICE, 1000, rightChoice(r, w.deps.bank, 0));
    w.announcer.failEdit = new AnnounceError("unknown-message", "Unknown Message", 404, 10008);
    await toDeadline(r);
    const ended = await w.round(r.id);
    expect(ended.status).toBe("ended");
    const last = w.announcer.sends.at(-1)!;
    expect(JSON.stringify(last.message.embeds)).toContain("A question message was deleted");
    expect(JSON.stringify(last.message.embeds)).toContain(`<@${ALICE}> · 147 points`);
    expect(await w.store.jobs.listForGuild(GUILD, { statuses: ["pending"] })).toEqual([]);
  });

  it("an unknown channel (AnnounceError) ends the round cleanly and plans nothing more", async () => {
    w = await world();
    const started = await startRound();
    w.announcer.failSend = new AnnounceError("unknown-channel", "Unknown Channel", 404, 10003);
    w.clock.advance(5000);
    await w.runDue();
    const r = await w.round(started.id);
    expect(r.status).toBe("ended");
    expect(await w.store.jobs.listForGuild(GUILD, { statuses: ["pending", "running"] })).toEqual([]);
    expect(await w.store.trivia.activeRoundInChannel(GUILD, CHANNEL)).toBeNull();
  });

  it("a transient failure is retried, not fatal", async () => {
    w = await world();
    const started = await startRound();
    w.announcer.failSend = new AnnounceError("transient", "502");
    w.clock.advance(5000);
    await w.runDue();
    expect((await w.round(started.id)).status).toBe("running");
    w.announcer.failSend = null;
    w.clock.advance(60_000);
    await w.runDue();
    expect(w.announcer.sends).toHaveLength(1);
  });
});

describe("rules of the channel", () => {
  it("one round per channel at a time; another channel is fine", async () => {
    w = await world({ bank: smallBank(12) });
    await startRound();
    const again = await w.service.start({ guildId: GUILD, channelId: CHANNEL, startedBy: BOB, questions: 3 });
    expect(again).toMatchObject({ ok: false, error: "running" });
    const other = await w.service.start({ guildId: GUILD, channelId: OTHER_CHANNEL, startedBy: BOB, questions: 3 });
    expect(other.ok).toBe(true);
  });

  it("validates counts and seconds even though Discord enforces them", async () => {
    w = await world();
    expect(await w.service.start({ guildId: GUILD, channelId: CHANNEL, startedBy: ALICE, questions: 0 })).toMatchObject({ ok: false, error: "bad-count" });
    expect(await w.service.start({ guildId: GUILD, channelId: CHANNEL, startedBy: ALICE, questions: 500 })).toMatchObject({ ok: false, error: "bad-count" });
    expect(await w.service.start({ guildId: GUILD, channelId: CHANNEL, startedBy: ALICE, seconds: 5 })).toMatchObject({ ok: false, error: "bad-seconds" });
    expect(await w.service.start({ guildId: GUILD, channelId: CHANNEL, startedBy: ALICE, questions: 7 })).toMatchObject({
      ok: false,
      error: "not-enough",
      available: 6,
    });
  });

  it("stop ends the round with the standings so far, reveals the open question and cancels its jobs; then the cooldown holds", async () => {
    w = await world();
    const started = await startRound();
    const r = await openNext(started.id);
    await pressAt(r, BOB, 0, rightChoice(r, w.deps.bank, 0));
    const stopped = await w.service.stop({ guildId: GUILD, channelId: CHANNEL, stoppedBy: ALICE });
    expect(stopped.ok).toBe(true);
    if (!stopped.ok) return;
    expect(stopped.standings.map((s) => [s.userId, s.points])).toEqual([[BOB, 150]]);
    expect(JSON.stringify(stopped.message.embeds)).toContain("standings so far");
    expect(JSON.stringify(stopped.message.embeds)).toContain(`Stopped by <@${ALICE}>`);
    expect(w.announcer.edits).toHaveLength(1);
    expect(await w.store.jobs.listForGuild(GUILD, { statuses: ["pending"] })).toEqual([]);
    expect(await w.service.stop({ guildId: GUILD, channelId: CHANNEL, stoppedBy: ALICE })).toEqual({ ok: false, error: "no-round" });

    // Cooldown: stored (the round's endedAt), so a restarted bot keeps it too.
    w.restart();
    const tooSoon = await w.service.start({ guildId: GUILD, channelId: CHANNEL, startedBy: BOB, questions: 2 });
    expect(tooSoon).toMatchObject({ ok: false, error: "cooldown", until: w.clock.now() + 30_000 });
    w.clock.advance(30_000);
    expect((await w.service.start({ guildId: GUILD, channelId: CHANNEL, startedBy: BOB, questions: 2 })).ok).toBe(true);
    // Nothing more is posted for the stopped round (no end job: the stop reply carried the standings).
    await w.runDue();
    expect(w.announcer.sends.filter((s) => JSON.stringify(s.message.embeds).includes("standings"))).toEqual([]);
  });
});

describe("spoilers", () => {
  it("asks only general questions and watched parts unless spoilers are allowed", async () => {
    const bank = loadTriviaBank();
    w = await world({ bank, seed: "spoilers" });
    const byId = new Map(bank.map((q) => [q.id, q]));
    const asked = async (input: { part?: "rust" | "rails"; spoilers?: boolean; channelId: string; questions?: number }) => {
      const result = await w.service.start({ guildId: GUILD, startedBy: ALICE, questions: 20, ...input });
      if (!result.ok) return result;
      return result.round.questionIds.map((id) => byId.get(id)!);
    };
    const none = await asked({ channelId: "c1" });
    expect(Array.isArray(none) && none.every((q) => !isSpoiler(q))).toBe(true);

    // Rails is not watched: only its spoiler-free questions (6) qualify.
    expect(await asked({ channelId: "c2", part: "rails", questions: 10 })).toMatchObject({ ok: false, error: "not-enough", available: 6 });
    const railsSpoilers = await asked({ channelId: "c3", part: "rails", spoilers: true, questions: 10 });
    expect(Array.isArray(railsSpoilers) && railsSpoilers.some((q) => isSpoiler(q))).toBe(true);

    await w.store.progress.markWatched(GUILD, "rust", T0);
    const rust = await asked({ channelId: "c4", part: "rust" });
    expect(Array.isArray(rust) && rust.length === 20 && rust.every((q) => q.part === "rust")).toBe(true);
    const mixed = await asked({ channelId: "c5" });
    expect(Array.isArray(mixed) && mixed.every((q) => !isSpoiler(q) || q.part === "rust")).toBe(true);
  });

  it("after a part, a round about that part starts only when the club turned it on", async () => {
    const bank = loadTriviaBank();
    w = await world({ bank });
    expect(await startRoundAfterPart(w.deps, { guildId: GUILD, channelId: CHANNEL, partId: "remnants" })).toEqual({ ok: false, error: "disabled" });
    await w.store.settings.update(GUILD, { triviaAfterPart: true, language: "zh-CN" });
    const result = await startRoundAfterPart(w.deps, { guildId: GUILD, channelId: CHANNEL, partId: "remnants" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const r = await w.round(result.roundId);
    expect(r.questionIds.every((id) => bank.find((q) => q.id === id)!.part === "remnants")).toBe(true);
    expect(r.settings).toMatchObject({ origin: "after-part", locale: "zh-CN" });
    // The intro goes out with the first question (there is no interaction to answer).
    w.clock.advance(5000);
    await w.runDue();
    expect(w.announcer.sends).toHaveLength(2);
    expect(JSON.stringify(w.announcer.sends[0]!.message.embeds)).toContain("知识问答即将开始");
    expect(JSON.stringify(w.announcer.sends[1]!.message.embeds)).toContain("第 1 题（共 5 题）");
  });
});

describe("schedules", () => {
  it("a scheduled job starts a round and re-enqueues its next occurrence", async () => {
    w = await world();
    const result = await w.service.schedule({
      guildId: GUILD,
      channelId: CHANNEL,
      cron: "0 20 * * 5",
      timezone: "europe/berlin",
      questions: 3,
      seconds: 15,
      createdBy: ALICE,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const friday = Date.UTC(2025, 0, 10, 19, 0, 0); // 20:00 in Berlin (UTC+1)
    expect(result.next).toBe(friday);
    expect(result.payload.timezone).toBe("Europe/Berlin");

    w.clock.set(friday + 1000);
    await w.runDue();
    const round = await w.store.trivia.activeRoundInChannel(GUILD, CHANNEL);
    expect(round).not.toBeNull();
    expect(round!.questionIds).toHaveLength(3);
    const pending = await w.store.jobs.listForGuild(GUILD, { kinds: [JOB_SCHEDULED], statuses: ["pending"] });
    expect(pending.map((j) => j.dueAt)).toEqual([friday + 7 * 86_400_000]);

    // Replacing and removing.
    const again = await w.service.schedule({ guildId: GUILD, channelId: CHANNEL, cron: "30 19 * * 1", timezone: "UTC", questions: 5, seconds: 20, createdBy: ALICE });
    expect(again).toMatchObject({ ok: true, replaced: true });
    expect(await w.service.schedules(GUILD)).toHaveLength(1);
    expect(await w.service.unschedule(GUILD, CHANNEL)).toBe(1);
    expect(await w.service.schedules(GUILD)).toHaveLength(0);
  });

  it("skips a round that is far too late but keeps the schedule going; refuses bad input", async () => {
    w = await world();
    const result = await w.service.schedule({ guildId: GUILD, channelId: CHANNEL, cron: "0 20 * * 5", timezone: "UTC", questions: 3, seconds: 15, createdBy: ALICE });
    if (!result.ok) throw new Error(result.error);
    w.clock.set(result.next + 60 * 60_000);
    await w.runDue();
    expect(await w.store.trivia.activeRoundInChannel(GUILD, CHANNEL)).toBeNull();
    expect((await w.service.schedules(GUILD)).map((s) => s.dueAt)).toEqual([result.next + 7 * 86_400_000]);

    const bad = (cron: string, timezone = "UTC") => w.service.schedule({ guildId: GUILD, channelId: CHANNEL, cron, timezone, questions: 3, seconds: 15, createdBy: ALICE });
    expect(await bad("every friday")).toMatchObject({ ok: false, error: "cron-invalid" });
    expect(await bad("*/5 * * * *")).toMatchObject({ ok: false, error: "cron-too-frequent" });
    expect(await bad("0 20 * * 5", "Mars/Olympus")).toMatchObject({ ok: false, error: "bad-zone" });
  });
});
