import type { APIMessage } from "discord-api-types/v10";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InteractionHandle } from "../../src/sandbox/emulator.js";
import type { PartId } from "../../src/knowledge/schema.js";
import { loadTriviaBank } from "../../src/trivia/bank.js";
import { scoreAnswer } from "../../src/trivia/scoring.js";
import { isAllowed } from "../../src/trivia/select.js";
import { answerOf, expectNoFindings, startWorld, textOf, type World } from "./harness.js";

/** The bot's clock runs 20× faster, so a 10-second question lasts half a real second. */
const SPEED = "20";
const bank = loadTriviaBank();
let world: World;
let third: string;

beforeAll(async () => {
  world = await startWorld({ env: { CLOCK_SPEED: SPEED } });
  third = world.emu.createUser({ username: "third" }).id;
  world.emu.addMember(world.guildId, third);
});
afterAll(async () => {
  await world?.close();
});

interface Button {
  custom_id: string;
  label: string;
  disabled?: boolean;
}

function answerButtons(m: APIMessage): Button[] {
  const rows = (m.components ?? []) as unknown as { components?: Partial<Button>[] }[];
  return rows
    .flatMap((row) => row.components ?? [])
    .filter((c): c is Button => typeof c.custom_id === "string" && c.custom_id.startsWith("wt1:trivia:") && typeof c.label === "string");
}

/** Which button is right, worked out from the bank (the order of options is shuffled per round). */
function rightAndWrong(m: APIMessage): { right: string; wrong: string } {
  const description = m.embeds?.[0]?.description ?? "";
  const asked = /^### (.+)$/m.exec(description)?.[1]?.trim();
  const q = bank.find((x) => x.question.en === asked || x.question["zh-CN"] === asked);
  if (!q) throw new Error(`question not in the bank: ${asked}`);
  const correct = [q.options[q.answer]!.en, q.options[q.answer]!["zh-CN"]];
  const buttons = answerButtons(m);
  const right = buttons.find((b) => correct.some((c) => b.label.slice(3).startsWith(c.slice(0, 40))));
  const wrong = buttons.find((b) => b !== right);
  if (!right || !wrong) throw new Error("answer buttons not found");
  return { right: right.custom_id, wrong: wrong.custom_id };
}

async function nextQuestion(after: Set<string>): Promise<APIMessage> {
  const m = await world.emu.waitForMessage(world.channelId, (x) => !after.has(x.id) && answerButtons(x).length === 4 && !answerButtons(x)[0]!.disabled, 20_000);
  after.add(m.id);
  return m;
}

function press(user: string, message: APIMessage, customId: string) {
  return world.emu.button({ user, message, customId });
}

async function ephemeralText(handle: InteractionHandle): Promise<string> {
  const m = await answerOf(handle);
  expect(InteractionHandle.ephemeral(m)).toBe(true);
  return m.content ?? textOf(m);
}

function startRound(user: string, questions: number) {
  return world.emu.command({
    user,
    guildId: world.guildId,
    channelId: world.channelId,
    name: "westofthetracks",
    group: "trivia",
    subcommand: "start",
    options: { questions, seconds: 20, spoilers: true },
  });
}

