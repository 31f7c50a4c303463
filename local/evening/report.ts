import type pg from 'pg';
import { formatDollars } from '#domain';
import type { EmittedCandidate, GameTally, RunGame } from './shard.ts';

type Kinds = { model_edge: number; arbitrage: number };
/** Decisions by outcome and reason: `{ accepted: { accepted: 3 }, rejected: { cooldown: 5 } }`. */
export type DecisionCounts = Record<'accepted' | 'rejected', Record<string, number>>;

export interface ReportLine {
  messages: number;
  candidates: Kinds;
  decisions: DecisionCounts;
  paperTrades: number;
  feesMicros: number;
  realizedPnlMicros: number;
  openPositions: number;
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p99: number | null;
}

/** The run's report: per game, in total, and latencies. Money in integer micros. */
export interface EveningReport {
  feed: string;
  speed: number | 'max';
  wallSeconds: number;
  games: (RunGame & ReportLine)[];
  total: ReportLine & { messagesBySource: Record<string, number>; undecided: number; dlqMessages: number };
  bankroll: { startMicros: number; finalMicros: number };
  latencyMs: { feedToCandidate: Percentiles; candidateToDecision: Percentiles };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) };
}

const emptyLine = (): ReportLine => ({
  messages: 0,
  candidates: { model_edge: 0, arbitrage: 0 },
  decisions: { accepted: {}, rejected: {} },
  paperTrades: 0,
  feesMicros: 0,
  realizedPnlMicros: 0,
  openPositions: 0,
});

export interface ReportInput {
  feed: string;
  speed: number | 'max';
  wallSeconds: number;
  games: RunGame[];
  tally(gameId: string): GameTally;
  candidates: readonly EmittedCandidate[];
  messagesBySource: Record<string, number>;
  messages: number;
  dlqMessages: number;
  bankrollStartMicros: number;
}

/** Reads what the run's candidates became from Postgres (decisions, paper trades, positions) and adds the feeder's counts. */
export async function readEveningReport(pool: pg.Pool, input: ReportInput): Promise<EveningReport> {
  const ids = input.candidates.map((c) => c.id);
  const gameIds = input.games.map((g) => g.gameId);
  const [decisions, trades, positions, decided, bankroll] = await Promise.all([
    pool.query<{ game_id: string; decision: 'accepted' | 'rejected'; reason: string; n: number }>(
      `SELECT c.payload->>'gameId' AS game_id, s.decision, s.reason, count(*)::int AS n
       FROM trading_signals s JOIN signal_candidates c ON c.id = s.candidate_id
       WHERE s.candidate_id = ANY($1::text[]) GROUP BY 1, 2, 3`,
      [ids],
    ),
    pool.query<{ game_id: string; n: number; fees: string }>(
      `SELECT m.game_id, count(*)::int AS n, coalesce(sum(t.fee_micros), 0)::bigint AS fees
       FROM paper_trades t JOIN trading_signals s ON s.id = t.signal_id JOIN markets m ON m.id = t.market_id
       WHERE s.candidate_id = ANY($1::text[]) GROUP BY 1`,
      [ids],
    ),
    pool.query<{ game_id: string; pnl: string; open: number }>(
      `SELECT m.game_id, coalesce(sum(p.realized_pnl_micros) FILTER (WHERE p.status = 'settled'), 0)::bigint AS pnl,
              count(*) FILTER (WHERE p.status = 'open')::int AS open
       FROM positions p JOIN markets m ON m.id = p.market_id
       WHERE p.mode = 'paper' AND m.game_id = ANY($1::uuid[]) GROUP BY 1`,
      [gameIds],
    ),
    pool.query<{ candidate_id: string; decided_ms: string }>(
      `SELECT candidate_id, (extract(epoch FROM decided_at) * 1000)::bigint AS decided_ms
       FROM trading_signals WHERE candidate_id = ANY($1::text[])`,
      [ids],
    ),
    pool.query<{ balance_micros: string }>(
      `SELECT balance_micros FROM bankroll WHERE account = 'default' AND mode = 'paper'`,
    ),
  ]);

  const lines = new Map<string, ReportLine>(gameIds.map((id) => [id, emptyLine()]));
  for (const g of input.games) {
    const tally = input.tally(g.gameId);
    const line = lines.get(g.gameId) as ReportLine;
    line.messages = tally.messages;
    line.candidates = tally.candidates;
  }
  const lineOf = (gameId: string) => {
    let line = lines.get(gameId);
    if (!line) {
      line = emptyLine();
      lines.set(gameId, line);
    }
    return line;
  };
  for (const d of decisions.rows) lineOf(d.game_id).decisions[d.decision][d.reason] = d.n;
  for (const t of trades.rows) {
    const line = lineOf(t.game_id);
    line.paperTrades = t.n;
    line.feesMicros = Number(t.fees);
  }
  for (const p of positions.rows) {
    const line = lineOf(p.game_id);
    line.realizedPnlMicros = Number(p.pnl);
    line.openPositions = p.open;
  }

  const total = emptyLine();
  for (const line of lines.values()) {
    for (const kind of ['model_edge', 'arbitrage'] as const) total.candidates[kind] += line.candidates[kind];
    for (const outcome of ['accepted', 'rejected'] as const) {
      for (const [reason, n] of Object.entries(line.decisions[outcome])) {
        total.decisions[outcome][reason] = (total.decisions[outcome][reason] ?? 0) + n;
      }
    }
    total.paperTrades += line.paperTrades;
    total.feesMicros += line.feesMicros;
    total.realizedPnlMicros += line.realizedPnlMicros;
    total.openPositions += line.openPositions;
  }
  total.messages = input.messages;

  const createdAt = new Map(input.candidates.map((c) => [c.id, c.createdAtMs]));
  const toDecision = decided.rows.map((r) => Number(r.decided_ms) - (createdAt.get(r.candidate_id) as number));
  return {
    feed: input.feed,
    speed: input.speed,
    wallSeconds: Math.round(input.wallSeconds * 10) / 10,
    games: input.games.map((g) => ({ ...g, ...(lines.get(g.gameId) as ReportLine) })),
    total: {
      ...total,
      messagesBySource: input.messagesBySource,
      undecided: ids.length - decided.rows.length,
      dlqMessages: input.dlqMessages,
    },
    bankroll: { startMicros: input.bankrollStartMicros, finalMicros: Number(bankroll.rows[0]?.balance_micros ?? 0) },
    latencyMs: {
      feedToCandidate: percentiles(input.candidates.map((c) => c.feedToCandidateMs)),
      candidateToDecision: percentiles(toDecision),
    },
  };
}

