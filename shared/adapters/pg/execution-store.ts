import type pg from 'pg';
import { z } from 'zod';
import { signalCandidateSchema } from '#contracts/signal-candidate';
import { HEDGE_BID_MAX_AGE_MS } from '#domain/execution/hedge';
import { FIRST_LEG_VENUE } from '#domain/execution/legs';
import { bookSale } from '#domain/execution/sale';
import { type GameStatus, sides, venues } from '#domain/names';
import { legsOf, marketKey, type RiskState } from '#domain/risk/index';
import { nextOrderStatus, type OrderEvent, type OrderStatus, orderStatuses } from '#domain/status/orders';
import { moneyMicros, priceMicros, quantityHundredths } from '#domain/units';
import type {
  AppliedFills,
  AttemptOutcome,
  ExecutionStore,
  HedgeOrder,
  SiblingOrder,
  StoredOrder,
  VenueFill,
  VenueOrderReport,
} from '../../ports/execution.ts';
import { latestMarketPrice } from './market-prices.ts';
import { inTransaction } from './transaction.ts';

/**
 * The executors' Postgres side. Everything that reads the risk state or moves money runs under the live risk lock
 * (the live bankroll row, FOR UPDATE), the lock the evaluator, settlement and the kill switch's engage take, so a
 * send-time check and a fill never race a batch's decisions. A fill is applied once: `fills` is unique on
 * (venue, venue fill id), and each fill's bankroll change carries the fill as its audit ref.
 */
const int = z.number().int().refine(Number.isSafeInteger);
const status = z.enum(orderStatuses);
const DAY_MS = 86_400_000;

const orderRow = z.object({
  id: z.string(),
  signal_id: z.string(),
  client_order_id: z.string(),
  venue: z.enum(venues),
  market_id: z.string(),
  venue_market_id: z.string(),
  side: z.enum(sides),
  status,
  count_hundredths: int,
  filled_hundredths: int,
  limit_price_micros: int,
  venue_order_id: z.string().nullable(),
  created_at: z.date(),
  game_id: z.string().nullable(),
  action: z.enum(['buy', 'sell']),
  hedge_of: z.string().nullable(),
  candidate: z.unknown(),
  sibling: z
    .object({ id: z.string(), venue: z.enum(venues), status, count_hundredths: int, filled_hundredths: int })
    .nullable(),
  last_attempt: z
    .object({
      attempt: int,
      outcome: z.enum(['sending', 'accepted', 'rejected', 'unknown', 'not_found', 'not_sent']),
      venue_order_id: z.string().nullable(),
    })
    .nullable(),
});

const riskRow = z.object({
  kill: z.boolean().nullable(),
  balance: int,
  market_micros: int,
  market_hundredths: int,
  game_micros: int,
  total_micros: int,
  realized_today: int,
});

function sibling(row: NonNullable<z.infer<typeof orderRow>['sibling']>): SiblingOrder {
  return {
    orderId: row.id,
    venue: row.venue,
    status: row.status,
    countHundredths: quantityHundredths(row.count_hundredths),
    filledHundredths: quantityHundredths(row.filled_hundredths),
  };
}

const LOAD_ORDER_SQL = `
SELECT o.id, o.signal_id, o.client_order_id, o.venue, o.market_id, m.venue_market_id, o.side, o.status,
       o.count_hundredths, o.filled_hundredths, o.limit_price_micros, o.venue_order_id, o.created_at, m.game_id,
       o.action, o.hedge_of, sc.payload AS candidate,
       (SELECT json_build_object('id', s.id, 'venue', s.venue, 'status', s.status,
                                 'count_hundredths', s.count_hundredths, 'filled_hundredths', s.filled_hundredths)
          FROM orders s WHERE s.signal_id = o.signal_id AND s.id <> o.id AND s.hedge_of IS NULL
         ORDER BY s.created_at, s.id LIMIT 1) AS sibling,
       (SELECT json_build_object('attempt', a.attempt, 'outcome', a.outcome, 'venue_order_id', a.venue_order_id)
          FROM execution_attempts a WHERE a.order_id = o.id ORDER BY a.attempt DESC LIMIT 1) AS last_attempt
  FROM orders o
  JOIN markets m ON m.id = o.market_id
  JOIN trading_signals ts ON ts.id = o.signal_id
  JOIN signal_candidates sc ON sc.id = ts.candidate_id
 WHERE o.id = $1 AND o.mode = 'live'`;

