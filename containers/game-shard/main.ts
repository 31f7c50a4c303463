import { runReplayCli } from './cli.ts';

/** The game shard's entry: `--feed FILE` replays a feed through the engine (containers/game-shard/cli.ts). */
const argv = process.argv.slice(2);
if (argv.includes('--feed')) {
  await runReplayCli(argv);
} else {
  console.error('usage: npm run shard -- --feed FILE [--speed N|max] [--candidates-out FILE] [--summary-out FILE]');
  process.exitCode = 2;
}