const ms = (v: number | null) => (v === null ? '-' : `${v < 10 ? v.toFixed(2) : Math.round(v)} ms`);

function decisionText(d: DecisionCounts): string {
  const parts = [
    ...Object.entries(d.accepted).map(([, n]) => `accepted ${n}`),
    ...Object.entries(d.rejected)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => `${reason} ${n}`),
  ];
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** The report as text: one block per game, then the total. Money as dollars and cents. */
export function formatEveningReport(r: EveningReport): string {
  const out: string[] = [];
  const block = (title: string, line: ReportLine) => {
    out.push(title);
    out.push(
      `  messages ${line.messages}   candidates: model edge ${line.candidates.model_edge}, arbitrage ${line.candidates.arbitrage}`,
    );
    out.push(`  decisions: ${decisionText(line.decisions)}`);
    out.push(
      `  paper trades ${line.paperTrades}   fees ${formatDollars(line.feesMicros)}   realized P&L ${formatDollars(line.realizedPnlMicros)}${line.openPositions > 0 ? `   open positions ${line.openPositions}` : ''}`,
    );
  };
  out.push(`=== report: ${r.feed}, speed ${r.speed}, ${r.wallSeconds} s ===`);
  for (const g of r.games) block(`${g.sport.toUpperCase()} ${g.away} @ ${g.home} (ESPN ${g.espnEventId})`, g);
  block('TOTAL', r.total);
  const sources = Object.entries(r.total.messagesBySource)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  out.push(`  messages by source: ${sources}`);
  out.push(`  undecided candidates ${r.total.undecided}   DLQ messages ${r.total.dlqMessages}`);
  out.push(
    `bankroll: ${formatDollars(r.bankroll.startMicros)} -> ${formatDollars(r.bankroll.finalMicros)} (${formatDollars(r.bankroll.finalMicros - r.bankroll.startMicros)})`,
  );
  const { feedToCandidate: a, candidateToDecision: b } = r.latencyMs;
  out.push(`latency feed message -> candidate: p50 ${ms(a.p50)}, p99 ${ms(a.p99)} (${a.count})`);
  out.push(`latency candidate -> decision:     p50 ${ms(b.p50)}, p99 ${ms(b.p99)} (${b.count})`);
  return out.join('\n');
}