/**
 * The live risk state for one order's market and game, as `pipeline_lock_and_load` counts it (open positions at cost
 * and fees, unfilled live orders at their limit, rounded up; the day's realized P&L from the same function), but
 * without this order's own reservation: the order is checked as if it were new.
 */
const RISK_SQL = `
WITH open_cost AS (
  SELECT p.market_id, p.cost_micros + p.fees_micros AS micros, p.quantity_hundredths AS hundredths
    FROM positions p WHERE p.status = 'open' AND p.mode = 'live'
  UNION ALL
  SELECT o.market_id, ((o.count_hundredths - o.filled_hundredths) * o.limit_price_micros + 99) / 100,
         o.count_hundredths - o.filled_hundredths
    FROM orders o WHERE o.mode = 'live' AND o.status IN ('pending', 'sent', 'partially_filled') AND o.id <> $1
)
SELECT (SELECT engaged FROM kill_switch) AS kill,
       (SELECT balance_micros FROM bankroll WHERE account = 'default' AND mode = 'live') AS balance,
       (SELECT coalesce(sum(micros), 0)::bigint FROM open_cost WHERE market_id = $2) AS market_micros,
       (SELECT coalesce(sum(hundredths), 0)::bigint FROM open_cost WHERE market_id = $2) AS market_hundredths,
       (SELECT coalesce(sum(oc.micros), 0)::bigint FROM open_cost oc JOIN markets m ON m.id = oc.market_id
         WHERE m.game_id = $3) AS game_micros,
       (SELECT coalesce(sum(micros), 0)::bigint FROM open_cost) AS total_micros,
       risk_realized_pnl_since('live', $4) AS realized_today`;

async function lockLive(client: pg.PoolClient): Promise<{ balance: number; version: number }> {
  const { rows } = await client.query<{ balance: number; version: number }>(
    `SELECT balance_micros AS balance, version FROM bankroll WHERE account = 'default' AND mode = 'live' FOR UPDATE`,
  );
  if (!rows[0]) throw new Error('no live bankroll row: fund the live bankroll before live trading');
  return rows[0];
}

async function orderForUpdate(client: pg.PoolClient, orderId: string) {
  const { rows } = await client.query<{ status: OrderStatus; count_hundredths: number; filled_hundredths: number }>(
    'SELECT status, count_hundredths, filled_hundredths FROM orders WHERE id = $1 FOR UPDATE',
    [orderId],
  );
  if (!rows[0]) throw new Error(`order ${orderId} vanished`);
  return rows[0];
}

/** The events that take an order from `from` to what the venue reports, each along the transition table. */
function eventsFor(
  from: OrderStatus,
  filled: number,
  count: number,
  grew: boolean,
  state: VenueOrderReport['state'],
): OrderEvent[] {
  const events: OrderEvent[] = [];
  if (filled >= count) events.push('filled');
  else if (grew) events.push('partially_filled');
  else if (from === 'pending') events.push('accepted');
  if (state === 'done' && filled < count) events.push('cancelled');
  return events;
}

function walk(from: OrderStatus, events: readonly OrderEvent[]): OrderStatus {
  return events.reduce((s, e) => nextOrderStatus(s, e), from);
}

