/** Discord snowflakes: milliseconds since the Discord epoch in the top 42 bits, a counter below. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

export class SnowflakeGenerator {
  private increment = 0n;
  private last = 0n;

  next(at: number = Date.now()): string {
    let ms = BigInt(at) - DISCORD_EPOCH;
    if (ms < this.last) ms = this.last;
    if (ms === this.last) this.increment += 1n;
    else this.increment = 0n;
    this.last = ms;
    // the low 12 bits hold the counter; overflow borrows from the next millisecond
    if (this.increment >= 4096n) {
      this.last += 1n;
      ms = this.last;
      this.increment = 0n;
    }
    return ((ms << 22n) | this.increment).toString();
  }
}

/** The timestamp (ms since 1970) encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** The shard a guild belongs to: (guild_id >> 22) % shard_count. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