describe("club trivia through Discord", () => {
  it("plays a round: first press counts, double and late presses are refused, the reveal and standings follow", async () => {
    const seen = new Set<string>();
    const start = startRound(world.hostId, 2);
    expect(InteractionHandle.ephemeral(await answerOf(start))).toBe(false);

    // Question 1: the member is right and presses again; then the host answers wrong.
    const q1 = await nextQuestion(seen);
    const a1 = rightAndWrong(q1);
    expect(await ephemeralText(press(world.memberId, q1, a1.right))).toMatch(/locked in/i);
    expect(await ephemeralText(press(world.memberId, q1, a1.wrong))).toMatch(/already answered/i);
    expect(await ephemeralText(press(world.hostId, q1, a1.wrong))).toMatch(/locked in/i);

    // At its deadline (the first question always runs its full time) the message reveals the answer.
    const revealed = await world.emu.waitForMessage(world.channelId, (m) => m.id === q1.id && answerButtons(m)[0]?.disabled === true, 20_000);
    expect(textOf(revealed)).toContain(`<@${world.memberId}>`);

    // Question 2: nobody answers in time; a press after the close is refused.
    const q2 = await nextQuestion(seen);
    const a2 = rightAndWrong(q2);
    await world.emu.waitForMessage(world.channelId, (m) => m.id === q2.id && answerButtons(m)[0]?.disabled === true, 20_000);
    // A disabled button cannot be pressed in Discord; the emulator refuses it the same way.
    expect(() => world.emu.button({ user: third, message: q2, customId: a2.right })).toThrow(/disabled/);

    const standings = await world.emu.waitForMessage(world.channelId, (m) => /standings|final/i.test(m.embeds?.[0]?.title ?? ""), 20_000);
    const text = textOf(standings);
    expect(text.indexOf(`<@${world.memberId}>`)).toBeGreaterThanOrEqual(0);

    // Exact to the point: each member's total, recomputed from the stored answers with the scoring rules.
    const roundId = answerButtons(q1)[0]!.custom_id.split(":")[2]!;
    const answers = (await world.bot.store.trivia.answers(roundId)).sort((a, b) => a.questionIndex - b.questionIndex);
    expect(answers.map((a) => [a.userId, a.questionIndex, a.correct])).toEqual([
      [world.memberId, 0, true],
      [world.hostId, 0, false],
    ]);
    for (const user of [world.memberId, world.hostId]) {
      let streak = 0;
      let total = 0;
      for (const a of answers.filter((x) => x.userId === user)) {
        const scored = scoreAnswer({ correct: a.correct, latencyMs: a.latencyMs, durationMs: 20_000, streakBefore: streak });
        streak = scored.streakAfter;
        total += scored.points;
      }
      expect(text).toContain(`<@${user}> · ${total} points`);
    }
    expect(text).toContain(`<@${world.hostId}> · 0 points`);
    // Standings name members but ping nobody.
    // (The emulator stores a message a moment before it records the request: wait for the record.)
    const posted = await world.emu.waitForRequest((r) => r.method === "POST" && JSON.stringify(r.response ?? null).includes(standings.id));
    expect((posted.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
    expectNoFindings(world.emu);
  });

  it("keeps the leaderboard across rounds and a restart", async () => {
    await world.restart();
    const seen = new Set(world.emu.messages(world.channelId).map((m) => m.id));
    // The per-channel cooldown: wait it out in virtual time (30 s at 20× is 1.5 s).
    await new Promise((r) => setTimeout(r, 1800));
    const start = startRound(world.memberId, 1);
    expect(InteractionHandle.ephemeral(await answerOf(start))).toBe(false);
    const q = await nextQuestion(seen);
    const a = rightAndWrong(q);
    expect(await ephemeralText(press(world.memberId, q, a.right))).toMatch(/locked in/i);
    await world.emu.waitForMessage(world.channelId, (m) => /standings|final/i.test(m.embeds?.[0]?.title ?? "") && !seen.has(m.id), 20_000);

    const board = world.emu.command({
      user: world.hostId,
      guildId: world.guildId,
      channelId: world.channelId,
      name: "westofthetracks",
      group: "trivia",
      subcommand: "leaderboard",
    });
    const lb = textOf(await board.original());
    const memberLine = lb.split("\n").find((l) => l.includes(`<@${world.memberId}>`)) ?? "";
    expect(memberLine).toMatch(/\d{3}/); // two right answers: at least 200 points
    expect(lb.indexOf(`<@${world.memberId}>`)).toBeLessThan(lb.indexOf(`<@${world.hostId}>`) === -1 ? Infinity : lb.indexOf(`<@${world.hostId}>`));
    expectNoFindings(world.emu);
  });

  it("refuses a second round in the same channel, privately", async () => {
    await new Promise((r) => setTimeout(r, 1800));
    const first = startRound(world.hostId, 3);
    expect(InteractionHandle.ephemeral(await answerOf(first))).toBe(false);
    const second = startRound(world.memberId, 3);
    expect(await ephemeralText(second)).toMatch(/already/i);
    const stop = world.emu.command({ user: world.hostId, guildId: world.guildId, channelId: world.channelId, name: "westofthetracks", group: "trivia", subcommand: "stop" });
    await answerOf(stop);
    expectNoFindings(world.emu);
  });
});

describe("trivia that knows what the club has watched, and runs on a schedule", () => {
  it("asks only general questions and about parts the club has watched (spoilers:true is unit-tested)", { timeout: 90_000 }, async () => {
    const w = await startWorld({ env: { CLOCK_SPEED: SPEED } });
    try {
      await w.bot.store.progress.markWatched(w.guildId, "rust", Date.now());
      const seen = new Set<string>();
      const start = w.emu.command({
        user: w.hostId,
        guildId: w.guildId,
        channelId: w.channelId,
        name: "westofthetracks",
        group: "trivia",
        subcommand: "start",
        options: { questions: 8, seconds: 10 },
      });
      await answerOf(start);
      const asked: string[] = [];
      for (let i = 0; i < 8; i++) {
        const m = await w.emu.waitForMessage(w.channelId, (x) => !seen.has(x.id) && /^### /m.test(x.embeds?.[0]?.description ?? "") && /Question \d+ of 8/.test(x.embeds?.[0]?.title ?? ""), 30_000);
        seen.add(m.id);
        asked.push(/^### (.+)$/m.exec(m.embeds?.[0]?.description ?? "")?.[1]?.trim() ?? "");
      }
      const watched = new Set<PartId>(["rust"]);
      for (const text of asked) {
        const q = bank.find((x) => x.question.en === text)!;
        expect(q, text).toBeDefined();
        expect(isAllowed(q, watched, false), `${q.id} spoils an unwatched part`).toBe(true);
      }
      expectNoFindings(w.emu);
    } finally {
      await w.close();
    }
  });

  it("starts a scheduled round at its time", { timeout: 90_000 }, async () => {
    const w = await startWorld({ env: { CLOCK_SPEED: SPEED } });
    try {
      // The bot's clock starts at the harness's epoch and runs 20× faster: ten minutes from now is 30 s away.
      const at = new Date(Date.now() + 10 * 60_000);
      const cron = `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
      const reply = await answerOf(
        w.emu.command({
          user: w.hostId,
          guildId: w.guildId,
          channelId: w.channelId,
          name: "westofthetracks",
          group: "trivia",
          subcommand: "schedule",
          options: { cron, timezone: "UTC", questions: 1, seconds: 10 },
        }),
      );
      expect(textOf(reply)).toMatch(/<t:\d+:/);
      const question = await w.emu.waitForMessage(w.channelId, (m) => /Question 1 of 1/.test(m.embeds?.[0]?.title ?? ""), 60_000);
      expect(answerButtons(question)).toHaveLength(4);
      expectNoFindings(w.emu);
    } finally {
      await w.close();
    }
  });
});
