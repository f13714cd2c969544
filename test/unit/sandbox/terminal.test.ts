import { describe, expect, it } from "vitest";
import type { APIApplicationCommand, APIMessage } from "discord-api-types/v10";
import { registry } from "../../../commands/index.js";
import { completeLine, parseCommandLine, readable, renderMessage, type RenderContext } from "../../../src/sandbox/terminal.js";

const commands = registry.commands.map((c) => ({ ...c.data, id: "1", application_id: "2", version: "3", default_member_permissions: null, type: 1 })) as unknown as APIApplicationCommand[];
const names = {
  channelByName: (n: string) => (n === "announcements" ? "500" : undefined),
  roleByName: (n: string) => (n === "hosts" ? "600" : undefined),
  userByName: () => undefined,
};

describe("sandbox command line", () => {
  it("parses subcommands, groups and options with spaces", () => {
    expect(parseCommandLine("/westofthetracks part name:rust private:true", commands, names)).toEqual({
      name: "westofthetracks",
      subcommand: "part",
      options: { name: "rust", private: true },
    });
    expect(parseCommandLine("/westofthetracks setup configure channel:#announcements host-role:@hosts timezone:Europe/Berlin", commands, names)).toEqual({
      name: "westofthetracks",
      group: "setup",
      subcommand: "configure",
      options: { channel: "500", "host-role": "600", timezone: "Europe/Berlin" },
    });
    expect(parseCommandLine("/westofthetracks glossary term:rainbow row", commands, names)).toMatchObject({ options: { term: "rainbow row" } });
  });

  it("marks the option to autocomplete with a trailing ?", () => {
    expect(parseCommandLine("/westofthetracks glossary term:xia?", commands, names)).toMatchObject({ focused: "term", options: { term: "xia" } });
  });

  it("explains mistakes", () => {
    expect(parseCommandLine("/nope", commands, names)).toMatch(/unknown command/);
    expect(parseCommandLine("/westofthetracks", commands, names)).toMatch(/needs one of: about/);
    expect(parseCommandLine("/westofthetracks part", commands, names)).toBe("missing name:");
    expect(parseCommandLine("/westofthetracks part rust", commands, names)).toMatch(/name:value/);
    expect(parseCommandLine("/westofthetracks setup configure channel:#nowhere", commands, names)).toBe("no channel called #nowhere");
  });

  it("completes commands, subcommands, options and choices", () => {
    expect(completeLine("/west", commands)).toEqual(["/westofthetracks "]);
    expect(completeLine("/westofthetracks pa", commands)).toEqual(["/westofthetracks part "]);
    expect(completeLine("/westofthetracks part na", commands)).toEqual(["/westofthetracks part name:"]);
    expect(completeLine("/westofthetracks part name:r", commands)).toEqual([
      "/westofthetracks part name:rust ",
      "/westofthetracks part name:remnants ",
      "/westofthetracks part name:rails ",
    ]);
  });
});

describe("sandbox rendering", () => {
  const ctx: RenderContext = {
    names: { channel: () => "screenings", role: () => "hosts", user: () => "alice" },
    now: () => 1_000_000_000_000,
    number: (_m, id) => (id === "a" ? 1 : 2),
  };

  it("makes Discord markup readable", () => {
    expect(readable("<#1> <@&2> <@3> <t:1000000060:R>", ctx)).toBe("#screenings @hosts @alice in 60 s");
  });

  it("numbers buttons and marks private answers", () => {
    const m = {
      id: "9",
      flags: 64,
      author: { username: "bot" },
      content: "hi",
      embeds: [{ title: "T", fields: [{ name: "F", value: "V" }] }],
      components: [{ type: 1, components: [{ type: 2, style: 2, custom_id: "a", label: "Go" }, { type: 2, style: 2, custom_id: "b", label: "Off", disabled: true }] }],
    } as unknown as APIMessage;
    const text = renderMessage(m, "#screenings", ctx, false);
    expect(text).toContain("(only you can see this)");
    expect(text).toContain("[1] Go");
    expect(text).toContain("[Off]");
    expect(text).toContain("▌ T");
  });
});
