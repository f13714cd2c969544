import { DiscordAPIError, HTTPError, type RequestData } from "@discordjs/rest";
import { AllowedMentionsTypes, GuildScheduledEventEntityType, GuildScheduledEventPrivacyLevel } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { AnnounceError } from "../../../src/announcer.js";
import { nonceFor, restAnnouncer, toAnnounceError, type RestLike } from "../../../src/discord/announcer.js";

interface Call {
  method: "get" | "post" | "patch" | "delete";
  route: string;
  options: RequestData | undefined;
}

/** A tiny stand-in for @discordjs/rest: records calls, answers from a script or throws. */
function fakeRest(answer: (call: Call) => unknown = () => ({ id: "1000" })) {
  const calls: Call[] = [];
  const handle = (method: Call["method"]) => async (route: string, options?: RequestData) => {
    const call = { method, route, options };
    calls.push(call);
    return answer(call);
  };
  const rest = { get: handle("get"), post: handle("post"), patch: handle("patch"), delete: handle("delete") };
  return { rest: rest as unknown as RestLike, calls };
}

function apiError(code: number, status: number, message = "boom"): DiscordAPIError {
  return new DiscordAPIError({ code, message }, code, status, "POST", "https://discord.com/api/v10/x", { body: undefined, files: undefined });
}

const body = (c: Call | undefined) => c?.options?.body as Record<string, unknown>;

describe("send", () => {
  it("posts with a deterministic nonce of at most 25 characters and enforce_nonce", async () => {
    const { rest, calls } = fakeRest(() => ({ id: "m1" }));
    const a = restAnnouncer(rest);
    expect(await a.send("c1", { content: "hello" }, "job-123")).toEqual({ messageId: "m1" });
    await a.send("c1", { content: "hello" }, "job-123");
    await a.send("c1", { content: "hello" }, "job-124");
    expect(calls[0]).toMatchObject({ method: "post", route: "/channels/c1/messages" });
    const [b1, b2, b3] = calls.map(body);
    expect(b1?.enforce_nonce).toBe(true);
    expect(typeof b1?.nonce).toBe("string");
    expect((b1?.nonce as string).length).toBeLessThanOrEqual(25);
    expect(b2?.nonce).toBe(b1?.nonce);
    expect(b3?.nonce).not.toBe(b1?.nonce);
  });

  it("nonces are 25 base-36 characters for any key, even a long one", () => {
    for (const key of ["", "x", "session:abc:checkpoint:3", "é".repeat(5000)]) {
      expect(nonceFor(key)).toMatch(/^[0-9a-z]{25}$/);
    }
    expect(nonceFor("a")).toBe(nonceFor("a"));
  });

  it("pings nobody by default, keeps explicit mentions, truncates to Discord's limits", async () => {
    const { rest, calls } = fakeRest();
    const a = restAnnouncer(rest);
    await a.send("c", { content: "x".repeat(2500), embeds: [{ title: "t".repeat(300), description: "d".repeat(5000) }] }, "k");
    await a.send("c", { content: "@here", allowed_mentions: { parse: [AllowedMentionsTypes.Everyone] } }, "k2");
    const b = body(calls[0]);
    expect(b.allowed_mentions).toEqual({ parse: [] });
    expect((b.content as string).length).toBe(2000);
    const embed = (b.embeds as { title: string; description: string }[])[0]!;
    expect(embed.title.length).toBe(256);
    expect(embed.description.length).toBe(4096);
    expect(body(calls[1]).allowed_mentions).toEqual({ parse: ["everyone"] });
  });

  it("sends files through the REST files option and declares them as attachments", async () => {
    const { rest, calls } = fakeRest();
    const data = Buffer.from("BEGIN:VCALENDAR");
    await restAnnouncer(rest).send("c", { content: "calendar", files: [{ name: "party.ics", data }] }, "k");
    expect(calls[0]?.options?.files).toEqual([{ name: "party.ics", data }]);
    expect(body(calls[0]).attachments).toEqual([{ id: 0, filename: "party.ics" }]);
    expect(body(calls[0])).not.toHaveProperty("files");
  });

  it("passes components through", async () => {
    const { rest, calls } = fakeRest();
    const components = [{ type: 1, components: [{ type: 2, style: 1, label: "Going", custom_id: "watch:rsvp:s:going" }] }];
    await restAnnouncer(rest).send("c", { content: "x", components }, "k");
    expect(body(calls[0]).components).toEqual(components);
  });
});

