/**
 * `npm run bench -- <name>`: runs one benchmark. Each prints a table and, as its last line,
 * `RESULT <metric> <value>` for tooling to pick up.
 */
// Benchmarks measure, they do not publish: EMF metrics and logs off before Powertools is loaded.
process.env.POWERTOOLS_DEV = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
// Lambda runs Node 22; the SDK's notice about its future Node 22 floor would only clutter the table here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const benches: Record<string, () => Promise<void>> = {
  evaluator: async () => (await import('./evaluator.ts')).runEvaluatorBench(),
  evening: async () => (await import('./evening.ts')).runEveningBench(),
  shard: async () => (await import('./shard.ts')).runShardBench(),
};

const name = process.argv[2];
const bench = name ? benches[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}>`);
  process.exit(2);
}
await bench();
process.exit(0);
