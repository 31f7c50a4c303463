import { gameShardConfig, loadConfig } from '#config/env';
import { runReplayCli } from './cli.ts';
import { runLiveProcess } from './live-process.ts';

/**
 * The game shard's entry: `--feed FILE` replays a feed through the engine (containers/game-shard/cli.ts); with no
 * arguments, the live shard (containers/game-shard/live-process.ts) with its config from the environment.
 */
const argv = process.argv.slice(2);
if (argv.includes('--feed')) {
  await runReplayCli(argv);
} else if (argv.length === 0) {
  await runLiveProcess({ config: loadConfig(gameShardConfig) });
} else {
  console.error(
    'usage: npm run shard                       (live; config from the environment, RECORD_TO=FILE records)\n' +
      '       npm run shard -- --feed FILE [--speed N|max] [--candidates-out FILE] [--summary-out FILE]',
  );
  process.exitCode = 2;
}
