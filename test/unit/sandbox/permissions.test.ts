import { PermissionFlagsBits as P } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { ALL_PERMISSIONS, basePermissions, channelPermissions, type PermissionSubject } from "../../../src/sandbox/permissions.js";

const guildId = "100";
const subject = (over: Partial<PermissionSubject> = {}): PermissionSubject => ({
  guildId,
  ownerId: "1",
  userId: "2",
  roleIds: ["r1"],
  roles: [
    { id: guildId, permissions: P.ViewChannel | P.SendMessages },
    { id: "r1", permissions: P.ManageMessages },
    { id: "admin", permissions: P.Administrator },
  ],
  ...over,
});

describe("permission computation", () => {
  it("unites @everyone and the member's roles", () => {
    expect(basePermissions(subject())).toBe(P.ViewChannel | P.SendMessages | P.ManageMessages);
  });

  it("gives everything to the owner and to administrators, overwrites notwithstanding", () => {
    expect(basePermissions(subject({ userId: "1" }))).toBe(ALL_PERMISSIONS);
    const deny = [{ id: guildId, type: 0 as const, allow: 0n, deny: P.ViewChannel }];
    expect(channelPermissions(subject({ roleIds: ["admin"] }), deny)).toBe(ALL_PERMISSIONS);
  });

  it("applies @everyone, then role, then member overwrites", () => {
    const overwrites = [
      { id: guildId, type: 0 as const, allow: 0n, deny: P.SendMessages },
      { id: "r1", type: 0 as const, allow: P.SendMessages | P.EmbedLinks, deny: 0n },
      { id: "2", type: 1 as const, allow: 0n, deny: P.EmbedLinks },
    ];
    const perms = channelPermissions(subject(), overwrites);
    expect(perms & P.SendMessages).toBe(P.SendMessages);
    expect(perms & P.EmbedLinks).toBe(0n);
    expect(channelPermissions(subject({ roleIds: [] }), overwrites) & P.SendMessages).toBe(0n);
  });

  it("grants nothing in a channel the member cannot see", () => {
    const hidden = [{ id: guildId, type: 0 as const, allow: 0n, deny: P.ViewChannel }];
    expect(channelPermissions(subject(), hidden)).toBe(0n);
  });
});
