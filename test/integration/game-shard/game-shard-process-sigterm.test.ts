import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSqsClient } from '#adapters/aws/clients';
import { createQueues, type LocalQueue, startSqsEmulator } from '../../../local/emulators/sqs.ts';
import { modelEdgeCandidate } from '../../support/sample-candidates.ts';
import { receiveBodies } from '../../support/sqs.ts';

/** Polls `check` until it holds or the deadline passes; no sleeps beyond the poll interval. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('game shard process on SIGTERM', () => {
  let emulator: { endpoint: string; stop(): Promise<void> };
  let sqs: SQSClient;
  let queue: LocalQueue;
  let source: Server;
  let child: ChildProcess | undefined;
  const candidate = modelEdgeCandidate({ nowMs: 1_700_000_000_000 });

  beforeAll(async () => {
    emulator = await startSqsEmulator();
    sqs = makeSqsClient(emulator.endpoint);
    queue = (await createQueues(sqs, 'sigtermtest')).candidates;
    source = createServer((_req, res) => res.end(JSON.stringify(candidate)));
    source.listen(0, '127.0.0.1');
    await once(source, 'listening');
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    source?.close();
    sqs?.destroy();
    await emulator?.stop();
  });

  it('sends the candidate still queued for its batch, then exits 0 within 10 s', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'test/support/game-shard-process-child.ts'], {
      env: {
        PATH: process.env.PATH,
        HEALTH_PORT: '0',
        SQS_ENDPOINT: emulator.endpoint,
        CANDIDATES_QUEUE_URL: queue.url,
        TEST_CANDIDATE_URL: `http://127.0.0.1:${(source.address() as AddressInfo).port}/candidate`,
        POWERTOOLS_DEV: 'true',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const exited = once(child, 'exit');

    const port = await until('the health port in the log', async () => output.match(/"port":\s*(\d+)/)?.[1]);
    const metrics = await until('the candidate queued', async () => {
      const body = (await (await fetch(`http://127.0.0.1:${port}/metrics`)).json()) as { queueDepth: number };
      return body.queueDepth === 1 ? body : undefined;
    });
    expect(metrics).toMatchObject({ candidatesPublished: 0, messages: { espn: 1 } });
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);

    const signalled = Date.now();
    child.kill('SIGTERM');
    const [code] = await exited;
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    expect(Date.now() - signalled).toBeLessThan(10_000);
    const bodies = await receiveBodies(sqs, queue.url, 1);
    expect(bodies.map((b) => JSON.parse(b))).toEqual([candidate]);
  });
});
