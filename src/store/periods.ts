/**
 * Score period keys: `all`, `season:<year>-<quarter>` and `week:<ISO year>-W<ISO week>`, computed in UTC.
 * The trivia feature may pass its own keys (e.g. computed in the guild's time zone) to recordAnswer.
 */
export const ALL_TIME = "all";

export function seasonKey(at: number): string {
  const d = new Date(at);
  return `season:${d.getUTCFullYear()}-${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

export function weekKey(at: number): string {
  const d = new Date(at);
  const day = d.getUTCDay() || 7; // Monday = 1 … Sunday = 7
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 4 - day);
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / 86_400_000 / 7) + 1;
  return `week:${year}-W${String(week).padStart(2, "0")}`;
}

export function defaultPeriodKeys(at: number): string[] {
  return [ALL_TIME, seasonKey(at), weekKey(at)];
}
