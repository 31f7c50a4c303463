import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { evaluatorConfig, loadConfig } from '#config/env';
import type { FeedLine } from '#domain/feed/events';
import { parseHundredths } from '#domain/units';
import { createShardEngine, type EngineSettings } from '../containers/game-shard/engine.ts';
import { replayFeed } from '../containers/game-shard/replay.ts';
import { simulateEvening } from '../local/simulator/evening.ts';
import { loadPmxt, type PeerFrames, type PmxtPeer, toPmxtFrames } from './shard-peer.ts';
import { parserStages } from './shard-stages.ts';

/**
 * `npm run bench -- shard`: the game shard's hot path on one simulated evening of venue messages, against the floor
 * of any JSON design (bare `JSON.parse` of every frame) and a peer (pmxt-core) applying the same Kalshi and
 * Polymarket frames to its books. The three run in one process on the same bytes, in alternation over several rounds
 * (the machine is shared and noisy), each after a warm-up; a figure is the median of its rounds, a ratio the median
 * of the per-round ratios. Per-message latency of ours comes from a separate pass timed message by message, the
 * timer's own cost measured and taken off.
 *
 * Environment: BENCH_SHARD_MESSAGES (default 1 000 000), BENCH_SHARD_ROUNDS (default 5), BENCH_SHARD_FEED (a JSONL
 * feed file to use instead of building one), BENCH_SHARD_PATHS (comma list of json,parsers,ours,pmxt; default all),
 * BENCH_SHARD_PEER=0 (skip the peer), BENCH_SHARD_REPLAY_LINES (default 330 000).
 */

const MESSAGES = Number(process.env.BENCH_SHARD_MESSAGES ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_SHARD_ROUNDS ?? 5);
const REPLAY_LINES = Number(process.env.BENCH_SHARD_REPLAY_LINES ?? 330_000);
const PATHS = new Set((process.env.BENCH_SHARD_PATHS ?? 'json,parsers,ours,pmxt').split(','));

// A collection between measurements keeps one path's garbage off the next one's clock.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The shard's defaults (MIN_EDGE_BPS, MIN_ARB_PROFIT_MICROS, MIN_ARB_EDGE_BPS, PRICE_STALE_AFTER_MS). */
function engineSettings(): EngineSettings {
  const config = loadConfig(evaluatorConfig, { env: {} });
  return {
    minEdgeBps: config.MIN_EDGE_BPS,
    minArbProfitMicros: 100_000,
    minArbEdgeBps: 10,
    priceStaleAfterMs: config.PRICE_STALE_AFTER_MS,
  };
}

/** The simulator's evening as the bench and the replay both use it: NBA and NFL games, its default seed. */
const evening = (messages: number) => ({
  seed: 1,
  games: 8,
  sports: ['nba', 'nfl'] as const,
  messages,
  staleAfterMs: engineSettings().priceStaleAfterMs,
  thresholds: { minProfitMicros: engineSettings().minArbProfitMicros, minEdgeBps: engineSettings().minArbEdgeBps },
});

/** Sharpline's path: a fresh engine per pass, every line through `handle` (parse -> book -> model -> decision). */
function createEngine(): { handle(line: FeedLine, lineNo: number): void; candidates(): number; summary(): unknown } {
  let candidates = 0;
  const engine = createShardEngine({
    settings: engineSettings(),
    outputs: {
      candidate: () => {
        candidates += 1;
      },
    },
  });
  return { handle: engine.handle, candidates: () => candidates, summary: () => engine.summary() };
}

