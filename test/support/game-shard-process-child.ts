/**
 * A live game shard in a child process for the SIGTERM test: the real `runLiveProcess` (config from the environment,
 * SQS client, batcher, health server, signal handling), with an engine that publishes each polled body as a candidate
 * and venue feeds that only report themselves connected, since the test is about the process, not the venues.
 */
import { gameShardConfig, loadConfig } from '#config/env';
import type { SignalCandidate } from '#contracts/signal-candidate';
import { runLiveProcess } from '../../containers/game-shard/live-process.ts';

const config = loadConfig(gameShardConfig);
const connectedFeed = (_config: unknown, callbacks: { onConnected(): void }) => ({
  start: () => callbacks.onConnected(),
  subscribe: () => undefined,
  resync: () => undefined,
  close: async () => undefined,
});

await runLiveProcess({
  config,
  createEngine: ({ outputs }) => ({
    handle: (line) => outputs.candidate({ candidate: JSON.parse(line.raw) as SignalCandidate }),
    venueDisconnected: () => undefined,
    summary: () => ({ parseFailures: {}, booksInvalidated: 0 }),
  }),
  feeds: { kalshi: connectedFeed, polymarket: connectedFeed },
  polled: [{ source: 'espn', url: process.env.TEST_CANDIDATE_URL ?? '', path: '/candidate', everyMs: 3_600_000 }],
  // Far longer than the test: the candidate is still queued when SIGTERM comes, so only the drain can send it.
  lingerMs: 600_000,
});
