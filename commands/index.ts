/**
 * The command registry: what the router dispatches, what the deploy script registers, what tests check.
 */
import type { CommandRegistry } from "../src/discord/command.js";
import { westofthetracks } from "./westofthetracks.js";
import { askButtons } from "./westofthetracks/ask.js";
import { glossaryButtons } from "./westofthetracks/glossary.js";
import { partButtons } from "./westofthetracks/part.js";
import { forgetButtons } from "./westofthetracks/setup.js";
import { triviaButtons, triviaLeaderboardButtons } from "./westofthetracks/trivia.js";
import { watchCancelButtons, watchConfirmButtons, watchRsvpButtons } from "./westofthetracks/watchparty.js";

export const registry: CommandRegistry = {
  commands: [westofthetracks],
  components: [partButtons, glossaryButtons, askButtons, forgetButtons, triviaButtons, triviaLeaderboardButtons, watchConfirmButtons, watchRsvpButtons, watchCancelButtons],
};