export function createPgExecutionStore(pool: pg.Pool, now: () => number = Date.now): ExecutionStore {
  return {
    async loadOrder(orderId) {
      const { rows } = await pool.query(LOAD_ORDER_SQL, [orderId]);
      if (!rows[0]) return undefined;
      const row = orderRow.parse(rows[0]);
      const candidate = signalCandidateSchema.parse(row.candidate);
      const leg = legsOf(candidate).find(
        (l) => l.venue === row.venue && l.venueMarketId === row.venue_market_id && l.side === row.side,
      );
      if (!leg) throw new Error(`order ${orderId} buys no leg of candidate ${candidate.id}`);
      const order: StoredOrder = {
        orderId: row.id,
        signalId: row.signal_id,
        clientOrderId: row.client_order_id,
        venue: row.venue,
        marketId: row.market_id,
        venueMarketId: row.venue_market_id,
        side: row.side,
        status: row.status,
        countHundredths: quantityHundredths(row.count_hundredths),
        filledHundredths: quantityHundredths(row.filled_hundredths),
        limitPriceMicros: priceMicros(row.limit_price_micros),
        venueOrderId: row.venue_order_id,
        createdAtMs: row.created_at.getTime(),
        leg,
        gameId: row.game_id ?? candidate.gameId,
        kind: candidate.kind,
        sibling: row.sibling ? sibling(row.sibling) : null,
        lastAttempt: row.last_attempt
          ? {
              attempt: row.last_attempt.attempt,
              outcome: row.last_attempt.outcome,
              venueOrderId: row.last_attempt.venue_order_id,
            }
          : null,
        action: row.action,
        hedgeOf: row.hedge_of,
      };
      return order;
    },

    beginAttempt(order, quantity, check) {
      return inTransaction(pool, async (client) => {
        await lockLive(client);
        const current = await orderForUpdate(client, order.orderId);
        const nowMs = now();
        const { rows } = await client.query(RISK_SQL, [
          order.orderId,
          order.marketId,
          order.gameId,
          nowMs - (nowMs % DAY_MS),
        ]);
        const r = riskRow.parse(rows[0]);
        const key = marketKey({ venue: order.venue, venueMarketId: order.venueMarketId });
        const risk: RiskState = {
          // No kill-switch row means nobody has said trading may go on: fail safe.
          killSwitchEngaged: r.kill ?? true,
          bankrollMicros: moneyMicros(r.balance),
          exposureByMarketMicros: new Map([[key, moneyMicros(r.market_micros)]]),
          contractsByMarket: new Map([[key, quantityHundredths(r.market_hundredths)]]),
          exposureByGameMicros: new Map([[order.gameId, moneyMicros(r.game_micros)]]),
          totalExposureMicros: moneyMicros(r.total_micros),
          realizedPnlTodayMicros: moneyMicros(r.realized_today),
          lastAcceptedAtMs: new Map(),
        };
        const problem = check({ risk });
        if (problem) {
          const next = nextOrderStatus(current.status, 'rejected');
          await client.query('UPDATE orders SET status = $2, reject_reason = $3 WHERE id = $1', [
            order.orderId,
            next,
            problem,
          ]);
          return { rejected: problem };
        }
        if (quantity !== current.count_hundredths) {
          await client.query('UPDATE orders SET count_hundredths = $2 WHERE id = $1', [order.orderId, quantity]);
        }
        const inserted = await client.query<{ attempt: number }>(
          `INSERT INTO execution_attempts (order_id, attempt)
           SELECT $1, coalesce(max(attempt), 0) + 1 FROM execution_attempts WHERE order_id = $1
           RETURNING attempt`,
          [order.orderId],
        );
        return { attempt: inserted.rows[0]!.attempt };
      });
    },

    async finishAttempt(orderId, attempt, outcome: AttemptOutcome, detail) {
      await pool.query(
        `UPDATE execution_attempts SET outcome = $3, detail = $4, finished_at = now()
          WHERE order_id = $1 AND attempt = $2`,
        [orderId, attempt, outcome, detail ?? null],
      );
    },

    rejectOrder(orderId, reason) {
      return inTransaction(pool, async (client) => {
        const current = await orderForUpdate(client, orderId);
        if (current.status === 'rejected') return;
        await client.query('UPDATE orders SET status = $2, reject_reason = $3 WHERE id = $1', [
          orderId,
          nextOrderStatus(current.status, 'rejected'),
          reason,
        ]);
      });
    },

    applyReport(order, report, expectedFeeMicros) {
      return inTransaction(pool, async (client): Promise<AppliedFills> => {
        await lockLive(client);
        const current = await orderForUpdate(client, order.orderId);
        const { rows: priorRows } = await client.query<{
          venue_fill_id: string;
          quantity_hundredths: number;
          price_micros: number;
          cost_micros: number;
          fee_micros: number;
          liquidity: 'taker' | 'maker' | null;
          filled_at: Date;
        }>(
          `SELECT venue_fill_id, quantity_hundredths, price_micros, cost_micros, fee_micros, liquidity, filled_at
             FROM fills WHERE order_id = $1 ORDER BY filled_at, id`,
          [order.orderId],
        );
        const prior: VenueFill[] = priorRows.map((f) => ({
          venueFillId: f.venue_fill_id,
          quantity: quantityHundredths(f.quantity_hundredths),
          priceMicros: priceMicros(f.price_micros),
          costMicros: moneyMicros(f.cost_micros),
          feeMicros: moneyMicros(f.fee_micros),
          liquidity: f.liquidity ?? 'taker',
          filledAtMs: f.filled_at.getTime(),
        }));
        const seen = new Set(prior.map((f) => f.venueFillId));
        const fresh = report.fills.filter((f, i, all) => {
          const first = all.findIndex((g) => g.venueFillId === f.venueFillId) === i;
          return first && !seen.has(f.venueFillId);
        });
        const expected = expectedFeeMicros(prior, fresh);
        let filled = current.filled_hundredths;
        let feeDifferenceMicros = 0;
        let feeMismatches = 0;
        for (const [i, fill] of fresh.entries()) {
          const { rows } = await client.query<{ id: string }>(
            `INSERT INTO fills (order_id, venue, venue_fill_id, quantity_hundredths, price_micros, cost_micros,
                                fee_micros, expected_fee_micros, liquidity, filled_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, to_timestamp($10 / 1000.0))
             ON CONFLICT (venue, venue_fill_id) DO NOTHING RETURNING id`,
            [
              order.orderId,
              order.venue,
              fill.venueFillId,
              fill.quantity,
              fill.priceMicros,
              fill.costMicros,
              fill.feeMicros,
              expected[i]!,
              fill.liquidity,
              fill.filledAtMs,
            ],
          );
          if (!rows[0]) continue;
          filled += fill.quantity;
          const difference = fill.feeMicros - expected[i]!;
          if (difference !== 0) {
            feeDifferenceMicros += difference;
            feeMismatches += 1;
          }
          if (order.action === 'sell') {
            await bookSaleFill(client, order, fill, rows[0].id);
            continue;
          }
          // As a paper fill: the live position grows by the contracts, their cost and the venue's fee ...
          await client.query(
            `INSERT INTO positions (market_id, side, mode, quantity_hundredths, cost_micros, fees_micros, opened_at)
             VALUES ($1, $2, 'live', $3, $4, $5, to_timestamp($6 / 1000.0))
             ON CONFLICT (mode, market_id, side) WHERE status = 'open' DO UPDATE
               SET quantity_hundredths = positions.quantity_hundredths + EXCLUDED.quantity_hundredths,
                   cost_micros = positions.cost_micros + EXCLUDED.cost_micros,
                   fees_micros = positions.fees_micros + EXCLUDED.fees_micros`,
            [order.marketId, order.side, fill.quantity, fill.costMicros, fill.feeMicros, fill.filledAtMs],
          );
          // ... and the live bankroll pays both, one audited change per fill (version + 1, the fill as its ref).
          await client.query(
            `UPDATE bankroll SET balance_micros = balance_micros - $1, version = version + 1,
                                 last_reason = 'live_fill', last_ref = $2
              WHERE account = 'default' AND mode = 'live'`,
            [fill.costMicros + fill.feeMicros, rows[0].id],
          );
        }
        const count = current.count_hundredths;
        const events = eventsFor(current.status, filled, count, filled > current.filled_hundredths, report.state);
        const moved = report.state === 'rejected' ? current.status : walkFrom(current.status, events);
        await client.query(
          `UPDATE orders SET status = $2, filled_hundredths = $3, venue_order_id = coalesce(venue_order_id, $4)
            WHERE id = $1`,
          [order.orderId, moved, filled, report.venueOrderId],
        );
        return {
          applied: filled === current.filled_hundredths ? 0 : fresh.length,
          status: moved,
          filledHundredths: quantityHundredths(filled),
          feeDifferenceMicros,
          feeMismatches,
        };
      });
    },

    async recordHedge(input) {
      // Only a change is written, and the row lock orders two writers: of two executors recording the same figures
      // at once, one is told it changed the hedge.
      const { rowCount } = await pool.query(
        `INSERT INTO open_hedges (signal_id, first_order_id, second_order_id, unhedged_hundredths, status, reason,
                                  resolution)
         VALUES ($1, $2, $3, $4::bigint, CASE WHEN $4::bigint = 0 THEN 'closed' ELSE 'open' END, $5, $7)
         ON CONFLICT (signal_id) DO UPDATE
           SET unhedged_hundredths = EXCLUDED.unhedged_hundredths, status = EXCLUDED.status, reason = EXCLUDED.reason,
               resolution = CASE WHEN $6 THEN EXCLUDED.resolution ELSE open_hedges.resolution END
         WHERE (open_hedges.unhedged_hundredths, open_hedges.status, open_hedges.reason,
                CASE WHEN $6 THEN open_hedges.resolution ELSE NULL END)
               IS DISTINCT FROM (EXCLUDED.unhedged_hundredths, EXCLUDED.status, EXCLUDED.reason,
                                 CASE WHEN $6 THEN EXCLUDED.resolution ELSE NULL END)`,
        [
          input.signalId,
          input.firstOrderId,
          input.secondOrderId,
          input.unhedgedHundredths,
          input.reason,
          input.resolution !== undefined,
          input.resolution ?? null,
        ],
      );
      return (rowCount ?? 0) > 0;
    },

    async loadHedge(signalId) {
      const { rows } = await pool.query(`${HEDGE_ORDERS_SQL} ORDER BY o.created_at, o.id`, [signalId]);
      const orders = rows.map((r) => hedgeOrderRow.parse(r));
      const legs = orders.filter((o) => o.hedge_of === null);
      const first = legs.find((o) => o.venue === FIRST_LEG_VENUE);
      const second = legs.find((o) => o.venue !== FIRST_LEG_VENUE);
      if (!first || !second || first.filled_hundredths === 0) return undefined;
      const candidate = signalCandidateSchema.parse(first.candidate);
      const feeOf = (o: z.infer<typeof hedgeOrderRow>) => {
        const leg = legsOf(candidate).find((l) => l.venue === o.venue && l.venueMarketId === o.venue_market_id);
        if (!leg) throw new Error(`order ${o.id} buys no leg of candidate ${candidate.id}`);
        return leg.fee;
      };
      const [price, game] = await Promise.all([
        latestMarketPrice(pool, first.market_id, first.side),
        pool.query<{ status: GameStatus }>('SELECT status FROM games WHERE id = $1', [
          first.game_id ?? candidate.gameId,
        ]),
      ]);
      const fresh = price && price.bidMicros !== null && now() - price.observedAtMs <= HEDGE_BID_MAX_AGE_MS;
      return {
        signalId,
        first: {
          ...hedgeOrder(first),
          costMicros: moneyMicros(first.cost_micros),
          firstFillAtMs: first.first_fill_at?.getTime() ?? null,
          fee: feeOf(first),
        },
        second: { ...hedgeOrder(second), fee: feeOf(second) },
        followUps: orders.filter((o) => o.hedge_of !== null).map(hedgeOrder),
        firstBestBidMicros: fresh ? priceMicros(price.bidMicros!) : undefined,
        gameStatus: game.rows[0]?.status,
      };
    },

    writeFollowUp(input) {
      return inTransaction(pool, async (client) => {
        // The hedge's row lock orders executors deciding at once: a new follow-up is written only by a decision that
        // saw every follow-up written so far, so a retry and an unwind (or two retries) are never both sent.
        await client.query('SELECT 1 FROM open_hedges WHERE signal_id = $1 FOR UPDATE', [input.signalId]);
        const { rows: known } = await client.query('SELECT 1 FROM orders WHERE client_order_id = $1', [
          input.clientOrderId,
        ]);
        if (known.length === 0) {
          const { rows: counted } = await client.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM orders WHERE hedge_of = $1',
            [input.signalId],
          );
          if (counted[0]!.n !== input.seenFollowUps) return undefined;
        }
        await client.query(
          `INSERT INTO orders (signal_id, venue, market_id, side, action, count_hundredths, limit_price_micros, mode,
                               client_order_id, hedge_of)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'live', $8, $1)
           ON CONFLICT (client_order_id) DO NOTHING`,
          [
            input.signalId,
            input.venue,
            input.marketId,
            input.side,
            input.action,
            input.quantity,
            input.limitPriceMicros,
            input.clientOrderId,
          ],
        );
        await client.query(
          `UPDATE open_hedges SET attempts = (SELECT count(*) FROM orders WHERE hedge_of = $1), resolution = 'still_open'
            WHERE signal_id = $1`,
          [input.signalId],
        );
        const { rows } = await client.query(`${HEDGE_ORDERS_SQL} AND o.client_order_id = $2`, [
          input.signalId,
          input.clientOrderId,
        ]);
        const row = hedgeOrderRow.parse(rows[0]);
        if (row.hedge_of !== input.signalId) {
          throw new Error(`client order id ${input.clientOrderId} belongs to another order`);
        }
        return hedgeOrder(row);
      });
    },

    async orderStatus(orderId) {
      const { rows } = await pool.query(
        'SELECT id, venue, status, count_hundredths, filled_hundredths FROM orders WHERE id = $1',
        [orderId],
      );
      if (!rows[0]) return undefined;
      return sibling(
        z
          .object({ id: z.string(), venue: z.enum(venues), status, count_hundredths: int, filled_hundredths: int })
          .parse(rows[0]),
      );
    },
  };
}

