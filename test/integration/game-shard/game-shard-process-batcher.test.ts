import type { SendMessageBatchCommand, SendMessageBatchCommandOutput, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSqsClient } from '#adapters/aws/clients';
import type { SignalCandidate } from '#contracts/signal-candidate';
import { createSqsBatcher } from '../../../containers/game-shard/sqs-batcher.ts';
import { createQueues, type LocalQueue, startSqsEmulator } from '../../../local/emulators/sqs.ts';
import { modelEdgeCandidate } from '../../support/sample-candidates.ts';
import { receiveBodies } from '../../support/sqs.ts';

/**
 * The shard's candidate batcher against fauxqs. fauxqs never fails an entry, so a partial failure comes from a client
 * that forwards only some entries of a batch and reports the others `Failed`, as SQS does when it throttles.
 */
describe('createSqsBatcher (candidates to SQS)', () => {
  let emulator: { endpoint: string; stop(): Promise<void> };
  let sqs: SQSClient;
  let queues: LocalQueue[];
  let next = 0;

  beforeAll(async () => {
    emulator = await startSqsEmulator();
    sqs = makeSqsClient(emulator.endpoint);
    const all = await createQueues(sqs, 'batchertest');
    queues = [all.candidates, all.executionKalshi, all.executionPolymarket];
  });
  afterAll(async () => {
    sqs?.destroy();
    await emulator?.stop();
  });

  const candidates = (n: number): SignalCandidate[] =>
    Array.from({ length: n }, (_, i) => modelEdgeCandidate({ nowMs: 1_700_000_000_000, bookVersion: i }));
  const ids = (bodies: string[]) => bodies.map((b) => (JSON.parse(b) as SignalCandidate).id).sort();

  /** Counts batch sizes; `failFirstTry` entries (by body position in the first call) come back Failed once. */
  function countingClient(failFirstTry: (index: number) => boolean = () => false) {
    const batchSizes: number[] = [];
    const client = {
      send: async (command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> => {
        const call = batchSizes.length;
        const entries = command.input.Entries ?? [];
        batchSizes.push(entries.length);
        const failed = call === 0 ? entries.filter((_, i) => failFirstTry(i)) : [];
        const kept = entries.filter((e) => !failed.includes(e));
        const out = await sqs.send(
          new (command.constructor as typeof SendMessageBatchCommand)({ ...command.input, Entries: kept }),
        );
        return {
          ...out,
          Failed: failed.map((e) => ({ Id: e.Id!, Code: 'ThrottlingException', SenderFault: false, Message: 'slow' })),
        } as SendMessageBatchCommandOutput;
      },
    } as unknown as SQSClient;
    return { client, batchSizes };
  }

  it('delivers every candidate once, ten to a batch, the rest after the linger', async () => {
    const queue = queues[next++]!;
    const { client, batchSizes } = countingClient();
    const batcher = createSqsBatcher({ sqs: client, queueUrl: queue.url, lingerMs: 5 });
    const sent = candidates(25);
    for (const c of sent) batcher.enqueue(c);
    const got = await receiveBodies(sqs, queue.url, 25);
    expect(ids(got)).toEqual(sent.map((c) => c.id).sort());
    expect(batchSizes.sort((a, b) => b - a)).toEqual([10, 10, 5]);
    expect(batcher.stats()).toMatchObject({ published: 25, dropped: 0, retried: 0, queued: 0 });
  });

  it('retries the entries SQS reports Failed, and drain() resolves only once they are in', async () => {
    const queue = queues[next++]!;
    const { client, batchSizes } = countingClient((i) => i % 3 === 0);
    const batcher = createSqsBatcher({ sqs: client, queueUrl: queue.url, lingerMs: 1_000, retryDelayMs: 1 });
    const sent = candidates(7);
    for (const c of sent) batcher.enqueue(c);
    // Drain does not wait out the linger: it sends the partial batch now.
    const started = Date.now();
    await batcher.drain();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(batcher.stats()).toMatchObject({ published: 7, retried: 3, dropped: 0, queued: 0, inFlight: 0 });
    expect(batchSizes).toEqual([7, 3]);
    expect(ids(await receiveBodies(sqs, queue.url, 7))).toEqual(sent.map((c) => c.id).sort());
  });

  it('counts and reports a candidate SQS never takes, after its bounded tries', async () => {
    const queue = queues[next++]!;
    const always = {
      send: async (command: SendMessageBatchCommand) => ({
        Successful: [],
        Failed: (command.input.Entries ?? []).map((e) => ({ Id: e.Id!, Code: 'InternalError', SenderFault: false })),
        $metadata: {},
      }),
    } as unknown as SQSClient;
    const dropped: string[] = [];
    const batcher = createSqsBatcher({
      sqs: always,
      queueUrl: queue.url,
      attempts: 3,
      retryDelayMs: 1,
      onDropped: (c, why) => dropped.push(`${c.id} ${why.code}`),
    });
    const [only] = candidates(1);
    batcher.enqueue(only!);
    await batcher.drain();
    expect(dropped).toEqual([`${only!.id} InternalError`]);
    expect(batcher.stats()).toMatchObject({ published: 0, retried: 2, dropped: 1 });
  });
});
