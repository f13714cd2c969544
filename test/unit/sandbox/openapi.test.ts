import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { OpenApiChecker } from "../../../src/sandbox/openapi.js";
import { projectRoot } from "../../../src/paths.js";

const specPath = join(projectRoot, "..", "shared", "discord-api-spec", "openapi.json");
let checker: OpenApiChecker | null = null;

beforeAll(() => {
  checker = OpenApiChecker.fromFile(specPath);
});

describe.runIf(existsSync(specPath))("OpenAPI checker", () => {
  it("matches templated and literal paths", () => {
    if (!checker) return;
    expect(checker.match("/applications/@me")?.template).toBe("/applications/@me");
    expect(checker.match("/channels/1/messages/2")?.template).toBe("/channels/{channel_id}/messages/{message_id}");
    expect(checker.check("GET", "/nope", undefined)).toMatchObject({ ok: false, kind: "openapi-path" });
    expect(checker.check("PATCH", "/gateway/bot", undefined)).toMatchObject({ ok: false, kind: "openapi-method" });
  });

  it("accepts a valid message body, digit strings for integers, and refuses an invalid one", () => {
    if (!checker) return;
    const ok = checker.check("POST", "/channels/123/messages", {
      content: "hi",
      allowed_mentions: { parse: [] },
      nonce: "abc",
      enforce_nonce: true,
      flags: "4",
    });
    expect(ok).toEqual({ ok: true, template: "/channels/{channel_id}/messages" });
    const bad = checker.check("POST", "/channels/123/messages", { content: 5 });
    expect(bad).toMatchObject({ ok: false, kind: "openapi-body" });
  });

  it("validates command registration and interaction callbacks", () => {
    if (!checker) return;
    expect(
      checker.check("PUT", "/applications/1/commands", [
        { name: "ping", description: "Ping", type: 1, default_member_permissions: "8" },
      ]).ok,
    ).toBe(true);
    expect(checker.check("POST", "/interactions/1/tok/callback", { type: 4, data: { content: "pong" } }).ok).toBe(true);
    expect(checker.check("POST", "/interactions/1/tok/callback", { type: 5 }).ok).toBe(true);
    expect(checker.check("POST", "/interactions/1/tok/callback", { type: "x" }).ok).toBe(false);
  });
});