const hedgeOrderRow = z.object({
  id: z.string(),
  client_order_id: z.string(),
  venue: z.enum(venues),
  market_id: z.string(),
  venue_market_id: z.string(),
  game_id: z.string().nullable(),
  side: z.enum(sides),
  action: z.enum(['buy', 'sell']),
  status,
  count_hundredths: int,
  filled_hundredths: int,
  limit_price_micros: int,
  hedge_of: z.string().nullable(),
  cost_micros: int,
  first_fill_at: z.date().nullable(),
  candidate: z.unknown(),
});

function hedgeOrder(row: z.infer<typeof hedgeOrderRow>): HedgeOrder {
  return {
    orderId: row.id,
    clientOrderId: row.client_order_id,
    venue: row.venue,
    marketId: row.market_id,
    venueMarketId: row.venue_market_id,
    side: row.side,
    action: row.action,
    status: row.status,
    countHundredths: quantityHundredths(row.count_hundredths),
    filledHundredths: quantityHundredths(row.filled_hundredths),
    limitPriceMicros: priceMicros(row.limit_price_micros),
  };
}

/** A signal's live orders (its legs and its hedge's follow-ups, oldest first) with what each one's fills cost. */
const HEDGE_ORDERS_SQL = `
SELECT o.id, o.client_order_id, o.venue, o.market_id, m.venue_market_id, m.game_id, o.side, o.action, o.status,
       o.count_hundredths, o.filled_hundredths, o.limit_price_micros, o.hedge_of,
       (SELECT coalesce(sum(f.cost_micros + f.fee_micros), 0)::bigint FROM fills f WHERE f.order_id = o.id) AS cost_micros,
       (SELECT min(f.filled_at) FROM fills f WHERE f.order_id = o.id) AS first_fill_at,
       sc.payload AS candidate
  FROM orders o
  JOIN markets m ON m.id = o.market_id
  JOIN trading_signals ts ON ts.id = o.signal_id
  JOIN signal_candidates sc ON sc.id = ts.candidate_id
 WHERE o.signal_id = $1 AND o.mode = 'live'`;

