import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdTable } from '../../../shared/domain/shard/id-table.ts';

/** The shard's book table answers as a Map would, whichever ids share a slot of its front. */

// 77 digits, as Polymarket's token ids; many more than the front's slots, so some share one.
const tokenId = (i: number) => `${String(i).padStart(8, '0')}${'7'.repeat(69)}`.split('').reverse().join('');

describe('IdTable', () => {
  it('finds every id added, by a fresh string of the same characters, and nothing else', () => {
    const table = new IdTable<number>();
    const n = 3000;
    for (let i = 0; i < n; i++) table.add(tokenId(i), i);
    for (let i = 0; i < n; i++) expect(table.get(tokenId(i).slice(0))).toBe(i);
    expect(table.get(tokenId(n))).toBeUndefined();
    expect(table.get('')).toBeUndefined();
  });

  it('keeps the first value of an id added twice and lists ids in the order added', () => {
    const table = new IdTable<string>();
    table.add('KXNBAGAME-26NOV14LALBOS-LAL', 'first');
    table.add('KXNBAGAME-26NOV14LALBOS-BOS', 'other');
    table.add('KXNBAGAME-26NOV14LALBOS-LAL', 'second');
    expect(table.get('KXNBAGAME-26NOV14LALBOS-LAL')).toBe('first');
    expect(table.ids()).toEqual(['KXNBAGAME-26NOV14LALBOS-LAL', 'KXNBAGAME-26NOV14LALBOS-BOS']);
  });

  it('agrees with a Map on any ids', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 200 }), fc.array(fc.string()), (ids, probes) => {
        const table = new IdTable<number>();
        const map = new Map<string, number>();
        ids.forEach((id, i) => {
          table.add(id, i);
          if (!map.has(id)) map.set(id, i);
        });
        for (const id of [...ids, ...probes]) expect(table.get(id)).toBe(map.get(id));
        expect(table.ids()).toEqual([...map.keys()]);
      }),
    );
  });
});
