/**
 * The services handlers use, passed explicitly (a small deps object, no container).
 */
import type { KnowledgeBase } from "./knowledge/base.js";
import type { LanguagePreference } from "./i18n/locale.js";
import type { Logger } from "./log.js";

export interface BotServices {
  knowledge: KnowledgeBase;
  logger: Logger;
  /** The club's language setting; "auto" when the bot has no store yet or the club chose none. */
  languagePreference(guildId: string | null): Promise<LanguagePreference>;
}
