import { describe, expect, it } from 'vitest';
import { createCoalescer } from '../../../shared/evaluator/coalescer.ts';

describe('createCoalescer', () => {
  it('runs once with every submitted item when each expected record has submitted or skipped', async () => {
    const runs: number[][] = [];
    const c = createCoalescer<number, string>(4, async (items) => {
      runs.push(items);
      return items.map((i) => `done ${i}`);
    });
    const a = c.submit(1);
    c.skip();
    const b = c.submit(2);
    expect(runs).toEqual([]);
    const d = c.submit(3);
    await expect(Promise.all([a, b, d])).resolves.toEqual(['done 1', 'done 2', 'done 3']);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it('fails every submitted item when the run fails, and never runs for a batch of skips', async () => {
    let ran = 0;
    const failing = createCoalescer<number, number>(2, async () => {
      ran += 1;
      throw new Error('database down');
    });
    const results = Promise.allSettled([failing.submit(1), failing.submit(2)]);
    expect((await results).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const skipsOnly = createCoalescer<number, number>(2, async () => {
      ran += 1;
      return [];
    });
    skipsOnly.skip();
    skipsOnly.skip();
    expect(ran).toBe(1);
  });
});
