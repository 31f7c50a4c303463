import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { localLambdaContext } from '../../../local/lambda-context.ts';
import { logger, metrics, tracer, withPowertools } from '../../../shared/observability.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('withPowertools: the one chain every Lambda handler runs in', () => {
  it('traces outermost, gives the logger each invocation its own context and keys, flushes metrics each time', async () => {
    const calls: string[] = [];
    vi.spyOn(tracer, 'isTracingEnabled').mockReturnValue(true);
    vi.spyOn(tracer, 'getSegment').mockImplementation(() => {
      calls.push('tracer');
      return undefined;
    });
    vi.spyOn(logger, 'addContext').mockImplementation(() => {
      calls.push('logger context');
    });
    vi.spyOn(logger, 'resetKeys').mockImplementation(() => {
      calls.push('logger reset');
    });
    vi.spyOn(metrics, 'captureColdStartMetric').mockImplementation(() => {
      calls.push('cold start');
      return metrics;
    });
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
      calls.push('metrics flushed');
      return metrics;
    });

    const handler = withPowertools(async (event: { n: number }) => {
      calls.push(`handler ${event.n}`);
      return event.n * 2;
    });
    expect(await handler({ n: 1 }, localLambdaContext('chain-test'))).toBe(2);
    expect(await handler({ n: 2 }, localLambdaContext('chain-test'))).toBe(4);

    // Each invocation: the segment first, then the logger's context, then metrics (the cold-start metric is asked
    // for every time; Powertools publishes it on the first only); on the way out metrics flush before the keys reset.
    const invocation = (n: number) => [
      'tracer',
      'logger context',
      'cold start',
      `handler ${n}`,
      'metrics flushed',
      'logger reset',
    ];
    expect(calls).toEqual([...invocation(1), ...invocation(2)]);
  });
});

describe('the Lambda handlers', () => {
  const functionsDir = join(import.meta.dirname, '../../../functions');
  const sources = readdirSync(functionsDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ file, text: readFileSync(join(functionsDir, file), 'utf8') }));

  it('build no Powertools chain of their own: each goes through withPowertools', () => {
    expect(sources.length).toBeGreaterThan(0);
    const ownChains = sources.filter(
      ({ text }) => /from '@aws-lambda-powertools\/\w+\/middleware'/.test(text) || /^import middy/m.test(text),
    );
    expect(ownChains.map(({ file }) => file)).toEqual([]);
    for (const fn of ['api', 'migrate', 'retention', 'settlement', 'signal-evaluator']) {
      const wired = sources.filter(({ file }) => file.startsWith(`${fn}/`) && file.endsWith('.ts'));
      expect(
        wired.some(({ text }) => text.includes('withPowertools(')),
        `${fn} runs in withPowertools`,
      ).toBe(true);
    }
  });
});
