/**
 * A live game shard in a child process for the SIGTERM test: the real `runLiveProcess` (config from the environment,
 * venue clients, SQS client, batcher, health server, signal handling) against the test's stand-in venues. Candidates
 * wait far longer than the test for their batch, so a candidate is still queued when SIGTERM comes and only the
 * drain can send it.
 */
import { gameShardConfig, loadConfig } from '#config/env';
import { runLiveProcess } from '../../containers/game-shard/live-process.ts';

await runLiveProcess({ config: loadConfig(gameShardConfig), lingerMs: 600_000 });
