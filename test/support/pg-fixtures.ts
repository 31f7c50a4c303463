import type { Queryable } from '#adapters/pg/rows';

/** Minimal valid reference rows for tests that need a market (a game between two teams, one market per venue). */
export interface MarketFixture {
  homeTeamId: string;
  awayTeamId: string;
  gameId: string;
  kalshiMarketId: string;
  polymarketMarketId: string;
}

async function one<T>(db: Queryable, sql: string, values: unknown[]): Promise<T> {
  const { rows } = await db.query(sql, values);
  const [row] = rows;
  if (!row) throw new Error(`fixture insert returned nothing: ${sql}`);
  return row as T;
}

export async function insertMarketFixture(db: Queryable, tag: string): Promise<MarketFixture> {
  const home = await one<{ id: string }>(
    db,
    `INSERT INTO teams (sport, abbreviation, name) VALUES ('nba', $1, $2) RETURNING id`,
    [`H${tag}`.slice(0, 8), `Home ${tag}`],
  );
  const away = await one<{ id: string }>(
    db,
    `INSERT INTO teams (sport, abbreviation, name) VALUES ('nba', $1, $2) RETURNING id`,
    [`A${tag}`.slice(0, 8), `Away ${tag}`],
  );
  const game = await one<{ id: string }>(
    db,
    `INSERT INTO games (sport, home_team_id, away_team_id, starts_at, espn_event_id)
     VALUES ('nba', $1, $2, now(), $3) RETURNING id`,
    [home.id, away.id, `espn-${tag}`],
  );
  const market = (venue: string) =>
    one<{ id: string }>(
      db,
      `INSERT INTO markets (venue, venue_market_id, game_id, outcome_team_id, yes_meaning, resolution_rule,
                            resolution_key)
       VALUES ($1, $2, $3, $4, 'home team wins', 'Resolves YES if the home team wins, overtime included',
               'moneyline:incl_ot') RETURNING id`,
      [venue, `${venue}-${tag}`, game.id, home.id],
    );
  const kalshi = await market('kalshi');
  const polymarket = await market('polymarket');
  return {
    homeTeamId: home.id,
    awayTeamId: away.id,
    gameId: game.id,
    kalshiMarketId: kalshi.id,
    polymarketMarketId: polymarket.id,
  };
}
