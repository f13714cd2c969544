import { MessageFlags } from "discord.js";
import { describe, expect, it } from "vitest";
import type { CommandRegistry } from "../../../src/discord/command.js";
import { UserError } from "../../../src/discord/errors.js";
import { createRouter } from "../../../src/discord/router.js";
import { t } from "../../../src/i18n/index.js";
import { fakeInteraction, fakeServices } from "./fakes.js";

const registry: CommandRegistry = {
  commands: [
    {
      data: { name: "test", description: "test" },
      async execute(ctx) {
        const sub = ctx.options.subcommand();
        if (sub === "ok") return ctx.respond.send({ content: `hello @everyone in ${ctx.locale}` });
        if (sub === "user-error") throw new UserError("error.guildOnly");
        if (sub === "crash") throw new Error("boom");
        if (sub === "defer-then-crash") {
          await ctx.respond.defer({ ephemeral: false });
          throw new Error("late boom");
        }
        if (sub === "defer-then-answer") {
          await ctx.respond.defer({ ephemeral: false });
          return ctx.respond.send({ content: "done" });
        }
      },
      async autocomplete() {
        throw new Error("autocomplete boom");
      },
    },
  ],
  components: [
    {
      handler: "echo",
      async execute(ctx) {
        await ctx.respond.update({ content: ctx.args.join(",") });
      },
    },
  ],
};

describe("router", () => {
  it("dispatches a command and sends with no pings allowed", async () => {
    const router = createRouter(registry, fakeServices());
    const { interaction, answers } = fakeInteraction({ kind: "command", subcommand: "ok", locale: "zh-TW" });
    await router.handle(interaction);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.method).toBe("reply");
    expect(answers[0]!.payload).toMatchObject({ content: "hello @everyone in zh-CN", allowedMentions: { parse: [] } });
    expect(router.metrics.handled).toBe(1);
  });

  it("shows a UserError ephemerally in the member's language", async () => {
    const router = createRouter(registry, fakeServices());
    const { interaction, answers } = fakeInteraction({ kind: "command", subcommand: "user-error", locale: "zh-CN" });
    await router.handle(interaction);
    expect(answers[0]!.payload).toMatchObject({ content: t("zh-CN", "error.guildOnly"), flags: MessageFlags.Ephemeral });
    expect(router.metrics.userErrors).toBe(1);
  });

  it("logs a crash with the interaction id and answers with a short apology", async () => {
    const lines: { level: number; interactionId?: string; msg?: string }[] = [];
    const router = createRouter(registry, fakeServices(lines));
    const { interaction, answers } = fakeInteraction({ kind: "command", subcommand: "crash" });
    await router.handle(interaction);
    expect(answers[0]!.payload).toMatchObject({ content: t("en", "error.generic"), flags: MessageFlags.Ephemeral });
    expect(JSON.stringify(answers)).not.toContain("boom");
    const error = lines.find((l) => l.level === 50);
    expect(error).toMatchObject({ interactionId: "900000000000000001", msg: "interaction handler failed" });
  });

  it("after a public defer, removes the placeholder and answers the error privately", async () => {
    const router = createRouter(registry, fakeServices());
    const { interaction, answers } = fakeInteraction({ kind: "command", subcommand: "defer-then-crash" });
    await router.handle(interaction);
    expect(answers.map((a) => a.method)).toEqual(["deferReply", "deleteReply", "followUp"]);
    expect(answers[2]!.payload).toMatchObject({ flags: MessageFlags.Ephemeral });
  });

  it("edits the deferred reply when the answer comes", async () => {
    const router = createRouter(registry, fakeServices());
    const { interaction, answers } = fakeInteraction({ kind: "command", subcommand: "defer-then-answer" });
    await router.handle(interaction);
    expect(answers.map((a) => a.method)).toEqual(["deferReply", "editReply"]);
  });

  it("answers an unknown (stale) command", async () => {
    const router = createRouter(registry, fakeServices());
    const { interaction, answers } = fakeInteraction({ kind: "command", commandName: "gone" });
    await router.handle(interaction);
    expect(answers[0]!.payload).toMatchObject({ content: t("en", "error.unknownCommand"), flags: MessageFlags.Ephemeral });
  });

  it("routes buttons by custom id and calls old-format buttons stale", async () => {
    const router = createRouter(registry, fakeServices());
    const ok = fakeInteraction({ kind: "button", customId: "wt1:echo:a:b" });
    await router.handle(ok.interaction);
    expect(ok.answers[0]).toMatchObject({ method: "update", payload: { content: "a,b" } });
    for (const customId of ["echo:a", "wt1:unknown:x", "wt0:echo:a"]) {
      const stale = fakeInteraction({ kind: "button", customId });
      await router.handle(stale.interaction);
      expect(stale.answers[0]!.payload, customId).toMatchObject({ content: t("en", "error.staleButton"), flags: MessageFlags.Ephemeral });
    }
  });

  it("answers a failing autocomplete with no choices", async () => {
    const router = createRouter(registry, fakeServices());
    const { interaction, answers } = fakeInteraction({ kind: "autocomplete", subcommand: "ok" });
    await router.handle(interaction);
    expect(answers).toEqual([{ method: "respond", payload: [] }]);
  });

  it("survives an interaction that expired before it could be answered", async () => {
    const router = createRouter(registry, fakeServices());
    const expired = Object.assign(new Error("Unknown interaction"), { code: 10062 });
    const { interaction } = fakeInteraction({ kind: "command", subcommand: "ok", failWith: expired });
    await expect(router.handle(interaction)).resolves.toBeUndefined();
    expect(router.inFlight).toBe(0);
  });
});
