/**
 * The one place that decides the custom_id format: `wt1:<handler>:<arg>:<arg>…`.
 *
 * Ids carry ids, never state (state lives in the store), so a button pressed after a restart still works.
 * The `wt1` prefix is the format version: a button from an older format (or another bot's) decodes as
 * stale and gets a friendly "run the command again" instead of an error.
 */
export const CUSTOM_ID_PREFIX = "wt1";
const SEPARATOR = ":";
export const CUSTOM_ID_MAX = 100;

export type DecodedCustomId = { stale: false; handler: string; args: string[] } | { stale: true };

const SAFE_PART = /^[A-Za-z0-9_.-]*$/;

export function encodeCustomId(handler: string, ...args: (string | number)[]): string {
  const parts = [CUSTOM_ID_PREFIX, handler, ...args.map(String)];
  for (const part of parts.slice(1)) {
    if (!SAFE_PART.test(part)) throw new Error(`custom_id part “${part}” may hold only letters, digits, _ . -`);
  }
  if (handler.length === 0) throw new Error("custom_id handler must not be empty");
  const id = parts.join(SEPARATOR);
  if (id.length > CUSTOM_ID_MAX) throw new Error(`custom_id is ${id.length} characters; Discord allows ${CUSTOM_ID_MAX}`);
  return id;
}

export function decodeCustomId(id: string): DecodedCustomId {
  if (id.length > CUSTOM_ID_MAX) return { stale: true };
  const parts = id.split(SEPARATOR);
  if (parts[0] !== CUSTOM_ID_PREFIX || parts.length < 2) return { stale: true };
  const handler = parts[1] ?? "";
  const args = parts.slice(2);
  if (handler === "" || ![handler, ...args].every((p) => SAFE_PART.test(p))) return { stale: true };
  return { stale: false, handler, args };
}
