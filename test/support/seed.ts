import { applyBankrollChange } from '#adapters/pg/bankroll';
import type { Queryable } from '#adapters/pg/rows';
import { venueSettlementRules } from '#domain/settlement/index';
import { kalshiLeg, polymarketLeg, SAMPLE_GAME_ID } from './sample-candidates.ts';

export interface SampleGame {
  gameId: string;
  homeTeamId: string;
  awayTeamId: string;
  /** YES on the Kalshi market pays if the home team wins; the Polymarket market is on the same team. */
  kalshiMarketId: string;
  polymarketMarketId: string;
}

/**
 * Two teams, a game and one market per venue matching the sample candidates, so local runs, tests and the benchmark
 * trade against real reference rows. `suffix` makes several games in one database (abbreviations are unique).
 */
export async function seedSampleGame(
  db: Queryable,
  opts: { gameId?: string; suffix?: string } = {},
): Promise<SampleGame> {
  const gameId = opts.gameId ?? SAMPLE_GAME_ID;
  const suffix = opts.suffix ?? '';
  const { rows: teams } = await db.query<{ id: string }>(
    `INSERT INTO teams (sport, abbreviation, name) VALUES ('nba', $1, 'Boston Celtics' || $3), ('nba', $2, 'Golden State Warriors' || $3)
     RETURNING id`,
    [`BOS${suffix}`, `GSW${suffix}`, suffix],
  );
  const [home, away] = teams as [{ id: string }, { id: string }];
  await db.query(
    `INSERT INTO games (id, sport, home_team_id, away_team_id, starts_at, status) VALUES ($1, 'nba', $2, $3, now(), 'in_progress')`,
    [gameId, home.id, away.id],
  );
  const market = async (venue: 'kalshi' | 'polymarket', venueMarketId: string) => {
    const rule = venueSettlementRules[venue];
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO markets (venue, venue_market_id, game_id, outcome_team_id, yes_meaning, resolution_rule, resolution_key,
                            tie_yes_payout_micros, cancel_yes_payout_micros, postpone_window_hours)
       VALUES ($1, $2, $3, $4, 'home team wins', 'moneyline including overtime', 'moneyline:incl_ot', $5, $6, $7)
       RETURNING id`,
      [
        venue,
        venueMarketId,
        gameId,
        home.id,
        rule.tieYesPayoutMicros,
        rule.cancelYesPayoutMicros,
        rule.postponeWindowHours,
      ],
    );
    return rows[0]!.id;
  };
  return {
    gameId,
    homeTeamId: home.id,
    awayTeamId: away.id,
    kalshiMarketId: await market('kalshi', `${kalshiLeg().venueMarketId}${suffix}`),
    polymarketMarketId: await market('polymarket', `${polymarketLeg().venueMarketId}${suffix}`),
  };
}

export async function fundPaperBankroll(db: Queryable, micros: number, ref = 'seed'): Promise<void> {
  await applyBankrollChange(db, { mode: 'paper', deltaMicros: micros, reason: 'deposit', ref });
}
