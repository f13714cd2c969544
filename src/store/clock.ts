/** Milliseconds since the epoch; injectable so the bot's sped-up clock stamps rows too. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