async function loadFeed(): Promise<{ lines: FeedLine[]; origin: string }> {
  const file = process.env.BENCH_SHARD_FEED;
  if (file) {
    const text = await readFile(file, 'utf8');
    const lines = text
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as FeedLine);
    return { lines, origin: `${file} (${lines.length} lines)` };
  }
  const opts = evening(MESSAGES);
  const lines = [...simulateEvening(opts).lines];
  return {
    lines,
    origin: `local/simulator (seed ${opts.seed}, ${opts.games} games, ${opts.sports.join('+')}, ${fmt(MESSAGES)} venue messages asked)`,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Seconds for one bare `JSON.parse` of every frame. */
function timeJsonParse(lines: readonly FeedLine[]): number {
  let kept = 0;
  const t = process.hrtime.bigint();
  for (const line of lines) {
    try {
      if (JSON.parse(line.raw) !== undefined) kept += 1;
    } catch {
      kept += 1;
    }
  }
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (kept !== lines.length) throw new Error('JSON.parse dropped a frame');
  return s;
}

function timeOurs(lines: readonly FeedLine[]): { s: number; summary: unknown } {
  const engine = createEngine();
  const t = process.hrtime.bigint();
  for (let i = 0; i < lines.length; i++) engine.handle(lines[i]!, i);
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  return { s, summary: engine.summary() };
}

async function timePeer(peer: PmxtPeer, frames: PeerFrames): Promise<number> {
  const t = process.hrtime.bigint();
  await peer.run(frames);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/** The cost of one `hrtime.bigint()` pair around nothing, in ns (median of many). */
function timerOverheadNs(): number {
  const n = 200_000;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = process.hrtime.bigint();
    xs[i] = Number(process.hrtime.bigint() - a);
  }
  xs.sort();
  return percentile(xs, 50);
}

/** Per-message latency of ours in microseconds, sorted; each message timed alone, the timer's cost taken off. */
function latencies(lines: readonly FeedLine[], overheadNs: number): Float64Array {
  const engine = createEngine();
  const us = new Float64Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const a = process.hrtime.bigint();
    engine.handle(lines[i]!, i);
    us[i] = Math.max(0, Number(process.hrtime.bigint() - a) - overheadNs) / 1000;
  }
  return us.sort();
}

/**
 * pmxt's books after a pass agree with the frames: each Kalshi market's YES bids add up to what the snapshot and the
 * deltas say (in hundredths). A peer that silently dropped the deltas would be fast and wrong.
 */
function kalshiYesDepth(lines: readonly FeedLine[]): Map<string, number> {
  const depth = new Map<string, number>();
  for (const line of lines) {
    if (line.source !== 'kalshi_ws') continue;
    let f: { type: string; msg: Record<string, unknown> };
    try {
      f = JSON.parse(line.raw);
    } catch {
      continue;
    }
    const ticker = f.msg?.market_ticker as string;
    if (f.type === 'orderbook_snapshot') {
      const yes = (f.msg.yes_dollars_fp ?? []) as [string, string][];
      depth.set(
        ticker,
        yes.reduce((sum, [, size]) => sum + parseHundredths(size), 0),
      );
    } else if (f.type === 'orderbook_delta' && f.msg.side === 'yes' && depth.has(ticker)) {
      // The `price`/`delta` spelling counts whole contracts.
      const delta = f.msg.delta_fp === undefined ? 100 * Number(f.msg.delta) : parseHundredths(String(f.msg.delta_fp));
      depth.set(ticker, depth.get(ticker)! + delta);
    }
  }
  return depth;
}

async function checkPeer(peer: PmxtPeer, frames: PeerFrames, lines: readonly FeedLine[]): Promise<string> {
  const books = await peer.run(frames);
  const want = kalshiYesDepth(lines);
  let off = 0;
  for (const [ticker, depth] of want) {
    const book = books.kalshi.get(ticker);
    const got = book ? Math.round(book.bids.reduce((s, l) => s + l.size, 0) * 100) : -1;
    if (got !== depth) off += 1;
  }
  return off === 0
    ? `its ${want.size} Kalshi books and ${books.polymarket.size} Polymarket books agree with the frames`
    : `${off} of ${want.size} Kalshi books disagree with the frames`;
}

interface Column {
  name: string;
  messages: number;
  seconds: number[];
}

