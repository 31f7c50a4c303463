import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EveningReport } from '../local/evening/report.ts';

const GAMES = 8;
const SEED = 1;

/**
 * `npm run bench -- evening`: `npm start -- --once` over a simulated evening of 8 games, as a new user runs it (an
 * empty data folder, embedded Postgres unless DATABASE_URL is set), timed from spawn to exit. Prints the wall time,
 * messages per second end to end and both latency percentiles from the run's own report.
 */
export async function runEveningBench(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sharpline-bench-evening-'));
  const reportFile = join(dataDir, 'report.json');
  try {
    const started = performance.now();
    const args = ['start', '--', '--once', '--games', String(GAMES), '--seed', String(SEED), '--port', '0'];
    const child = spawn('npm', [...args, '--data-dir', dataDir, '--report', reportFile], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`npm start exited with ${code}`);
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as EveningReport;
    const { feedToCandidate, candidateToDecision } = report.latencyMs;
    const candidates = report.total.candidates.model_edge + report.total.candidates.arbitrage;
    console.table({
      evening: {
        games: GAMES,
        messages: report.total.messages,
        candidates,
        'wall s': seconds.toFixed(1),
        'messages/s': Math.round(report.total.messages / seconds),
        'feed->candidate p50 ms': feedToCandidate.p50,
        'feed->candidate p99 ms': feedToCandidate.p99,
        'candidate->decision p50 ms': candidateToDecision.p50,
        'candidate->decision p99 ms': candidateToDecision.p99,
      },
    });
    console.log(`RESULT evening_messages_per_second ${Math.round(report.total.messages / seconds)}`);
    console.log(`RESULT evening_candidate_to_decision_p99_ms ${candidateToDecision.p99}`);
    console.log(`RESULT evening_seconds ${seconds.toFixed(1)}`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
