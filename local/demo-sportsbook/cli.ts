import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatAmerican } from './odds.ts';
import { DEMO_USERS, PLANTED_SUREBET, startDemoSportsbooks } from './server.ts';

/**
 * `npm run demo-sportsbook [-- --base-port 8443 --tick-every-ms 10000 --cert-dir .data/demo-sportsbook]`: starts
 * `demo` and `demo2`, writes the certificate they serve to `<cert-dir>/<name>.cert.pem` for the worker to trust.
 */
const { values } = parseArgs({
  options: {
    'base-port': { type: 'string', default: '8443' },
    'tick-every-ms': { type: 'string' },
    'cert-dir': { type: 'string', default: join('.data', 'demo-sportsbook') },
  },
});

function integerArg(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    process.stderr.write(`invalid --${name} ${text}\n`);
    process.exit(2);
  }
  return value;
}

const basePort = integerArg('base-port', values['base-port'], 1, 65_534);
const tickEveryMs =
  values['tick-every-ms'] === undefined
    ? undefined
    : integerArg('tick-every-ms', values['tick-every-ms'], 100, 3_600_000);

const demo = await startDemoSportsbooks({ basePort, tickEveryMs });
await mkdir(values['cert-dir'], { recursive: true });
const lines: string[] = [];
for (const book of demo.books) {
  const certFile = join(values['cert-dir'], `${book.name}.cert.pem`);
  await writeFile(certFile, book.certPem);
  lines.push(`${book.name.padEnd(6)} ${book.origin}  (cert ${certFile})`);
}
const [home, away] = PLANTED_SUREBET.legs;
process.stdout.write(
  [
    'demo sportsbooks listening:',
    ...lines.map((line) => `  ${line}`),
    `  certificate SPKI sha256: ${demo.spkiSha256}`,
    `  chromium: --ignore-certificate-errors-spki-list=${demo.spkiSha256}`,
    `  users: ${DEMO_USERS.map((user) => `${user.username} / ${user.password}`).join(', ')}`,
    `  planted surebet on /events/${PLANTED_SUREBET.eventId}: ${home.selection} ${formatAmerican(home.american)} at ${home.book}, ${away.selection} ${formatAmerican(away.american)} at ${away.book}`,
    `  ticks: ${tickEveryMs === undefined ? 'POST /__admin/tick' : `every ${tickEveryMs} ms`}`,
    '',
  ].join('\n'),
);

const shutdown = async () => {
  await demo.close();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
