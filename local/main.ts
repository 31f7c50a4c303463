import { parseArgs } from 'node:util';

/**
 * `npm start`: the whole pipeline on this machine with the embedded stand-ins (DESIGN.md section 2). It replays the
 * sample game through the scanner, the candidates queue, the signal evaluator (paper mode) and settlement, serves
 * the HTTP API meanwhile, and prints a report. `--serve` keeps the API up afterwards.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3000' },
    speed: { type: 'string', default: '150' },
    serve: { type: 'boolean', default: false },
  },
});
const speedup = Number(values.speed);
const port = Number(values.port);
if (!(speedup >= 1 && speedup <= 10_000) || !Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write('usage: npm start -- [--port 3000] [--speed 150] [--serve]\n');
  process.exit(2);
}

// Powertools' and the AWS SDK's own settings, which they read from the environment when they load: set before the
// pipeline's modules are imported. The components' config is built from the stack, not through the environment.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// Lambda runs Node 22; on a Node 20 workstation the SDK's notice about its future Node 22 floor is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { runLocalPipeline } = await import('./run-pipeline.ts');
const complete = await runLocalPipeline({ port, speedup, serve: values.serve });
if (!complete) process.stderr.write('some candidates got no decision before the deadline\n');
process.exit(complete ? 0 : 1);
