import type pg from 'pg';
import { z } from 'zod';
import type { ExecutionRequest } from '#contracts/execution-request';
import type { SignalCandidate } from '#contracts/signal-candidate';
import { marketKey, marketSideKey, type RejectionReason } from '#domain/signals/index';
import type {
  BatchSnapshot,
  DecisionRecord,
  KnownMarket,
  LoadWindow,
  NewDecision,
  SignalStore,
  TradingMode,
  WriteBatchInput,
} from '../../services/pipeline/ports.ts';

/**
 * The evaluator's Postgres side. A batch costs one query to load everything risk needs (kill switch, bankroll,
 * exposure, cooldowns, daily P&L, markets, earlier decisions) and one call of `pipeline_write_decisions`
 * (migration 0200) that writes every decision and debits the bankroll atomically, with an optimistic lock.
 */
const money = z.number().int().refine(Number.isSafeInteger);

const snapshotRow = z.object({
  kill: z.boolean().nullable(),
  bankroll: z.object({ balance: money, version: money }),
  markets: z.array(
    z.object({
      id: z.string(),
      venue: z.string(),
      venue_market_id: z.string(),
      game_id: z.string().nullable(),
      open: z.boolean(),
      resolution_key: z.string(),
      outcome_team_id: z.string().nullable(),
    }),
  ),
  market_exposure: z.array(z.object({ venue: z.string(), venue_market_id: z.string(), micros: money })),
  game_exposure: z.array(z.object({ game_id: z.string(), micros: money })),
  total_exposure: money,
  realized_today: money,
  last_accepted: z.array(z.object({ venue: z.string(), venue_market_id: z.string(), side: z.string(), at_ms: money })),
  existing: z.array(
    z.object({
      candidate_id: z.string(),
      signal_id: z.string(),
      decision: z.enum(['accepted', 'rejected']),
      reason: z.string(),
      orders: z.array(
        z.object({
          id: z.string(),
          client_order_id: z.string(),
          venue: z.enum(['kalshi', 'polymarket']),
          venue_market_id: z.string(),
          side: z.enum(['yes', 'no']),
          count_hundredths: money,
          limit_price_micros: money,
          status: z.string(),
        }),
      ),
    }),
  ),
});

