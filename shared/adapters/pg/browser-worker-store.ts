import type pg from 'pg';
import { feeScheduleOf } from '#domain/fees';
import { jobStatus } from '#domain/status/jobs';
import { type SessionStatus, sessionStatus } from '#domain/status/sessions';
import { nameBasedUuid } from '../../contracts/ids.ts';
import type { BrowserWorkerStore, GameAsk, SportsbookPrice, WorkerRegistry } from '../../ports/browser-worker.ts';
import { runQuery } from './errors.ts';
import { epochMs, safeInteger } from './rows.ts';
import { inTransaction } from './transaction.ts';
import { recordHeartbeat, registerWorker } from './workers.ts';

export const sportsbookVenue = (sportsbook: string) => `sportsbook:${sportsbook}`;

/** A sportsbook selection's market row id: one per (sportsbook, event, selection), derived like `marketIdFor`. */
export function sportsbookMarketId(sportsbook: string, eventKey: string, selection: string): string {
  return nameBasedUuid(['market', sportsbookVenue(sportsbook), eventKey, selection]);
}

interface HeldRow {
  status: string;
  attempts: number;
  max_attempts: number;
  worker_alive: boolean | null;
  worker_id: string | null;
  confirming_at: Date | null;
  result: Record<string, unknown> | null;
  user_id: string;
}