/** `replayFeed` (npm run shard -- --feed) over a simulated evening of about REPLAY_LINES lines, file read included. */
async function timeReplay(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'sharpline-bench-replay-'));
  try {
    const file = join(dir, 'evening.jsonl');
    // The simulator's default evening (300 000 venue messages) is its 330 000-line evening; scaled to the ask.
    const replayLines = [...simulateEvening(evening(Math.round((REPLAY_LINES * 300_000) / 330_000))).lines];
    const text = `${replayLines.map((l) => JSON.stringify(l)).join('\n')}\n`;
    await writeFile(file, text);
    const written = { lines: replayLines.length, bytes: text.length };
    gc();
    const t = performance.now();
    const summary = await replayFeed({ feed: file, settings: engineSettings() });
    const s = (performance.now() - t) / 1000;
    console.log(
      `replay (replayFeed, speed max) of a ${fmt(written.lines)}-line evening, asked ${fmt(REPLAY_LINES)} (${(written.bytes / 1e6).toFixed(0)} MB JSONL): ${s.toFixed(1)} s, target < 60 s; ${JSON.stringify(summary).slice(0, 160)}`,
    );
    return s;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function runShardBench(): Promise<void> {
  const built = performance.now();
  const { lines, origin } = await loadFeed();
  const bySource = new Map<string, number>();
  let bytes = 0;
  for (const l of lines) {
    bySource.set(l.source, (bySource.get(l.source) ?? 0) + 1);
    bytes += l.raw.length;
  }
  console.log(`feed: ${fmt(lines.length)} lines, ${(bytes / 1e6).toFixed(1)} MB of frames, ${origin}`);
  console.log(
    `      ${[...bySource].map(([s, n]) => `${s} ${fmt(n)}`).join(', ')} (${((performance.now() - built) / 1000).toFixed(1)} s to load)`,
  );

  const ours = PATHS.has('ours');
  const peer = PATHS.has('pmxt') ? loadPmxt() : 'not selected (BENCH_SHARD_PATHS)';
  const peerFrames = typeof peer === 'string' ? undefined : toPmxtFrames(lines);
  if (typeof peer === 'string') console.log(`pmxt: skipped, ${peer}`);
  if (peerFrames && typeof peer !== 'string') {
    console.log(
      `pmxt-core ${peer.version}: fed ${fmt(peerFrames.frames.length)} Kalshi and Polymarket frames in feed order; ` +
        `${fmt(peerFrames.notSubscribed)} of channels its subscriptions do not carry (Kalshi ticker, Polymarket ` +
        'best_bid_ask) left out.',
    );
    console.log(
      `      ${fmt(peerFrames.respelledKalshiDeltas)} Kalshi deltas re-spelled price_dollars/delta_fp -> ` +
        'price_dollars_fp/delta_dollars_fp before timing: pmxt-core 2.41 reads only those names and would turn the ' +
        "venue's into NaN.",
    );
  }

  const warm = lines.slice(0, Math.min(lines.length, 100_000));
  const columns: Column[] = [];
  const runs: (() => Promise<number>)[] = [];
  if (PATHS.has('json')) {
    columns.push({ name: 'JSON.parse of every frame (floor)', messages: lines.length, seconds: [] });
    timeJsonParse(warm);
    runs.push(async () => timeJsonParse(lines));
  }
  const parseFailures = new Map<string, number>();
  if (PATHS.has('parsers'))
    for (const st of parserStages()) {
      columns.push({ name: st.name, messages: lines.length, seconds: [] });
      st.run(warm);
      runs.push(async () => {
        const t = process.hrtime.bigint();
        parseFailures.set(st.name, st.run(lines));
        return Number(process.hrtime.bigint() - t) / 1e9;
      });
    }
  let lastSummary: unknown;
  if (ours) {
    columns.push({ name: 'sharpline createShardEngine().handle', messages: lines.length, seconds: [] });
    timeOurs(warm);
    runs.push(async () => {
      const r = timeOurs(lines);
      lastSummary = r.summary;
      return r.s;
    });
  }
  if (peerFrames && typeof peer !== 'string') {
    columns.push({ name: `pmxt-core ${peer.version} ws handlers`, messages: peerFrames.frames.length, seconds: [] });
    await timePeer(peer, toPmxtFrames(warm));
    runs.push(() => timePeer(peer, peerFrames));
  }

  // Alternate the paths, each round starting one further along, so drift in the machine's load weighs on all.
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < runs.length; k++) {
      const i = (round + k) % runs.length;
      gc();
      columns[i]!.seconds.push(await runs[i]!());
    }
  }

  const rate = (c: Column, r: number) => c.messages / c.seconds[r]!;
  console.log('');
  console.log(`| path | messages | msgs/s (median of ${ROUNDS}) | min | max |`);
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const c of columns) {
    const rates = c.seconds.map((_, r) => rate(c, r));
    console.log(
      `| ${c.name} | ${fmt(c.messages)} | ${fmt(median(rates))} | ${fmt(Math.min(...rates))} | ${fmt(Math.max(...rates))} |`,
    );
  }

  const col = (prefix: string) => columns.find((c) => c.name.startsWith(prefix));
  const ratio = (a: Column | undefined, b: Column | undefined) =>
    a && b ? median(a.seconds.map((_, r) => rate(a, r) / rate(b, r))) : undefined;
  const oursCol = col('sharpline');
  const vsJson = ratio(oursCol, col('JSON.parse'));
  const vsPmxt = ratio(oursCol, col('pmxt'));
  const pmxtVsJson = ratio(col('pmxt'), col('JSON.parse'));
  for (const [name, n] of parseFailures) console.log(`${name}: ${fmt(n)} frames did not parse`);
  if (pmxtVsJson !== undefined) console.log(`pmxt: ${pmxtVsJson.toFixed(2)} of the bare-parse rate`);
  if (peerFrames && typeof peer !== 'string') console.log(`pmxt check: ${await checkPeer(peer, peerFrames, lines)}`);

  let p99: number | undefined;
  let replayS: number | undefined;
  if (ours) {
    if (lastSummary !== undefined) console.log(`ours, summary of the last pass: ${JSON.stringify(lastSummary)}`);
    gc();
    const overheadNs = timerOverheadNs();
    const us = latencies(lines, overheadNs);
    p99 = percentile(us, 99);
    console.log('');
    console.log(`Per message, ours (each timed alone; ${overheadNs.toFixed(0)} ns of timer taken off each):`);
    console.log('| p50 us | p99 us | p99.9 us | max us |');
    console.log('| ---: | ---: | ---: | ---: |');
    console.log(
      `| ${percentile(us, 50).toFixed(2)} | ${p99.toFixed(2)} | ${percentile(us, 99.9).toFixed(2)} | ${us[us.length - 1]!.toFixed(1)} |`,
    );
    replayS = await timeReplay();
  }

  console.log('');
  console.log('Targets: ours >= 0.6 of the bare-parse rate, >= 2.5x pmxt on the same frames, p99 < 20 us.');
  if (oursCol)
    console.log(`RESULT shard_msgs_per_s ${Math.round(median(oursCol.seconds.map((_, r) => rate(oursCol, r))))}`);
  if (p99 !== undefined) console.log(`RESULT shard_p99_us ${p99.toFixed(2)}`);
  if (replayS !== undefined) console.log(`RESULT shard_replay_330k_s ${replayS.toFixed(1)}`);
  if (vsJson !== undefined) console.log(`RESULT shard_vs_json_parse ${vsJson.toFixed(2)}`);
  if (vsPmxt !== undefined) console.log(`RESULT shard_vs_pmxt ${vsPmxt.toFixed(2)}`);
  const pmxtCol = col('pmxt');
  if (!oursCol && pmxtCol)
    console.log(`RESULT pmxt_msgs_per_s ${Math.round(median(pmxtCol.seconds.map((_, r) => rate(pmxtCol, r))))}`);
}