const LOAD_SQL = `
WITH keys AS (
  SELECT DISTINCT k.venue, k.venue_market_id FROM jsonb_to_recordset($1::jsonb) AS k(venue text, venue_market_id text)
), mk AS (
  SELECT m.id, m.venue, m.venue_market_id, m.game_id, m.resolution_key, m.outcome_team_id,
         (m.status = 'open' AND coalesce(g.status, 'scheduled') IN ('scheduled', 'in_progress')) AS open
    FROM markets m JOIN keys USING (venue, venue_market_id) LEFT JOIN games g ON g.id = m.game_id
), open_cost AS (
  SELECT p.market_id, p.cost_micros + p.fees_micros AS micros
    FROM positions p WHERE p.status = 'open' AND p.mode = $2
  UNION ALL
  -- Live orders not yet filled count at their limit price, rounded up; the filled part is already a position.
  SELECT o.market_id, ((o.count_hundredths - o.filled_hundredths) * o.limit_price_micros + 99) / 100
    FROM orders o WHERE o.mode = 'live' AND $2 = 'live' AND o.status IN ('pending', 'sent', 'partially_filled')
)
SELECT
  (SELECT engaged FROM kill_switch) AS kill,
  (SELECT json_build_object('balance', balance_micros, 'version', version)
     FROM bankroll WHERE account = 'default' AND mode = $2) AS bankroll,
  (SELECT coalesce(json_agg(mk), '[]') FROM mk) AS markets,
  (SELECT coalesce(json_agg(x), '[]') FROM (
     SELECT mk.venue, mk.venue_market_id, sum(oc.micros)::bigint AS micros
       FROM open_cost oc JOIN mk ON mk.id = oc.market_id GROUP BY mk.venue, mk.venue_market_id) x) AS market_exposure,
  (SELECT coalesce(json_agg(x), '[]') FROM (
     SELECT m.game_id, sum(oc.micros)::bigint AS micros
       FROM open_cost oc JOIN markets m ON m.id = oc.market_id
      WHERE m.game_id = ANY($3::uuid[]) GROUP BY m.game_id) x) AS game_exposure,
  (SELECT coalesce(sum(micros), 0)::bigint FROM open_cost) AS total_exposure,
  (SELECT coalesce(sum(realized_pnl_micros), 0)::bigint FROM positions
    WHERE mode = $2 AND status = 'settled' AND settled_at >= to_timestamp($5 / 1000.0)) AS realized_today,
  (SELECT coalesce(json_agg(x), '[]') FROM (
     -- Only accepted signals have orders, created when the signal was decided: the latest one per market side.
     SELECT mk.venue, mk.venue_market_id, s.side, (extract(epoch FROM latest.created_at) * 1000)::bigint AS at_ms
       FROM mk CROSS JOIN (VALUES ('yes'), ('no')) AS s(side)
       JOIN LATERAL (
         SELECT o.created_at FROM orders o
          WHERE o.market_id = mk.id AND o.side = s.side AND o.mode = $2 AND o.signal_id IS NOT NULL
            AND o.created_at >= to_timestamp($4 / 1000.0)
          ORDER BY o.created_at DESC LIMIT 1) latest ON true) x) AS last_accepted,
  (SELECT coalesce(json_agg(x), '[]') FROM (
     SELECT ts.candidate_id, ts.id AS signal_id, ts.decision, ts.reason,
            coalesce((SELECT json_agg(json_build_object(
                        'id', o.id, 'client_order_id', o.client_order_id, 'venue', o.venue,
                        'venue_market_id', m.venue_market_id, 'side', o.side, 'count_hundredths', o.count_hundredths,
                        'limit_price_micros', o.limit_price_micros, 'status', o.status) ORDER BY o.created_at, o.id)
                        FROM orders o JOIN markets m ON m.id = o.market_id WHERE o.signal_id = ts.id), '[]') AS orders
       FROM trading_signals ts WHERE ts.candidate_id = ANY($6::text[])) x) AS existing`;

const WRITE_SQL = 'SELECT pipeline_write_decisions($1, $2, $3, $4, $5, $6, $7) AS written';

const RETRYABLE = new Set(['40001', '40P01']);

function toDecisionRecord(row: z.infer<typeof snapshotRow>['existing'][number]): DecisionRecord {
  return {
    candidateId: row.candidate_id,
    signalId: row.signal_id,
    status: row.decision,
    reason: row.decision === 'rejected' ? (row.reason as RejectionReason) : null,
    orderIds: row.orders.map((o) => o.id),
  };
}