describe("edit, threads, events", () => {
  it("edits through the same limits, without a nonce", async () => {
    const { rest, calls } = fakeRest();
    await restAnnouncer(rest).edit("c", "m", { content: "y".repeat(3000) });
    expect(calls[0]).toMatchObject({ method: "patch", route: "/channels/c/messages/m" });
    expect((body(calls[0]).content as string).length).toBe(2000);
    expect(body(calls[0]).allowed_mentions).toEqual({ parse: [] });
    expect(body(calls[0])).not.toHaveProperty("nonce");
  });

  it("starts threads on a message or in a channel", async () => {
    const { rest, calls } = fakeRest(() => ({ id: "t1" }));
    const a = restAnnouncer(rest);
    expect(await a.startThread("c", "m", "n".repeat(150))).toEqual({ threadId: "t1" });
    expect(await a.startThread("c", null, "chat")).toEqual({ threadId: "t1" });
    expect(calls[0]).toMatchObject({ route: "/channels/c/messages/m/threads" });
    expect((body(calls[0]).name as string).length).toBe(100);
    expect(calls[1]).toMatchObject({ route: "/channels/c/threads" });
    expect(body(calls[1])).toMatchObject({ name: "chat", type: 11 });
  });

  it("a thread that already exists on the message (a retry) is that message's thread", async () => {
    const { rest } = fakeRest(() => {
      throw apiError(160004, 400, "A thread has already been created for this message");
    });
    expect(await restAnnouncer(rest).startThread("c", "m42", "x")).toEqual({ threadId: "m42" });
  });

  it("creates, updates, reads and deletes scheduled events", async () => {
    const { rest, calls } = fakeRest((c) =>
      c.method === "get" ? { id: "e1", status: 1, scheduled_start_time: "2030-01-01T20:00:00.000Z", name: "Rust" } : { id: "e1" },
    );
    const a = restAnnouncer(rest);
    const create = {
      name: "N".repeat(120),
      description: "D".repeat(1200),
      privacy_level: GuildScheduledEventPrivacyLevel.GuildOnly,
      scheduled_start_time: "2030-01-01T20:00:00.000Z",
      scheduled_end_time: "2030-01-02T00:00:00.000Z",
      entity_type: GuildScheduledEventEntityType.External,
      entity_metadata: { location: "#watch" },
    } as const;
    expect(await a.createEvent("g", create)).toEqual({ eventId: "e1" });
    expect(calls[0]).toMatchObject({ method: "post", route: "/guilds/g/scheduled-events" });
    expect((body(calls[0]).name as string).length).toBe(100);
    expect((body(calls[0]).description as string).length).toBe(1000);
    await a.updateEvent("g", "e1", { status: 2 });
    expect(calls[1]).toMatchObject({ method: "patch", route: "/guilds/g/scheduled-events/e1" });
    expect(await a.getEvent("g", "e1")).toEqual({ status: 1, scheduledStartTime: "2030-01-01T20:00:00.000Z", name: "Rust" });
    await a.deleteEvent("g", "e1");
    expect(calls[3]).toMatchObject({ method: "delete", route: "/guilds/g/scheduled-events/e1" });
  });

  it("a deleted event reads as null and deleting it again succeeds", async () => {
    const { rest } = fakeRest(() => {
      throw apiError(10070, 404, "Unknown Guild Scheduled Event");
    });
    const a = restAnnouncer(rest);
    expect(await a.getEvent("g", "e")).toBeNull();
    await expect(a.deleteEvent("g", "e")).resolves.toBeUndefined();
  });

  it("pages through interested members", async () => {
    const user = (id: bigint) => ({ guild_scheduled_event_id: "e", user: { id: String(id) } });
    const { rest, calls } = fakeRest((c) => {
      const after = c.options?.query?.get("after");
      const start = after === undefined || after === null ? 1n : BigInt(after) + 1n;
      const left = 250n - (start - 1n);
      const n = left > 100n ? 100n : left;
      return Array.from({ length: Number(n) }, (_, i) => user(start + BigInt(i)));
    });
    const ids = await restAnnouncer(rest).eventUserIds("g", "e");
    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
    expect(calls).toHaveLength(3);
    expect(calls[0]?.route).toBe("/guilds/g/scheduled-events/e/users");
    expect(calls[0]?.options?.query?.get("limit")).toBe("100");
    expect(calls[1]?.options?.query?.get("after")).toBe("100");
  });
});

describe("errors", () => {
  const cases: [Error, string, number | undefined][] = [
    [apiError(10003, 404, "Unknown Channel"), "unknown-channel", 10003],
    [apiError(50001, 403, "Missing Access"), "missing-access", 50001],
    [apiError(50013, 403, "Missing Permissions"), "missing-access", 50013],
    [apiError(10008, 404, "Unknown Message"), "unknown-message", 10008],
    [apiError(10070, 404, "Unknown Guild Scheduled Event"), "unknown-event", 10070],
    [new HTTPError(503, "Service Unavailable", "POST", "u", { body: undefined, files: undefined }), "transient", undefined],
    [apiError(0, 502, "Bad Gateway"), "transient", 0],
    [Object.assign(new Error("fetch failed"), { name: "TypeError" }), "transient", undefined],
    [Object.assign(new Error("This operation was aborted"), { name: "AbortError" }), "transient", undefined],
  ];

  it.each(cases)("maps %s", async (error, kind) => {
    const { rest } = fakeRest(() => {
      throw error;
    });
    const err = await restAnnouncer(rest)
      .send("c", { content: "x" }, "k")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnnounceError);
    expect((err as AnnounceError).kind).toBe(kind);
    expect((err as Error).cause).toBe(error);
  });

  it("keeps status and code", () => {
    const e = toAnnounceError(apiError(50013, 403, "Missing Permissions"), "send") as AnnounceError;
    expect(e).toMatchObject({ kind: "missing-access", status: 403, code: 50013 });
    expect(e.message).toBe("send: Missing Permissions");
  });

  it("rethrows a malformed request unchanged: retrying would not help", async () => {
    const invalid = apiError(50035, 400, "Invalid Form Body");
    const { rest } = fakeRest(() => {
      throw invalid;
    });
    await expect(restAnnouncer(rest).send("c", { content: "x" }, "k")).rejects.toBe(invalid);
  });
});
