import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownsGame, shardOf } from '../../../shared/domain/shard/assignment.ts';

describe('ownsGame (which shard owns a game)', () => {
  it('splits any set of games over N shards with no overlap and no gap', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 50 }), fc.integer({ min: 1, max: 16 }), (games, count) => {
        for (const game of games) {
          const owners = Array.from({ length: count }, (_, index) => index).filter((i) => ownsGame(game, i, count));
          expect(owners).toEqual([shardOf(game, count)]);
        }
      }),
    );
  });

  it('is stable: the same id gets the same shard on every call', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 1, max: 64 }), (game, count) => {
        expect(shardOf(game, count)).toBe(shardOf(`${game}`, count));
      }),
    );
    // Pinned, so a change of hash (which would move every live game to another shard) fails here.
    // (the first 48 bits of sha256 of the id, modulo the count).
    expect(shardOf('3f0e2a5c-6a7b-4c1d-9e8f-0a1b2c3d4e5f', 7)).toBe(2);
    expect(shardOf('3f0e2a5c-6a7b-4c1d-9e8f-0a1b2c3d4e5f', 1000)).toBe(790);
  });

  it('spreads games roughly evenly', () => {
    const count = 4;
    const perShard = new Array<number>(count).fill(0);
    for (let i = 0; i < 4000; i += 1) perShard[shardOf(`game-${i}`, count)]! += 1;
    for (const n of perShard) expect(n).toBeGreaterThan(850);
  });

  it('refuses an index outside [0, count) and a count below 1', () => {
    expect(() => ownsGame('g', 2, 2)).toThrow(RangeError);
    expect(() => ownsGame('g', -1, 2)).toThrow(RangeError);
    expect(() => shardOf('g', 0)).toThrow(RangeError);
  });
});
