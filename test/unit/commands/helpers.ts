/** Shared by the command unit tests. */
import { PermissionFlagsBits } from "discord-api-types/v10";
import { expect } from "vitest";
import { UserError } from "../../../src/discord/errors.js";
import { ANNOUNCEMENT_CHANNEL_NEEDS } from "../../../src/discord/permissions.js";

/** Everything the bot needs in an announcement channel. */
export const ALL_NEEDED = ANNOUNCEMENT_CHANNEL_NEEDS.reduce((bits, flag) => bits | PermissionFlagsBits[flag], 0n);

/** Runs `run`, which must reject with a UserError, and returns it. */
export async function userErrorOf(run: () => Promise<void>): Promise<UserError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}
