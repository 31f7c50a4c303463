import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSqsClient } from '#adapters/aws/clients';
import { createInMemoryPriceCache } from '#adapters/price-cache/in-memory';
import { gameIdFor } from '#contracts/ids';
import type { Venue } from '#domain/names';
import {
  type LiveShard,
  type RawSink,
  startLiveShard,
  type VenueFeedFactory,
} from '../../../containers/game-shard/live.ts';
import { createQueues, type LocalQueue, startSqsEmulator } from '../../../local/emulators/sqs.ts';
import { shardOf } from '../../../shared/domain/shard/assignment.ts';
import { discoveryBodies, ESPN_EVENT_ID } from '../../support/game-shard-process-venues.ts';

/** Two shards see the same discovery: only the one that owns the game (`ownsGame`) subscribes its instruments. */
describe('live shard ownership', () => {
  let emulator: { endpoint: string; stop(): Promise<void> };
  let sqs: SQSClient;
  let queue: LocalQueue;
  const shards: LiveShard[] = [];
  const owner = shardOf(gameIdFor('nba', ESPN_EVENT_ID), 2);

  beforeAll(async () => {
    emulator = await startSqsEmulator();
    sqs = makeSqsClient(emulator.endpoint);
    queue = (await createQueues(sqs, 'ownertest')).candidates;
  });
  afterAll(async () => {
    await Promise.all(shards.map((s) => s.stop()));
    sqs?.destroy();
    await emulator?.stop();
  });

  async function shard(index: number) {
    const subscribed: Record<Venue, string[]> = { kalshi: [], polymarket: [] };
    const feed =
      (venue: Venue): VenueFeedFactory =>
      () => ({
        start: () => undefined,
        setInstruments: (ids) => {
          subscribed[venue] = ids;
        },
        resync: () => undefined,
        close: async () => undefined,
      });
    let onRaw: RawSink | undefined;
    shards.push(
      await startLiveShard({
        config: {
          SHARD_INDEX: index,
          SHARD_COUNT: 2,
          MIN_EDGE_BPS: 200,
          MIN_ARB_PROFIT_MICROS: 100_000,
          MIN_ARB_EDGE_BPS: 10,
          PRICE_STALE_AFTER_MS: 30_000,
          HEALTH_PORT: 0,
        },
        feeds: { kalshi: feed('kalshi'), polymarket: feed('polymarket') },
        polled: [
          (sink) => {
            onRaw = sink;
            return { start: () => undefined, close: async () => undefined };
          },
        ],
        sqs,
        candidatesQueueUrl: queue.url,
        priceCache: createInMemoryPriceCache(),
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
        healthHost: '127.0.0.1',
      }),
    );
    for (const [i, body] of discoveryBodies().entries())
      onRaw?.(body.source, body.raw, 1_794_712_890_000 + i, body.path);
    return subscribed;
  }

  it('subscribes the game on its owner only', async () => {
    const mine = await shard(owner);
    const theirs = await shard(1 - owner);
    const deadline = Date.now() + 5_000;
    while (mine.polymarket.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(mine.kalshi).toEqual(['KXNBAGAME-26NOV14BOSDEN-DEN']);
    expect(mine.polymarket).toHaveLength(2);
    expect(theirs).toEqual({ kalshi: [], polymarket: [] });
  });
});