/**
 * A sale's fill (an unwind): the live position gives up the contracts with their share of cost and fees, the
 * realized P&L takes the difference (on the position, and in the fill's own row, which counts it on the fill's day),
 * and the live bankroll is credited the proceeds minus the venue's fee, one audited change per fill.
 */
async function bookSaleFill(client: pg.PoolClient, order: StoredOrder, fill: VenueFill, fillRowId: string) {
  const { rows } = await client.query<{
    id: string;
    quantity_hundredths: number;
    cost_micros: number;
    fees_micros: number;
  }>(
    `SELECT id, quantity_hundredths, cost_micros, fees_micros FROM positions
      WHERE mode = 'live' AND market_id = $1 AND side = $2 AND status = 'open' FOR UPDATE`,
    [order.marketId, order.side],
  );
  const held = rows[0];
  if (!held) throw new Error(`order ${order.orderId} sold contracts of no open live position`);
  const booked = bookSale(
    {
      quantity: quantityHundredths(held.quantity_hundredths),
      costMicros: moneyMicros(held.cost_micros),
      feesMicros: moneyMicros(held.fees_micros),
    },
    { quantity: fill.quantity, proceedsMicros: fill.costMicros, feeMicros: fill.feeMicros },
  );
  await client.query(
    `UPDATE positions SET quantity_hundredths = quantity_hundredths - $2, cost_micros = cost_micros - $3,
                          fees_micros = fees_micros - $4,
                          realized_pnl_micros = coalesce(realized_pnl_micros, 0) + $5
      WHERE id = $1`,
    [held.id, fill.quantity, booked.releasedCostMicros, booked.releasedFeesMicros, booked.realizedPnlMicros],
  );
  // The daily loss limit counts it on the fill's day, not when the rest of the position settles (0770).
  await client.query(
    `INSERT INTO sale_realized_pnl (fill_id, position_id, mode, realized_pnl_micros, realized_at)
     VALUES ($1, $2, 'live', $3, to_timestamp($4 / 1000.0))`,
    [fillRowId, held.id, booked.realizedPnlMicros, fill.filledAtMs],
  );
  await client.query(
    `UPDATE bankroll SET balance_micros = balance_micros + $1, version = version + 1,
                         last_reason = 'live_sale_fill', last_ref = $2
      WHERE account = 'default' AND mode = 'live'`,
    [booked.creditMicros, fillRowId],
  );
}

/** A status already past an event (a report seen twice) stays where it is: only new facts move an order. */
function walkFrom(from: OrderStatus, events: readonly OrderEvent[]): OrderStatus {
  if (events.length === 1 && events[0] === 'accepted' && from !== 'pending') return from;
  if (from === 'filled' || from === 'cancelled' || from === 'rejected') return from;
  return walk(from, events);
}
