import type { MessageKey, MessageParams } from "../i18n/index.js";

/**
 * An expected failure (bad input, missing permission, nothing to show). Handlers throw it with a catalog
 * key; the router shows the translated text ephemerally and logs nothing above debug. Anything else that
 * is thrown is a bug or an outage: logged with context and answered with a short apology.
 */
export class UserError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params?: MessageParams,
  ) {
    super(key);
    this.name = "UserError";
  }
}
