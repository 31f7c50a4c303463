import { createHash } from 'node:crypto';

/**
 * Which shard owns a game: a stable hash of the game id, so every task (and a replay) agrees on it without talking to
 * the others, and a game stays with its shard across restarts while `shardCount` is unchanged.
 */
export function shardOf(gameId: string, shardCount: number): number {
  if (!Number.isSafeInteger(shardCount) || shardCount < 1) throw new RangeError(`shardCount ${shardCount}: not >= 1`);
  // The first 48 bits of sha256: uniform, and exact as a JS integer.
  const hash = Number.parseInt(createHash('sha256').update(gameId).digest('hex').slice(0, 12), 16);
  return hash % shardCount;
}

/** Whether shard `shardIndex` of `shardCount` owns the game: exactly one index does, for any game id. */
export function ownsGame(gameId: string, shardIndex: number, shardCount: number): boolean {
  if (!Number.isSafeInteger(shardIndex) || shardIndex < 0 || shardIndex >= shardCount) {
    throw new RangeError(`shardIndex ${shardIndex}: not in [0, ${shardCount})`);
  }
  return shardOf(gameId, shardCount) === shardIndex;
}
