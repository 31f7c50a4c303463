import type { SendMessageBatchCommand, SendMessageBatchCommandOutput, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeSqsClient } from '#adapters/aws/clients';
import { SqsSendError, sendJsonMessages, sendMessages } from '#adapters/aws/sqs';
import { createQueues, type LocalQueue, startSqsEmulator } from '../../../local/emulators/sqs.ts';
import { receiveBodies } from '../../support/sqs.ts';

/**
 * The one SQS batch sender, against the emulator. The emulator never fails an entry of a batch, so partial
 * failures come from a client that forwards only some entries of a batch and reports the others failed, as SQS
 * does when it throttles or has an internal error.
 */
describe('sendMessages (SQS batch sender)', () => {
  let emulator: { endpoint: string; stop(): Promise<void> };
  let sqs: SQSClient;
  let queues: LocalQueue[];
  let queue: LocalQueue;
  let next = 0;

  beforeAll(async () => {
    emulator = await startSqsEmulator();
    sqs = makeSqsClient(emulator.endpoint);
    const all = await createQueues(sqs, 'sendtest');
    queues = [all.candidates, all.executionKalshi, all.executionPolymarket, all.browserJobs];
  });
  afterAll(async () => {
    sqs?.destroy();
    await emulator?.stop();
  });
  beforeEach(() => {
    // A queue of its own per test, so nothing one test sent is read by another.
    queue = queues[next++]!;
  });

  const drain = (expected: number) => receiveBodies(sqs, queue.url, expected);

  /** A client whose batches lose the entries `fail` picks: those are not sent and come back in `Failed`. */
  function flakyClient(fail: (entryId: string, call: number) => { code: string; senderFault: boolean } | undefined) {
    const calls: string[][] = [];
    const client = {
      send: async (command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> => {
        const call = calls.length;
        const entries = command.input.Entries ?? [];
        calls.push(entries.map((e) => e.Id!));
        const failed = entries.flatMap((e) => {
          const f = fail(e.Id!, call);
          return f ? [{ Id: e.Id!, Code: f.code, SenderFault: f.senderFault, Message: `${f.code} on ${e.Id}` }] : [];
        });
        const kept = entries.filter((e) => !failed.some((f) => f.Id === e.Id));
        const out = kept.length
          ? await sqs.send(
              new (command.constructor as typeof SendMessageBatchCommand)({ ...command.input, Entries: kept }),
            )
          : { Successful: [], $metadata: {} };
        return { ...out, Failed: failed } as SendMessageBatchCommandOutput;
      },
    } as unknown as SQSClient;
    return { client, calls };
  }

  it('sends every body, ten to a batch, unchanged', async () => {
    const values = Array.from({ length: 23 }, (_, i) => ({ n: i, text: `message ${i}` }));
    await sendJsonMessages(sqs, queue.url, values);
    const got = (await drain(23)).map((b) => JSON.parse(b));
    expect(got.sort((a, b) => a.n - b.n)).toEqual(values);
  });

  it('sends nothing for no bodies', async () => {
    const { client, calls } = flakyClient(() => undefined);
    await sendMessages(client, queue.url, []);
    expect(calls).toEqual([]);
  });

  it('sends again the entries SQS failed on its side, each once, until they are all in', async () => {
    // The first try of every odd entry of the first batch fails; the second try of entry 3 fails too.
    const { client, calls } = flakyClient((id, call) =>
      (Number(id) % 2 === 1 && call === 0) || (id === '3' && call === 1)
        ? { code: 'InternalError', senderFault: false }
        : undefined,
    );
    const bodies = Array.from({ length: 12 }, (_, i) => `body-${i}`);
    await sendMessages(client, queue.url, bodies, { retryDelayMs: 0 });
    expect(calls).toEqual([
      ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      ['1', '3', '5', '7', '9'],
      ['3'],
      ['10', '11'],
    ]);
    expect((await drain(12)).sort()).toEqual([...bodies].sort());
  });

  it('throws naming what it could not send: a sender fault at once, an SQS failure after its last try', async () => {
    const { client, calls } = flakyClient((id) =>
      id === '4'
        ? { code: 'InvalidMessageContents', senderFault: true }
        : id === '11'
          ? { code: 'ServiceUnavailable', senderFault: false }
          : undefined,
    );
    const bodies = Array.from({ length: 13 }, (_, i) => `body-${i}`);
    const error = await sendMessages(client, queue.url, bodies, { attempts: 3, retryDelayMs: 0 }).catch((e) => e);
    expect(error).toBeInstanceOf(SqsSendError);
    expect((error as SqsSendError).unsent).toEqual([
      { index: 4, code: 'InvalidMessageContents', message: 'InvalidMessageContents on 4' },
      { index: 11, code: 'ServiceUnavailable', message: 'ServiceUnavailable on 11' },
    ]);
    expect((error as Error).message).toContain(
      `SQS did not accept 2 of 13 messages for ${queue.url}: #4 InvalidMessageContents`,
    );
    // Entry 4 was tried once; entry 11 three times; everything else went through once.
    expect(calls.flat().filter((id) => id === '4')).toHaveLength(1);
    expect(calls.flat().filter((id) => id === '11')).toHaveLength(3);
    const got = await drain(11);
    expect(got.sort()).toEqual(bodies.filter((_, i) => i !== 4 && i !== 11).sort());
  });
});