export function createPgSignalStore(pool: pg.Pool, mode: TradingMode): SignalStore {
  return {
    async loadBatch(candidates: readonly SignalCandidate[], window: LoadWindow): Promise<BatchSnapshot> {
      const legs = candidates.flatMap((c) => (c.kind === 'arbitrage' ? [c.leg, c.hedge] : [c.leg]));
      // Named: each connection plans the big query once, not on every batch.
      const { rows } = await pool.query({
        name: 'pipeline-load-batch',
        text: LOAD_SQL,
        values: [
          JSON.stringify(legs.map((l) => ({ venue: l.venue, venue_market_id: l.venueMarketId }))),
          mode,
          [...new Set(candidates.map((c) => c.gameId))],
          window.cooldownSinceMs,
          window.dayStartMs,
          candidates.map((c) => c.id),
        ],
      });
      const row = snapshotRow.parse(rows[0]);
      const markets = new Map<string, KnownMarket>(
        row.markets.map((m) => [
          marketKey({ venue: m.venue, venueMarketId: m.venue_market_id }),
          {
            marketId: m.id,
            gameId: m.game_id,
            open: m.open,
            resolutionKey: m.resolution_key,
            outcomeTeamId: m.outcome_team_id,
          },
        ]),
      );
      const pendingRequests: ExecutionRequest[] =
        mode === 'live'
          ? row.existing.flatMap((e) =>
              e.orders
                .filter((o) => o.status === 'pending')
                .map((o) => ({
                  type: 'execution_request' as const,
                  v: 1 as const,
                  signalId: e.signal_id,
                  orderId: o.id,
                  clientOrderId: o.client_order_id,
                  venue: o.venue,
                  venueMarketId: o.venue_market_id,
                  side: o.side,
                  count: o.count_hundredths / 100,
                  limitPriceMicros: o.limit_price_micros,
                })),
            )
          : [];
      return {
        state: {
          // No kill-switch row means nobody has said trading may go on: fail safe.
          killSwitchEngaged: row.kill ?? true,
          bankrollMicros: row.bankroll.balance,
          exposureByMarketMicros: new Map(
            row.market_exposure.map((e) => [marketKey({ venue: e.venue, venueMarketId: e.venue_market_id }), e.micros]),
          ),
          exposureByGameMicros: new Map(row.game_exposure.map((e) => [e.game_id, e.micros])),
          totalExposureMicros: row.total_exposure,
          realizedPnlTodayMicros: row.realized_today,
          lastAcceptedAtMs: new Map(
            row.last_accepted.map((l) => [
              marketSideKey({ venue: l.venue, venueMarketId: l.venue_market_id, side: l.side }),
              l.at_ms,
            ]),
          ),
        },
        bankrollVersion: row.bankroll.version,
        markets,
        existing: new Map(row.existing.map((e) => [e.candidate_id, toDecisionRecord(e)])),
        pendingRequests,
      };
    },

    async writeBatch(input: WriteBatchInput): Promise<'committed' | 'conflict'> {
      const { decisions, bankroll, nowMs } = input;
      const debitMicros =
        mode === 'paper'
          ? decisions.reduce((sum, d) => sum + (d.decision.status === 'accepted' ? d.decision.totalCostMicros : 0), 0)
          : 0;
      const firstAccepted = decisions.find((d) => d.decision.status === 'accepted');
      try {
        await pool.query({
          name: 'pipeline-write-decisions',
          text: WRITE_SQL,
          values: [
            JSON.stringify(decisions.map(signalRow)),
            JSON.stringify(decisions.flatMap(orderRows)),
            mode,
            nowMs,
            bankroll.version,
            debitMicros,
            firstAccepted?.signalId ?? null,
          ],
        });
        return 'committed';
      } catch (error) {
        if (RETRYABLE.has((error as { code?: string }).code ?? '')) return 'conflict';
        throw error;
      }
    },
  };
}

function signalRow(d: NewDecision) {
  const accepted = d.decision.status === 'accepted' ? d.decision : undefined;
  return {
    candidate_id: d.candidate.id,
    payload: d.candidate,
    signal_id: d.signalId,
    decision: d.decision.status,
    reason: d.decision.status === 'rejected' ? d.decision.reason : 'accepted',
    edge_bps: d.decision.edgeBps,
    win_probability: d.candidate.modelProbability,
    size_hundredths: accepted ? accepted.fills[0]!.quantity : null,
    stake_micros: accepted ? accepted.totalCostMicros : null,
    details: { kind: d.candidate.kind, fills: accepted?.fills ?? [] },
  };
}

function orderRows(d: NewDecision) {
  return d.orders.map((o) => ({
    order_id: o.orderId,
    signal_id: d.signalId,
    client_order_id: o.clientOrderId,
    venue: o.fill.venue,
    market_id: o.marketId,
    side: o.fill.side,
    count_hundredths: o.fill.quantity,
    limit_price_micros: o.fill.limitPriceMicros,
    average_price_micros: o.fill.averagePriceMicros,
    cost_micros: o.fill.costMicros,
    fee_micros: o.fill.feeMicros,
  }));
}