/** The browser worker's store on Postgres, as the `sharpline_browser_worker` role. */
export function createPgBrowserWorkerStore(pool: pg.Pool): BrowserWorkerStore {
  return {
    takeJob: ({ jobId, workerId }) =>
      inTransaction(pool, async (tx) => {
        const { rows } = await runQuery<HeldRow>(
          tx,
          `SELECT j.status, j.attempts, j.max_attempts, j.worker_id, j.confirming_at, j.result, j.user_id,
                  w.last_heartbeat_at >= now() - w.heartbeat_timeout_ms * interval '1 millisecond'
                    AND w.status <> 'offline' AS worker_alive
             FROM jobs j LEFT JOIN workers w ON w.id = j.worker_id
            WHERE j.id = $1 FOR UPDATE OF j`,
          [jobId],
        );
        const row = rows[0];
        if (!row) return { outcome: 'drop', reason: 'unknown' };
        if (row.status !== 'queued' && row.status !== 'running') return { outcome: 'drop', reason: 'finished' };
        // A running job is taken over only from a worker that stopped beating (or from this worker's own earlier
        // life, after a restart under the same name): a live holder is still working on it.
        if (row.status === 'running' && row.worker_id !== workerId && row.worker_alive) {
          return { outcome: 'held_elsewhere' };
        }
        if (row.attempts >= row.max_attempts) {
          await runQuery(
            tx,
            `UPDATE jobs SET status = 'failed', error = 'attempts_exhausted', finished_at = now()
              WHERE id = $1 AND status = ANY($2::text[])`,
            [jobId, jobStatus.sourcesOf('failed')],
          );
          return { outcome: 'drop', reason: 'attempts_exhausted' };
        }
        const { rows: held } = await runQuery<{ attempts: number }>(
          tx,
          `UPDATE jobs SET status = 'running', attempts = attempts + 1, worker_id = $2,
                  started_at = COALESCE(started_at, now())
            WHERE id = $1 RETURNING attempts`,
          [jobId, workerId],
        );
        if (row.status === 'queued') jobStatus.assertTransition('queued', 'running');
        return {
          outcome: 'held',
          job: {
            id: jobId,
            userId: row.user_id,
            attempts: held[0]?.attempts ?? row.attempts + 1,
            confirmingAt: row.confirming_at,
            result: row.result,
          },
        };
      }),

    async finishJob({ jobId, workerId, status, result, error, screenshotKey }) {
      const { rowCount } = await runQuery(
        pool,
        `UPDATE jobs SET status = $3, result = $4, error = $5, screenshot_key = COALESCE($6, screenshot_key),
                finished_at = now()
          WHERE id = $1 AND worker_id = $2 AND status = ANY($7::text[])`,
        [
          jobId,
          workerId,
          status,
          JSON.stringify(result),
          error ?? null,
          screenshotKey ?? null,
          jobStatus.sourcesOf(status),
        ],
      );
      return (rowCount ?? 0) > 0;
    },

    async markConfirming({ jobId, workerId, result }) {
      const { rowCount } = await runQuery(
        pool,
        `UPDATE jobs SET confirming_at = now(), result = $3 WHERE id = $1 AND worker_id = $2 AND status = 'running'`,
        [jobId, workerId, JSON.stringify(result)],
      );
      return (rowCount ?? 0) > 0;
    },

    async isRunning(jobId) {
      const { rows } = await runQuery(pool, `SELECT 1 FROM jobs WHERE id = $1 AND status = 'running'`, [jobId]);
      return rows.length > 0;
    },

    async hasActiveConsent({ userId, scope, sportsbook }) {
      const { rows } = await runQuery(
        pool,
        `SELECT 1 FROM user_consents
          WHERE user_id = $1 AND scope = $2 AND sportsbook = $3 AND revoked_at IS NULL LIMIT 1`,
        [userId, scope, sportsbook],
      );
      return rows.length > 0;
    },

    async findSession({ userId, sessionId }) {
      const { rows } = await runQuery<{
        id: string;
        user_id: string;
        sportsbook: string;
        status: SessionStatus;
        expires_at: Date;
        ciphertext: Buffer;
        nonce: Buffer;
        auth_tag: Buffer;
        key_id: string;
      }>(
        pool,
        `SELECT id, user_id, sportsbook, status, expires_at, ciphertext, nonce, auth_tag, key_id
           FROM sportsbook_sessions WHERE id = $1 AND user_id = $2`,
        [sessionId, userId],
      );
      const row = rows[0];
      return (
        row && {
          id: row.id,
          userId: row.user_id,
          sportsbook: row.sportsbook,
          status: row.status,
          expiresAt: row.expires_at,
          ciphertext: row.ciphertext,
          nonce: row.nonce,
          authTag: row.auth_tag,
          keyId: row.key_id,
        }
      );
    },

    async setSessionStatus({ userId, sessionId, to }) {
      const { rowCount } = await runQuery(
        pool,
        `UPDATE sportsbook_sessions SET status = $3 WHERE id = $1 AND user_id = $2 AND status = ANY($4::text[])`,
        [sessionId, userId, to, sessionStatus.sourcesOf(to)],
      );
      return (rowCount ?? 0) > 0;
    },

    async writePrices(prices) {
      if (prices.length === 0) return;
      const ids = prices.map((p) => sportsbookMarketId(p.sportsbook, p.eventKey, p.selection));
      const venues = prices.map((p) => sportsbookVenue(p.sportsbook));
      await runQuery(
        pool,
        `INSERT INTO markets (id, venue, venue_market_id, yes_meaning, title, resolution_rule, resolution_key)
         SELECT t.id, t.venue, t.event_key || '|' || t.selection, t.selection || ' wins', t.selection,
                'the sportsbook''s own settlement rules', 'sportsbook-event|' || t.event_key
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS t(id, venue, event_key, selection)
         ON CONFLICT DO NOTHING`,
        [ids, venues, prices.map((p) => p.eventKey), prices.map((p) => p.selection)],
      );
      await runQuery(
        pool,
        `INSERT INTO market_prices (observed_at, market_id, venue, side, ask_micros, american_odds)
         SELECT timestamptz 'epoch' + t.at_ms * interval '1 millisecond', t.id, t.venue, 'yes', t.ask, t.odds
           FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::bigint[], $5::integer[]) AS t(at_ms, id, venue, ask, odds)
         ON CONFLICT (market_id, side, observed_at) DO NOTHING`,
        [
          prices.map((p) => p.observedAtMs),
          ids,
          venues,
          prices.map((p) => p.askMicros),
          prices.map((p) => p.americanOdds),
        ],
      );
    },

    async latestEventPrices({ eventKey, sinceMs }) {
      const { rows } = await runQuery<{
        venue: string;
        venue_market_id: string;
        title: string;
        american_odds: number;
        ask_micros: string | number;
        observed_at: Date;
      }>(
        pool,
        `SELECT DISTINCT ON (p.market_id) m.venue, m.venue_market_id, m.title, p.american_odds, p.ask_micros,
                p.observed_at
           FROM markets m JOIN market_prices p ON p.market_id = m.id AND p.side = 'yes'
          WHERE m.resolution_key = $1 AND m.venue LIKE 'sportsbook:%' AND p.american_odds IS NOT NULL
            AND p.observed_at >= timestamptz 'epoch' + $2::bigint * interval '1 millisecond'
          ORDER BY p.market_id, p.observed_at DESC`,
        [`sportsbook-event|${eventKey}`, sinceMs],
      );
      return rows.map(
        (row): SportsbookPrice => ({
          sportsbook: row.venue.slice('sportsbook:'.length),
          eventKey,
          selection: row.title,
          americanOdds: row.american_odds,
          askMicros: safeInteger(row.ask_micros),
          observedAtMs: epochMs(row.observed_at),
        }),
      );
    },

    async findGames({ sport, home, away, fromMs, toMs }) {
      const { rows } = await runQuery<{ id: string; starts_at: Date }>(
        pool,
        `SELECT g.id, g.starts_at
           FROM games g
           JOIN teams h ON h.id = g.home_team_id
           JOIN teams a ON a.id = g.away_team_id
          WHERE g.sport = $1 AND h.abbreviation = $2 AND a.abbreviation = $3
            AND g.starts_at BETWEEN timestamptz 'epoch' + $4::bigint * interval '1 millisecond'
                                AND timestamptz 'epoch' + $5::bigint * interval '1 millisecond'
          ORDER BY g.starts_at, g.id`,
        [sport, home, away, fromMs, toMs],
      );
      return rows.map((row) => ({ id: row.id, startsAtMs: epochMs(row.starts_at) }));
    },

    async latestGameAsks({ gameId, sinceMs }) {
      const { rows } = await runQuery<{
        venue: 'kalshi' | 'polymarket';
        venue_market_id: string;
        outcome: 'home' | 'away';
        resolution_key: string;
        taker_fee_rate_ppm: number;
        fee_multiplier_ppm: number;
        fee_exponent: number;
        ask_micros: string | number;
        observed_at: Date;
      }>(
        pool,
        `SELECT DISTINCT ON (m.id) m.venue, m.venue_market_id, m.resolution_key, m.taker_fee_rate_ppm,
                m.fee_multiplier_ppm, m.fee_exponent, p.ask_micros, p.observed_at,
                CASE WHEN m.outcome_team_id = g.home_team_id THEN 'home' ELSE 'away' END AS outcome
           FROM markets m
           JOIN games g ON g.id = m.game_id
           JOIN market_prices p ON p.market_id = m.id AND p.side = 'yes'
          WHERE m.game_id = $1 AND m.venue IN ('kalshi', 'polymarket') AND m.status = 'open'
            AND m.outcome_team_id IN (g.home_team_id, g.away_team_id) AND p.ask_micros IS NOT NULL
            AND p.observed_at >= timestamptz 'epoch' + $2::bigint * interval '1 millisecond'
          ORDER BY m.id, p.observed_at DESC`,
        [gameId, sinceMs],
      );
      return rows.map(
        (row): GameAsk => ({
          venue: row.venue,
          venueMarketId: row.venue_market_id,
          outcome: row.outcome,
          resolutionKey: row.resolution_key,
          askMicros: safeInteger(row.ask_micros),
          fee: feeScheduleOf(row.venue, {
            takerFeeRatePpm: row.taker_fee_rate_ppm,
            feeMultiplierPpm: row.fee_multiplier_ppm,
            feeExponent: row.fee_exponent,
          }),
          observedAtMs: epochMs(row.observed_at),
        }),
      );
    },
  };
}

/** The worker registry on Postgres: the worker's name is its identity, as the API's register route has it. */
export function createPgWorkerRegistry(pool: pg.Pool): WorkerRegistry {
  return {
    async register(input) {
      const row = await registerWorker(pool, input);
      return { id: row.id };
    },
    async heartbeat(input) {
      await recordHeartbeat(pool, input);
    },
    async deregister(id) {
      await runQuery(pool, `UPDATE workers SET status = 'offline', current_job_id = NULL WHERE id = $1`, [id]);
    },
  };
}
