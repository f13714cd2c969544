import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHANNEL, GUILD, HOST, HOUR, MIN, T0, textOf, world, type World } from "./runner-harness.js";

let w: World;
beforeEach(async () => {
  w = await world();
});
afterEach(async () => {
  await w.close();
});

describe("a whole part", () => {
  it("announces, reminds, gets ready, starts, checks in, breaks, ends and asks to discuss, in order", async () => {
    const [session] = await w.schedule({ parts: "rust", when: "in 2 hours" });
    const start = T0 + 2 * HOUR;
    await w.store.rsvps.set({ sessionId: session!.id, guildId: GUILD, userId: HOST, status: "going" });
    const ran = await w.runUntil(start + 6 * HOUR);
    expect(ran).toEqual([
      "watch:announce",
      "s1:reminder:1h",
      "s1:reminder:10m",
      "s1:get-ready",
      "s1:start",
      "s1:checkpoint:60",
      "s1:intermission:start:1",
      "s1:intermission:end:1",
      "s1:checkpoint:180",
      "s1:end",
      "s1:discussion",
    ]);
    const calls = w.announcer.calls.map((c) => {
      switch (c.op) {
        case "send":
          return `${(c.at - start) / MIN} send ${c.channelId === CHANNEL ? "channel" : c.channelId}`;
        case "thread":
          return `${(c.at - start) / MIN} thread`;
        case "createEvent":
          return `${(c.at - start) / MIN} createEvent`;
        case "updateEvent":
          return `${(c.at - start) / MIN} updateEvent ${c.body.status}`;
        default:
          return `${(c.at - start) / MIN} ${c.op}`;
      }
    });
    expect(calls).toEqual([
      "-120 send channel",
      "-120 createEvent",
      "-60 send channel",
      "-10 send channel",
      "-5 send channel",
      "-5 thread",
      "0 updateEvent 2",
      "0 send t6",
      "60 send t6",
      "120 send t6",
      "130 send t6",
      "190 send t6",
      "250 send t6",
      "250 updateEvent 3",
      "250 edit",
      "250 send t6",
    ]);
    const sends = w.announcer.sends();
    expect(textOf(sends[3]!.message)).toContain(`<t:${start / 1000}:T>`);
    expect(textOf(sends[4]!.message)).toContain("Press play now");
    expect(textOf(sends[5]!.message)).toContain("1:00:00");
    expect(textOf(sends[6]!.message)).toContain("Intermission");
    expect(textOf(sends[6]!.message)).toContain(`<t:${(start + 130 * MIN) / 1000}:T>`);
    expect(textOf(sends[10]!.message)).toContain("Let's talk about");
    expect(w.watched).toEqual([{ guildId: GUILD, channelId: CHANNEL, partId: "rust" }]);
    expect([...(await w.store.progress.watched(GUILD))]).toEqual(["rust"]);
    expect((await w.session(session!.id)).status).toBe("ended");
  });
});
